// A fully connected layer: Z = W * X + b with W (out, in) and b (out). Holds parameters only;
// per-batch buffers live in the caller's Workspace. Every kernel works on a range of output
// rows (or, for the input gradient, of input rows) so a team of threads can split a layer
// without sharing any written memory.
#pragma once

#include "batch.h"
#include "tensor.h"
#include "threadteam.h"

#include <random>

namespace core {

enum class Initialization { He, Xavier };

class DenseLayer
{
public:
    DenseLayer(int inputSize, int outputSize);

    int inputSize() const { return int(m_weights.cols()); }
    int outputSize() const { return int(m_weights.rows()); }
    IndexRange allRows() const { return {0, outputSize()}; }

    // He: N(0, 2/in) for hidden layers; Xavier (Glorot): N(0, 2/(in+out)) for the output layer,
    // as the original. Bias = 0. Same numbers on every platform for a given generator state.
    void initialize(Initialization kind, std::mt19937_64 &rng);

    // output(rows, :) (out, n) = W(rows, :) * input (in, n) + b(rows)
    void forward(const Eigen::Ref<const Matrix> &input, Eigen::Ref<Matrix> output, IndexRange rows) const;
    // Same, reading the input from the sparse batch (first layer), for the batch's samples
    // `samples` only (output columns outside it are not written).
    void forward(const Batch &input, Eigen::Ref<Matrix> output, IndexRange rows, IndexRange samples) const;

    // The part of the sparse forward product that comes from the input pixels `pixels`, for
    // every sample, without the bias: output(:, s) = W(:, pixels) * x_s(pixels). (A team splits
    // the first layer by pixels this way: each member reads only its own block of columns of W.)
    void partialForward(const Batch &input, Eigen::Ref<Matrix> output, IndexRange pixels) const;

    // Given dL/dZ (out, n): weightGradient(rows, :) = dZ(rows, :) * input^T and
    // biasGradient(rows) = rowsum(dZ(rows, :)). Overwrites those rows.
    void backward(const Eigen::Ref<const Matrix> &input, const Eigen::Ref<const Matrix> &outputGradient,
                  Matrix &weightGradient, Vector &biasGradient, IndexRange rows) const;
    void backward(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient, Matrix &weightGradient,
                  Vector &biasGradient, IndexRange rows) const;
    // Column pieces of the same gradient (a team splits the weight matrix by columns: each
    // member then writes one contiguous block): weightGradient(:, columns) = dZ * input(columns, :)^T.
    void weightGradient(const Eigen::Ref<const Matrix> &input, const Eigen::Ref<const Matrix> &outputGradient,
                        Matrix &weightGradient, IndexRange columns) const;
    void weightGradient(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient, Matrix &weightGradient,
                        IndexRange columns) const;
    // dL/dX(inputRows, :) = W(:, inputRows)^T * dZ   (result is (in, n); only those rows written)
    void inputGradient(const Eigen::Ref<const Matrix> &outputGradient, Eigen::Ref<Matrix> result,
                       IndexRange inputRows) const;

    Matrix &weights() { return m_weights; } // (out, in)
    const Matrix &weights() const { return m_weights; }
    Vector &bias() { return m_bias; } // (out)
    const Vector &bias() const { return m_bias; }

private:
    Matrix m_weights;
    Vector m_bias;
};

} // namespace core
