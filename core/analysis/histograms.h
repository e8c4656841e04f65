// Per-layer histograms for the learning views: the weights, the biases, the post-activation
// values on the analysis subset (the first N test images) and the gradient of the subset's mean
// loss with respect to the weights; plus the hidden units that are dead (ReLU) or saturated
// (sigmoid, tanh) on that subset.
#pragma once

#include "activation.h"
#include "dataset.h"
#include "network.h"

#include <cstdint>
#include <vector>

namespace core {

// B equal-width bins over [minimum, maximum]. A value v goes into bin
// floor((v - minimum) / (maximum - minimum) * B), the maximum into the last bin. When every value
// is equal (minimum == maximum) there is ONE bin holding them all (counts.size() == 1). Non-finite
// values are left out of the bins and counted in `nonFinite`; counts sum to the other values'
// count. No values: minimum = maximum = 0 and B empty bins.
struct Histogram
{
    float minimum = 0;
    float maximum = 0;
    std::vector<std::int64_t> counts;
    std::int64_t nonFinite = 0;

    std::int64_t total() const; // sum of counts
};

Histogram makeHistogram(const float *values, std::size_t size, int bins);

// Fills a histogram whose range is known before the values come (a second pass, in pieces).
class HistogramFiller
{
public:
    HistogramFiller(float minimum, float maximum, int bins); // bins >= 1
    void add(const float *values, std::size_t size);
    void add(float value);
    Histogram &histogram() { return m_histogram; }

private:
    Histogram m_histogram;
    double m_scale = 0; // bins / (maximum - minimum), 0 for a single bin
};

struct LayerHistograms
{
    int layerIndex = 0; // dense layer, 0-based as Network::layer() (the views' "layer 1" is 0)
    bool hidden = true; // false for the output (softmax) layer
    Activation activation = Activation::ReLU; // hidden layers only
    Histogram weights; // every weight (out * in values)
    Histogram biases; // every bias (out values)
    Histogram activations; // post-activation values on the subset (units * N values; output: probabilities)
    Histogram weightGradients; // d(mean loss over the N images) / dW at the current weights (out * in)
    // Hidden ReLU layers: units whose activation is exactly 0 on every one of the N images.
    std::vector<int> deadUnits;
    // Hidden sigmoid/tanh layers: units whose |pre-activation| > 4 on at least 90% of the N images.
    std::vector<int> saturatedUnits;
};

// One entry per dense layer. N = min(count, test images); with N = 0 the activation and gradient
// histograms are empty and no unit is called dead or saturated. bins < 1 is taken as 1.
std::vector<LayerHistograms> layerHistograms(const Network &network, const Dataset &test, int count, int bins);

// The thresholds used above.
constexpr float kSaturationThreshold = 4.0f; // |pre-activation|
constexpr int kSaturatedPercent = 90; // of the images, at least (compared in integers)
constexpr int kSaturatedPercentDivisor = 100;

} // namespace core
