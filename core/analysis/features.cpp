// Neuron statistics: the norms straight from the weight matrix, the firing rates from one chunked
// pass over the subset. z > 0 is read off the post-activation value, since every activation is
// monotonic: relu(z) > 0, sigmoid(z) > 1/2 and tanh(z) > 0 exactly when z > 0. The output layer
// keeps softmax probabilities, not logits, so there z is recomputed from the previous layer.
#include "features.h"

#include "subsetpass.h"

namespace core {
namespace {

float firingThreshold(Activation activation)
{
    return activation == Activation::Sigmoid ? 0.5f : 0.0f;
}

} // namespace

NeuronStatistics neuronStatistics(const Network &network, const Dataset &test, int layerIndex, int count)
{
    NeuronStatistics result;
    result.layerIndex = layerIndex;
    if (layerIndex < 0 || layerIndex >= network.layerCount())
        return result;
    const DenseLayer &layer = network.layer(layerIndex);
    const int units = layer.outputSize();
    result.weightNorms.resize(std::size_t(units));
    for (int u = 0; u < units; ++u)
        result.weightNorms[std::size_t(u)] = layer.weights().row(u).norm();

    SubsetPass pass(network, test, count);
    result.samples = pass.size();
    std::vector<int> fired(std::size_t(units), 0);
    const bool output = layerIndex + 1 == network.layerCount();
    const float threshold
        = output ? 0.0f : firingThreshold(network.architecture().activations[std::size_t(layerIndex)]);
    Matrix logits;
    if (output)
        logits.resize(units, pass.workspace().capacity);
    pass.forward(network, [&](int, const Batch &batch, const Workspace &workspace) {
        const int n = batch.size();
        if (output) {
            auto z = logits.leftCols(n);
            if (layerIndex == 0)
                layer.forward(batch, z, layer.allRows(), {0, n});
            else
                layer.forward(workspace.activations[std::size_t(layerIndex - 1)].leftCols(n), z, layer.allRows());
        }
        const Matrix &values = output ? logits : workspace.activations[std::size_t(layerIndex)];
        for (int s = 0; s < n; ++s)
            for (int u = 0; u < units; ++u)
                fired[std::size_t(u)] += values(u, s) > threshold ? 1 : 0;
    });
    result.firingRates.assign(std::size_t(units), 0.0f);
    if (result.samples > 0)
        for (int u = 0; u < units; ++u)
            result.firingRates[std::size_t(u)] = float(fired[std::size_t(u)]) / float(result.samples);
    return result;
}

} // namespace core
