#include "connectionselector.h"

#include <algorithm>
#include <cmath>

namespace {

// The |w| of steps 2, 3 and 5: a weight that is not finite counts as 0.
float magnitude(float w)
{
    return std::isfinite(w) ? std::abs(w) : 0.0f;
}

} // namespace

std::vector<Connection> selectConnections(const std::vector<core::Matrix> &weights, ConnectionBudget budget)
{
    std::vector<Connection> result;
    for (int layer = 0; layer < int(weights.size()); ++layer) {
        const core::Matrix &w = weights[layer]; // (out, in)
        const int outputs = int(w.rows());
        const int inputs = int(w.cols());
        if (outputs == 0 || inputs == 0)
            continue;
        // Step 1.
        const int perNeuron = std::max(1, std::min({budget.linesPerLayer / outputs, budget.maxPerNeuron, inputs}));
        std::vector<Connection> candidates;
        candidates.reserve(std::size_t(outputs) * perNeuron);
        std::vector<int> order(inputs);
        for (int to = 0; to < outputs; ++to) {
            // Step 2.
            for (int from = 0; from < inputs; ++from)
                order[from] = from;
            std::partial_sort(order.begin(), order.begin() + perNeuron, order.end(), [&](int a, int b) {
                const float ma = magnitude(w(to, a)), mb = magnitude(w(to, b));
                return ma != mb ? ma > mb : a < b;
            });
            for (int k = 0; k < perNeuron; ++k)
                candidates.push_back({layer, order[k], to, w(to, order[k]), 0});
        }
        // Step 3 (very wide layers), then step 4's order again.
        const int keep = std::max(0, budget.linesPerLayer);
        if (int(candidates.size()) > keep) {
            const auto stronger = [](const Connection &a, const Connection &b) {
                const float ma = magnitude(a.weight), mb = magnitude(b.weight);
                if (ma != mb)
                    return ma > mb;
                return a.to != b.to ? a.to < b.to : a.from < b.from;
            };
            std::nth_element(candidates.begin(), candidates.begin() + keep, candidates.end(), stronger);
            candidates.resize(std::size_t(keep));
            std::sort(candidates.begin(), candidates.end(), [&](const Connection &a, const Connection &b) {
                return a.to != b.to ? a.to < b.to : stronger(a, b);
            });
        }
        // Step 5.
        float largest = 0;
        for (const Connection &c : candidates)
            largest = std::max(largest, magnitude(c.weight));
        for (Connection &c : candidates)
            c.strength = largest > 0 ? magnitude(c.weight) / largest : 0;
        result.insert(result.end(), candidates.begin(), candidates.end());
    }
    return result;
}
