// A network's shape: layer sizes (784, hidden..., 10) and one activation per hidden layer.
// Validation is the single source of truth for the limits the server and the app enforce.
#pragma once

#include "activation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace core {

struct ArchitectureLimits
{
    static constexpr int minLayers = 2;
    static constexpr int maxLayers = 10;
    static constexpr int maxUnits = 4096;
    static constexpr std::int64_t maxParameters = 5'000'000;
};

struct Architecture
{
    std::vector<int> sizes{784, 128, 64, 10}; // input .. output
    std::vector<Activation> activations{Activation::ReLU, Activation::ReLU}; // one per hidden layer

    int denseLayerCount() const { return int(sizes.size()) - 1; }
    // Weights + biases. Computed without allocating anything.
    std::int64_t parameterCount() const;
    // Empty when valid; otherwise a message naming what is wrong, e.g.
    // "Architecture must start with 784 and end with 10".
    std::string validate() const;
    // "784-128-64-10 relu,relu"
    std::string describe() const;

    bool operator==(const Architecture &) const = default;
};

// Parses "784,128,64,10" (commas or dashes). Every hidden layer gets `activation`.
// Throws core::Error naming the bad token; does not call validate().
Architecture parseArchitecture(const std::string &text, Activation activation = Activation::ReLU);

} // namespace core
