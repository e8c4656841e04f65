// Chooses the connections worth drawing: for every neuron its strongest incoming weights, so
// a 784-128-64-10 network shows ~340 informative lines instead of 109,000. Pure function.
#pragma once

#include "tensor.h"

#include <vector>

struct Connection
{
    int denseLayer = 0; // weights of dense layer l connect drawn layer l to l + 1
    int from = 0; // neuron index in drawn layer l
    int to = 0; // neuron index in drawn layer l + 1
    float weight = 0;
    float strength = 0; // |weight| / the largest |weight| drawn in this dense layer, 0..1
};

struct ConnectionBudget
{
    // Defaults measured on llvmpipe: lines are the most expensive part of a software-rendered
    // frame (928 lines halved the frame rate); ~340 keep each neuron's strongest inputs.
    int linesPerLayer = 160; // at most this many per dense layer
    int maxPerNeuron = 8; // at most this many incoming per target neuron
};

// `weights[l]` is dense layer l's (out, in) matrix; the result lists layer 0's connections first.
//
// The rule (resources/web/connections.js follows it word for word; tests/data/connections-golden.json
// holds the cases both are tested against):
// For every dense layer, with `outputs` target neurons and `inputs` source neurons:
// 1. K = floor(linesPerLayer / outputs), at most maxPerNeuron and inputs, at least 1.
// 2. Every target keeps its K strongest incoming weights: larger |w| first, ties to the lower source index.
// 3. If the layer then has more than linesPerLayer connections, it keeps the linesPerLayer strongest:
//    larger |w| first, ties to the lower target index, then to the lower source index.
// 4. The layer's connections are listed by target index, each target's in the order of step 2.
// 5. strength = |w| / the largest |w| kept in the layer, or 0 when that is 0.
// A weight that is not finite counts as |w| = 0 in steps 2, 3 and 5.
std::vector<Connection> selectConnections(const std::vector<core::Matrix> &weights, ConnectionBudget budget = {});
