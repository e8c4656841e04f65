// The training step's hot loops, compiled once per x86-64 level (core/CMakeLists.txt): the build
// defines NNJ_ISA_ID (v2, v3, v4 or native) and NNJ_ISA_NAME, and gives this file that level's
// -march. Eigen generates different code under different -march for templates of the same name,
// so this file renames Eigen's namespace per level and keeps everything else in an anonymous
// namespace: no out-of-line copy of an AVX-512 template can be the one the linker keeps for the
// baseline level (tests/isa checks the objects' shared symbols).
#if !defined(NNJ_ISA_ID) || !defined(NNJ_ISA_NAME)
#error "kernels.cpp is compiled by core/CMakeLists.txt with NNJ_ISA_ID and NNJ_ISA_NAME defined"
#endif

#define NNJ_ISA_CONCAT2(a, b) a##b
#define NNJ_ISA_CONCAT(a, b) NNJ_ISA_CONCAT2(a, b)
#define Eigen NNJ_ISA_CONCAT(nnj_eigen_, NNJ_ISA_ID)

#include "kernels.h"

#include <Eigen/Core>

#include <cstring>

namespace {

using Index = std::ptrdiff_t;
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using MatrixMap = Eigen::Map<Matrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using ConstMatrixMap = Eigen::Map<const Matrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using core::isa::Terms;

void multiply(core::isa::Product product, Index m, Index n, Index k, const float *a, Index lda, const float *b,
              Index ldb, float *c, Index ldc)
{
    MatrixMap result(c, m, n, Eigen::OuterStride<>(ldc));
    switch (product) {
    case core::isa::Product::NN:
        result.noalias()
            = ConstMatrixMap(a, m, k, Eigen::OuterStride<>(lda)) * ConstMatrixMap(b, k, n, Eigen::OuterStride<>(ldb));
        break;
    case core::isa::Product::NT:
        result.noalias() = ConstMatrixMap(a, m, k, Eigen::OuterStride<>(lda))
                           * ConstMatrixMap(b, n, k, Eigen::OuterStride<>(ldb)).transpose();
        break;
    case core::isa::Product::TN:
        result.noalias() = ConstMatrixMap(a, k, m, Eigen::OuterStride<>(lda)).transpose()
                           * ConstMatrixMap(b, k, n, Eigen::OuterStride<>(ldb));
        break;
    }
}

// Rows are summed in chunks of kChunk so the running sums stay in vector registers
// (8 independent 8-float accumulators: enough to hide the FMA latency).
constexpr int kChunk = 64;

#if defined(__GNUC__)
// 8 floats: one AVX register, two SSE ones. Never passed to or returned from a function, whose
// ABI would then differ between the levels.
typedef float Lane __attribute__((vector_size(32)));
constexpr int kLaneWidth = 8;
constexpr int kLanes = kChunk / kLaneWidth;

// out[0..kChunk) = sum over the terms of value * column(index)[0..kChunk).
inline void sumChunk(float *out, const float *base, Index stride, const Terms *terms, int lists)
{
    Lane acc[kLanes] = {};
    for (const Terms *list = terms; list != terms + lists; ++list) {
        for (int k = list->begin; k < list->end; ++k) {
            const float *column = base + Index(list->index[k]) * stride;
            const Lane v = Lane{} + list->value[k];
            for (int lane = 0; lane < kLanes; ++lane) {
                Lane c;
                std::memcpy(&c, column + lane * kLaneWidth, sizeof c);
                acc[lane] += v * c;
            }
        }
    }
    std::memcpy(out, acc, sizeof acc);
}
#else
inline void sumChunk(float *out, const float *base, Index stride, const Terms *terms, int lists)
{
    using Chunk = Eigen::Matrix<float, kChunk, 1>;
    Chunk acc = Chunk::Zero();
    for (const Terms *list = terms; list != terms + lists; ++list)
        for (int k = list->begin; k < list->end; ++k)
            acc.noalias() += list->value[k] * Eigen::Map<const Chunk>(base + Index(list->index[k]) * stride);
    Eigen::Map<Chunk> result(out);
    result = acc;
}
#endif

void sumRows(float *out, const float *base, Index stride, const Terms *terms, int lists, int rows)
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
            result.noalias()
                += list->value[k] * Eigen::Map<const Vector>(base + r + Index(list->index[k]) * stride, rows - r);
}

void activate(int activation, float *values, Index rows, Index cols, Index ld)
{
    auto a = MatrixMap(values, rows, cols, Eigen::OuterStride<>(ld)).array();
    switch (activation) {
    case core::isa::ReLU: a = a.max(0.0f); break;
    case core::isa::Sigmoid:
        // 1 / (1 + e^-z); exp of a large positive -z gives inf and the result 0, which is exact.
        a = 1.0f / (1.0f + (-a).exp());
        break;
    case core::isa::Tanh: a = a.tanh(); break;
    }
}

void multiplyByDerivative(int activation, const float *output, Index outputLd, float *gradient, Index gradientLd,
                          Index rows, Index cols)
{
    const auto a = ConstMatrixMap(output, rows, cols, Eigen::OuterStride<>(outputLd)).array();
    auto g = MatrixMap(gradient, rows, cols, Eigen::OuterStride<>(gradientLd)).array();
    switch (activation) {
    case core::isa::ReLU: // f'(z) = 1 where z > 0, i.e. where a > 0
        g = (a > 0.0f).select(g, 0.0f);
        break;
    case core::isa::Sigmoid: // f'(z) = a (1 - a)
        g *= a * (1.0f - a);
        break;
    case core::isa::Tanh: // f'(z) = 1 - a^2
        g *= 1.0f - a.square();
        break;
    }
}

void softmaxColumns(float *values, Index rows, Index cols, Index ld)
{
    MatrixMap matrix(values, rows, cols, Eigen::OuterStride<>(ld));
    for (Index s = 0; s < cols; ++s) {
        auto column = matrix.col(s).array();
        column = (column - column.maxCoeff()).exp(); // subtract the max for stability
        column /= column.sum();
    }
}

void sgd(float *w, float *v, const float *g, Index rows, float momentum, float learningRate)
{
    for (Index i = 0; i < rows; ++i) {
        v[i] = momentum * v[i] + g[i];
        w[i] -= learningRate * v[i];
    }
}

void adam(float *w, float *m, float *v, const float *g, Index rows, float beta1, float beta2, float epsilon,
          float correction1, float correction2, float learningRate)
{
    Eigen::Map<Vector> first(m, rows), second(v, rows), parameter(w, rows);
    const Eigen::Map<const Vector> gradient(g, rows);
    first = beta1 * first + (1.0f - beta1) * gradient;
    second.array() = beta2 * second.array() + (1.0f - beta2) * gradient.array().square();
    parameter.array()
        -= learningRate * (first.array() / correction1) / ((second.array() / correction2).sqrt() + epsilon);
}

const core::isa::Kernels table
    = {NNJ_ISA_NAME, multiply, sumRows, activate, multiplyByDerivative, softmaxColumns, sgd, adam};

} // namespace

namespace core::isa {
// The one symbol this object exports; dispatch.cpp declares it for every level built.
const Kernels &NNJ_ISA_CONCAT(kernels_, NNJ_ISA_ID)()
{
    return table;
}
} // namespace core::isa
