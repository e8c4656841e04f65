// Chooses the connections worth drawing: for every neuron its strongest incoming weights, so
// a 784-128-64-10 network shows ~340 informative lines instead of 109,000. Pure function.
#pragma once

#include "tensor.h"

#include <vector>

struct Connection
{
    int denseLayer = 0; // weights of dense layer l connect drawn layer l to l + 1
    int from = 0;       // neuron index in drawn layer l
    int to = 0;         // neuron index in drawn layer l + 1
    float weight = 0;
    float strength = 0; // |weight| / the largest |weight| drawn in this dense layer, 0..1
};

struct ConnectionBudget
{
    // Defaults measured on llvmpipe: lines are the most expensive part of a software-rendered
    // frame (928 lines halved the frame rate); ~340 keep each neuron's strongest inputs.
    int linesPerLayer = 160;   // at most this many per dense layer
    int maxPerNeuron = 8;      // at most this many incoming per target neuron
};

// `weights[l]` is dense layer l's (out, in) matrix. Result is ordered by layer, then target.
std::vector<Connection> selectConnections(const std::vector<core::Matrix> &weights,
                                          ConnectionBudget budget = {});
