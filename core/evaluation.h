// Test-set evaluation: mean loss, accuracy and the confusion matrix over a whole dataset.
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
};

Evaluation evaluate(const Network &network, const Dataset &data, int batchSize = 500);

} // namespace core
