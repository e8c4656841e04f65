// Network maths: forward values checkable by hand, finite-difference gradient checks for every
// layer and activation and for the fused softmax + cross-entropy, initialisation statistics,
// determinism, and prediction output shapes.
#include "batch.h"
#include "error.h"
#include "network.h"
#include "randomdataset.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace core;

namespace {
constexpr double kGradientTolerance = 2e-2; // relative, float32 central differences
constexpr float kExact = 1e-6f;

bool finiteAndClose(double a, double b, double relative, double absolute = 1e-4)
{
    return std::isfinite(a) && std::isfinite(b)
           && std::abs(a - b) <= absolute + relative * std::max(std::abs(a), std::abs(b));
}

using fixtures::randomDataset;

double batchLoss(const Network &network, const Batch &batch)
{
    Workspace workspace(network, batch.size());
    network.forward(batch, workspace);
    // double-precision loss from the float probabilities
    double loss = 0;
    for (int s = 0; s < batch.size(); ++s)
        loss -= std::log(double(workspace.activations.back()(batch.label(s), s)));
    return loss / batch.size();
}
} // namespace

class TestNetwork : public QObject
{
    Q_OBJECT

private slots:
    void forwardByHand()
    {
        // 784 -> 2 -> 10 with hand-set weights: hidden = relu(W x + b).
        Architecture architecture{{784, 2, 10}, {Activation::ReLU}};
        Network network(architecture, 1);
        network.layer(0).weights().setZero();
        network.layer(0).weights().block(0, 0, 1, 4).setConstant(1.0f); // neuron 0 sums pixels 0..3
        network.layer(0).weights()(1, 0) = -1.0f; // neuron 1 = -pixel0 + 0.5
        network.layer(0).bias() << 0.5f, 0.5f;
        network.layer(1).weights().setZero();
        network.layer(1).bias().setZero();
        std::vector<float> pixels(784, 0.0f);
        pixels[0] = 0.0f;
        pixels[1] = 1.0f;
        pixels[2] = 2.0f;
        pixels[3] = 3.0f; // input 0..3
        const Prediction prediction = network.predict(pixels.data());
        QCOMPARE(prediction.layerActivations.size(), std::size_t(3));
        QVERIFY(std::abs(prediction.layerActivations[1][0] - 6.5f) < kExact); // 0+1+2+3 + 0.5
        QVERIFY(std::abs(prediction.layerActivations[1][1] - 0.5f) < kExact); // -0 + 0.5
        for (float p : prediction.probabilities) // zero output weights: uniform softmax
            QVERIFY(std::abs(p - 0.1f) < kExact);
        QCOMPARE(prediction.layerActivations[0].size(), std::size_t(784));
        QCOMPARE(prediction.layerActivations[2].size(), std::size_t(10));
    }

    void softmaxIsStable()
    {
        Matrix values(3, 2);
        values << 1000.0f, -1000.0f, 1001.0f, -1000.0f, 1002.0f, -1000.0f;
        softmaxColumns(values);
        QVERIFY(values.allFinite());
        QVERIFY(std::abs(values.col(0).sum() - 1.0f) < 1e-6f);
        QVERIFY(std::abs(values(2, 0) - 0.66524096f) < 1e-6f); // e^2 / (1 + e + e^2)
        QVERIFY(std::abs(values(0, 1) - 1.0f / 3.0f) < 1e-6f);
    }

    void gradientCheck_data()
    {
        QTest::addColumn<int>("activation");
        QTest::addColumn<QString>("layers");
        QTest::newRow("relu 784-6-5-10") << int(Activation::ReLU) << "784-6-5-10";
        QTest::newRow("sigmoid 784-6-5-10") << int(Activation::Sigmoid) << "784-6-5-10";
        QTest::newRow("tanh 784-6-5-10") << int(Activation::Tanh) << "784-6-5-10";
        QTest::newRow("softmax only 784-10") << int(Activation::ReLU) << "784-10";
        QTest::newRow("wide relu 784-70-10 (chunked kernels)") << int(Activation::ReLU) << "784-70-10";
    }

    void gradientCheck()
    {
        QFETCH(int, activation);
        QFETCH(QString, layers);
        Architecture architecture = parseArchitecture(layers.toStdString(), Activation(activation));
        QVERIFY(architecture.validate().empty());
        Network network(architecture, 7);
        // Non-zero biases so every path is exercised.
        std::mt19937_64 rng(3);
        for (int l = 0; l < network.layerCount(); ++l)
            for (int i = 0; i < network.layer(l).bias().size(); ++i)
                network.layer(l).bias()(i) = float(int(rng() % 200) - 100) / 1000.0f;

        const Dataset data = randomDataset(5, 11);
        Batch batch(5, 784);
        const int indices[] = {0, 1, 2, 3, 4};
        batch.gather(data, indices, 5);
        Workspace workspace(network, 5);
        network.forward(batch, workspace);
        network.backward(batch, workspace, 1.0f / 5);

        // Central differences on a sample of weights and biases of every layer.
        const float step = 1e-2f;
        int checked = 0;
        for (int l = 0; l < network.layerCount(); ++l) {
            Matrix &weights = network.layer(l).weights();
            for (int trial = 0; trial < 12; ++trial) {
                int row = int(rng() % weights.rows());
                int column = int(rng() % weights.cols());
                if (l == 0) // pick a pixel that is lit in sample 0 so the gradient is non-trivial
                    column = batch.pixelIndices()[batch.columnStart(0) + int(rng() % (batch.columnStart(1)))];
                const float original = weights(row, column);
                weights(row, column) = original + step;
                const double plus = batchLoss(network, batch);
                weights(row, column) = original - step;
                const double minus = batchLoss(network, batch);
                weights(row, column) = original;
                const double numeric = (plus - minus) / (2 * step);
                const double analytic = workspace.weightGradients[l](row, column);
                QVERIFY2(finiteAndClose(numeric, analytic, kGradientTolerance),
                         qPrintable(QStringLiteral("layer %1 W(%2,%3): numeric %4 analytic %5")
                                        .arg(l)
                                        .arg(row)
                                        .arg(column)
                                        .arg(numeric)
                                        .arg(analytic)));
                ++checked;
            }
            Vector &bias = network.layer(l).bias();
            for (int row = 0; row < std::min<int>(4, int(bias.size())); ++row) {
                const float original = bias(row);
                bias(row) = original + step;
                const double plus = batchLoss(network, batch);
                bias(row) = original - step;
                const double minus = batchLoss(network, batch);
                bias(row) = original;
                const double numeric = (plus - minus) / (2 * step);
                QVERIFY2(finiteAndClose(numeric, workspace.biasGradients[l](row), kGradientTolerance),
                         qPrintable(QStringLiteral("layer %1 b(%2): numeric %3 analytic %4")
                                        .arg(l)
                                        .arg(row)
                                        .arg(numeric)
                                        .arg(workspace.biasGradients[l](row))));
                ++checked;
            }
        }
        QVERIFY(checked > 12);
    }

    // The trainer's team pieces (samples, pixels, weight columns) compute the same passes as
    // forward() + backward().
    void teamPiecesMatchWholePasses_data()
    {
        QTest::addColumn<int>("members");
        QTest::newRow("1 member") << 1;
        QTest::newRow("2 members") << 2;
        QTest::newRow("3 members") << 3;
    }

    void teamPiecesMatchWholePasses()
    {
        QFETCH(int, members);
        Network network(parseArchitecture("784,48,20,10", Activation::Tanh), 9);
        const Dataset data = randomDataset(40, 21);
        std::vector<int> indices(40);
        for (int i = 0; i < 40; ++i)
            indices[i] = 39 - i;
        Batch whole(40, 784), parts(40, 784, members);
        whole.gather(data, indices.data(), 40);
        Workspace expected(network, 40), actual(network, 40);
        network.forward(whole, expected);
        network.backward(whole, expected, 1.0f / 40);

        parts.setSize(40);
        std::vector<Matrix> partials(std::size_t(members), Matrix::Zero(48, 40));
        for (int t = 0; t < members; ++t)
            parts.gatherPart(t, data, indices.data());
        for (int t = 0; t < members; ++t)
            network.firstLayerPartial(parts, partials[t], splitRange(784, t, members));
        for (int t = 0; t < members; ++t) {
            network.forwardSamples(parts, actual, parts.partSamples(t), members > 1 ? &partials : nullptr);
            network.backwardSamples(parts, actual, 1.0f / 40, parts.partSamples(t));
        }
        for (int l = 0; l < network.layerCount(); ++l)
            for (int t = 0; t < members; ++t) {
                network.weightGradientColumns(l, parts, actual, splitRange(network.layer(l).inputSize(), t, members));
                network.biasGradientRows(l, parts, actual, splitRange(network.layer(l).outputSize(), t, members));
            }
        for (int l = 0; l < network.layerCount(); ++l) {
            const auto close = [](const auto &a, const auto &b) {
                return (a - b).cwiseAbs().maxCoeff() <= 1e-5f * (1 + a.cwiseAbs().maxCoeff());
            };
            QVERIFY2(close(expected.activations[l], actual.activations[l]),
                     qPrintable(QStringLiteral("activations %1").arg(l)));
            QVERIFY2(close(expected.outputGradients[l], actual.outputGradients[l]),
                     qPrintable(QStringLiteral("dZ %1").arg(l)));
            QVERIFY2(close(expected.weightGradients[l], actual.weightGradients[l]),
                     qPrintable(QStringLiteral("dW %1").arg(l)));
            QVERIFY2(close(expected.biasGradients[l], actual.biasGradients[l]),
                     qPrintable(QStringLiteral("db %1").arg(l)));
        }
        QVERIFY(expected.weightGradients[0].cwiseAbs().maxCoeff() > 1e-4f); // non-trivial
    }

    void fusedSoftmaxCrossEntropyGradient()
    {
        // dL/dz = (p - onehot) / n for the output layer: check on the last layer's gradient directly.
        Network network(parseArchitecture("784-10"), 5);
        const Dataset data = randomDataset(3, 2);
        Batch batch(3, 784);
        const int indices[] = {0, 1, 2};
        batch.gather(data, indices, 3);
        Workspace workspace(network, 3);
        network.forward(batch, workspace);
        network.backward(batch, workspace, 1.0f / 3);
        for (int s = 0; s < 3; ++s)
            for (int k = 0; k < 10; ++k) {
                const float expected = (workspace.activations[0](k, s) - (k == batch.label(s) ? 1.0f : 0.0f)) / 3.0f;
                QVERIFY(std::abs(workspace.outputGradients[0](k, s) - expected) < 1e-6f);
            }
    }

    void initializationStatistics()
    {
        Network network(parseArchitecture("784-512-256-10"), 123);
        auto deviation = [](const Matrix &m) {
            const double mean = m.mean();
            return std::sqrt((m.array() - float(mean)).square().mean());
        };
        // He for hidden layers: std = sqrt(2 / in); Xavier for the output: sqrt(2 / (in + out)).
        QVERIFY(std::abs(deviation(network.layer(0).weights()) - std::sqrt(2.0 / 784)) < 0.02 * std::sqrt(2.0 / 784));
        QVERIFY(std::abs(deviation(network.layer(1).weights()) - std::sqrt(2.0 / 512)) < 0.02 * std::sqrt(2.0 / 512));
        QVERIFY(std::abs(deviation(network.layer(2).weights()) - std::sqrt(2.0 / 266)) < 0.05 * std::sqrt(2.0 / 266));
        QVERIFY(std::abs(network.layer(0).weights().mean()) < 0.001);
        QVERIFY(network.layer(0).bias().isZero());
    }

    void deterministicForSeed()
    {
        Network a(Architecture{}, 99), b(Architecture{}, 99), c(Architecture{}, 100);
        QVERIFY(a.layer(0).weights() == b.layer(0).weights());
        QVERIFY(a.layer(2).weights() == b.layer(2).weights());
        QVERIFY(a.layer(0).weights() != c.layer(0).weights());
    }

    void architectureValidation_data()
    {
        QTest::addColumn<QString>("layers");
        QTest::addColumn<QString>("problem");
        QTest::newRow("default") << "784,128,64,10"
                                 << "";
        QTest::newRow("no hidden") << "784,10"
                                   << "";
        QTest::newRow("wrong input") << "783,10"
                                     << "Architecture must start with 784 and end with 10";
        QTest::newRow("wrong output") << "784,128,9"
                                      << "Architecture must start with 784 and end with 10";
        QTest::newRow("one layer") << "784"
                                   << "between 2 and 10 layers";
        QTest::newRow("eleven layers") << "784,8,8,8,8,8,8,8,8,8,10"
                                       << "between 2 and 10 layers";
        QTest::newRow("too many parameters") << "784,4096,4096,10"
                                             << "parameters; the limit is 5000000";
    }

    void architectureValidation()
    {
        QFETCH(QString, layers);
        QFETCH(QString, problem);
        const std::string message = parseArchitecture(layers.toStdString()).validate();
        if (problem.isEmpty())
            QCOMPARE(QString::fromStdString(message), QString());
        else
            QVERIFY2(QString::fromStdString(message).contains(problem), message.c_str());
    }

    void architectureParsingErrors()
    {
        QVERIFY_THROWS_EXCEPTION(Error, parseArchitecture("784,abc,10"));
        QVERIFY_THROWS_EXCEPTION(Error, parseArchitecture("784,,10"));
        QVERIFY_THROWS_EXCEPTION(Error, parseArchitecture("784,5000,10"));
        QCOMPARE(parseArchitecture("784-128-64-10").parameterCount(), std::int64_t(109386));
    }
};

QTEST_GUILESS_MAIN(TestNetwork)
#include "tst_network.moc"
