// The learning views' HTTP routes (AnalysisApi): after a short run on the synthetic MNIST, each
// answer is checked against the test's own forward pass (double precision) over the /get-weights
// JSON and the fixture's test images; the landscape and random-steps jobs with their WebSocket
// progress, results, cancel and conflicts; every bad parameter. Plus compare and histograms on
// the real MNIST ($NNJ_MNIST_DIR; skipped without it unless CI is set), with their timings.
#include "serverfixtures.h"
#include "wsclient.h"

#include "analysisapi.h"
#include "idxreader.h"
#include "server.h"
#include "session.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

using namespace Qt::StringLiterals;
using fixtures::get;
using fixtures::post;

namespace {

// The test's own network: weights[i * out + o] is the weight from input i to unit o.
struct TestLayer
{
    int in = 0;
    int out = 0;
    std::vector<double> weights;
    std::vector<double> bias;
};

struct TestNetwork
{
    std::vector<TestLayer> layers;
    std::vector<core::Activation> activations; // hidden layers
};

TestNetwork fromWeightsJson(const QJsonArray &layers, const core::Architecture &architecture)
{
    TestNetwork network;
    network.activations = architecture.activations;
    for (const QJsonValue &value : layers) {
        const QJsonObject object = value.toObject();
        if (object.value(u"type"_s).toString() != u"Dense"_s)
            continue; // the activation entries of the original format
        TestLayer layer;
        layer.in = object.value(u"inputSize"_s).toInt();
        layer.out = object.value(u"outputSize"_s).toInt();
        const QJsonArray rows = object.value(u"weights"_s).toArray();
        for (const QJsonValue &row : rows) {
            for (const QJsonValue &weight : row.toArray())
                layer.weights.push_back(weight.toDouble());
        }
        QJsonArray biases = object.value(u"bias"_s).toArray();
        if (biases.size() == 1 && biases.first().isArray())
            biases = biases.first().toArray(); // the original sends [[b0, b1, ...]]
        for (const QJsonValue &bias : biases)
            layer.bias.push_back(bias.toDouble());
        if (int(layer.bias.size()) != layer.out || int(layer.weights.size()) != layer.in * layer.out)
            qFatal("unexpected /get-weights layer shape");
        network.layers.push_back(layer);
    }
    return network;
}

TestNetwork fromNetwork(const core::Network &source)
{
    TestNetwork network;
    network.activations = source.architecture().activations;
    for (int l = 0; l < source.layerCount(); ++l) {
        const core::DenseLayer &dense = source.layer(l);
        TestLayer layer;
        layer.in = dense.inputSize();
        layer.out = dense.outputSize();
        for (int i = 0; i < layer.in; ++i) {
            for (int o = 0; o < layer.out; ++o)
                layer.weights.push_back(dense.weights()(o, i));
        }
        for (int o = 0; o < layer.out; ++o)
            layer.bias.push_back(dense.bias()(o));
        network.layers.push_back(layer);
    }
    return network;
}

// Every layer's post-activation values for one image (the last: softmax probabilities).
std::vector<std::vector<double>> forward(const TestNetwork &network, const std::uint8_t *image)
{
    std::vector<double> input(784);
    for (int i = 0; i < 784; ++i)
        input[i] = image[i] / 255.0;
    std::vector<std::vector<double>> values;
    for (std::size_t l = 0; l < network.layers.size(); ++l) {
        const TestLayer &layer = network.layers[l];
        std::vector<double> output(layer.bias);
        for (int i = 0; i < layer.in; ++i) {
            if (input[i] == 0)
                continue;
            for (int o = 0; o < layer.out; ++o)
                output[o] += layer.weights[std::size_t(i) * layer.out + o] * input[i];
        }
        if (l + 1 < network.layers.size()) {
            for (double &v : output) {
                switch (network.activations[l]) {
                case core::Activation::ReLU: v = std::max(0.0, v); break;
                case core::Activation::Sigmoid: v = 1 / (1 + std::exp(-v)); break;
                case core::Activation::Tanh: v = std::tanh(v); break;
                }
            }
        } else {
            const double top = *std::max_element(output.begin(), output.end());
            double sum = 0;
            for (double &v : output)
                sum += (v = std::exp(v - top));
            for (double &v : output)
                v /= sum;
        }
        values.push_back(output);
        input = output;
    }
    return values;
}

struct Metrics
{
    double accuracy = 0, loss = 0, meanConfidence = 0;
};

Metrics metricsOf(const TestNetwork &network, const core::Dataset &test, int count)
{
    Metrics metrics;
    for (int n = 0; n < count; ++n) {
        const std::vector<double> p = forward(network, test.image(n)).back();
        const auto best = int(std::max_element(p.begin(), p.end()) - p.begin());
        metrics.accuracy += best == test.labels[n];
        metrics.loss += -std::log(std::max(p[test.labels[n]], 1e-12));
        metrics.meanConfidence += p[best];
    }
    metrics.accuracy /= count;
    metrics.loss /= count;
    metrics.meanConfidence /= count;
    return metrics;
}

bool near(double actual, double expected, double tolerance = 1e-4)
{
    return std::abs(actual - expected) <= tolerance * std::max(1.0, std::abs(expected));
}

#define QVERIFY_NEAR(actual, expected)                                                                                 \
    QVERIFY2(near((actual), (expected)), qPrintable(u"%1 = %2, expected %3"_s.arg(QString::fromLatin1(#actual))        \
                                                        .arg(actual, 0, 'g', 9)                                        \
                                                        .arg(expected, 0, 'g', 9)))

qint64 countsTotal(const QJsonObject &histogram)
{
    qint64 total = 0;
    for (const QJsonValue &count : histogram.value(u"counts"_s).toArray())
        total += count.toInteger();
    return total;
}

// The bins of makeHistogram: floor((v - min) / (max - min) * B), the maximum in the last bin.
std::vector<qint64> binsOf(const std::vector<double> &values, double minimum, double maximum, int bins)
{
    std::vector<qint64> counts(bins);
    const double scale = double(bins) / (maximum - minimum);
    for (double v : values)
        ++counts[std::clamp(int(std::floor((v - minimum) * scale)), 0, bins - 1)];
    return counts;
}

std::vector<qint64> jsonCounts(const QJsonObject &histogram)
{
    std::vector<qint64> counts;
    for (const QJsonValue &count : histogram.value(u"counts"_s).toArray())
        counts.push_back(count.toInteger());
    return counts;
}

QJsonObject without(QJsonObject object, const QStringList &keys)
{
    for (const QString &key : keys)
        object.remove(key);
    return object;
}

} // namespace

class TestAnalysisApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void unavailableBeforeData();
    void badParameters_data();
    void badParameters();
    void histograms();
    void compare();
    void mistakes();
    void topImages();
    void features();
    void predictInitial();
    void landscapeJob();
    void landscapeCancelAndConflict();
    void randomStepsJob();
    void realMnistCompareAndHistograms();

private:
    void ensureTrained();
    TestNetwork currentNetwork();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<server::Session> m_session;
    std::unique_ptr<server::Server> m_server;
    core::MnistData m_data;
    quint16 m_port = 0;
    bool m_trained = false;
};

void TestAnalysisApi::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    fixtures::writeMnist(m_dir->filePath(u"mnist"_s), 640, 100);
    m_data = core::loadMnist(m_dir->filePath(u"mnist"_s).toStdString());
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"mnist"_s);
    options.allowDownload = false;
    m_session = std::make_unique<server::Session>(options);
    m_session->execute(server::Command::teachingMode(false));
    m_server = std::make_unique<server::Server>(*m_session, server::AccessSettings{});
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_port = m_server->port();
}

void TestAnalysisApi::cleanupTestCase()
{
    m_server.reset();
    m_session.reset();
    m_dir.reset();
}

void TestAnalysisApi::ensureTrained()
{
    if (m_trained)
        return;
    QSignalSpy finished(m_session.get(), &server::Session::trainingFinished);
    QCOMPARE(post(m_port, "/start-training").json().value(u"status"_s).toString(), u"started"_s);
    QVERIFY(finished.count() > 0 || finished.wait(60000));
    QVERIFY(!finished.first().first().value<core::FinishReport>().stopped);
    m_trained = true;
}

TestNetwork TestAnalysisApi::currentNetwork()
{
    const auto response = get(m_port, "/get-weights");
    return fromWeightsJson(response.json().value(u"weights"_s).toArray(), m_session->settings().architecture);
}

void TestAnalysisApi::unavailableBeforeData()
{
    if (m_trained)
        QSKIP("the data is loaded once training ran");
    for (const QByteArray target :
         {"/api/analysis/compare", "/api/analysis/histograms?bins=10", "/api/analysis/mistakes?true=1&predicted=2"}) {
        const auto response = get(m_port, target);
        QCOMPARE(response.status, 503);
        QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
        QVERIFY(response.json().value(u"message"_s).toString().contains(u"/start-training"_s));
    }
    QCOMPARE(post(m_port, "/api/analysis/landscape").status, 503);
}

void TestAnalysisApi::badParameters_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("named");

    QTest::newRow("bins 0") << QByteArray("GET") << QByteArray("/api/analysis/histograms?bins=0") << QByteArray() << 400
                            << u"bins"_s;
    QTest::newRow("bins 201") << QByteArray("GET") << QByteArray("/api/analysis/histograms?bins=201") << QByteArray()
                              << 400 << u"bins"_s;
    QTest::newRow("bins text") << QByteArray("GET") << QByteArray("/api/analysis/histograms?bins=1e2") << QByteArray()
                               << 400 << u"bins"_s;
    QTest::newRow("bins twice") << QByteArray("GET") << QByteArray("/api/analysis/histograms?bins=2&bins=3")
                                << QByteArray() << 400 << u"bins"_s;
    QTest::newRow("samples 10001") << QByteArray("GET") << QByteArray("/api/analysis/histograms?samples=10001")
                                   << QByteArray() << 400 << u"samples"_s;
    QTest::newRow("compare samples 0") << QByteArray("GET") << QByteArray("/api/analysis/compare?samples=0")
                                       << QByteArray() << 400 << u"samples"_s;
    QTest::newRow("compare samples -1") << QByteArray("GET") << QByteArray("/api/analysis/compare?samples=-1")
                                        << QByteArray() << 400 << u"samples"_s;
    QTest::newRow("mistakes no true") << QByteArray("GET") << QByteArray("/api/analysis/mistakes?predicted=1")
                                      << QByteArray() << 400 << u"'true'"_s;
    QTest::newRow("mistakes predicted 10")
        << QByteArray("GET") << QByteArray("/api/analysis/mistakes?true=1&predicted=10") << QByteArray() << 400
        << u"predicted"_s;
    QTest::newRow("mistakes limit 501") << QByteArray("GET")
                                        << QByteArray("/api/analysis/mistakes?true=1&predicted=2&limit=501")
                                        << QByteArray() << 400 << u"limit"_s;
    QTest::newRow("top layer 0") << QByteArray("GET") << QByteArray("/api/analysis/top-images?layer=0&neuron=1")
                                 << QByteArray() << 400 << u"layer"_s;
    QTest::newRow("top layer 4") << QByteArray("GET") << QByteArray("/api/analysis/top-images?layer=4&neuron=1")
                                 << QByteArray() << 400 << u"layer"_s;
    QTest::newRow("top neuron 128") << QByteArray("GET") << QByteArray("/api/analysis/top-images?layer=1&neuron=128")
                                    << QByteArray() << 400 << u"neuron"_s;
    QTest::newRow("top neuron missing") << QByteArray("GET") << QByteArray("/api/analysis/top-images?layer=1")
                                        << QByteArray() << 400 << u"neuron"_s;
    QTest::newRow("top k 101") << QByteArray("GET") << QByteArray("/api/analysis/top-images?layer=3&neuron=9&k=101")
                               << QByteArray() << 400 << u"k must"_s;
    QTest::newRow("features layer 0") << QByteArray("GET") << QByteArray("/api/analysis/features?layer=0")
                                      << QByteArray() << 400 << u"layer"_s;
    QTest::newRow("features layer 4") << QByteArray("GET") << QByteArray("/api/analysis/features?layer=4")
                                      << QByteArray() << 400 << u"layer"_s;
    QTest::newRow("features samples 0") << QByteArray("GET") << QByteArray("/api/analysis/features?samples=0")
                                        << QByteArray() << 400 << u"samples"_s;
    QTest::newRow("features samples twice")
        << QByteArray("GET") << QByteArray("/api/analysis/features?samples=5&samples=6") << QByteArray() << 400
        << u"samples"_s;
    QTest::newRow("predict-initial empty")
        << QByteArray("POST") << QByteArray("/api/analysis/predict-initial") << QByteArray() << 400 << u"JSON"_s;
    QTest::newRow("predict-initial short") << QByteArray("POST") << QByteArray("/api/analysis/predict-initial")
                                           << QByteArray(R"({"pixels":[0,1]})") << 400 << u"pixels"_s;
    QTest::newRow("grid 102") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                              << QByteArray(R"({"grid":102})") << 400 << u"grid"_s;
    QTest::newRow("grid 0") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                            << QByteArray(R"({"grid":0})") << 400 << u"grid"_s;
    QTest::newRow("grid 3.5") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                              << QByteArray(R"({"grid":3.5})") << 400 << u"grid"_s;
    QTest::newRow("span 0") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                            << QByteArray(R"({"span":0})") << 400 << u"span"_s;
    QTest::newRow("span 10.5") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                               << QByteArray(R"({"span":10.5})") << 400 << u"span"_s;
    QTest::newRow("span text") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                               << QByteArray(R"({"span":"1"})") << 400 << u"span"_s;
    QTest::newRow("landscape samples") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                                       << QByteArray(R"({"samples":10001})") << 400 << u"samples"_s;
    QTest::newRow("landscape seed") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                                    << QByteArray(R"({"seed":-1})") << 400 << u"seed"_s;
    QTest::newRow("landscape unknown field") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                                             << QByteArray(R"({"grids":5})") << 400 << u"grids"_s;
    QTest::newRow("landscape duplicate") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                                         << QByteArray(R"({"grid":5,"grid":7})") << 400 << u"grid"_s;
    QTest::newRow("landscape not json") << QByteArray("POST") << QByteArray("/api/analysis/landscape")
                                        << QByteArray("grid=5") << 400 << u"JSON"_s;
    QTest::newRow("steps 2001") << QByteArray("POST") << QByteArray("/api/analysis/random-steps")
                                << QByteArray(R"({"steps":2001})") << 400 << u"steps"_s;
    QTest::newRow("steps 0") << QByteArray("POST") << QByteArray("/api/analysis/random-steps")
                             << QByteArray(R"({"steps":0})") << 400 << u"steps"_s;
    QTest::newRow("job missing") << QByteArray("GET") << QByteArray("/api/analysis/landscape") << QByteArray() << 400
                                 << u"job"_s;
    QTest::newRow("job unknown") << QByteArray("GET") << QByteArray("/api/analysis/landscape?job=landscape-999")
                                 << QByteArray() << 404 << u"landscape-999"_s;
    QTest::newRow("cancel unknown") << QByteArray("DELETE") << QByteArray("/api/analysis/landscape?job=landscape-999")
                                    << QByteArray() << 404 << u"landscape-999"_s;
    QTest::newRow("cancel unknown post") << QByteArray("POST") << QByteArray("/api/analysis/random-steps/cancel?job=x")
                                         << QByteArray() << 404 << u"'x'"_s;
}

void TestAnalysisApi::badParameters()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, named);
    const auto response = fixtures::rawRequest(m_port, fixtures::buildRequest(method, target, m_port, body));
    QCOMPARE(response.status, status);
    QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    const QString message = response.json().value(u"message"_s).toString();
    QVERIFY2(message.contains(named), qPrintable(message));
}

void TestAnalysisApi::histograms()
{
    ensureTrained();
    const int bins = 20, samples = 60;
    const auto response = get(m_port, "/api/analysis/histograms?bins=20&samples=60");
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(answer.value(u"status"_s).toString(), u"ok"_s);
    QCOMPARE(answer.value(u"samples"_s).toInt(), samples);
    const TestNetwork network = currentNetwork();
    const QJsonArray layers = answer.value(u"layers"_s).toArray();
    QCOMPARE(layers.size(), qsizetype(network.layers.size()));

    // The test's own activations of the first `samples` test images.
    std::vector<std::vector<double>> activations(network.layers.size());
    std::vector<std::vector<bool>> active(network.layers.size());
    for (std::size_t l = 0; l < network.layers.size(); ++l)
        active[l].assign(network.layers[l].out, false);
    for (int n = 0; n < samples; ++n) {
        const auto values = forward(network, m_data.test.image(n));
        for (std::size_t l = 0; l < values.size(); ++l) {
            for (std::size_t unit = 0; unit < values[l].size(); ++unit) {
                activations[l].push_back(values[l][unit]);
                if (values[l][unit] != 0)
                    active[l][unit] = true;
            }
        }
    }
    for (qsizetype l = 0; l < layers.size(); ++l) {
        const QJsonObject layer = layers[l].toObject();
        const TestLayer &expected = network.layers[l];
        QCOMPARE(layer.value(u"layer"_s).toInt(), l + 1);
        const QJsonObject weights = layer.value(u"weights"_s).toObject();
        QCOMPARE(countsTotal(weights), qint64(expected.in) * expected.out);
        QCOMPARE(countsTotal(layer.value(u"biases"_s).toObject()), qint64(expected.out));
        QCOMPARE(countsTotal(layer.value(u"activations"_s).toObject()), qint64(expected.out) * samples);
        QCOMPARE(countsTotal(layer.value(u"gradients"_s).toObject()), qint64(expected.in) * expected.out);
        QCOMPARE(weights.value(u"counts"_s).toArray().size(), bins);
        // The weights' range and bins from /get-weights: exact.
        const auto [low, high] = std::minmax_element(expected.weights.begin(), expected.weights.end());
        QCOMPARE(weights.value(u"min"_s).toDouble(), *low);
        QCOMPARE(weights.value(u"max"_s).toDouble(), *high);
        QCOMPARE(jsonCounts(weights), binsOf(expected.weights, *low, *high, bins));
        const QJsonObject biases = layer.value(u"biases"_s).toObject();
        const auto [bLow, bHigh] = std::minmax_element(expected.bias.begin(), expected.bias.end());
        QCOMPARE(biases.value(u"min"_s).toDouble(), *bLow);
        QCOMPARE(biases.value(u"max"_s).toDouble(), *bHigh);
        // Activations: the same range up to float rounding, the same count in each bin but for a
        // value on a bin edge.
        const QJsonObject values = layer.value(u"activations"_s).toObject();
        const auto [aLow, aHigh] = std::minmax_element(activations[l].begin(), activations[l].end());
        QVERIFY_NEAR(values.value(u"min"_s).toDouble(), *aLow);
        QVERIFY_NEAR(values.value(u"max"_s).toDouble(), *aHigh);
        const std::vector<qint64> ours
            = binsOf(activations[l], values.value(u"min"_s).toDouble(), values.value(u"max"_s).toDouble(), bins);
        const std::vector<qint64> theirs = jsonCounts(values);
        qint64 moved = 0;
        for (int b = 0; b < bins; ++b)
            moved += std::abs(ours[b] - theirs[b]);
        QVERIFY2(moved <= 4, qPrintable(QString::number(moved)));
        // Dead units (ReLU hidden layers): zero on every image.
        if (l + 1 < layers.size()) {
            QJsonArray dead;
            for (int unit = 0; unit < expected.out; ++unit) {
                if (!active[l][unit])
                    dead.append(unit);
            }
            QCOMPARE(layer.value(u"dead_units"_s).toArray(), dead);
            QCOMPARE(layer.value(u"dead"_s).toInt(), dead.size());
            QCOMPARE(layer.value(u"saturated"_s).toInt(), 0); // ReLU layers saturate nothing
        }
    }
}

void TestAnalysisApi::compare()
{
    ensureTrained();
    const auto response = get(m_port, "/api/analysis/compare?samples=80");
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(answer.value(u"samples"_s).toInt(), 80);
    const Metrics trained = metricsOf(currentNetwork(), m_data.test, 80);
    const QJsonObject current = answer.value(u"trained"_s).toObject();
    QVERIFY_NEAR(current.value(u"accuracy"_s).toDouble(), trained.accuracy);
    QVERIFY_NEAR(current.value(u"loss"_s).toDouble(), trained.loss);
    QVERIFY_NEAR(current.value(u"mean_confidence"_s).toDouble(), trained.meanConfidence);
    // The run started from the fresh weights of the architecture and seed.
    const server::SessionSettings settings = m_session->settings();
    const Metrics untrained
        = metricsOf(fromNetwork(core::Network(settings.architecture, settings.seed)), m_data.test, 80);
    const QJsonObject initial = answer.value(u"untrained"_s).toObject();
    QVERIFY_NEAR(initial.value(u"accuracy"_s).toDouble(), untrained.accuracy);
    QVERIFY_NEAR(initial.value(u"loss"_s).toDouble(), untrained.loss);
    QVERIFY_NEAR(initial.value(u"mean_confidence"_s).toDouble(), untrained.meanConfidence);
    QVERIFY(trained.loss < untrained.loss);

    // More samples than test images: all of them.
    QCOMPARE(get(m_port, "/api/analysis/compare?samples=10000").json().value(u"samples"_s).toInt(), 100);
}

void TestAnalysisApi::mistakes()
{
    ensureTrained();
    const TestNetwork network = currentNetwork();
    std::vector<std::vector<double>> probabilities;
    int cells[10][10] = {};
    for (int n = 0; n < m_data.test.count(); ++n) {
        probabilities.push_back(forward(network, m_data.test.image(n)).back());
        const auto &p = probabilities.back();
        ++cells[m_data.test.labels[n]][std::max_element(p.begin(), p.end()) - p.begin()];
    }
    // The fullest wrong cell, or a diagonal one when the network makes no mistake.
    int trueLabel = 3, predicted = 3;
    for (int t = 0; t < 10; ++t) {
        for (int p = 0; p < 10; ++p) {
            if (t != p && cells[t][p] > 0 && (trueLabel == predicted || cells[t][p] > cells[trueLabel][predicted]))
                trueLabel = t, predicted = p;
        }
    }
    const auto response = get(
        m_port, u"/api/analysis/mistakes?true=%1&predicted=%2&limit=3"_s.arg(trueLabel).arg(predicted).toLatin1());
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(answer.value(u"total"_s).toInt(), cells[trueLabel][predicted]);
    std::vector<int> expected;
    for (int n = 0; n < m_data.test.count(); ++n) {
        const auto &p = probabilities[n];
        if (m_data.test.labels[n] == trueLabel && std::max_element(p.begin(), p.end()) - p.begin() == predicted)
            expected.push_back(n);
    }
    std::stable_sort(expected.begin(), expected.end(),
                     [&](int a, int b) { return probabilities[a][predicted] > probabilities[b][predicted]; });
    expected.resize(std::min<std::size_t>(expected.size(), 3));
    const QJsonArray items = answer.value(u"items"_s).toArray();
    QCOMPARE(items.size(), qsizetype(expected.size()));
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject item = items[i].toObject();
        QCOMPARE(item.value(u"index"_s).toInt(), expected[i]);
        QCOMPARE(item.value(u"label"_s).toInt(), trueLabel);
        QCOMPARE(item.value(u"prediction"_s).toInt(), predicted);
        const QJsonArray p = item.value(u"probabilities"_s).toArray();
        QCOMPARE(p.size(), 10);
        for (int digit = 0; digit < 10; ++digit)
            QVERIFY_NEAR(p[digit].toDouble(), probabilities[expected[i]][digit]);
        const QByteArray image = QByteArray::fromBase64(item.value(u"image"_s).toString().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
        QCOMPARE(image, QByteArray(reinterpret_cast<const char *>(m_data.test.image(expected[i])), 784));
    }
}

void TestAnalysisApi::topImages()
{
    ensureTrained();
    const TestNetwork network = currentNetwork();
    const int samples = 70, k = 5;
    for (const int layer : {1, 3}) {
        // The unit with the largest activation on image 0 (not a dead one).
        const auto first = forward(network, m_data.test.image(0))[layer - 1];
        const int neuron = int(std::max_element(first.begin(), first.end()) - first.begin());
        std::vector<double> activation(samples);
        for (int n = 0; n < samples; ++n)
            activation[n] = forward(network, m_data.test.image(n))[layer - 1][neuron];
        std::vector<int> order(samples);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return activation[a] > activation[b]; });
        order.resize(k);
        const auto response = get(
            m_port, u"/api/analysis/top-images?layer=%1&neuron=%2&k=5&samples=70"_s.arg(layer).arg(neuron).toLatin1());
        QCOMPARE(response.status, 200);
        const QJsonObject answer = response.json();
        QJsonArray indices;
        for (int index : order)
            indices.append(index);
        QCOMPARE(answer.value(u"indices"_s).toArray(), indices);
        const QJsonArray mean = answer.value(u"mean"_s).toArray();
        QCOMPARE(mean.size(), 784);
        for (int pixel = 0; pixel < 784; ++pixel) {
            double sum = 0;
            for (int index : order)
                sum += m_data.test.image(index)[pixel] / 255.0;
            QVERIFY_NEAR(mean[pixel].toDouble(), sum / k);
        }
    }
}

void TestAnalysisApi::features()
{
    ensureTrained();
    const TestNetwork network = currentNetwork();
    const int samples = 45;
    for (const int layer : {1, 2, 3}) {
        const TestLayer &expected = network.layers[layer - 1];
        const auto response
            = get(m_port, u"/api/analysis/features?layer=%1&samples=%2"_s.arg(layer).arg(samples).toLatin1());
        QCOMPARE(response.status, 200);
        const QJsonObject answer = response.json();
        QCOMPARE(answer.value(u"status"_s).toString(), u"ok"_s);
        QCOMPARE(answer.value(u"layer"_s).toInt(), layer);
        QCOMPARE(answer.value(u"neurons"_s).toInt(), expected.out);
        QCOMPARE(answer.value(u"inputs"_s).toInt(), expected.in);
        QCOMPARE(answer.value(u"samples"_s).toInt(), samples);
        QCOMPARE(answer.value(u"encoding"_s).toString(), u"int8"_s);
        const QJsonArray norms = answer.value(u"weight_norms"_s).toArray();
        const QJsonArray firing = answer.value(u"firing"_s).toArray();
        const QJsonArray scales = answer.value(u"scales"_s).toArray();
        QCOMPARE(norms.size(), qsizetype(expected.out));
        QCOMPARE(firing.size(), qsizetype(expected.out));
        QCOMPARE(scales.size(), qsizetype(expected.out));
        const QByteArray bytes = QByteArray::fromBase64(answer.value(u"weights"_s).toString().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
        QCOMPARE(bytes.size(), qsizetype(expected.in) * expected.out);

        // Firing: z > 0, read from the test's own forward pass (a monotonic activation keeps the
        // sign; the output layer's logits are recomputed here from the previous layer).
        std::vector<int> fired(expected.out, 0);
        for (int n = 0; n < samples; ++n) {
            const auto values = forward(network, m_data.test.image(n));
            std::vector<double> z(expected.bias);
            if (layer == 3) {
                const std::vector<double> &input = values[1];
                for (int i = 0; i < expected.in; ++i)
                    for (int o = 0; o < expected.out; ++o)
                        z[o] += expected.weights[std::size_t(i) * expected.out + o] * input[i];
            }
            for (int o = 0; o < expected.out; ++o) {
                const double value = layer == 3 ? z[o] : values[layer - 1][o];
                const bool sigmoid = network.activations[layer - 1] == core::Activation::Sigmoid && layer < 3;
                fired[o] += value > (sigmoid ? 0.5 : 0.0);
            }
        }
        int distinctRates = 0;
        for (int j = 0; j < expected.out; ++j) {
            double norm = 0, scale = 0;
            for (int i = 0; i < expected.in; ++i) {
                const double w = expected.weights[std::size_t(i) * expected.out + j];
                norm += w * w;
                scale = std::max(scale, std::abs(w));
            }
            QVERIFY_NEAR(norms[j].toDouble(), std::sqrt(norm));
            QVERIFY_NEAR(scales[j].toDouble(), scale);
            QCOMPARE(float(firing[j].toDouble()), float(fired[j]) / float(samples)); // JSON: shortest float text
            distinctRates += firing[j].toDouble() != firing[0].toDouble();
            // Dequantised: within half a step (scale / 254) of the /get-weights value.
            const double step = scales[j].toDouble() / 127;
            for (int i = 0; i < expected.in; ++i) {
                const double w = expected.weights[std::size_t(i) * expected.out + j];
                const double decoded = double(qint8(bytes[qsizetype(j) * expected.in + i])) * step;
                QVERIFY2(std::abs(decoded - w) <= scale / 254 * (1 + 1e-5) + 1e-12,
                         qPrintable(
                             u"layer %1 neuron %2 input %3: %4 vs %5"_s.arg(layer).arg(j).arg(i).arg(decoded).arg(w)));
            }
        }
        QVERIFY(distinctRates > 0); // the rates are not all one value
    }
    // The defaults: layer 1, 1000 samples (all 100 test images of the fixture).
    const QJsonObject defaults = get(m_port, "/api/analysis/features").json();
    QCOMPARE(defaults.value(u"layer"_s).toInt(), 1);
    QCOMPARE(defaults.value(u"samples"_s).toInt(), 100);
}

void TestAnalysisApi::predictInitial()
{
    ensureTrained();
    // Test image 3 as the input, in 0..1.
    std::vector<double> pixels(784);
    QJsonArray array;
    for (int i = 0; i < 784; ++i) {
        pixels[i] = m_data.test.image(3)[i] / 255.0;
        array.append(pixels[i]);
    }
    const auto response = post(m_port, "/api/analysis/predict-initial",
                               QJsonDocument(QJsonObject{{u"pixels"_s, array}}).toJson(QJsonDocument::Compact));
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(answer.value(u"status"_s).toString(), u"ok"_s);
    const server::SessionSettings settings = m_session->settings();
    const std::vector<double> trained = forward(currentNetwork(), m_data.test.image(3)).back();
    const std::vector<double> untrained
        = forward(fromNetwork(core::Network(settings.architecture, settings.seed)), m_data.test.image(3)).back();
    for (const auto &[name, expected] : {std::pair{u"trained"_s, trained}, std::pair{u"untrained"_s, untrained}}) {
        const QJsonObject side = answer.value(name).toObject();
        const QJsonArray p = side.value(u"probabilities"_s).toArray();
        QCOMPARE(p.size(), 10);
        for (int digit = 0; digit < 10; ++digit)
            QVERIFY_NEAR(p[digit].toDouble(), expected[digit]);
        QCOMPARE(side.value(u"prediction"_s).toInt(),
                 int(std::max_element(expected.begin(), expected.end()) - expected.begin()));
    }
    QVERIFY(trained != untrained);
}

void TestAnalysisApi::landscapeJob()
{
    ensureTrained();
    WsClient client;
    QVERIFY(client.open(m_port));
    const auto accepted = post(m_port, "/api/analysis/landscape", R"({"grid":5,"span":0.5,"samples":90,"seed":3})");
    QCOMPARE(accepted.status, 202);
    QCOMPARE(accepted.json().value(u"status"_s).toString(), u"accepted"_s);
    const QString job = accepted.json().value(u"job"_s).toString();
    QVERIFY(!job.isEmpty());
    QVERIFY(client.waitFor(u"landscape"_s, 60000));
    const QJsonObject broadcast = client.first(u"landscape"_s);
    QCOMPARE(broadcast.value(u"job"_s).toString(), job);

    // Progress: for this job, rising, ending at the total (25 grid points + the trajectory).
    const auto trajectory = m_session->trajectory();
    QVERIFY(!trajectory.empty() && trajectory.size() <= std::size_t(server::Session::kTrajectoryPoints));
    const int total = 25 + int(trajectory.size()) + 1;
    int lastDone = -1, progressCount = 0;
    for (const QJsonObject &message : client.messages) {
        if (message.value(u"type"_s).toString() != u"analysis_progress"_s)
            continue;
        QCOMPARE(message.value(u"job"_s).toString(), job);
        QCOMPARE(message.value(u"kind"_s).toString(), u"landscape"_s);
        QCOMPARE(message.value(u"total"_s).toInt(), total);
        QVERIFY(message.value(u"done"_s).toInt() > lastDone);
        lastDone = message.value(u"done"_s).toInt();
        ++progressCount;
    }
    QVERIFY(progressCount >= 1);
    QCOMPARE(lastDone, total);
    QVERIFY(client.indexOf(u"analysis_progress"_s) < client.indexOf(u"landscape"_s));

    const auto response = get(m_port, "/api/analysis/landscape?job=" + job.toLatin1());
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(answer.value(u"status"_s).toString(), u"ok"_s);
    QCOMPARE(without(answer, {u"status"_s}), without(broadcast, {u"type"_s}));
    QCOMPARE(answer.value(u"grid"_s).toInt(), 5);
    QCOMPARE(answer.value(u"samples"_s).toInt(), 90);
    QCOMPARE(answer.value(u"alphas"_s).toArray(), QJsonArray({-0.5, -0.25, 0, 0.25, 0.5}));
    QCOMPARE(answer.value(u"betas"_s).toArray(), answer.value(u"alphas"_s).toArray());
    const QJsonArray loss = answer.value(u"loss"_s).toArray();
    QCOMPARE(loss.size(), 5);
    for (const QJsonValue &row : loss) {
        QCOMPARE(row.toArray().size(), 5);
        for (const QJsonValue &value : row.toArray())
            QVERIFY(value.isDouble() && value.toDouble() > 0);
    }
    // The center is the current weights' plain loss on the subset.
    const Metrics current = metricsOf(currentNetwork(), m_data.test, 90);
    QVERIFY_NEAR(answer.value(u"center_loss"_s).toDouble(), current.loss);
    QVERIFY_NEAR(loss[2].toArray()[2].toDouble(), current.loss);
    // The trajectory: the run's initial weights, then each snapshot, each with its own loss.
    const QJsonArray points = answer.value(u"trajectory"_s).toArray();
    QCOMPARE(points.size(), qsizetype(trajectory.size() + 1));
    const server::SessionSettings settings = m_session->settings();
    const Metrics initial
        = metricsOf(fromNetwork(core::Network(settings.architecture, settings.seed)), m_data.test, 90);
    QVERIFY_NEAR(points.first().toArray()[2].toDouble(), initial.loss);
    QVERIFY_NEAR(points.last().toArray()[2].toDouble(),
                 metricsOf(fromNetwork(*trajectory.back()), m_data.test, 90).loss);
    for (const QJsonValue &point : points)
        QCOMPARE(point.toArray().size(), 3);

    // The same request again: the same numbers (the plane depends on the seed only).
    const QString second = post(m_port, "/api/analysis/landscape", R"({"grid":5,"span":0.5,"samples":90,"seed":3})")
                               .json()
                               .value(u"job"_s)
                               .toString();
    QTRY_COMPARE_WITH_TIMEOUT(get(m_port, "/api/analysis/landscape?job=" + second.toLatin1()).status, 200, 60000);
    QCOMPARE(without(get(m_port, "/api/analysis/landscape?job=" + second.toLatin1()).json(), {u"job"_s}),
             without(answer, {u"job"_s}));
    // A random-steps job id is not a landscape job.
    QCOMPARE(get(m_port, "/api/analysis/random-steps?job=" + job.toLatin1()).status, 404);
}

void TestAnalysisApi::landscapeCancelAndConflict()
{
    ensureTrained();
    WsClient client;
    QVERIFY(client.open(m_port));
    // 101 x 101 points: long enough to be still running below.
    const auto accepted = post(m_port, "/api/analysis/landscape", R"({"grid":101,"samples":100})");
    QCOMPARE(accepted.status, 202);
    const QByteArray job = accepted.json().value(u"job"_s).toString().toLatin1();

    const auto running = get(m_port, "/api/analysis/landscape?job=" + job);
    QCOMPARE(running.status, 202);
    QCOMPARE(running.json().value(u"status"_s).toString(), u"running"_s);
    QVERIFY(running.json().value(u"done"_s).toInt() < running.json().value(u"total"_s).toInt());
    // One job at a time.
    const auto conflict = post(m_port, "/api/analysis/random-steps", R"({"steps":5})");
    QCOMPARE(conflict.status, 409);
    QVERIFY(conflict.json().value(u"message"_s).toString().contains(QString::fromLatin1(job)));
    QCOMPARE(post(m_port, "/api/analysis/landscape").status, 409);

    const auto cancelled
        = fixtures::rawRequest(m_port, fixtures::buildRequest("DELETE", "/api/analysis/landscape?job=" + job, m_port));
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json().value(u"status"_s).toString(), u"cancelled"_s);
    QVERIFY(client.waitFor(u"analysis_cancelled"_s));
    QCOMPARE(client.first(u"analysis_cancelled"_s).value(u"job"_s).toString(), QString::fromLatin1(job));
    QCOMPARE(get(m_port, "/api/analysis/landscape?job=" + job).status, 410);
    QCOMPARE(post(m_port, "/api/analysis/landscape/cancel?job=" + job).status, 409);
    // The cancelled job stops: no result ever comes, and a new job runs to its end.
    const auto next = post(m_port, "/api/analysis/landscape", R"({"grid":3,"samples":20})");
    QCOMPARE(next.status, 202);
    QVERIFY(client.waitFor(u"landscape"_s, 60000));
    QCOMPARE(client.first(u"landscape"_s).value(u"job"_s).toString(), next.json().value(u"job"_s).toString());
    QCOMPARE(client.count(u"landscape"_s), 1);
    QCOMPARE(get(m_port, "/api/analysis/landscape?job=" + job).status, 410);
}

void TestAnalysisApi::randomStepsJob()
{
    ensureTrained();
    WsClient client;
    QVERIFY(client.open(m_port));
    const auto accepted = post(m_port, "/api/analysis/random-steps", R"({"steps":12})");
    QCOMPARE(accepted.status, 202);
    const QString job = accepted.json().value(u"job"_s).toString();
    QVERIFY(client.waitFor(u"random_steps"_s, 60000));
    const QJsonObject broadcast = client.first(u"random_steps"_s);
    QCOMPARE(broadcast.value(u"job"_s).toString(), job);
    QCOMPARE(client.last(u"analysis_progress"_s).value(u"kind"_s).toString(), u"random_steps"_s);
    QCOMPARE(client.last(u"analysis_progress"_s).value(u"done"_s).toInt(), 12);
    const auto response = get(m_port, "/api/analysis/random-steps?job=" + job.toLatin1());
    QCOMPARE(response.status, 200);
    const QJsonObject answer = response.json();
    QCOMPARE(without(answer, {u"status"_s}), without(broadcast, {u"type"_s}));
    QCOMPARE(answer.value(u"steps"_s).toInt(), 12);
    QCOMPARE(answer.value(u"learning_rate"_s).toDouble(), 0.01);
    QCOMPARE(answer.value(u"batch_size"_s).toInt(), 64);
    const QJsonArray sgd = answer.value(u"sgd_loss"_s).toArray();
    const QJsonArray random = answer.value(u"random_loss"_s).toArray();
    const QJsonArray length = answer.value(u"step_length"_s).toArray();
    QCOMPARE(sgd.size(), 12);
    QCOMPARE(random.size(), 12);
    QCOMPARE(length.size(), 12);
    // Both walkers start at the run's initial weights on the same first batch.
    QCOMPARE(sgd[0].toDouble(), random[0].toDouble());
    // An untrained 10-way classifier: loss near ln 10.
    QVERIFY2(sgd[0].toDouble() > 1.5 && sgd[0].toDouble() < 3.5, qPrintable(QString::number(sgd[0].toDouble())));
    for (const QJsonValue &value : length)
        QVERIFY(value.toDouble() > 0 && std::isfinite(value.toDouble()));
}

void TestAnalysisApi::realMnistCompareAndHistograms()
{
    const QString directory = qEnvironmentVariable("NNJ_MNIST_DIR");
    if (directory.isEmpty() || !core::mnistFilesPresent(directory.toStdString())) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("CI is set but NNJ_MNIST_DIR does not hold the MNIST files (scripts/fetch-mnist DIR)");
        QSKIP("set NNJ_MNIST_DIR to a folder with the MNIST files (scripts/fetch-mnist DIR)");
    }
    server::SessionOptions options;
    options.mnistDirectory = directory;
    options.allowDownload = false;
    options.weightsSnapshotMs = 100;
    server::Session session(options);
    session.execute(server::Command::teachingMode(false));
    server::Server httpServer(session, server::AccessSettings{});
    QVERIFY(httpServer.listen(QHostAddress::LocalHost, 0));
    const quint16 port = httpServer.port();
    // A part of an epoch: enough to move the weights away from the initial ones.
    QSignalSpy finished(&session, &server::Session::trainingFinished);
    QCOMPARE(post(port, "/start-training").json().value(u"status"_s).toString(), u"started"_s);
    QTRY_VERIFY_WITH_TIMEOUT(session.stats().globalBatch >= 200, 120000);
    post(port, "/stop-training");
    QVERIFY(finished.count() > 0 || finished.wait(30000));
    const core::MnistData data = core::loadMnist(directory.toStdString());
    const TestNetwork network = fromWeightsJson(get(port, "/get-weights").json().value(u"weights"_s).toArray(),
                                                session.settings().architecture);

    QElapsedTimer timer;
    timer.start();
    const auto compared = get(port, "/api/analysis/compare?samples=10000");
    const qint64 compareMs = timer.restart();
    QCOMPARE(compared.status, 200);
    QCOMPARE(compared.json().value(u"samples"_s).toInt(), 10000);
    const Metrics trained = metricsOf(network, data.test, 2000); // the first 2,000 here, to keep it short
    const auto first2000 = get(port, "/api/analysis/compare?samples=2000").json().value(u"trained"_s).toObject();
    QVERIFY_NEAR(first2000.value(u"accuracy"_s).toDouble(), trained.accuracy);
    QVERIFY_NEAR(first2000.value(u"loss"_s).toDouble(), trained.loss);
    QVERIFY_NEAR(first2000.value(u"mean_confidence"_s).toDouble(), trained.meanConfidence);
    const QJsonObject all = compared.json().value(u"trained"_s).toObject();
    QVERIFY2(all.value(u"accuracy"_s).toDouble() > 0.85,
             qPrintable(QString::number(all.value(u"accuracy"_s).toDouble())));
    const QJsonObject untrained = compared.json().value(u"untrained"_s).toObject();
    QVERIFY(untrained.value(u"accuracy"_s).toDouble() < 0.3);
    QVERIFY(untrained.value(u"loss"_s).toDouble() > all.value(u"loss"_s).toDouble());

    // The heaviest GET at its limits, and meanwhile a plain request: the event loop keeps serving.
    QTcpSocket heavy;
    heavy.connectToHost(u"127.0.0.1"_s, port);
    QVERIFY(heavy.waitForConnected(5000));
    timer.restart();
    heavy.write(fixtures::buildRequest("GET", "/api/analysis/histograms?bins=200&samples=10000", port));
    QVERIFY(heavy.waitForBytesWritten(5000));
    QElapsedTimer healthTimer;
    healthTimer.start();
    QCOMPARE(get(port, "/health").status, 200);
    const qint64 healthMs = healthTimer.elapsed();
    QByteArray received;
    fixtures::HttpResponse histograms;
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += heavy.readAll();
            return fixtures::parseResponse(received, &histograms);
        },
        60000));
    const qint64 histogramsMs = timer.elapsed();
    QCOMPARE(histograms.status, 200);
    const QJsonArray layers = histograms.json().value(u"layers"_s).toArray();
    QCOMPARE(layers.size(), qsizetype(network.layers.size()));
    for (qsizetype l = 0; l < layers.size(); ++l) {
        const QJsonObject layer = layers[l].toObject();
        const TestLayer &expected = network.layers[l];
        QCOMPARE(countsTotal(layer.value(u"weights"_s).toObject()), qint64(expected.in) * expected.out);
        QCOMPARE(countsTotal(layer.value(u"activations"_s).toObject()), qint64(expected.out) * 10000);
        QCOMPARE(countsTotal(layer.value(u"gradients"_s).toObject()), qint64(expected.in) * expected.out);
        const auto [low, high] = std::minmax_element(expected.weights.begin(), expected.weights.end());
        QCOMPARE(layer.value(u"weights"_s).toObject().value(u"min"_s).toDouble(), *low);
        QCOMPARE(layer.value(u"weights"_s).toObject().value(u"max"_s).toDouble(), *high);
        QCOMPARE(jsonCounts(layer.value(u"weights"_s).toObject()), binsOf(expected.weights, *low, *high, 200));
    }
    qInfo("real MNIST through HTTP (this build): compare 10,000 samples %lld ms, histograms 200 bins x 10,000 "
          "samples %lld ms, /health meanwhile %lld ms",
          compareMs, histogramsMs, healthMs);
    QVERIFY(healthMs < histogramsMs);
}

QTEST_GUILESS_MAIN(TestAnalysisApi)
#include "tst_analysisapi.moc"
