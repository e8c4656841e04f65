// Subset accuracy, loss and confidence in chunked forward passes.
#include "comparison.h"

#include "subsetpass.h"

namespace core {

SubsetMetrics evaluateSubset(const Network &network, const Dataset &test, int count)
{
    SubsetMetrics metrics;
    SubsetPass pass(network, test, count);
    metrics.count = pass.size();
    if (metrics.count == 0)
        return metrics;
    double lossSum = 0;
    double confidenceSum = 0;
    int correct = 0;
    pass.forward(network, [&](int, const Batch &batch, const Workspace &workspace) {
        const Matrix &probabilities = workspace.activations.back();
        for (int s = 0; s < batch.size(); ++s) {
            Eigen::Index predicted = 0;
            const float confidence = probabilities.col(s).maxCoeff(&predicted);
            const int label = batch.label(s);
            correct += int(predicted) == label;
            confidenceSum += confidence;
            lossSum += sampleLoss(probabilities(label, s));
        }
    });
    metrics.accuracy = float(double(correct) / metrics.count);
    metrics.loss = float(lossSum / metrics.count);
    metrics.meanConfidence = float(confidenceSum / metrics.count);
    return metrics;
}

NetworkComparison compareNetworks(const Network &initial, const Network &current, const Dataset &test, int count)
{
    return {evaluateSubset(initial, test, count), evaluateSubset(current, test, count)};
}

} // namespace core
