// The weight painter's brush: a smooth bump added to one row of the first layer's weights.
#include "weightpainter.h"

#include <cmath>

namespace core {

float brushWeight(const Brush &brush, int column, int row)
{
    if (!(brush.radius > 0))
        return 0.0f;
    const double dx = column + 0.5 - double(brush.x), dy = row + 0.5 - double(brush.y);
    const double ratio = (dx * dx + dy * dy) / (double(brush.radius) * double(brush.radius));
    if (ratio >= 1.0)
        return 0.0f;
    const double falloff = (1.0 - ratio) * (1.0 - ratio);
    return float((brush.sign < 0 ? -1.0 : 1.0) * double(brush.strength) * falloff);
}

void paintFirstLayerNeuron(Network &network, int neuron, const Brush &brush)
{
    if (network.layerCount() == 0)
        return;
    DenseLayer &layer = network.layer(0);
    if (neuron < 0 || neuron >= layer.outputSize() || layer.inputSize() != kInputSize)
        return;
    for (int row = 0; row < kImageSide; ++row)
        for (int column = 0; column < kImageSide; ++column)
            layer.weights()(neuron, row * kImageSide + column) += brushWeight(brush, column, row);
}

Network paintedCopy(const Network &network, int neuron, const Brush &brush)
{
    Network copy = network;
    paintFirstLayerNeuron(copy, neuron, brush);
    return copy;
}

} // namespace core
