// Shared Eigen types for core. Storage convention, used everywhere in core:
// matrices are column-major and a batch is stored one sample per COLUMN, so a layer's
// activations are (units, batch) and a weight matrix is (out, in): Z = W * X + b.
#pragma once

#include <Eigen/Core>

namespace core {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;

constexpr int kImageSide = 28;
constexpr int kInputSize = kImageSide * kImageSide; // 784
constexpr int kClassCount = 10;

} // namespace core
