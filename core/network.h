// A multi-layer perceptron: Dense + activation per hidden layer, Dense + Softmax output,
// trained with the fused softmax + cross-entropy gradient (P - Y) / n.
// The network holds parameters; a Workspace holds everything per batch (activations,
// gradients), preallocated for a capacity so a training step allocates nothing.
#pragma once

#include "architecture.h"
#include "batch.h"
#include "denselayer.h"
#include "tensor.h"
#include "threadteam.h"

#include <array>
#include <cstdint>
#include <vector>

namespace core {

class Network;

// Per-batch buffers for one network shape and a batch capacity.
struct Workspace
{
    Workspace() = default;
    Workspace(const Network &network, int capacity);

    int capacity = 0;
    std::vector<Matrix> activations; // per dense layer: (units, capacity), post-activation;
                                     // the last one holds the softmax probabilities
    std::vector<Matrix> outputGradients; // per dense layer: dL/dZ (units, capacity)
    std::vector<Matrix> weightGradients; // per dense layer: (out, in)
    std::vector<Vector> biasGradients; // per dense layer: (out)
};

struct BatchResult
{
    float loss = 0; // mean cross-entropy over the batch
    int correct = 0; // samples whose arg-max equals the label
};

// Everything a client shows for one input.
struct Prediction
{
    int digit = -1;
    std::array<float, 10> probabilities{};
    // One array per drawn layer: the 784 inputs, each hidden layer's post-activation values,
    // the output probabilities.
    std::vector<std::vector<float>> layerActivations;
};

class Network
{
public:
    explicit Network(Architecture architecture, std::uint64_t seed = 42);

    const Architecture &architecture() const { return m_architecture; }
    int layerCount() const { return int(m_layers.size()); } // dense layers
    DenseLayer &layer(int index) { return m_layers[index]; }
    const DenseLayer &layer(int index) const { return m_layers[index]; }
    std::int64_t parameterCount() const { return m_architecture.parameterCount(); }

    // Forward pass over batch.size() samples into workspace.activations[*].leftCols(n).
    void forward(const Batch &batch, Workspace &workspace) const;
    // Loss and correct count for the current forward pass (needs the batch's labels).
    BatchResult evaluateOutput(const Batch &batch, const Workspace &workspace) const;
    // Backward pass after forward(): fills outputGradients, weightGradients, biasGradients.
    // `lossScale` is 1/n: the loss is the batch mean.
    void backward(const Batch &batch, Workspace &workspace, float lossScale) const;

    // The same passes in pieces over ranges of output rows (forward/backward above are these
    // over all rows):
    // - hidden layer `layer` (not the output layer): Z(rows) and its activation;
    void forwardHidden(int layer, const Batch &batch, Workspace &workspace, IndexRange rows) const;
    // - the output layer and its softmax (needs every output row: one thread);
    void forwardOutput(const Batch &batch, Workspace &workspace) const;
    // - dL/dZ of the output layer, the fused softmax + cross-entropy gradient (one thread);
    void outputGradient(const Batch &batch, Workspace &workspace, float lossScale) const;
    // - layer `layer`'s weight and bias gradient rows, and (layer > 0) rows `inputRows` of the
    //   previous layer's dL/dZ.
    void backwardLayer(int layer, const Batch &batch, Workspace &workspace, IndexRange rows,
                       IndexRange inputRows) const;

    // The training step's pieces for a team split by samples, then by weight columns (each
    // member then writes contiguous memory only; see Trainer):
    // - every layer's forward pass, the output gradient and every dL/dZ, for the batch's
    //   samples `samples` (reads the weights, writes only those samples' columns);
    //   With `firstLayerPartials`, layer 0's products come from partial sums over pixel ranges
    //   (firstLayerPartial, one matrix per member): Z0 = their sum + b.
    void forwardSamples(const Batch &batch, Workspace &workspace, IndexRange samples,
                        const std::vector<Matrix> *firstLayerPartials = nullptr) const;
    // - layer 0's product over the input pixels `pixels` only, every sample, into `partial`
    //   (units of layer 0, at least batch.size() columns);
    void firstLayerPartial(const Batch &batch, Matrix &partial, IndexRange pixels) const;
    void backwardSamples(const Batch &batch, Workspace &workspace, float lossScale, IndexRange samples) const;
    // - after both for every sample: columns `columns` of layer `layer`'s weight gradient, and
    //   rows `rows` of its bias gradient.
    void weightGradientColumns(int layer, const Batch &batch, Workspace &workspace, IndexRange columns) const;
    void biasGradientRows(int layer, const Batch &batch, Workspace &workspace, IndexRange rows) const;

    // Single-sample inference; `pixels` holds 784 values in [0, 1].
    Prediction predict(const float *pixels) const;

private:
    // Layer `layer`'s output rows `rows` for the samples `samples`, with its activation (the
    // softmax for the output layer, which needs every row).
    void forwardLayer(int layer, const Batch &batch, Workspace &workspace, IndexRange rows, IndexRange samples) const;
    void outputGradient(const Batch &batch, Workspace &workspace, float lossScale, IndexRange samples) const;

    Architecture m_architecture;
    std::vector<DenseLayer> m_layers;
};

// Fused, numerically stable softmax over each column (subtract the column max first).
void softmaxColumns(Eigen::Ref<Matrix> values);

} // namespace core
