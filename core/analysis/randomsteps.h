// Random steps versus gradient descent, the honest version of the chart: from the same initial
// weights, on the same training batches, plain SGD (no momentum: step k is -learningRate times
// the gradient of batch k's mean loss) against a walk whose step k has exactly the length of SGD
// step k but a uniformly random direction (a standard normal vector over every weight and bias,
// scaled to that length). Both loss curves are the loss on batch k at the walker's weights
// BEFORE its step k: the same images for both, and the same forward pass SGD needs anyway.
#pragma once

#include "dataset.h"
#include "network.h"
#include "subsetpass.h"

#include <cstdint>
#include <vector>

namespace core {

struct RandomStepsSettings
{
    int batchSize = 64; // clamped to the training set's size
    float learningRate = 0.01f;
    int steps = 100; // K
    // Batch order: the training set shuffled with this seed (Fisher-Yates on a 64-bit Mersenne
    // Twister), reshuffled each time it runs out. The random directions come from a second
    // generator seeded from it.
    std::uint64_t seed = 1;
};

struct RandomStepsResult
{
    std::vector<float> sgdLoss; // K values: SGD's mean loss on batch k before step k
    std::vector<float> randomLoss; // K values: the random walk's mean loss on batch k before step k
    std::vector<float> stepLength; // K values: |learningRate * gradient| of SGD step k, also random step k's length
    Network sgd; // the weights after the steps taken
    Network random;
    int stepsTaken = 0; // K, or fewer when cancelled
    bool cancelled = false;
};

// Progress counts steps. An empty training set or K <= 0 gives no steps.
RandomStepsResult compareRandomSteps(const Network &initial, const Dataset &train, const RandomStepsSettings &settings,
                                     const AnalysisProgress &progress = {});

} // namespace core
