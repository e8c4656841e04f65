// Dense layer kernels. The sparse variants walk only the non-zero inputs of each sample and
// fuse four weight columns per pass so the output column is loaded and stored once per four.
#include "denselayer.h"

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
    const double u2 = double(rng() >> 11) * 0x1.0p-53;         // [0, 1)
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(twoPi * u2));
}
} // namespace

void DenseLayer::initialize(Initialization kind, std::mt19937_64 &rng)
{
    const double in = double(inputSize());
    const double out = double(outputSize());
    // He (Kaiming) normal: std = sqrt(2 / in), for ReLU-family hidden layers.
    // Xavier (Glorot) normal: std = sqrt(2 / (in + out)), for the softmax output layer.
    const float deviation = float(kind == Initialization::He ? std::sqrt(2.0 / in) : std::sqrt(2.0 / (in + out)));
    for (Eigen::Index i = 0; i < m_weights.size(); ++i)
        m_weights.data()[i] = deviation * standardNormal(rng);
    m_bias.setZero();
}

void DenseLayer::forward(const Eigen::Ref<const Matrix> &input, Eigen::Ref<Matrix> output) const
{
    output.noalias() = m_weights * input;
    output.colwise() += m_bias;
}

namespace {
// Rows are processed in chunks of kChunk so the running sums stay in vector registers
// (8 independent 8-float accumulators: enough to hide the FMA latency).
constexpr int kChunk = 64;

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

// out[0..kChunk) = sum_k value[k] * column(index[k])[0..kChunk), for k in [begin, end).
inline void accumulateChunk(float *out, const float *base, Eigen::Index stride, const int *index,
                            const float *value, int begin, int end)
{
    Lane acc[kLanes] = {};
    for (int k = begin; k < end; ++k) {
        const float *column = base + Eigen::Index(index[k]) * stride;
        const Lane v = Lane{} + value[k];
        for (int lane = 0; lane < kLanes; ++lane)
            acc[lane] += v * loadLane(column + lane * kLaneWidth);
    }
    std::memcpy(out, acc, sizeof acc);
}
#else
using Chunk = Eigen::Matrix<float, kChunk, 1>;
inline void accumulateChunk(float *out, const float *base, Eigen::Index stride, const int *index,
                            const float *value, int begin, int end)
{
    Chunk acc = Chunk::Zero();
    for (int k = begin; k < end; ++k)
        acc.noalias() += value[k] * Eigen::Map<const Chunk>(base + Eigen::Index(index[k]) * stride);
    Eigen::Map<Chunk> result(out);
    result = acc;
}
#endif

// The same for a remainder of `rows` < kChunk rows.
inline void accumulateRemainder(float *out, const float *base, Eigen::Index stride, const int *index,
                                const float *value, int begin, int end, int rows)
{
    Eigen::Map<Vector> result(out, rows);
    result.setZero();
    for (int k = begin; k < end; ++k)
        result.noalias() += value[k] * Eigen::Map<const Vector>(base + Eigen::Index(index[k]) * stride, rows);
}
} // namespace

void DenseLayer::forward(const Batch &input, Eigen::Ref<Matrix> output) const
{
    // Sample-major: Z(:, s) = b + sum over the lit pixels p of value * W(:, p), in register chunks.
    assert(input.inputSize() == inputSize() && output.cols() == input.size());
    const int *pixel = input.pixelIndices();
    const float *value = input.pixelValues();
    const int rows = outputSize();
    const Eigen::Index stride = m_weights.outerStride();
    for (int s = 0; s < input.size(); ++s) {
        float *out = output.col(s).data();
        const int begin = input.columnStart(s), end = input.columnStart(s + 1);
        int r = 0;
        for (; r + kChunk <= rows; r += kChunk)
            accumulateChunk(out + r, m_weights.data() + r, stride, pixel, value, begin, end);
        if (r < rows)
            accumulateRemainder(out + r, m_weights.data() + r, stride, pixel, value, begin, end, rows - r);
        output.col(s) += m_bias;
    }
}

void DenseLayer::backward(const Eigen::Ref<const Matrix> &input, const Eigen::Ref<const Matrix> &outputGradient,
                          Matrix &weightGradient, Vector &biasGradient) const
{
    weightGradient.noalias() = outputGradient * input.transpose();
    biasGradient.noalias() = outputGradient.rowwise().sum();
}

void DenseLayer::backward(const Batch &input, const Eigen::Ref<const Matrix> &outputGradient,
                          Matrix &weightGradient, Vector &biasGradient) const
{
    // Pixel-major: each gradient column dW(:, p) = sum over the samples where pixel p is lit
    // of value * dZ(:, s), summed in registers chunk by chunk and written once.
    const int *sample = input.entrySamples();
    const float *value = input.entryValues();
    const int rows = outputSize();
    const Eigen::Index stride = outputGradient.outerStride();
    for (int p = 0; p < inputSize(); ++p) {
        float *out = weightGradient.col(p).data();
        const int begin = input.pixelStart(p), end = input.pixelStart(p + 1);
        int r = 0;
        for (; r + kChunk <= rows; r += kChunk)
            accumulateChunk(out + r, outputGradient.data() + r, stride, sample, value, begin, end);
        if (r < rows)
            accumulateRemainder(out + r, outputGradient.data() + r, stride, sample, value, begin, end, rows - r);
    }
    biasGradient.noalias() = outputGradient.rowwise().sum();
}

void DenseLayer::inputGradient(const Eigen::Ref<const Matrix> &outputGradient, Eigen::Ref<Matrix> result) const
{
    result.noalias() = m_weights.transpose() * outputGradient;
}

} // namespace core
