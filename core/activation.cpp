// Hidden-layer activations and their derivatives written in terms of the output a = f(z); the
// loops themselves are in isa/kernels.cpp, compiled for each CPU level a portable build carries.
#include "activation.h"

#include "isa/kernels.h"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace core {

std::optional<Activation> activationFromName(std::string_view name)
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "relu")
        return Activation::ReLU;
    if (lower == "sigmoid")
        return Activation::Sigmoid;
    if (lower == "tanh")
        return Activation::Tanh;
    return std::nullopt;
}

std::string activationName(Activation activation)
{
    switch (activation) {
    case Activation::ReLU: return "relu";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
    }
    return "relu";
}

std::string activationTypeName(Activation activation)
{
    switch (activation) {
    case Activation::ReLU: return "ReLU";
    case Activation::Sigmoid: return "Sigmoid";
    case Activation::Tanh: return "Tanh";
    }
    return "ReLU";
}

static_assert(int(Activation::ReLU) == isa::ReLU && int(Activation::Sigmoid) == isa::Sigmoid
                  && int(Activation::Tanh) == isa::Tanh,
              "isa::ActivationCode follows core::Activation");

void applyActivation(Activation activation, Eigen::Ref<Matrix> values)
{
    isa::kernels().activate(int(activation), values.data(), values.rows(), values.cols(), values.outerStride());
}

void multiplyByDerivative(Activation activation, const Eigen::Ref<const Matrix> &output, Eigen::Ref<Matrix> gradient)
{
    assert(output.rows() == gradient.rows() && output.cols() == gradient.cols());
    isa::kernels().multiplyByDerivative(int(activation), output.data(), output.outerStride(), gradient.data(),
                                        gradient.outerStride(), gradient.rows(), gradient.cols());
}

} // namespace core
