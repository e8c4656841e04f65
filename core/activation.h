// Hidden-layer activation functions (ReLU, Sigmoid, Tanh), applied in place on (units, batch)
// blocks, and their derivatives expressed through the activation's OUTPUT (so the
// pre-activation never has to be kept).
#pragma once

#include "tensor.h"

#include <optional>
#include <string>
#include <string_view>

namespace core {

enum class Activation { ReLU, Sigmoid, Tanh };

// "relu", "sigmoid", "tanh" (case-insensitive); nullopt for anything else.
std::optional<Activation> activationFromName(std::string_view name);
// Lower-case name as accepted by activationFromName ("relu", ...).
std::string activationName(Activation activation);
// Layer type name for /get-weights, as the original sends it: "ReLU", "Sigmoid", "Tanh".
std::string activationTypeName(Activation activation);

// a = f(a), in place.
void applyActivation(Activation activation, Eigen::Ref<Matrix> values);
// gradient = gradient ∘ f'(z), with f'(z) computed from the output a = f(z).
void multiplyByDerivative(Activation activation, const Eigen::Ref<const Matrix> &output, Eigen::Ref<Matrix> gradient);

} // namespace core
