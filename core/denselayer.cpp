// Dense layer kernels. The sparse (first-layer) kernels sum in vector registers over the
// non-zero inputs: sample by sample for the forward pass, pixel by pixel for the weight
// gradient, so each output column is written once. The products and sums run in isa/kernels.cpp,
// compiled for the CPU levels a portable build carries.
#include "denselayer.h"

#include "isa/kernels.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace core {

DenseLayer::DenseLayer(int inputSize, int outputSize)
    : m_weights(Matrix::Zero(outputSize, inputSize)), m_bias(Vector::Zero(outputSize))
{
}

namespace {
// Box-Muller on the raw 64-bit generator: identical numbers on every standard library.
float standardNormal(std::mt19937_64 &rng)
{
    constexpr double twoPi = 6.283185307179586476925286766559;
    const double u1 = (double(rng() >> 11) + 1.0) * 0x1.0p-53; // (0, 1]
    const double u2 = double(rng() >> 11) * 0x1.0p-53; // [0, 1)
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(twoPi * u2));
}

using isa::Terms;

constexpr int kMaxParts = 64; // batch parts (threads) the gradient kernel merges

void sumRows(float *out, const float *base, Eigen::Index stride, const Terms *terms, int lists, int rows)
{
    isa::kernels().sumRows(out, base, stride, terms, lists, rows);
}

// c = op(a) * op(b) through the kernels chosen for this CPU.
template <typename A, typename B, typename C>
void multiply(isa::Product product, const A &a, const B &b, C &&c)
{
    const Eigen::Index k = product == isa::Product::TN ? a.rows() : a.cols();
    isa::kernels().multiply(product, c.rows(), c.cols(), k, a.data(), a.outerStride(), b.data(), b.outerStride(),
                            c.data(), c.outerStride());
}
} // namespace

void DenseLayer::initialize(Initialization kind, std::mt19937_64 &rng)
{
    const double in = double(inputSize());
    const double out = double(outputSize());
    const float deviation = float(kind == Initialization::He ? std::sqrt(2.0 / in) : std::sqrt(2.0 / (in + out)));
    for (Eigen::Index i = 0; i < m_weights.size(); ++i)
        m_weights.data()[i] = deviation * standardNormal(rng);
    m_bias.setZero();
}

void DenseLayer::forward(const Eigen::Ref<const Matrix> &input, Eigen::Ref<Matrix> output, IndexRange rows) const
{
    auto block = output.middleRows(rows.begin, rows.size());
    multiply(isa::Product::NN, m_weights.middleRows(rows.begin, rows.size()), input, block);
    block.colwise() += m_bias.segment(rows.begin, rows.size());
}

void DenseLayer::forward(const Batch &input, Eigen::Ref<Matrix> output, IndexRange rows, IndexRange samples) const
{
    // Sample-major: Z(rows, s) = b(rows) + sum over the lit pixels p of value * W(rows, p).
    assert(input.inputSize() == inputSize() && output.cols() == input.size() && samples.end <= input.size());
    const Eigen::Index stride = m_weights.outerStride();
    for (int s = samples.begin; s < samples.end; ++s) {
        const Terms terms[1] = {{input.pixelIndices(), input.pixelValues(), input.columnStart(s), input.columnEnd(s)}};
        float *out = output.col(s).data() + rows.begin;
        sumRows(out, m_weights.data() + rows.begin, stride, terms, 1, rows.size());
        Eigen::Map<Vector>(out, rows.size()) += m_bias.segment(rows.begin, rows.size());
    }
}

void DenseLayer::partialForward(const Batch &input, Eigen::Ref<Matrix> output, IndexRange pixels) const
{
    assert(input.inputSize() == inputSize() && output.cols() == input.size());
    const int *indices = input.pixelIndices();
    for (int s = 0; s < input.size(); ++s) {
        // A sample's entries are sorted by pixel: its entries in the range are one run.
        const int *first = indices + input.columnStart(s), *last = indices + input.columnEnd(s);
        const int *begin = pixels.begin == 0 ? first : std::lower_bound(first, last, pixels.begin);
        const int *end = pixels.end == inputSize() ? last : std::lower_bound(begin, last, pixels.end);
        const Terms terms[1] = {{indices, input.pixelValues(), int(begin - indices), int(end - indices)}};
        sumRows(output.col(s).data(), m_weights.data(), m_weights.outerStride(), terms, 1, outputSize());
    }
}

void DenseLayer::backward(const Eigen::Ref<const Matrix> &input, const Eigen::Ref<const Matrix> &outputGradient,
                          Matrix &weightGradient, Vector &biasGradient, IndexRange rows) const
{
    const auto gradient = outputGradient.middleRows(rows.begin, rows.size());
    multiply(isa::Product::NT, gradient, input, weightGradient.middleRows(rows.begin, rows.size()));
    biasGradient.segment(rows.begin, rows.size()).noalias() = gradient.rowwise().sum();
}

namespace {
// Pixel-major: dW(rows, p) = sum over the samples where pixel p is lit of value * dZ(rows, s),
// for the pixels p in `pixels`, summed in registers and written once (dZ stays in cache).
void sparseWeightGradient(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient, Matrix &weightGradient,
                          IndexRange rows, IndexRange pixels)
{
    const Eigen::Index stride = outputGradient.outerStride();
    const float *base = outputGradient.data() + rows.begin;
    const int parts = input.partCount();
    assert(parts <= kMaxParts);
    for (int p = pixels.begin; p < pixels.end; ++p) {
        float *out = weightGradient.col(p).data() + rows.begin;
        Terms terms[kMaxParts];
        for (int q = 0; q < parts; ++q)
            terms[q]
                = {input.entrySamples(q), input.entryValues(q), input.pixelStart(q, p), input.pixelStart(q, p + 1)};
        sumRows(out, base, stride, terms, parts, rows.size());
    }
}
} // namespace

void DenseLayer::backward(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient, Matrix &weightGradient,
                          Vector &biasGradient, IndexRange rows) const
{
    sparseWeightGradient(input, outputGradient, weightGradient, rows, {0, inputSize()});
    biasGradient.segment(rows.begin, rows.size()).noalias()
        = outputGradient.middleRows(rows.begin, rows.size()).rowwise().sum();
}

void DenseLayer::weightGradient(const Eigen::Ref<const Matrix> &input, const Eigen::Ref<const Matrix> &outputGradient,
                                Matrix &weightGradient, IndexRange columns) const
{
    multiply(isa::Product::NT, outputGradient, input.middleRows(columns.begin, columns.size()),
             weightGradient.middleCols(columns.begin, columns.size()));
}

void DenseLayer::weightGradient(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient,
                                Matrix &weightGradient, IndexRange columns) const
{
    sparseWeightGradient(input, outputGradient, weightGradient, allRows(), columns);
}

void DenseLayer::inputGradient(const Eigen::Ref<const Matrix> &outputGradient, Eigen::Ref<Matrix> result,
                               IndexRange inputRows) const
{
    multiply(isa::Product::TN, m_weights.middleCols(inputRows.begin, inputRows.size()), outputGradient,
             result.middleRows(inputRows.begin, inputRows.size()));
}

} // namespace core
