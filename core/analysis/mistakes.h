// The test images of one cell of the confusion matrix (true label T, predicted P) over the WHOLE
// test set, most confident first: what the network gets wrong, and how sure it was.
#pragma once

#include "dataset.h"
#include "network.h"

#include <array>
#include <vector>

namespace core {

struct MistakeItem
{
    int index = 0; // into the test set (t10k), file order
    int label = 0; // true label (T)
    int prediction = 0; // arg-max of the probabilities (P)
    float confidence = 0; // probabilities[prediction]
    std::array<float, 10> probabilities{};
};

struct MistakeList
{
    int trueLabel = 0;
    int predictedLabel = 0;
    int total = 0; // every test image in this cell, before `limit`
    // At most `limit` items, ordered by the confidence of the (wrong) prediction, highest first;
    // equal confidences by index, lowest first.
    std::vector<MistakeItem> items;
};

// T == P is allowed (then: the correct predictions of that digit, most confident first).
// Labels outside 0..9, or limit <= 0, give an empty list (total still counts the cell when the
// labels are valid).
MistakeList findMistakes(const Network &network, const Dataset &test, int trueLabel, int predictedLabel, int limit);

} // namespace core
