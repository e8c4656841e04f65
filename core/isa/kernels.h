// The training step's hot loops behind one table of plain function pointers, so a portable build
// carries them compiled for several x86-64 levels and picks the best one the CPU runs (see
// dispatch.cpp). The interface speaks raw column-major arrays, never Eigen types: each level's
// kernels.cpp compiles its own copy of Eigen under a renamed namespace, and no Eigen template
// may cross from one level's object to another's.
#pragma once

#include <cstddef>

namespace core::isa {

// A list of weighted columns to sum: entries [begin, end) of (index, value) pairs.
struct Terms
{
    const int *index;
    const float *value;
    int begin;
    int end;
};

// Which operands of a product are transposed: NT is A * B^T, TN is A^T * B.
enum class Product { NN, NT, TN };

// The hidden activations by code (core::Activation's order; activation.cpp checks it).
enum ActivationCode { ReLU = 0, Sigmoid = 1, Tanh = 2 };

struct Kernels
{
    const char *name; // "x86-64-v2", "x86-64-v3", "x86-64-v4", or "native"/"generic"
    // c (m, n) = op(a) * op(b) where the inner size is k; every array column-major with the
    // given leading dimension (distance between columns).
    void (*multiply)(Product product, std::ptrdiff_t m, std::ptrdiff_t n, std::ptrdiff_t k, const float *a,
                     std::ptrdiff_t lda, const float *b, std::ptrdiff_t ldb, float *c, std::ptrdiff_t ldc);
    // out[0..rows) = sum over the terms of every list of value * column(index)[0..rows), where
    // column(i) starts at base + i * stride.
    void (*sumRows)(float *out, const float *base, std::ptrdiff_t stride, const Terms *terms, int lists, int rows);
    // values = f(values) in place.
    void (*activate)(int activation, float *values, std::ptrdiff_t rows, std::ptrdiff_t cols, std::ptrdiff_t ld);
    // gradient *= f'(z), computed from the output a = f(z).
    void (*multiplyByDerivative)(int activation, const float *output, std::ptrdiff_t outputLd, float *gradient,
                                 std::ptrdiff_t gradientLd, std::ptrdiff_t rows, std::ptrdiff_t cols);
    // Each column replaced by its softmax.
    void (*softmaxColumns)(float *values, std::ptrdiff_t rows, std::ptrdiff_t cols, std::ptrdiff_t ld);
    // One column of SGD with momentum: v = momentum v + g; w -= learningRate v.
    void (*sgd)(float *w, float *v, const float *g, std::ptrdiff_t rows, float momentum, float learningRate);
    // One column of Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // w -= learningRate (m / correction1) / (sqrt(v / correction2) + epsilon).
    void (*adam)(float *w, float *m, float *v, const float *g, std::ptrdiff_t rows, float beta1, float beta2,
                 float epsilon, float correction1, float correction2, float learningRate);
};

// The kernels for this CPU, chosen on first use: the highest level compiled in that the CPU
// supports, capped by the environment variable NNJ_ISA (x86-64-v2, x86-64-v3 or x86-64-v4) when
// set. Thread-safe.
const Kernels &kernels();

// Every level compiled into this build, lowest first (for tests and benchmarks).
int levelCount();
const Kernels &level(int index);
// Whether this CPU can run level(index).
bool levelSupported(int index);

} // namespace core::isa
