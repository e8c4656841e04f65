// Architecture validation and parsing: the limits every surface (CLI, server, app) enforces.
#include "architecture.h"

#include "error.h"

#include <sstream>

namespace core {

std::int64_t Architecture::parameterCount() const
{
    std::int64_t total = 0;
    for (std::size_t i = 1; i < sizes.size(); ++i)
        total += std::int64_t(sizes[i - 1]) * sizes[i] + sizes[i];
    return total;
}

std::string Architecture::validate() const
{
    const int count = int(sizes.size());
    if (count < ArchitectureLimits::minLayers || count > ArchitectureLimits::maxLayers)
        return "Architecture must have between " + std::to_string(ArchitectureLimits::minLayers) + " and "
               + std::to_string(ArchitectureLimits::maxLayers) + " layers, got " + std::to_string(count);
    if (sizes.front() != kInputSize || sizes.back() != kClassCount)
        return "Architecture must start with 784 and end with 10";
    for (int i = 0; i < count; ++i) {
        if (sizes[i] < 1 || sizes[i] > ArchitectureLimits::maxUnits)
            return "Layer " + std::to_string(i) + " must have between 1 and "
                   + std::to_string(ArchitectureLimits::maxUnits) + " neurons, got " + std::to_string(sizes[i]);
    }
    if (int(activations.size()) != count - 2)
        return "Expected " + std::to_string(count - 2) + " hidden-layer activations, got "
               + std::to_string(activations.size());
    const std::int64_t parameters = parameterCount();
    if (parameters > ArchitectureLimits::maxParameters)
        return "Architecture has " + std::to_string(parameters) + " parameters; the limit is "
               + std::to_string(ArchitectureLimits::maxParameters);
    return {};
}

std::string Architecture::describe() const
{
    std::ostringstream out;
    for (std::size_t i = 0; i < sizes.size(); ++i)
        out << (i ? "-" : "") << sizes[i];
    if (!activations.empty()) {
        out << ' ';
        for (std::size_t i = 0; i < activations.size(); ++i)
            out << (i ? "," : "") << activationName(activations[i]);
    }
    return out.str();
}

Architecture parseArchitecture(const std::string &text, Activation activation)
{
    Architecture result;
    result.sizes.clear();
    std::string token;
    auto flush = [&] {
        if (token.empty())
            throw Error("Architecture '" + text + "': expected layer sizes like 784,128,64,10");
        std::size_t used = 0;
        long value = 0;
        try {
            value = std::stol(token, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != token.size() || value < 1 || value > ArchitectureLimits::maxUnits)
            throw Error("Architecture '" + text + "': '" + token + "' is not a layer size between 1 and "
                        + std::to_string(ArchitectureLimits::maxUnits));
        result.sizes.push_back(int(value));
        token.clear();
    };
    for (char c : text) {
        if (c == ',' || c == '-')
            flush();
        else if (c != ' ')
            token += c;
    }
    flush();
    result.activations.assign(result.sizes.size() >= 2 ? result.sizes.size() - 2 : 0, activation);
    return result;
}

} // namespace core
