// How well a network does on the analysis subset (the first N test images): accuracy, mean
// cross-entropy and mean confidence, and the same for two networks side by side (the session
// compares the initial network with the current one).
#pragma once

#include "dataset.h"
#include "network.h"

namespace core {

struct SubsetMetrics
{
    int count = 0; // images evaluated: min(N, test images)
    float accuracy = 0; // 0..1: arg-max of the probabilities (first on ties) equals the label
    float loss = 0; // mean cross-entropy -ln p(label), natural log, clipped as Network::evaluateOutput
    float meanConfidence = 0; // mean over images of the HIGHEST softmax probability (the confidence
                              // of whatever the network predicts, right or wrong), 0..1
};

SubsetMetrics evaluateSubset(const Network &network, const Dataset &test, int count);

struct NetworkComparison
{
    SubsetMetrics initial;
    SubsetMetrics current;
};

// Both networks must have the same input size; their hidden shapes may differ.
NetworkComparison compareNetworks(const Network &initial, const Network &current, const Dataset &test, int count);

} // namespace core
