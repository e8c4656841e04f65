// The learning views' computations (core/analysis) against direct computations written here
// with plain loops in double: histograms, dead and saturated units, subset metrics, mistakes,
// top images, the loss landscape (its centre is the plain loss), random steps vs SGD, and the
// weight painter (the original network stays untouched). Plus one check on the real MNIST when
// NNJ_MNIST_DIR is set.
#include "analysis/comparison.h"
#include "analysis/features.h"
#include "analysis/histograms.h"
#include "analysis/landscape.h"
#include "analysis/mistakes.h"
#include "analysis/randomsteps.h"
#include "analysis/topimages.h"
#include "analysis/weightpainter.h"
#include "evaluation.h"
#include "idxreader.h"
#include "randomdataset.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

using namespace core;

namespace {

using fixtures::firstImages;
using fixtures::randomDataset;

// Non-zero biases everywhere, so every path is exercised.
Network testNetwork(const std::string &layers, Activation activation, std::uint64_t seed)
{
    Network network(parseArchitecture(layers, activation), seed);
    std::mt19937_64 rng(seed + 100);
    for (int l = 0; l < network.layerCount(); ++l)
        for (int i = 0; i < network.layer(l).bias().size(); ++i)
            network.layer(l).bias()(i) = float(int(rng() % 200) - 100) / 1000.0f;
    return network;
}

double activate(Activation activation, double z)
{
    switch (activation) {
    case Activation::ReLU: return z > 0 ? z : 0;
    case Activation::Sigmoid: return 1 / (1 + std::exp(-z));
    case Activation::Tanh: return std::tanh(z);
    }
    return z;
}

double derivative(Activation activation, double z)
{
    switch (activation) {
    case Activation::ReLU: return z > 0 ? 1 : 0;
    case Activation::Sigmoid: {
        const double s = 1 / (1 + std::exp(-z));
        return s * (1 - s);
    }
    case Activation::Tanh: return 1 - std::tanh(z) * std::tanh(z);
    }
    return 1;
}

struct NaivePass
{
    std::vector<double> input;
    std::vector<std::vector<double>> pre; // per dense layer
    std::vector<std::vector<double>> post; // per dense layer; the last is the softmax
};

NaivePass naiveForward(const Network &network, const Dataset &data, int index)
{
    NaivePass pass;
    const std::uint8_t *pixels = data.image(index);
    for (int p = 0; p < data.pixelsPerImage(); ++p)
        pass.input.push_back(pixels[p] / 255.0);
    const std::vector<double> *input = &pass.input;
    for (int l = 0; l < network.layerCount(); ++l) {
        const DenseLayer &layer = network.layer(l);
        std::vector<double> z(std::size_t(layer.outputSize()));
        for (int i = 0; i < layer.outputSize(); ++i) {
            double sum = layer.bias()(i);
            for (int j = 0; j < layer.inputSize(); ++j)
                sum += double(layer.weights()(i, j)) * (*input)[std::size_t(j)];
            z[std::size_t(i)] = sum;
        }
        std::vector<double> a = z;
        if (l + 1 < network.layerCount()) {
            for (double &value : a)
                value = activate(network.architecture().activations[std::size_t(l)], value);
        } else {
            const double top = *std::max_element(a.begin(), a.end());
            double sum = 0;
            for (double &value : a)
                sum += value = std::exp(value - top);
            for (double &value : a)
                value /= sum;
        }
        pass.pre.push_back(z);
        pass.post.push_back(a);
        input = &pass.post.back();
    }
    return pass;
}

double naiveLoss(const Network &network, const Dataset &data, int count)
{
    double sum = 0;
    for (int i = 0; i < count; ++i)
        sum -= std::log(std::max(naiveForward(network, data, i).post.back()[data.labels[std::size_t(i)]], 1e-12));
    return sum / count;
}

// d(mean loss over the first `count` images) / d(parameters), by backpropagation in double.
struct NaiveGradient
{
    std::vector<std::vector<double>> weights; // per layer, column-major like Matrix
    std::vector<std::vector<double>> biases;
};

NaiveGradient naiveGradient(const Network &network, const Dataset &data, int count)
{
    NaiveGradient gradient;
    for (int l = 0; l < network.layerCount(); ++l) {
        gradient.weights.emplace_back(std::size_t(network.layer(l).weights().size()), 0.0);
        gradient.biases.emplace_back(std::size_t(network.layer(l).outputSize()), 0.0);
    }
    for (int s = 0; s < count; ++s) {
        const NaivePass pass = naiveForward(network, data, s);
        std::vector<double> delta = pass.post.back();
        delta[data.labels[std::size_t(s)]] -= 1.0;
        for (int l = network.layerCount() - 1; l >= 0; --l) {
            const DenseLayer &layer = network.layer(l);
            const std::vector<double> &input = l == 0 ? pass.input : pass.post[std::size_t(l - 1)];
            for (int i = 0; i < layer.outputSize(); ++i) {
                gradient.biases[std::size_t(l)][std::size_t(i)] += delta[std::size_t(i)] / count;
                for (int j = 0; j < layer.inputSize(); ++j)
                    gradient.weights[std::size_t(l)][std::size_t(j) * layer.outputSize() + std::size_t(i)]
                        += delta[std::size_t(i)] * input[std::size_t(j)] / count;
            }
            if (l == 0)
                break;
            std::vector<double> previous(std::size_t(layer.inputSize()), 0.0);
            for (int j = 0; j < layer.inputSize(); ++j) {
                for (int i = 0; i < layer.outputSize(); ++i)
                    previous[std::size_t(j)] += double(layer.weights()(i, j)) * delta[std::size_t(i)];
                previous[std::size_t(j)] *= derivative(network.architecture().activations[std::size_t(l - 1)],
                                                       pass.pre[std::size_t(l - 1)][std::size_t(j)]);
            }
            delta = previous;
        }
    }
    return gradient;
}

// Bins `values` with the histogram's own range, the rule written out: floor((v - min) / width),
// the maximum into the last bin. Values closer than `edgeTolerance` (in bins) to a bin edge may
// land on either side when the tested code computed them in float: those are allowed to move.
void compareHistogram(const Histogram &histogram, const std::vector<double> &values, int bins, double rangeTolerance,
                      double edgeTolerance = 1e-3)
{
    QVERIFY(!values.empty());
    const double minimum = *std::min_element(values.begin(), values.end());
    const double maximum = *std::max_element(values.begin(), values.end());
    QVERIFY2(std::abs(histogram.minimum - minimum) <= rangeTolerance,
             qPrintable(QStringLiteral("min %1 vs %2").arg(histogram.minimum).arg(minimum)));
    QVERIFY2(std::abs(histogram.maximum - maximum) <= rangeTolerance,
             qPrintable(QStringLiteral("max %1 vs %2").arg(histogram.maximum).arg(maximum)));
    QCOMPARE(histogram.total(), std::int64_t(values.size()));
    QCOMPARE(histogram.nonFinite, std::int64_t(0));
    if (histogram.minimum == histogram.maximum) {
        QCOMPARE(histogram.counts.size(), std::size_t(1));
        return;
    }
    QCOMPARE(histogram.counts.size(), std::size_t(bins));
    std::vector<std::int64_t> counts(std::size_t(bins), 0);
    int nearEdge = 0;
    const double width = (double(histogram.maximum) - histogram.minimum) / bins;
    for (double value : values) {
        const double position = (value - histogram.minimum) / width;
        const int bin = std::clamp(int(std::floor(position)), 0, bins - 1);
        ++counts[std::size_t(bin)];
        const double fraction = position - std::floor(position);
        nearEdge += position > edgeTolerance && position < bins - edgeTolerance
                    && (fraction < edgeTolerance || fraction > 1 - edgeTolerance);
    }
    std::int64_t moved = 0;
    for (int b = 0; b < bins; ++b)
        moved += std::abs(counts[std::size_t(b)] - histogram.counts[std::size_t(b)]);
    QVERIFY2(moved <= 2 * nearEdge,
             qPrintable(QStringLiteral("%1 values in other bins, %2 near an edge").arg(moved).arg(nearEdge)));
}

std::vector<double> toDouble(const float *values, Eigen::Index size)
{
    return std::vector<double>(values, values + size);
}

QString mnistDirectory()
{
    const QByteArray directory = qgetenv("NNJ_MNIST_DIR");
    if (directory.isEmpty() || !mnistFilesPresent(directory.toStdString()))
        return {};
    return QString::fromLocal8Bit(directory);
}

} // namespace

class TestAnalysis : public QObject
{
    Q_OBJECT

private slots:
    void histogramByHand()
    {
        const float values[] = {0.0f, 1.0f, 2.0f, 3.0f, 4.0f};
        const Histogram histogram = makeHistogram(values, 5, 4); // bins of width 1; 4 is the maximum
        QCOMPARE(histogram.minimum, 0.0f);
        QCOMPARE(histogram.maximum, 4.0f);
        QCOMPARE(histogram.counts, (std::vector<std::int64_t>{1, 1, 1, 2}));

        const float skewed[] = {-1.0f, -0.5f, -0.49f, 0.0f, 0.99f, 1.0f};
        const Histogram two = makeHistogram(skewed, 6, 2); // bins [-1, 0), [0, 1]
        QCOMPARE(two.counts, (std::vector<std::int64_t>{3, 3}));

        const float equal[] = {2.5f, 2.5f, 2.5f};
        const Histogram one = makeHistogram(equal, 3, 10);
        QCOMPARE(one.counts, (std::vector<std::int64_t>{3})); // all equal: one bin
        QCOMPARE(one.minimum, 2.5f);
        QCOMPARE(one.maximum, 2.5f);

        const Histogram empty = makeHistogram(nullptr, 0, 3);
        QCOMPARE(empty.counts, (std::vector<std::int64_t>{0, 0, 0}));
        QCOMPARE(empty.total(), std::int64_t(0));

        const float withNan[]
            = {0.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f, std::numeric_limits<float>::infinity()};
        const Histogram finite = makeHistogram(withNan, 4, 2);
        QCOMPARE(finite.nonFinite, std::int64_t(2));
        QCOMPARE(finite.counts, (std::vector<std::int64_t>{1, 1}));
        QCOMPARE(finite.maximum, 1.0f);
    }

    void layerHistogramsMatchDirectComputation_data()
    {
        QTest::addColumn<QString>("layers");
        QTest::addColumn<int>("activation");
        QTest::newRow("relu 784-2-10") << "784-2-10" << int(Activation::ReLU);
        QTest::newRow("tanh 784-6-5-10") << "784-6-5-10" << int(Activation::Tanh);
        QTest::newRow("sigmoid 784-3-10") << "784-3-10" << int(Activation::Sigmoid);
    }

    void layerHistogramsMatchDirectComputation()
    {
        QFETCH(QString, layers);
        QFETCH(int, activation);
        const Network network = testNetwork(layers.toStdString(), Activation(activation), 5);
        const Dataset data = randomDataset(40, 3);
        const int count = 23, bins = 7;
        const std::vector<LayerHistograms> result = layerHistograms(network, data, count, bins);
        QCOMPARE(int(result.size()), network.layerCount());

        std::vector<NaivePass> passes;
        for (int s = 0; s < count; ++s)
            passes.push_back(naiveForward(network, data, s));
        const NaiveGradient gradient = naiveGradient(network, data, count);
        for (int l = 0; l < network.layerCount(); ++l) {
            const LayerHistograms &entry = result[std::size_t(l)];
            const DenseLayer &layer = network.layer(l);
            QCOMPARE(entry.layerIndex, l);
            QCOMPARE(entry.hidden, l + 1 < network.layerCount());
            // Weights and biases: exact (the same floats).
            compareHistogram(entry.weights, toDouble(layer.weights().data(), layer.weights().size()), bins, 0.0, 0.0);
            compareHistogram(entry.biases, toDouble(layer.bias().data(), layer.bias().size()), bins, 0.0, 0.0);
            std::vector<double> activations;
            for (const NaivePass &pass : passes)
                activations.insert(activations.end(), pass.post[std::size_t(l)].begin(),
                                   pass.post[std::size_t(l)].end());
            compareHistogram(entry.activations, activations, bins, 1e-4);
            const std::vector<double> &weightGradient = gradient.weights[std::size_t(l)];
            const double gradientScale
                = std::max(std::abs(*std::min_element(weightGradient.begin(), weightGradient.end())),
                           std::abs(*std::max_element(weightGradient.begin(), weightGradient.end())));
            compareHistogram(entry.weightGradients, weightGradient, bins, 1e-4 * gradientScale + 1e-7, 1e-2);

            // Dead and saturated units, by their definitions.
            std::vector<int> dead, saturated;
            if (entry.hidden) {
                for (int u = 0; u < layer.outputSize(); ++u) {
                    int zeros = 0, large = 0;
                    for (const NaivePass &pass : passes) {
                        zeros += pass.post[std::size_t(l)][std::size_t(u)] == 0.0;
                        large += std::abs(pass.pre[std::size_t(l)][std::size_t(u)]) > 4.0;
                    }
                    if (Activation(activation) == Activation::ReLU && zeros == count)
                        dead.push_back(u);
                    if (Activation(activation) != Activation::ReLU && large * 10 >= count * 9)
                        saturated.push_back(u);
                }
            }
            QCOMPARE(entry.deadUnits, dead);
            QCOMPARE(entry.saturatedUnits, saturated);
        }
    }

    void deadAndSaturatedUnitsByHand()
    {
        // 784-3-10, ReLU: unit 1 can never fire (negative weights and bias, pixels >= 0).
        Network relu(Architecture{{784, 3, 10}, {Activation::ReLU}}, 1);
        relu.layer(0).weights().setConstant(0.01f);
        relu.layer(0).weights().row(1).setConstant(-0.01f);
        relu.layer(0).bias() << 0.1f, -0.1f, 0.0f;
        relu.layer(0).weights().row(2).setZero(); // unit 2: z = 0 everywhere, also dead
        Dataset data = randomDataset(10, 9);
        const std::vector<LayerHistograms> dead = layerHistograms(relu, data, 10, 5);
        QCOMPARE(dead[0].deadUnits, (std::vector<int>{1, 2}));
        QVERIFY(dead[0].saturatedUnits.empty());
        QVERIFY(dead[1].deadUnits.empty()); // the output layer is never dead or saturated
        QCOMPARE(dead[0].activations.total(), std::int64_t(30));
        QCOMPARE(dead[1].activations.total(), std::int64_t(100));

        // Sigmoid: unit 0 sees pixel 0 with weight 100 (z = 100 when lit, 0 when dark); unit 1 has
        // bias 10 (always saturated); unit 2 is 0 (never).
        for (int i = 0; i < 10; ++i)
            data.images[std::size_t(i) * 784] = i < 9 ? 255 : 0; // pixel 0 lit in 9 of 10 images
        Network sigmoid(Architecture{{784, 3, 10}, {Activation::Sigmoid}}, 1);
        sigmoid.layer(0).weights().setZero();
        sigmoid.layer(0).weights()(0, 0) = 100.0f;
        sigmoid.layer(0).bias() << 0.0f, 10.0f, 0.0f;
        QCOMPARE(layerHistograms(sigmoid, data, 10, 5)[0].saturatedUnits, (std::vector<int>{0, 1})); // 90%: in
        data.images[8 * 784] = 0; // now 8 of 10
        QCOMPARE(layerHistograms(sigmoid, data, 10, 5)[0].saturatedUnits, (std::vector<int>{1})); // 80%: out
        QVERIFY(layerHistograms(sigmoid, data, 10, 5)[0].deadUnits.empty());
    }

    void subsetMetricsMatchDirectComputation()
    {
        const Network network = testNetwork("784-6-5-10", Activation::ReLU, 8);
        const Dataset data = randomDataset(1234, 4); // more than one chunk
        for (int count : {1, 37, 1100, 5000}) {
            const int n = std::min(count, data.count());
            const SubsetMetrics metrics = evaluateSubset(network, data, count);
            QCOMPARE(metrics.count, n);
            double loss = 0, confidence = 0;
            int correct = 0;
            for (int s = 0; s < n; ++s) {
                const std::vector<double> p = naiveForward(network, data, s).post.back();
                const auto top = std::max_element(p.begin(), p.end());
                correct += int(top - p.begin()) == data.labels[std::size_t(s)];
                confidence += *top;
                loss -= std::log(p[data.labels[std::size_t(s)]]);
            }
            QVERIFY2(std::abs(metrics.loss - loss / n) < 1e-5 * (1 + loss / n), qPrintable(QString::number(count)));
            QVERIFY(std::abs(metrics.meanConfidence - confidence / n) < 1e-5);
            QCOMPARE(metrics.accuracy, float(double(correct) / n));
        }
        const NetworkComparison both
            = compareNetworks(testNetwork("784-2-10", Activation::ReLU, 1), network, data, 100);
        QCOMPARE(both.current.loss, evaluateSubset(network, data, 100).loss);
        QVERIFY(both.initial.loss != both.current.loss);
        QCOMPARE(evaluateSubset(network, data, 0).count, 0);
    }

    void mistakesMatchDirectComputation()
    {
        const Network network = testNetwork("784-6-10", Activation::ReLU, 21);
        const Dataset data = randomDataset(700, 6); // random labels: plenty of mistakes
        std::array<std::array<std::vector<int>, 10>, 10> cells;
        std::vector<std::vector<double>> probabilities;
        for (int s = 0; s < data.count(); ++s) {
            probabilities.push_back(naiveForward(network, data, s).post.back());
            const auto &p = probabilities.back();
            cells[data.labels[std::size_t(s)]][std::size_t(std::max_element(p.begin(), p.end()) - p.begin())].push_back(
                s);
        }
        int checkedCells = 0;
        for (int t = 0; t < 10; ++t) {
            for (int p = 0; p < 10; ++p) {
                std::vector<int> expected = cells[std::size_t(t)][std::size_t(p)];
                if (expected.empty())
                    continue;
                ++checkedCells;
                std::stable_sort(expected.begin(), expected.end(), [&](int a, int b) {
                    return probabilities[std::size_t(a)][std::size_t(p)]
                           > probabilities[std::size_t(b)][std::size_t(p)];
                });
                const int limit = 3;
                const MistakeList list = findMistakes(network, data, t, p, limit);
                QCOMPARE(list.total, int(expected.size()));
                QCOMPARE(list.items.size(), std::min(expected.size(), std::size_t(limit)));
                for (std::size_t k = 0; k < list.items.size(); ++k) {
                    const MistakeItem &item = list.items[k];
                    QCOMPARE(item.index, expected[k]);
                    QCOMPARE(item.label, t);
                    QCOMPARE(item.prediction, p);
                    QCOMPARE(item.confidence, item.probabilities[std::size_t(p)]);
                    for (int c = 0; c < 10; ++c)
                        QVERIFY(std::abs(item.probabilities[std::size_t(c)]
                                         - probabilities[std::size_t(item.index)][std::size_t(c)])
                                < 1e-5);
                    if (k > 0)
                        QVERIFY(list.items[k - 1].confidence >= item.confidence);
                }
            }
        }
        QVERIFY(checkedCells > 20);
        QVERIFY(findMistakes(network, data, 10, 0, 5).items.empty());
        QVERIFY(findMistakes(network, data, 1, 2, 0).items.empty());
    }

    void topImagesMatchDirectComputation()
    {
        const Network network = testNetwork("784-8-5-10", Activation::ReLU, 13);
        const Dataset data = randomDataset(600, 8);
        const int count = 550, k = 9;
        std::vector<NaivePass> passes;
        for (int s = 0; s < count; ++s)
            passes.push_back(naiveForward(network, data, s));
        for (const auto &[layer, neuron] : std::vector<std::pair<int, int>>{{0, 3}, {1, 4}, {2, 7}}) {
            std::vector<int> expected(static_cast<std::size_t>(count));
            std::iota(expected.begin(), expected.end(), 0);
            std::stable_sort(expected.begin(), expected.end(), [&](int a, int b) {
                return passes[std::size_t(a)].post[std::size_t(layer)][std::size_t(neuron)]
                       > passes[std::size_t(b)].post[std::size_t(layer)][std::size_t(neuron)];
            });
            expected.resize(std::size_t(k));
            const TopImages top = topActivatingImages(network, data, count, layer, neuron, k);
            QCOMPARE(top.indices, expected);
            QCOMPARE(top.activations.size(), std::size_t(k));
            for (int i = 0; i < k; ++i)
                QVERIFY(
                    std::abs(
                        top.activations[std::size_t(i)]
                        - passes[std::size_t(expected[std::size_t(i)])].post[std::size_t(layer)][std::size_t(neuron)])
                    < 1e-4);
            QCOMPARE(top.meanImage.size(), std::size_t(784));
            for (int p = 0; p < 784; ++p) {
                double sum = 0;
                for (int index : expected)
                    sum += data.image(index)[p] / 255.0;
                QVERIFY(std::abs(top.meanImage[std::size_t(p)] - sum / k) < 1e-6);
            }
        }
        // Ties (a dead-ish ReLU unit: 0 on most images) go by index.
        Network flat = network;
        flat.layer(0).weights().row(0).setZero();
        flat.layer(0).bias()(0) = 0.0f;
        QCOMPARE(topActivatingImages(flat, data, count, 0, 0, 4).indices, (std::vector<int>{0, 1, 2, 3}));
        QVERIFY(topActivatingImages(network, data, count, 5, 0, 4).indices.empty());
        QCOMPARE(topActivatingImages(network, data, 3, 0, 0, 10).indices.size(), std::size_t(3));
    }

    void neuronStatisticsMatchDirectComputation()
    {
        const Dataset data = randomDataset(300, 21);
        const int count = 260;
        for (Activation activation : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh}) {
            const Network network = testNetwork("784-7-5-10", activation, 23);
            std::vector<NaivePass> passes;
            for (int s = 0; s < count; ++s)
                passes.push_back(naiveForward(network, data, s));
            for (int layer = 0; layer < network.layerCount(); ++layer) {
                const NeuronStatistics stats = neuronStatistics(network, data, layer, count);
                const DenseLayer &dense = network.layer(layer);
                QCOMPARE(stats.layerIndex, layer);
                QCOMPARE(stats.samples, count);
                QCOMPARE(stats.weightNorms.size(), std::size_t(dense.outputSize()));
                QCOMPARE(stats.firingRates.size(), std::size_t(dense.outputSize()));
                for (int u = 0; u < dense.outputSize(); ++u) {
                    double squares = 0;
                    for (int j = 0; j < dense.inputSize(); ++j)
                        squares += double(dense.weights()(u, j)) * dense.weights()(u, j);
                    QVERIFY(std::abs(stats.weightNorms[std::size_t(u)] - std::sqrt(squares)) < 1e-4);
                    // Fires = pre-activation z > 0; values within float rounding of 0 may go either way.
                    int fired = 0, nearZero = 0;
                    for (const NaivePass &pass : passes) {
                        const double z = pass.pre[std::size_t(layer)][std::size_t(u)];
                        fired += z > 0;
                        nearZero += std::abs(z) < 1e-5;
                    }
                    QVERIFY2(std::abs(stats.firingRates[std::size_t(u)] * count - fired) <= nearZero + 1e-3,
                             qPrintable(QStringLiteral("layer %1 unit %2: %3 vs %4 of %5")
                                            .arg(layer)
                                            .arg(u)
                                            .arg(double(stats.firingRates[std::size_t(u)]) * count)
                                            .arg(fired)
                                            .arg(count)));
                }
            }
        }
        // A unit that never fires and one that always does.
        Network network = testNetwork("784-4-10", Activation::ReLU, 5);
        network.layer(0).weights().row(1).setZero();
        network.layer(0).bias()(1) = -1.0f;
        network.layer(0).weights().row(2).setZero();
        network.layer(0).bias()(2) = 0.5f;
        const NeuronStatistics stats = neuronStatistics(network, data, 0, count);
        QCOMPARE(stats.firingRates[1], 0.0f);
        QCOMPARE(stats.firingRates[2], 1.0f);
        QCOMPARE(stats.weightNorms[1], 0.0f);
        QVERIFY(neuronStatistics(network, data, 2, count).weightNorms.empty()); // not a layer
        const NeuronStatistics none = neuronStatistics(network, data, 0, 0);
        QCOMPARE(none.samples, 0);
        QCOMPARE(none.firingRates, std::vector<float>(4, 0.0f));
    }

    void painterEditsACopyOnly()
    {
        const Network original = testNetwork("784-4-10", Activation::ReLU, 2);
        const Network before = original;
        Brush brush;
        brush.x = 10.5f; // centre of pixel (column 10, row 12)
        brush.y = 12.5f;
        brush.radius = 2.0f;
        brush.strength = 0.25f;
        brush.sign = -1;
        const Network painted = paintedCopy(original, 2, brush);
        for (int l = 0; l < original.layerCount(); ++l) { // the original: untouched, bit for bit
            QVERIFY(original.layer(l).weights() == before.layer(l).weights());
            QVERIFY(original.layer(l).bias() == before.layer(l).bias());
        }
        const Matrix change = painted.layer(0).weights() - original.layer(0).weights();
        for (int row = 0; row < 28; ++row) {
            for (int column = 0; column < 28; ++column) {
                const double dx = column + 0.5 - 10.5, dy = row + 0.5 - 12.5;
                const double ratio = (dx * dx + dy * dy) / 4.0;
                const double expected = ratio < 1 ? -0.25 * (1 - ratio) * (1 - ratio) : 0.0;
                QVERIFY(std::abs(change(2, row * 28 + column) - expected) < 1e-6);
            }
        }
        QVERIFY(std::abs(change(2, 12 * 28 + 10) + 0.25f) < 1e-6); // the centre pixel: -strength
        QVERIFY(std::abs(change(2, 12 * 28 + 11) + 0.25f * 0.5625f) < 1e-6); // one pixel away: (1 - 1/4)^2
        QCOMPARE(change(2, 12 * 28 + 12), 0.0f); // two pixels away: on the rim, untouched
        for (int neuron : {0, 1, 3})
            QVERIFY(change.row(neuron).isZero(0.0f));
        QVERIFY(painted.layer(0).bias() == original.layer(0).bias());
        QVERIFY(painted.layer(1).weights() == original.layer(1).weights());
        QVERIFY(paintedCopy(original, 9, brush).layer(0).weights() == original.layer(0).weights()); // out of range
    }

    void landscapeCentreIsThePlainLoss()
    {
        const Network network = testNetwork("784-6-5-10", Activation::ReLU, 17);
        const Dataset data = randomDataset(900, 12);
        const int count = 640; // two chunks
        const LandscapePlane plane = makeLandscapePlane(network, 99);
        LandscapeSettings settings;
        settings.gridSize = 5;
        settings.span = 0.5f;
        settings.count = count;
        const LossLandscape landscape = computeLossLandscape(network, plane, data, settings);
        QCOMPARE(landscape.count, count);
        QCOMPARE(landscape.alphas, (std::vector<float>{-0.5f, -0.25f, 0.0f, 0.25f, 0.5f}));
        QCOMPARE(landscape.betas, landscape.alphas);
        QCOMPARE(landscape.losses.size(), std::size_t(25));
        QVERIFY(!landscape.cancelled);

        const float plain = evaluate(network, firstImages(data, count)).loss; // the trainer's evaluation
        QCOMPARE(landscape.centerLoss, evaluateSubset(network, data, count).loss);
        QVERIFY2(std::abs(landscape.losses[2 * 5 + 2] - plain) <= 1e-5f * plain,
                 qPrintable(QStringLiteral("%1 vs %2").arg(landscape.losses[12], 0, 'g', 9).arg(plain, 0, 'g', 9)));
        QVERIFY(std::abs(landscape.centerLoss - plain) <= 1e-6f * plain);
        QVERIFY(std::abs(naiveLoss(network, data, count) - plain) < 1e-5 * plain);

        // Off-centre points: the network moved along the plane, its loss computed directly.
        LandscapeEvaluator evaluator(network, plane, data, count);
        for (const auto &[i, j] : std::vector<std::pair<int, int>>{{0, 0}, {4, 1}, {1, 3}, {3, 2}}) {
            const float alpha = landscape.alphas[std::size_t(i)], beta = landscape.betas[std::size_t(j)];
            Network moved = network;
            for (int l = 0; l < network.layerCount(); ++l)
                moved.layer(l).weights()
                    += alpha * plane.first.weights[std::size_t(l)] + beta * plane.second.weights[std::size_t(l)];
            const double expected = naiveLoss(moved, data, count);
            const float got = landscape.losses[std::size_t(j * 5 + i)];
            QVERIFY2(std::abs(got - expected) < 1e-4 * expected,
                     qPrintable(QStringLiteral("(%1, %2): %3 vs %4").arg(alpha).arg(beta).arg(got).arg(expected)));
            QCOMPARE(float(evaluator.loss(alpha, beta)), got);
        }
        QVERIFY(landscape.losses[0] != landscape.losses[24]);
    }

    void landscapeDirectionsAreFilterNormalised()
    {
        const Network network = testNetwork("784-6-5-10", Activation::Tanh, 3);
        const LandscapePlane plane = makeLandscapePlane(network, 7);
        for (const LandscapeDirection *direction : {&plane.first, &plane.second}) {
            QCOMPARE(int(direction->weights.size()), network.layerCount());
            for (int l = 0; l < network.layerCount(); ++l) {
                const Matrix &d = direction->weights[std::size_t(l)];
                const Matrix &w = network.layer(l).weights();
                QCOMPARE(d.rows(), w.rows());
                QCOMPARE(d.cols(), w.cols());
                for (int row = 0; row < w.rows(); ++row) {
                    double dNorm = 0, wNorm = 0;
                    for (int column = 0; column < w.cols(); ++column) {
                        dNorm += double(d(row, column)) * d(row, column);
                        wNorm += double(w(row, column)) * w(row, column);
                    }
                    QVERIFY(std::abs(std::sqrt(dNorm) - std::sqrt(wNorm)) < 1e-5 * std::sqrt(wNorm));
                }
                QVERIFY(direction->biases[std::size_t(l)].isZero(0.0f)); // 1-D parameters: not moved
            }
        }
        QVERIFY(plane.first.weights[0] != plane.second.weights[0]);
        QVERIFY(makeLandscapePlane(network, 7).first.weights[1] == plane.first.weights[1]); // same seed, same plane
        QVERIFY(makeLandscapePlane(network, 8).first.weights[1] != plane.first.weights[1]);
    }

    void landscapeProgressAndCancel()
    {
        const Network network = testNetwork("784-2-10", Activation::ReLU, 1);
        const Dataset data = randomDataset(50, 2);
        const LandscapePlane plane = makeLandscapePlane(network, 1);
        LandscapeSettings settings{4, 1.0f, 50};
        std::vector<int> calls;
        const LossLandscape stopped = computeLossLandscape(network, plane, data, settings, [&](int done, int total) {
            calls.push_back(done);
            return total == 16 && done < 5;
        });
        QCOMPARE(calls, (std::vector<int>{1, 2, 3, 4, 5}));
        QVERIFY(stopped.cancelled);
        QVERIFY(std::isfinite(stopped.losses[4]));
        QVERIFY(std::isnan(stopped.losses[5]));
        QCOMPARE(stopped.alphas, (std::vector<float>{-1.0f, -1.0f / 3.0f, 1.0f / 3.0f, 1.0f}));
    }

    void trajectoryProjection()
    {
        const Network center = testNetwork("784-6-5-10", Activation::ReLU, 4);
        const Dataset data = randomDataset(120, 5);
        const LandscapePlane plane = makeLandscapePlane(center, 3);
        std::vector<Network> snapshots;
        snapshots.push_back(center);
        Network onPlane = center; // center + 0.3 first - 0.2 second
        for (int l = 0; l < center.layerCount(); ++l)
            onPlane.layer(l).weights()
                += 0.3f * plane.first.weights[std::size_t(l)] - 0.2f * plane.second.weights[std::size_t(l)];
        snapshots.push_back(onPlane);
        Network offPlane = onPlane; // plus a bias change: orthogonal to the plane (its biases are 0)
        offPlane.layer(1).bias()(2) += 0.5f;
        snapshots.push_back(offPlane);
        Network random = testNetwork("784-6-5-10", Activation::ReLU, 77); // somewhere else entirely
        snapshots.push_back(random);

        int lastProgress = 0;
        const Trajectory trajectory = projectTrajectory(center, plane, snapshots, data, 100, [&](int done, int total) {
            lastProgress = done;
            return total == 4;
        });
        QCOMPARE(lastProgress, 4);
        QCOMPARE(trajectory.points.size(), std::size_t(4));
        QCOMPARE(trajectory.points[0].alpha, 0.0f);
        QCOMPARE(trajectory.points[0].beta, 0.0f);
        QCOMPARE(trajectory.points[0].distance, 0.0f);
        QVERIFY(std::abs(trajectory.points[1].alpha - 0.3f) < 1e-4f);
        QVERIFY(std::abs(trajectory.points[1].beta + 0.2f) < 1e-4f);
        QVERIFY(trajectory.points[1].residual < 1e-3f * trajectory.points[1].distance);
        QVERIFY(std::abs(trajectory.points[2].alpha - 0.3f) < 1e-4f);
        QVERIFY(std::abs(trajectory.points[2].residual - 0.5f) < 1e-3f);

        // The least-squares solution written out with the flattened parameters, for the far one.
        std::vector<double> d1, d2, delta;
        for (int l = 0; l < center.layerCount(); ++l) {
            const Matrix dw = random.layer(l).weights() - center.layer(l).weights();
            const Vector db = random.layer(l).bias() - center.layer(l).bias();
            for (Eigen::Index i = 0; i < dw.size(); ++i) {
                delta.push_back(dw.data()[i]);
                d1.push_back(plane.first.weights[std::size_t(l)].data()[i]);
                d2.push_back(plane.second.weights[std::size_t(l)].data()[i]);
            }
            for (Eigen::Index i = 0; i < db.size(); ++i) {
                delta.push_back(db[i]);
                d1.push_back(0);
                d2.push_back(0);
            }
        }
        double a11 = 0, a12 = 0, a22 = 0, r1 = 0, r2 = 0;
        for (std::size_t i = 0; i < delta.size(); ++i) {
            a11 += d1[i] * d1[i];
            a12 += d1[i] * d2[i];
            a22 += d2[i] * d2[i];
            r1 += d1[i] * delta[i];
            r2 += d2[i] * delta[i];
        }
        const double alpha = (a22 * r1 - a12 * r2) / (a11 * a22 - a12 * a12);
        const double beta = (a11 * r2 - a12 * r1) / (a11 * a22 - a12 * a12);
        QVERIFY(std::abs(trajectory.points[3].alpha - alpha) < 1e-4 * (1 + std::abs(alpha)));
        QVERIFY(std::abs(trajectory.points[3].beta - beta) < 1e-4 * (1 + std::abs(beta)));
        for (std::size_t k = 0; k < snapshots.size(); ++k) // each snapshot's own loss
            QVERIFY(std::abs(trajectory.points[k].loss - naiveLoss(snapshots[k], data, 100))
                    < 1e-5 * (1 + trajectory.points[k].loss));

        const Trajectory stopped
            = projectTrajectory(center, plane, snapshots, data, 100, [](int done, int) { return done < 2; });
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.points.size(), std::size_t(2));

        // The extent: the largest |alpha| or |beta| over the span, NaN points skipped.
        Trajectory small;
        small.points = {{0.01f, -0.03f}, {0, 0}, {NAN, 5}};
        QCOMPARE(trajectoryExtent(small, 0.5f), 0.06f);
        QCOMPARE(trajectoryExtent({}, 1), 0.0f);
        QCOMPARE(trajectoryExtent(trajectory, 1),
                 std::max({std::abs(trajectory.points[3].alpha), std::abs(trajectory.points[3].beta), 0.3f}));
    }

    void randomStepsMatchDirectComputation()
    {
        const Network initial = testNetwork("784-2-10", Activation::ReLU, 6);
        const Dataset train = randomDataset(16, 10);
        RandomStepsSettings settings;
        settings.batchSize = 16; // full batch: every step sees the same 16 images
        settings.learningRate = 0.5f;
        settings.steps = 1;
        settings.seed = 5;
        const RandomStepsResult one = compareRandomSteps(initial, train, settings);
        QCOMPARE(one.stepsTaken, 1);
        const double initialLoss = naiveLoss(initial, train, 16);
        QVERIFY(std::abs(one.sgdLoss[0] - initialLoss) < 1e-5 * initialLoss);
        QCOMPARE(one.randomLoss[0], one.sgdLoss[0]); // same start, same batch

        // SGD step: initial - lr * gradient; its length.
        const NaiveGradient gradient = naiveGradient(initial, train, 16);
        double squares = 0, differenceSquares = 0, randomSquares = 0;
        for (int l = 0; l < initial.layerCount(); ++l) {
            const Matrix &w = initial.layer(l).weights();
            for (Eigen::Index i = 0; i < w.size(); ++i) {
                const double g = gradient.weights[std::size_t(l)][std::size_t(i)];
                squares += g * g;
                const double expected = w.data()[i] - 0.5 * g;
                differenceSquares += std::pow(one.sgd.layer(l).weights().data()[i] - expected, 2);
                randomSquares += std::pow(one.random.layer(l).weights().data()[i] - w.data()[i], 2);
            }
            for (int i = 0; i < initial.layer(l).outputSize(); ++i) {
                const double g = gradient.biases[std::size_t(l)][std::size_t(i)];
                squares += g * g;
                differenceSquares += std::pow(one.sgd.layer(l).bias()(i) - (initial.layer(l).bias()(i) - 0.5 * g), 2);
                randomSquares += std::pow(one.random.layer(l).bias()(i) - initial.layer(l).bias()(i), 2);
            }
        }
        const double length = 0.5 * std::sqrt(squares);
        QVERIFY(length > 1e-3);
        QVERIFY2(std::abs(one.stepLength[0] - length) < 1e-4 * length,
                 qPrintable(QStringLiteral("%1 vs %2").arg(one.stepLength[0]).arg(length)));
        QVERIFY(std::sqrt(differenceSquares) < 1e-4 * length);
        QVERIFY2(std::abs(std::sqrt(randomSquares) - length) < 1e-4 * length, // the random step: same length
                 qPrintable(QStringLiteral("%1 vs %2").arg(std::sqrt(randomSquares)).arg(length)));

        // Three steps: each curve point is the walker's loss before that step; deterministic.
        settings.steps = 3;
        const RandomStepsResult three = compareRandomSteps(initial, train, settings);
        QCOMPARE(three.sgdLoss.size(), std::size_t(3));
        QCOMPARE(three.sgdLoss[0], one.sgdLoss[0]);
        QCOMPARE(three.stepLength[0], one.stepLength[0]);
        QVERIFY(std::abs(three.sgdLoss[1] - naiveLoss(one.sgd, train, 16)) < 1e-5 * three.sgdLoss[1]);
        QVERIFY(std::abs(three.randomLoss[1] - naiveLoss(one.random, train, 16)) < 1e-5 * three.randomLoss[1]);
        QVERIFY(three.sgdLoss[2] < three.sgdLoss[0]); // descent descends on a full batch
        const RandomStepsResult again = compareRandomSteps(initial, train, settings);
        QCOMPARE(again.randomLoss, three.randomLoss);
        QCOMPARE(again.sgdLoss, three.sgdLoss);

        int calls = 0;
        settings.steps = 10;
        const RandomStepsResult stopped = compareRandomSteps(initial, train, settings, [&](int done, int total) {
            ++calls;
            return total == 10 && done < 4;
        });
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.stepsTaken, 4);
        QCOMPARE(stopped.sgdLoss.size(), std::size_t(4));
        QCOMPARE(calls, 4);
    }

    void randomStepsUseShuffledBatches()
    {
        // Batches of 4 from 10 images: 3 steps need a reshuffle; curves stay finite and repeatable.
        const Network initial = testNetwork("784-3-10", Activation::Sigmoid, 2);
        const Dataset train = randomDataset(10, 1);
        RandomStepsSettings settings{4, 0.1f, 7, 3};
        const RandomStepsResult result = compareRandomSteps(initial, train, settings);
        QCOMPARE(result.stepsTaken, 7);
        for (int k = 0; k < 7; ++k) {
            QVERIFY(std::isfinite(result.sgdLoss[std::size_t(k)]) && std::isfinite(result.randomLoss[std::size_t(k)]));
            QVERIFY(result.stepLength[std::size_t(k)] > 0);
        }
        settings.seed = 4;
        QVERIFY(compareRandomSteps(initial, train, settings).sgdLoss != result.sgdLoss);
    }

    void realMnist()
    {
        const QString directory = mnistDirectory();
        if (directory.isEmpty()) {
            if (!qEnvironmentVariableIsEmpty("CI"))
                QFAIL("CI is set but NNJ_MNIST_DIR does not hold the MNIST files (scripts/fetch-mnist DIR)");
            QSKIP("set NNJ_MNIST_DIR to a folder with the MNIST files (scripts/fetch-mnist DIR)");
        }
        const MnistData data = loadMnist(directory.toStdString());
        const Network network(Architecture{}, 42);
        const int count = 1000;
        const Dataset subset = firstImages(data.test, count);
        const Evaluation plain = evaluate(network, subset);
        const SubsetMetrics metrics = evaluateSubset(network, data.test, count);
        QCOMPARE(metrics.count, count);
        QCOMPARE(metrics.accuracy, plain.accuracy);
        QVERIFY(std::abs(metrics.loss - plain.loss) <= 1e-6f * plain.loss);

        const std::vector<LayerHistograms> histograms = layerHistograms(network, data.test, count, 20);
        QCOMPARE(histograms[0].activations.total(), std::int64_t(count) * 128);
        QCOMPARE(histograms[1].activations.total(), std::int64_t(count) * 64);
        QCOMPARE(histograms[2].weights.total(), std::int64_t(64) * 10);

        LandscapeSettings settings{3, 0.5f, 300};
        const LossLandscape landscape
            = computeLossLandscape(network, makeLandscapePlane(network, 1), data.test, settings);
        const float centre = evaluate(network, firstImages(data.test, 300)).loss;
        QVERIFY2(std::abs(landscape.losses[4] - centre) <= 1e-5f * centre,
                 qPrintable(QStringLiteral("%1 vs %2").arg(landscape.losses[4]).arg(centre)));

        const MistakeList mistakes = findMistakes(network, data.test, 3, 5, 4);
        QCOMPARE(mistakes.total, evaluate(network, data.test).confusion[3][5]);
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
