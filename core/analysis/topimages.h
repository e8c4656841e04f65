// The subset images (first N test images) that activate one neuron most, and their mean image:
// what a neuron "looks for".
#pragma once

#include "dataset.h"
#include "network.h"

#include <vector>

namespace core {

struct TopImages
{
    int layerIndex = 0; // dense layer, 0-based as Network::layer() (the views' "layer 1" is 0)
    int neuron = 0;
    std::vector<int> indices; // into the test set, highest activation first, ties by index (lowest first)
    std::vector<float> activations; // the neuron's post-activation value for each of `indices`
                                    // (output layer: the softmax probability)
    std::vector<float> meanImage; // 784 values in [0, 1]: the pixel-wise mean of those images
                                  // (all zeros when there are none)
};

// K = min(k, N). An out-of-range layer or neuron gives an empty result (meanImage still 784 zeros).
TopImages topActivatingImages(const Network &network, const Dataset &test, int count, int layerIndex, int neuron,
                              int k);

} // namespace core
