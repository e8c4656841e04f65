// Whole-dataset evaluation in batches, with its own workspace (safe beside a running trainer
// only on a copy of the network: it reads the parameters).
#include "evaluation.h"

#include <numeric>

namespace core {

Evaluation evaluate(const Network &network, const Dataset &data, int batchSize)
{
    Evaluation result;
    const int total = data.count();
    if (total == 0)
        return result;
    batchSize = std::max(1, std::min(batchSize, total));
    Batch batch(batchSize, data.pixelsPerImage());
    Workspace workspace(network, batchSize);
    std::vector<int> indices(batchSize);
    double lossSum = 0;
    int correct = 0;
    for (int start = 0; start < total; start += batchSize) {
        const int n = std::min(batchSize, total - start);
        std::iota(indices.begin(), indices.begin() + n, start);
        batch.gather(data, indices.data(), n);
        network.forward(batch, workspace);
        const BatchResult batchResult = network.evaluateOutput(batch, workspace);
        lossSum += double(batchResult.loss) * n;
        correct += batchResult.correct;
        const auto &probabilities = workspace.activations.back();
        for (int s = 0; s < n; ++s) {
            Eigen::Index predicted = 0;
            probabilities.col(s).maxCoeff(&predicted);
            result.confusion[batch.label(s)][predicted] += 1;
        }
    }
    result.loss = float(lossSum / total);
    result.accuracy = float(correct) / float(total);
    return result;
}

} // namespace core
