// The weight painter's brush: edits one first-layer neuron's incoming weights (its 28 x 28
// "receptive field") around a point, on a copy of the network, so the user can see what a
// hand-made feature does without touching the network being trained.
#pragma once

#include "network.h"

namespace core {

struct Brush
{
    // Centre in image pixel coordinates: x = column, y = row, both 0..28; pixel (column c, row r)
    // covers [c, c+1) x [r, r+1), its centre is (c + 0.5, r + 0.5).
    float x = 14.0f;
    float y = 14.0f;
    float radius = 3.0f; // in pixels; pixels whose centre is at distance >= radius are untouched
    float strength = 0.1f; // the change of the weight under the brush's centre (weight units, >= 0)
    int sign = 1; // +1 raises the weights (excites), -1 (any negative) lowers them (inhibits)
};

// The change added to each weight: sign * strength * (1 - (d / radius)^2)^2 for d < radius,
// where d is the distance from the brush centre to the pixel's centre (a smooth bump).
float brushWeight(const Brush &brush, int column, int row);

// Paints `network` itself: first-layer neuron `neuron`'s incoming weights. Does nothing when the
// neuron is out of range or the first layer's input is not 28 x 28.
void paintFirstLayerNeuron(Network &network, int neuron, const Brush &brush);

// A copy of `network` with that neuron painted; `network` is left untouched.
Network paintedCopy(const Network &network, int neuron, const Brush &brush);

} // namespace core
