// Test-set evaluation: mean loss, accuracy, the confusion matrix and the dead hidden units over a
// whole dataset.
#pragma once

#include "dataset.h"
#include "network.h"
#include "trainingevents.h"

namespace core {

struct Evaluation
{
    float loss = 0;
    float accuracy = 0; // 0..1
    ConfusionMatrix confusion{}; // [true label][predicted]
    // Per hidden dense layer: the units that were exactly 0 on every sample (ReLU layers; sigmoid
    // and tanh never output 0, their count is 0).
    std::vector<int> deadUnits;
};

Evaluation evaluate(const Network &network, const Dataset &data, int batchSize = 500);

} // namespace core
