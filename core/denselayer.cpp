// Dense layer kernels. The sparse (first-layer) kernels sum in vector registers over the
// non-zero inputs: sample by sample for the forward pass, pixel by pixel for the weight
// gradient, so each output column is written once.
#include "denselayer.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

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

// A list of weighted columns to sum: entries [begin, end) of (index, value) pairs.
struct Terms
{
    const int *index;
    const float *value;
    int begin;
    int end;
};

// Rows are summed in chunks of kChunk so the running sums stay in vector registers
// (8 independent 8-float accumulators: enough to hide the FMA latency).
constexpr int kChunk = 64;
constexpr int kMaxParts = 64; // batch parts (threads) the gradient kernel merges

#if defined(__GNUC__)
typedef float Lane __attribute__((vector_size(32))); // 8 floats; one AVX register
constexpr int kLaneWidth = 8;
constexpr int kLanes = kChunk / kLaneWidth;

inline Lane loadLane(const float *p)
{
    Lane v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// out[0..kChunk) = sum over the terms of value * column(index)[0..kChunk).
inline void sumChunk(float *out, const float *base, Eigen::Index stride, const Terms *terms, int lists)
{
    Lane acc[kLanes] = {};
    for (const Terms *list = terms; list != terms + lists; ++list) {
        for (int k = list->begin; k < list->end; ++k) {
            const float *column = base + Eigen::Index(list->index[k]) * stride;
            const Lane v = Lane{} + list->value[k];
            for (int lane = 0; lane < kLanes; ++lane)
                acc[lane] += v * loadLane(column + lane * kLaneWidth);
        }
    }
    std::memcpy(out, acc, sizeof acc);
}
#else
inline void sumChunk(float *out, const float *base, Eigen::Index stride, const Terms *terms, int lists)
{
    using Chunk = Eigen::Matrix<float, kChunk, 1>;
    Chunk acc = Chunk::Zero();
    for (const Terms *list = terms; list != terms + lists; ++list)
        for (int k = list->begin; k < list->end; ++k)
            acc.noalias() += list->value[k] * Eigen::Map<const Chunk>(base + Eigen::Index(list->index[k]) * stride);
    Eigen::Map<Chunk> result(out);
    result = acc;
}
#endif

// out[0..rows) = sum over the terms, any row count.
void sumRows(float *out, const float *base, Eigen::Index stride, const Terms *terms, int lists, int rows)
{
    int r = 0;
    for (; r + kChunk <= rows; r += kChunk)
        sumChunk(out + r, base + r, stride, terms, lists);
    if (r == rows)
        return;
    Eigen::Map<Vector> result(out + r, rows - r);
    result.setZero();
    for (const Terms *list = terms; list != terms + lists; ++list)
        for (int k = list->begin; k < list->end; ++k)
            result.noalias() += list->value[k]
                                * Eigen::Map<const Vector>(base + r + Eigen::Index(list->index[k]) * stride, rows - r);
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
    block.noalias() = m_weights.middleRows(rows.begin, rows.size()) * input;
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
    weightGradient.middleRows(rows.begin, rows.size()).noalias() = gradient * input.transpose();
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
    weightGradient.middleCols(columns.begin, columns.size()).noalias()
        = outputGradient * input.middleRows(columns.begin, columns.size()).transpose();
}

void DenseLayer::weightGradient(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient,
                                Matrix &weightGradient, IndexRange columns) const
{
    sparseWeightGradient(input, outputGradient, weightGradient, allRows(), columns);
}

void DenseLayer::inputGradient(const Eigen::Ref<const Matrix> &outputGradient, Eigen::Ref<Matrix> result,
                               IndexRange inputRows) const
{
    result.middleRows(inputRows.begin, inputRows.size()).noalias()
        = m_weights.middleCols(inputRows.begin, inputRows.size()).transpose() * outputGradient;
}

} // namespace core
