// A fully connected layer: Z = W * X + b with W (out, in) and b (out). Holds parameters only;
// per-batch buffers live in the caller's Workspace so one network can be evaluated by several
// threads on their own workspaces.
#pragma once

#include "batch.h"
#include "tensor.h"

#include <random>

namespace core {

enum class Initialization { He, Xavier };

class DenseLayer
{
public:
    DenseLayer(int inputSize, int outputSize);

    int inputSize() const { return int(m_weights.cols()); }
    int outputSize() const { return int(m_weights.rows()); }

    // He: N(0, 2/in) (hidden layers, as the seed); Xavier: N(0, 1/in)... see .cpp. Bias = 0.
    void initialize(Initialization kind, std::mt19937_64 &rng);

    // output (out, n) = W * input (in, n) + b
    void forward(const Eigen::Ref<const Matrix> &input, Eigen::Ref<Matrix> output) const;
    // Same, reading the input from the sparse batch (first layer).
    void forward(const Batch &input, Eigen::Ref<Matrix> output) const;

    // Given dL/dZ (out, n): weightGradient = dZ * input^T, biasGradient = rowsum(dZ).
    // Overwrites (does not accumulate) the gradient buffers.
    void backward(const Eigen::Ref<const Matrix> &input, const Eigen::Ref<const Matrix> &outputGradient,
                  Matrix &weightGradient, Vector &biasGradient) const;
    void backward(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient,
                  Matrix &weightGradient, Vector &biasGradient) const;
    // dL/dX (in, n) = W^T * dZ
    void inputGradient(const Eigen::Ref<const Matrix> &outputGradient, Eigen::Ref<Matrix> result) const;

    Matrix &weights() { return m_weights; } // (out, in)
    const Matrix &weights() const { return m_weights; }
    Vector &bias() { return m_bias; } // (out)
    const Vector &bias() const { return m_bias; }

private:
    Matrix m_weights;
    Vector m_bias;
};

} // namespace core
