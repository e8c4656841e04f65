// Confusion-matrix cell listing: one chunked pass over the test set, then a partial sort.
#include "mistakes.h"

#include "subsetpass.h"

#include <algorithm>

namespace core {

MistakeList findMistakes(const Network &network, const Dataset &test, int trueLabel, int predictedLabel, int limit)
{
    MistakeList list;
    list.trueLabel = trueLabel;
    list.predictedLabel = predictedLabel;
    if (trueLabel < 0 || trueLabel >= kClassCount || predictedLabel < 0 || predictedLabel >= kClassCount)
        return list;
    std::vector<MistakeItem> matches;
    matches.reserve(std::size_t(test.count()));
    SubsetPass pass(network, test, test.count());
    pass.forward(network, [&](int first, const Batch &batch, const Workspace &workspace) {
        const Matrix &probabilities = workspace.activations.back();
        for (int s = 0; s < batch.size(); ++s) {
            if (batch.label(s) != trueLabel)
                continue;
            Eigen::Index predicted = 0;
            const float confidence = probabilities.col(s).maxCoeff(&predicted);
            if (int(predicted) != predictedLabel)
                continue;
            MistakeItem item;
            item.index = first + s;
            item.label = trueLabel;
            item.prediction = predictedLabel;
            item.confidence = confidence;
            for (int c = 0; c < kClassCount; ++c)
                item.probabilities[c] = probabilities(c, s);
            matches.push_back(item);
        }
    });
    list.total = int(matches.size());
    const std::size_t kept = std::min(matches.size(), std::size_t(std::max(0, limit)));
    std::partial_sort(matches.begin(), matches.begin() + std::ptrdiff_t(kept), matches.end(),
                      [](const MistakeItem &a, const MistakeItem &b) {
                          return a.confidence != b.confidence ? a.confidence > b.confidence : a.index < b.index;
                      });
    list.items.assign(matches.begin(), matches.begin() + std::ptrdiff_t(kept));
    return list;
}

} // namespace core
