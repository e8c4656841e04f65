// SGD-with-momentum and Adam update maths, checked against values computed by hand, and
// row- and column-range updates equal to whole-layer updates, with the summary of the updated weights.
#include "network.h"
#include "optimizer.h"

#include <QTest>

#include <cmath>

using namespace core;

namespace {
constexpr float kTolerance = 1e-6f;

// A 784-10 network whose parameters and gradients we set by hand.
struct Fixture
{
    Network network{parseArchitecture("784-10"), 1};
    std::vector<Matrix> weightGradients{Matrix::Zero(10, 784)};
    std::vector<Vector> biasGradients{Vector::Zero(10)};

    Fixture()
    {
        network.layer(0).weights().setConstant(1.0f);
        network.layer(0).bias().setConstant(0.5f);
        weightGradients[0].setConstant(0.2f);
        biasGradients[0].setConstant(-0.4f);
    }
};
} // namespace

class TestOptimizer : public QObject
{
    Q_OBJECT

private slots:
    void sgdMomentumByHand()
    {
        Fixture f;
        Optimizer sgd(f.network, {OptimizerKind::Sgd, 0.9f});
        // step 1: v = g = 0.2; w = 1 - 0.1 * 0.2 = 0.98
        sgd.step(f.network, f.weightGradients, f.biasGradients, 0.1f);
        QVERIFY(std::abs(f.network.layer(0).weights()(3, 5) - 0.98f) < kTolerance);
        QVERIFY(std::abs(f.network.layer(0).bias()(2) - 0.54f) < kTolerance); // 0.5 + 0.1 * 0.4
        // step 2: v = 0.9 * 0.2 + 0.2 = 0.38; w = 0.98 - 0.1 * 0.38 = 0.942
        sgd.step(f.network, f.weightGradients, f.biasGradients, 0.1f);
        QVERIFY(std::abs(f.network.layer(0).weights()(3, 5) - 0.942f) < kTolerance);
        // bias: v = -0.76; b = 0.54 + 0.076 = 0.616
        QVERIFY(std::abs(f.network.layer(0).bias()(2) - 0.616f) < kTolerance);
        QCOMPARE(sgd.stepCount(), 2LL);
    }

    void adamByHand()
    {
        Fixture f;
        Optimizer adam(f.network, {OptimizerKind::Adam});
        // step 1: m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2 -> w -= lr * g / (|g| + eps)
        adam.step(f.network, f.weightGradients, f.biasGradients, 0.01f);
        QVERIFY(std::abs(f.network.layer(0).weights()(0, 0) - (1.0f - 0.01f * 0.2f / (0.2f + 1e-8f))) < kTolerance);
        QVERIFY(std::abs(f.network.layer(0).bias()(0) - 0.51f) < kTolerance);
        // step 2 with gradient 0: m = 0.9 * 0.02 = 0.018, m_hat = 0.018 / 0.19;
        // v = 0.999 * 4e-5, v_hat = v / (1 - 0.999^2)
        f.weightGradients[0].setZero();
        adam.step(f.network, f.weightGradients, f.biasGradients, 0.01f);
        const double mHat = 0.018 / (1 - 0.81);
        const double vHat = 0.999 * 0.001 * 0.04 / (1 - 0.998001);
        const double expected = (1.0 - 0.01) - 0.01 * mHat / (std::sqrt(vHat) + 1e-8);
        QVERIFY2(std::abs(f.network.layer(0).weights()(0, 0) - expected) < 1e-5,
                 qPrintable(QString::number(f.network.layer(0).weights()(0, 0), 'g', 9) + " vs "
                            + QString::number(expected, 'g', 9)));
    }

    void rowRangesMatchWholeLayer_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("sgd") << int(OptimizerKind::Sgd);
        QTest::newRow("adam") << int(OptimizerKind::Adam);
    }

    void rowRangesMatchWholeLayer()
    {
        QFETCH(int, kind);
        Fixture a, b;
        a.weightGradients[0] = Matrix::Random(10, 784);
        b.weightGradients[0] = a.weightGradients[0];
        Optimizer whole(a.network, {OptimizerKind(kind)}), parts(b.network, {OptimizerKind(kind)});
        for (int step = 0; step < 3; ++step) {
            whole.step(a.network, a.weightGradients, a.biasGradients, 0.05f);
            parts.beginStep();
            for (int t = 0; t < 3; ++t)
                parts.update(b.network, 0, splitRange(10, t, 3), b.weightGradients[0], b.biasGradients[0], 0.05f);
        }
        // Equal up to rounding: vector and scalar code may contract a*b+c into one FMA differently.
        QVERIFY(a.network.layer(0).weights().allFinite());
        QVERIFY((a.network.layer(0).weights() - b.network.layer(0).weights()).cwiseAbs().maxCoeff() < 1e-6f);
        QVERIFY((a.network.layer(0).bias() - b.network.layer(0).bias()).cwiseAbs().maxCoeff() < 1e-6f);
        QVERIFY(a.network.layer(0).weights() != Fixture().network.layer(0).weights()); // it did move
    }

    void columnPiecesMatchWholeLayerAndSummariseIt_data() { rowRangesMatchWholeLayer_data(); }

    void columnPiecesMatchWholeLayerAndSummariseIt()
    {
        QFETCH(int, kind);
        Fixture a, c;
        a.weightGradients[0] = Matrix::Random(10, 784);
        a.biasGradients[0] = Vector::Random(10);
        c.weightGradients[0] = a.weightGradients[0];
        c.biasGradients[0] = a.biasGradients[0];
        Optimizer whole(a.network, {OptimizerKind(kind)}), parts(c.network, {OptimizerKind(kind)});
        WeightSummary summary;
        for (int step = 0; step < 3; ++step) {
            whole.step(a.network, a.weightGradients, a.biasGradients, 0.05f);
            parts.beginStep();
            summary = {};
            for (int t = 0; t < 3; ++t) {
                WeightSummary piece;
                parts.updateWeightColumns(c.network, 0, splitRange(784, t, 3), c.weightGradients[0], 0.05f, &piece);
                parts.updateBias(c.network, 0, splitRange(10, t, 3), c.biasGradients[0], 0.05f);
                summary.merge(piece);
            }
        }
        const Matrix &weights = c.network.layer(0).weights();
        QVERIFY((a.network.layer(0).weights() - weights).cwiseAbs().maxCoeff() < 1e-6f);
        QVERIFY((a.network.layer(0).bias() - c.network.layer(0).bias()).cwiseAbs().maxCoeff() < 1e-6f);
        // The summary describes the weights after the last update.
        QCOMPARE(summary.count, double(weights.size()));
        QCOMPARE(summary.minimum, weights.minCoeff());
        QCOMPARE(summary.maximum, weights.maxCoeff());
        const double mean = weights.cast<double>().mean();
        const double deviation = std::sqrt((weights.cast<double>().array() - mean).square().mean());
        QVERIFY(std::abs(summary.mean() - mean) < 1e-6);
        QVERIFY2(std::abs(summary.standardDeviation() - deviation) < 1e-4 * deviation,
                 qPrintable(QStringLiteral("%1 vs %2").arg(summary.standardDeviation()).arg(deviation)));
        QVERIFY(deviation > 0.01); // random gradients spread the weights
    }

    void splitRangeCoversEverything()
    {
        for (int count : {1, 7, 10, 64, 128, 130}) {
            for (int members : {1, 2, 3}) {
                int next = 0;
                for (int t = 0; t < members; ++t) {
                    const IndexRange range = splitRange(count, t, members);
                    QCOMPARE(range.begin, next);
                    QVERIFY(range.end >= range.begin);
                    next = range.end;
                }
                QCOMPARE(next, count);
            }
        }
        QCOMPARE(splitRange(128, 0, 2).end, 64);
    }

    void names()
    {
        QCOMPARE(optimizerFromName("SGD"), std::optional(OptimizerKind::Sgd));
        QCOMPARE(optimizerFromName("adam"), std::optional(OptimizerKind::Adam));
        QVERIFY(!optimizerFromName("rmsprop"));
    }
};

QTEST_GUILESS_MAIN(TestOptimizer)
#include "tst_optimizer.moc"
