// Hidden-layer activations and their derivatives written in terms of the output a = f(z).
#include "activation.h"

#include <algorithm>
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

void applyActivation(Activation activation, Eigen::Ref<Matrix> values)
{
    auto a = values.array();
    switch (activation) {
    case Activation::ReLU: a = a.max(0.0f); break;
    case Activation::Sigmoid:
        // 1 / (1 + e^-z); exp of a large positive -z gives inf and the result 0, which is exact.
        a = 1.0f / (1.0f + (-a).exp());
        break;
    case Activation::Tanh: a = a.tanh(); break;
    }
}

void multiplyByDerivative(Activation activation, const Eigen::Ref<const Matrix> &output, Eigen::Ref<Matrix> gradient)
{
    auto a = output.array();
    auto g = gradient.array();
    switch (activation) {
    case Activation::ReLU: // f'(z) = 1 where z > 0, i.e. where a > 0
        g = (a > 0.0f).select(g, 0.0f);
        break;
    case Activation::Sigmoid: // f'(z) = a (1 - a)
        g *= a * (1.0f - a);
        break;
    case Activation::Tanh: // f'(z) = 1 - a^2
        g *= 1.0f - a.square();
        break;
    }
}

} // namespace core
