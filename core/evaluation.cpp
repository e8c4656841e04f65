// Whole-dataset evaluation in batches, with its own workspace (safe beside a running trainer
// only on a copy of the network: it reads the parameters).
#include "evaluation.h"

#include <algorithm>
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
    const int hidden = network.layerCount() - 1;
    std::vector<std::vector<char>> active(std::size_t(std::max(0, hidden)));
    for (int l = 0; l < hidden; ++l)
        active[l].assign(std::size_t(network.layer(l).outputSize()), 0);
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
        for (int l = 0; l < hidden; ++l) {
            if (network.architecture().activations[l] != Activation::ReLU)
                continue;
            const Eigen::Array<bool, Eigen::Dynamic, 1> fired
                = (workspace.activations[l].leftCols(n).array() != 0.0f).rowwise().any();
            for (Eigen::Index unit = 0; unit < fired.size(); ++unit)
                active[l][unit] |= char(fired[unit]);
        }
    }
    for (int l = 0; l < hidden; ++l) {
        const bool relu = network.architecture().activations[l] == Activation::ReLU;
        result.deadUnits.push_back(relu ? int(std::count(active[l].begin(), active[l].end(), char(0))) : 0);
    }
    result.loss = float(lossSum / total);
    result.accuracy = float(correct) / float(total);
    return result;
}

} // namespace core
