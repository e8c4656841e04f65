// Top-K activating images: one chunked pass keeping the neuron's value per image, a partial sort
// by (value descending, index ascending), then the mean of the chosen images.
#include "topimages.h"

#include "subsetpass.h"

#include <algorithm>

namespace core {

TopImages topActivatingImages(const Network &network, const Dataset &test, int count, int layerIndex, int neuron, int k)
{
    TopImages result;
    result.layerIndex = layerIndex;
    result.neuron = neuron;
    result.meanImage.assign(std::size_t(test.pixelsPerImage() > 0 ? test.pixelsPerImage() : kInputSize), 0.0f);
    if (layerIndex < 0 || layerIndex >= network.layerCount() || neuron < 0
        || neuron >= network.layer(layerIndex).outputSize())
        return result;
    SubsetPass pass(network, test, count);
    const int n = pass.size();
    std::vector<float> values(static_cast<std::size_t>(n), 0.0f);
    pass.forward(network, [&](int first, const Batch &batch, const Workspace &workspace) {
        const Matrix &activation = workspace.activations[layerIndex];
        for (int s = 0; s < batch.size(); ++s)
            values[std::size_t(first + s)] = activation(neuron, s);
    });
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const int kept = std::clamp(k, 0, n);
    std::partial_sort(order.begin(), order.begin() + kept, order.end(),
                      [&](int a, int b) { return values[a] != values[b] ? values[a] > values[b] : a < b; });
    order.resize(std::size_t(kept));
    result.indices = order;
    std::vector<double> sum(result.meanImage.size(), 0.0);
    for (int index : order) {
        result.activations.push_back(values[std::size_t(index)]);
        const std::uint8_t *pixels = test.image(index);
        for (std::size_t p = 0; p < sum.size(); ++p)
            sum[p] += pixels[p];
    }
    if (kept > 0)
        for (std::size_t p = 0; p < sum.size(); ++p)
            result.meanImage[p] = float(sum[p] / (255.0 * kept));
    return result;
}

} // namespace core
