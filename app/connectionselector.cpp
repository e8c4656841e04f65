#include "connectionselector.h"

#include <algorithm>
#include <cmath>
#include <numeric>

std::vector<Connection> selectConnections(const std::vector<core::Matrix> &weights, ConnectionBudget budget)
{
    std::vector<Connection> result;
    for (int layer = 0; layer < int(weights.size()); ++layer) {
        const core::Matrix &w = weights[layer]; // (out, in)
        const int outputs = int(w.rows());
        const int inputs = int(w.cols());
        if (outputs == 0 || inputs == 0)
            continue;
        const int perNeuron = std::clamp(budget.linesPerLayer / outputs, 1, std::min(budget.maxPerNeuron, inputs));
        std::vector<Connection> candidates;
        candidates.reserve(std::size_t(outputs) * perNeuron);
        std::vector<int> order(inputs);
        for (int to = 0; to < outputs; ++to) {
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(order.begin(), order.begin() + perNeuron, order.end(), [&](int a, int b) {
                return std::abs(w(to, a)) > std::abs(w(to, b));
            });
            for (int k = 0; k < perNeuron; ++k)
                candidates.push_back({layer, order[k], to, w(to, order[k]), 0});
        }
        // Over budget (very wide layers): keep the globally strongest, then restore the order.
        if (int(candidates.size()) > budget.linesPerLayer) {
            std::nth_element(candidates.begin(), candidates.begin() + budget.linesPerLayer, candidates.end(),
                             [](const Connection &a, const Connection &b) {
                                 return std::abs(a.weight) > std::abs(b.weight);
                             });
            candidates.resize(budget.linesPerLayer);
            std::sort(candidates.begin(), candidates.end(), [](const Connection &a, const Connection &b) {
                return a.to != b.to ? a.to < b.to : a.from < b.from;
            });
        }
        float largest = 0;
        for (const Connection &c : candidates)
            largest = std::max(largest, std::abs(c.weight));
        for (Connection &c : candidates)
            c.strength = largest > 0 ? std::abs(c.weight) / largest : 0;
        result.insert(result.end(), candidates.begin(), candidates.end());
    }
    return result;
}
