// MLP forward/backward over a Workspace. Legend: n = samples in the batch, L = dense layers.
#include "network.h"

#include <cassert>
#include <cmath>
#include <random>

namespace core {

Workspace::Workspace(const Network &network, int capacity_) : capacity(capacity_)
{
    for (int l = 0; l < network.layerCount(); ++l) {
        const DenseLayer &layer = network.layer(l);
        activations.emplace_back(layer.outputSize(), capacity);
        outputGradients.emplace_back(layer.outputSize(), capacity);
        weightGradients.emplace_back(layer.outputSize(), layer.inputSize());
        biasGradients.emplace_back(layer.outputSize());
    }
}

Network::Network(Architecture architecture, std::uint64_t seed) : m_architecture(std::move(architecture))
{
    assert(m_architecture.validate().empty());
    std::mt19937_64 rng(seed);
    const int count = m_architecture.denseLayerCount();
    m_layers.reserve(count);
    for (int l = 0; l < count; ++l) {
        m_layers.emplace_back(m_architecture.sizes[l], m_architecture.sizes[l + 1]);
        m_layers.back().initialize(l + 1 < count ? Initialization::He : Initialization::Xavier, rng);
    }
}

void softmaxColumns(Eigen::Ref<Matrix> values)
{
    for (Eigen::Index s = 0; s < values.cols(); ++s) {
        auto column = values.col(s).array();
        column = (column - column.maxCoeff()).exp(); // subtract the max for stability
        column /= column.sum();
    }
}

void Network::forward(const Batch &batch, Workspace &workspace) const
{
    const int n = batch.size();
    const int count = layerCount();
    assert(n <= workspace.capacity);
    for (int l = 0; l < count; ++l) {
        auto output = workspace.activations[l].leftCols(n);
        if (l == 0)
            m_layers[0].forward(batch, output);
        else
            m_layers[l].forward(workspace.activations[l - 1].leftCols(n), output);
        if (l + 1 < count)
            applyActivation(m_architecture.activations[l], output);
        else
            softmaxColumns(output);
    }
}

BatchResult Network::evaluateOutput(const Batch &batch, const Workspace &workspace) const
{
    const auto probabilities = workspace.activations.back().leftCols(batch.size());
    BatchResult result;
    double loss = 0;
    for (int s = 0; s < batch.size(); ++s) {
        Eigen::Index predicted = 0;
        probabilities.col(s).maxCoeff(&predicted);
        const int label = batch.label(s);
        result.correct += int(predicted) == label;
        // Cross-entropy -log p[label], clipped so a confident mistake costs at most ~27.6.
        loss -= std::log(std::max(probabilities(label, s), 1e-12f));
    }
    result.loss = float(loss / std::max(1, batch.size()));
    return result;
}

void Network::backward(const Batch &batch, Workspace &workspace, float lossScale) const
{
    const int n = batch.size();
    const int last = layerCount() - 1;
    // Fused softmax + cross-entropy: dL/dz = (P - onehot(label)) * lossScale.
    auto outputGradient = workspace.outputGradients[last].leftCols(n);
    outputGradient = workspace.activations[last].leftCols(n);
    for (int s = 0; s < n; ++s)
        outputGradient(batch.label(s), s) -= 1.0f;
    outputGradient *= lossScale;

    for (int l = last; l >= 0; --l) {
        const auto gradient = workspace.outputGradients[l].leftCols(n);
        if (l == 0) {
            m_layers[0].backward(batch, gradient, workspace.weightGradients[0], workspace.biasGradients[0]);
            break; // no gradient with respect to the input pixels is needed
        }
        const auto input = workspace.activations[l - 1].leftCols(n);
        m_layers[l].backward(input, gradient, workspace.weightGradients[l], workspace.biasGradients[l]);
        auto previous = workspace.outputGradients[l - 1].leftCols(n);
        m_layers[l].inputGradient(gradient, previous);
        multiplyByDerivative(m_architecture.activations[l - 1], input, previous);
    }
}

Prediction Network::predict(const float *pixels) const
{
    Batch batch(1, m_architecture.sizes.front());
    batch.setSingle(pixels);
    Workspace workspace(*this, 1);
    forward(batch, workspace);

    Prediction prediction;
    prediction.layerActivations.emplace_back(pixels, pixels + m_architecture.sizes.front());
    for (const Matrix &activation : workspace.activations)
        prediction.layerActivations.emplace_back(activation.data(), activation.data() + activation.rows());
    const std::vector<float> &output = prediction.layerActivations.back();
    for (int i = 0; i < int(output.size()) && i < 10; ++i)
        prediction.probabilities[i] = output[i];
    Eigen::Index digit = 0;
    workspace.activations.back().col(0).maxCoeff(&digit);
    prediction.digit = int(digit);
    return prediction;
}

} // namespace core
