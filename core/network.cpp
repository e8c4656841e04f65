// MLP forward/backward over a Workspace. Legend: n = samples in the batch, L = dense layers.
#include "network.h"

#include "isa/kernels.h"

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
    isa::kernels().softmaxColumns(values.data(), values.rows(), values.cols(), values.outerStride());
}

void Network::forward(const Batch &batch, Workspace &workspace) const
{
    assert(batch.size() <= workspace.capacity);
    for (int l = 0; l + 1 < layerCount(); ++l)
        forwardHidden(l, batch, workspace, m_layers[l].allRows());
    forwardOutput(batch, workspace);
}

void Network::forwardLayer(int layer, const Batch &batch, Workspace &workspace, IndexRange rows,
                           IndexRange samples) const
{
    auto output = workspace.activations[layer].leftCols(batch.size());
    if (layer == 0)
        m_layers[0].forward(batch, output, rows, samples);
    else
        m_layers[layer].forward(workspace.activations[layer - 1].middleCols(samples.begin, samples.size()),
                                output.middleCols(samples.begin, samples.size()), rows);
    auto block = output.block(rows.begin, samples.begin, rows.size(), samples.size());
    if (layer + 1 < layerCount())
        applyActivation(m_architecture.activations[layer], block);
    else
        softmaxColumns(block);
}

void Network::forwardHidden(int layer, const Batch &batch, Workspace &workspace, IndexRange rows) const
{
    assert(layer + 1 < layerCount());
    forwardLayer(layer, batch, workspace, rows, {0, batch.size()});
}

void Network::forwardOutput(const Batch &batch, Workspace &workspace) const
{
    const int last = layerCount() - 1;
    forwardLayer(last, batch, workspace, m_layers[last].allRows(), {0, batch.size()});
}

void Network::forwardSamples(const Batch &batch, Workspace &workspace, IndexRange samples,
                             const std::vector<Matrix> *firstLayerPartials) const
{
    int l = 0;
    if (firstLayerPartials && layerCount() > 1) {
        auto output = workspace.activations[0].middleCols(samples.begin, samples.size());
        output.colwise() = m_layers[0].bias();
        for (const Matrix &partial : *firstLayerPartials)
            output += partial.middleCols(samples.begin, samples.size());
        applyActivation(m_architecture.activations[0], output);
        l = 1;
    }
    for (; l < layerCount(); ++l)
        forwardLayer(l, batch, workspace, m_layers[l].allRows(), samples);
}

void Network::firstLayerPartial(const Batch &batch, Matrix &partial, IndexRange pixels) const
{
    m_layers[0].partialForward(batch, partial.leftCols(batch.size()), pixels);
}

void Network::backwardSamples(const Batch &batch, Workspace &workspace, float lossScale, IndexRange samples) const
{
    outputGradient(batch, workspace, lossScale, samples);
    for (int l = layerCount() - 1; l >= 1; --l) {
        const auto gradient = workspace.outputGradients[l].middleCols(samples.begin, samples.size());
        auto previous = workspace.outputGradients[l - 1].middleCols(samples.begin, samples.size());
        m_layers[l].inputGradient(gradient, previous, {0, m_layers[l].inputSize()});
        multiplyByDerivative(m_architecture.activations[l - 1],
                             workspace.activations[l - 1].middleCols(samples.begin, samples.size()), previous);
    }
}

void Network::weightGradientColumns(int layer, const Batch &batch, Workspace &workspace, IndexRange columns) const
{
    const int n = batch.size();
    const auto gradient = workspace.outputGradients[layer].leftCols(n);
    if (layer == 0)
        m_layers[0].weightGradient(batch, gradient, workspace.weightGradients[0], columns);
    else
        m_layers[layer].weightGradient(workspace.activations[layer - 1].leftCols(n), gradient,
                                       workspace.weightGradients[layer], columns);
}

void Network::biasGradientRows(int layer, const Batch &batch, Workspace &workspace, IndexRange rows) const
{
    workspace.biasGradients[layer].segment(rows.begin, rows.size()).noalias()
        = workspace.outputGradients[layer].leftCols(batch.size()).middleRows(rows.begin, rows.size()).rowwise().sum();
}

namespace {
// Layer l's output block for this batch, and its input: the sparse batch for layer 0.
template <typename Function>
void withInput(int layer, const Batch &batch, const Workspace &workspace, Function &&function)
{
    if (layer == 0)
        function(batch);
    else
        function(workspace.activations[layer - 1].leftCols(batch.size()));
}
} // namespace

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
    outputGradient(batch, workspace, lossScale);
    for (int l = layerCount() - 1; l >= 0; --l)
        backwardLayer(l, batch, workspace, m_layers[l].allRows(), {0, m_layers[l].inputSize()});
}

void Network::outputGradient(const Batch &batch, Workspace &workspace, float lossScale) const
{
    outputGradient(batch, workspace, lossScale, {0, batch.size()});
}

void Network::outputGradient(const Batch &batch, Workspace &workspace, float lossScale, IndexRange samples) const
{
    // Fused softmax + cross-entropy: dL/dz = (P - onehot(label)) * lossScale.
    const int last = layerCount() - 1;
    auto gradient = workspace.outputGradients[last].middleCols(samples.begin, samples.size());
    gradient = workspace.activations[last].middleCols(samples.begin, samples.size());
    for (int s = samples.begin; s < samples.end; ++s)
        gradient(batch.label(s), s - samples.begin) -= 1.0f;
    gradient *= lossScale;
}

void Network::backwardLayer(int layer, const Batch &batch, Workspace &workspace, IndexRange rows,
                            IndexRange inputRows) const
{
    const int n = batch.size();
    const auto gradient = workspace.outputGradients[layer].leftCols(n);
    withInput(layer, batch, workspace, [&](const auto &input) {
        m_layers[layer].backward(input, gradient, workspace.weightGradients[layer], workspace.biasGradients[layer],
                                 rows);
    });
    if (layer == 0 || inputRows.size() == 0)
        return; // no gradient with respect to the input pixels is needed
    auto previous = workspace.outputGradients[layer - 1].leftCols(n);
    m_layers[layer].inputGradient(gradient, previous, inputRows);
    multiplyByDerivative(m_architecture.activations[layer - 1],
                         workspace.activations[layer - 1].leftCols(n).middleRows(inputRows.begin, inputRows.size()),
                         previous.middleRows(inputRows.begin, inputRows.size()));
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
