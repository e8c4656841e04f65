// Histograms in two chunked passes over the subset: the first finds each layer's activation
// range, tallies dead/saturated units and sums the weight gradient; the second bins the
// activations (nothing of size units * N is kept).
#include "histograms.h"

#include "subsetpass.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace core {

std::int64_t Histogram::total() const
{
    std::int64_t sum = 0;
    for (std::int64_t count : counts)
        sum += count;
    return sum;
}

HistogramFiller::HistogramFiller(float minimum, float maximum, int bins)
{
    m_histogram.minimum = minimum;
    m_histogram.maximum = maximum;
    if (minimum == maximum) {
        m_histogram.counts.assign(1, 0);
    } else {
        m_histogram.counts.assign(std::size_t(std::max(1, bins)), 0);
        m_scale = double(m_histogram.counts.size()) / (double(maximum) - double(minimum));
    }
}

void HistogramFiller::add(float value)
{
    if (!std::isfinite(value)) {
        ++m_histogram.nonFinite;
        return;
    }
    const int last = int(m_histogram.counts.size()) - 1;
    const int bin = int(std::floor((double(value) - double(m_histogram.minimum)) * m_scale));
    ++m_histogram.counts[std::size_t(std::clamp(bin, 0, last))];
}

void HistogramFiller::add(const float *values, std::size_t size)
{
    for (std::size_t i = 0; i < size; ++i)
        add(values[i]);
}

namespace {
struct Range
{
    float minimum = std::numeric_limits<float>::infinity();
    float maximum = -std::numeric_limits<float>::infinity();
    std::int64_t finite = 0;

    void add(float value)
    {
        if (!std::isfinite(value))
            return;
        minimum = std::min(minimum, value);
        maximum = std::max(maximum, value);
        ++finite;
    }
    HistogramFiller filler(int bins) const
    {
        return finite > 0 ? HistogramFiller(minimum, maximum, bins) : empty(bins);
    }
    static HistogramFiller empty(int bins)
    {
        HistogramFiller filler(0.0f, 1.0f, bins); // B empty bins ...
        filler.histogram().maximum = 0.0f; // ... over [0, 0]
        return filler;
    }
};
} // namespace

Histogram makeHistogram(const float *values, std::size_t size, int bins)
{
    Range range;
    for (std::size_t i = 0; i < size; ++i)
        range.add(values[i]);
    HistogramFiller filler = range.filler(bins);
    if (range.finite > 0)
        filler.add(values, size);
    else
        filler.histogram().nonFinite = std::int64_t(size);
    return filler.histogram();
}

std::vector<LayerHistograms> layerHistograms(const Network &network, const Dataset &test, int count, int bins)
{
    bins = std::max(1, bins);
    const int layers = network.layerCount();
    std::vector<LayerHistograms> result(static_cast<std::size_t>(layers));
    for (int l = 0; l < layers; ++l) {
        LayerHistograms &entry = result[std::size_t(l)];
        const DenseLayer &layer = network.layer(l);
        entry.layerIndex = l;
        entry.hidden = l + 1 < layers;
        if (entry.hidden)
            entry.activation = network.architecture().activations[std::size_t(l)];
        entry.weights = makeHistogram(layer.weights().data(), std::size_t(layer.weights().size()), bins);
        entry.biases = makeHistogram(layer.bias().data(), std::size_t(layer.bias().size()), bins);
    }

    SubsetPass pass(network, test, count);
    const int n = pass.size();
    if (n == 0) {
        for (LayerHistograms &entry : result)
            entry.activations = entry.weightGradients = makeHistogram(nullptr, 0, bins);
        return result;
    }

    // Pass 1: ranges, dead and saturated tallies, the gradient of the mean loss.
    std::vector<Range> ranges(static_cast<std::size_t>(layers));
    std::vector<std::vector<char>> everActive(static_cast<std::size_t>(layers));
    std::vector<std::vector<int>> saturatedCount(static_cast<std::size_t>(layers));
    std::vector<Matrix> preActivation(static_cast<std::size_t>(layers));
    std::vector<Matrix> gradientSum(static_cast<std::size_t>(layers));
    for (int l = 0; l < layers; ++l) {
        const int units = network.layer(l).outputSize();
        gradientSum[std::size_t(l)] = Matrix::Zero(units, network.layer(l).inputSize());
        if (!result[std::size_t(l)].hidden)
            continue;
        if (result[std::size_t(l)].activation == Activation::ReLU) {
            everActive[std::size_t(l)].assign(std::size_t(units), 0);
        } else {
            saturatedCount[std::size_t(l)].assign(std::size_t(units), 0);
            preActivation[std::size_t(l)].resize(units, pass.workspace().capacity);
        }
    }
    const float lossScale = 1.0f / float(n); // each chunk's share of the mean over all N images
    pass.forward(network, [&](int, const Batch &batch, Workspace &workspace) {
        const int size = batch.size();
        for (int l = 0; l < layers; ++l) {
            const auto values = workspace.activations[std::size_t(l)].leftCols(size);
            Range &range = ranges[std::size_t(l)];
            for (Eigen::Index i = 0; i < values.size(); ++i)
                range.add(values.data()[i]);
            if (!everActive[std::size_t(l)].empty()) {
                for (int s = 0; s < size; ++s)
                    for (int u = 0; u < values.rows(); ++u)
                        everActive[std::size_t(l)][std::size_t(u)] |= values(u, s) != 0.0f;
            }
            if (!saturatedCount[std::size_t(l)].empty()) {
                auto z = preActivation[std::size_t(l)].leftCols(size);
                if (l == 0)
                    network.layer(0).forward(batch, z, network.layer(0).allRows(), {0, size});
                else
                    network.layer(l).forward(workspace.activations[std::size_t(l - 1)].leftCols(size), z,
                                             network.layer(l).allRows());
                for (int s = 0; s < size; ++s)
                    for (int u = 0; u < z.rows(); ++u)
                        saturatedCount[std::size_t(l)][std::size_t(u)] += std::abs(z(u, s)) > kSaturationThreshold;
            }
        }
        network.backward(batch, workspace, lossScale);
        for (int l = 0; l < layers; ++l)
            gradientSum[std::size_t(l)] += workspace.weightGradients[std::size_t(l)];
    });

    // Pass 2: bin the activations.
    std::vector<HistogramFiller> fillers;
    fillers.reserve(std::size_t(layers));
    for (int l = 0; l < layers; ++l)
        fillers.push_back(ranges[std::size_t(l)].filler(bins));
    pass.forward(network, [&](int, const Batch &batch, const Workspace &workspace) {
        for (int l = 0; l < layers; ++l) {
            const auto values = workspace.activations[std::size_t(l)].leftCols(batch.size());
            for (int s = 0; s < batch.size(); ++s)
                fillers[std::size_t(l)].add(values.col(s).data(), std::size_t(values.rows()));
        }
    });

    for (int l = 0; l < layers; ++l) {
        LayerHistograms &entry = result[std::size_t(l)];
        entry.activations = fillers[std::size_t(l)].histogram();
        const Matrix &gradient = gradientSum[std::size_t(l)];
        entry.weightGradients = makeHistogram(gradient.data(), std::size_t(gradient.size()), bins);
        for (std::size_t u = 0; u < everActive[std::size_t(l)].size(); ++u)
            if (!everActive[std::size_t(l)][u])
                entry.deadUnits.push_back(int(u));
        for (std::size_t u = 0; u < saturatedCount[std::size_t(l)].size(); ++u)
            if (std::int64_t(saturatedCount[std::size_t(l)][u]) * kSaturatedPercentDivisor
                >= std::int64_t(n) * kSaturatedPercent)
                entry.saturatedUnits.push_back(int(u));
    }
    return result;
}

} // namespace core
