// Per-neuron statistics for the learned-features gallery: how strong each neuron's incoming
// weights are (their L2 norm) and how often it fires on the analysis subset (the first N test
// images). The gallery sorts its tiles by either.
#pragma once

#include "dataset.h"
#include "network.h"

#include <vector>

namespace core {

struct NeuronStatistics
{
    int layerIndex = 0; // dense layer, 0-based as Network::layer() (the views' "layer 1" is 0)
    int samples = 0; // N, the subset images used
    std::vector<float> weightNorms; // per neuron: sqrt(sum of its incoming weights squared)
    // Per neuron: the fraction of the N images on which its pre-activation z is > 0 (ReLU:
    // activation > 0; sigmoid: > 0.5; tanh: > 0; output layer: the logit > 0). All 0 when N = 0.
    std::vector<float> firingRates;
};

// An empty result (no neurons) when layerIndex is not a layer of the network.
NeuronStatistics neuronStatistics(const Network &network, const Dataset &test, int layerIndex, int count);

} // namespace core
