// The binary frame codec on its own: every coding round-trips within its quantisation, special
// values (zeros, signs, constant arrays, non-finite) behave as documented, and any truncated or
// corrupt frame is refused with a message instead of being read past its end.
#include "binarywire.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace Qt::StringLiterals;
using server::wire::Coding;

class TestBinaryWire : public QObject
{
    Q_OBJECT

private slots:
    void linear8WithinHalfAStep();
    void log8KeepsSignsZerosAndRelativePrecision();
    void float16AndFloat32();
    void degenerateArrays();
    void truncatedFramesAreRefused();
    void defaultNetworkUpdateFitsTheBudget();
};

namespace {
std::vector<float> randomValues(std::mt19937 &random, int count, float low, float high)
{
    std::uniform_real_distribution<float> uniform(low, high);
    std::vector<float> values(count);
    for (float &v : values)
        v = uniform(random);
    return values;
}

server::wire::Frame roundTrip(Coding coding, const std::vector<std::vector<float>> &arrays)
{
    server::wire::FrameWriter writer(R"({"type":"test","arrays":["a"]})");
    writer.addGroup(coding, arrays);
    const QByteArray bytes = writer.take();
    QString error;
    std::optional<server::wire::Frame> frame = server::wire::decode(bytes, &error);
    if (!frame)
        qFatal("decode failed: %s", qPrintable(error));
    return *frame;
}
} // namespace

void TestBinaryWire::linear8WithinHalfAStep()
{
    std::mt19937 random(7);
    const std::vector<std::vector<float>> arrays{randomValues(random, 784, 0, 1), randomValues(random, 128, -3, 5),
                                                 randomValues(random, 10, 0, 1)};
    const server::wire::Frame frame = roundTrip(Coding::Linear8, arrays);
    QCOMPARE(frame.header, QByteArray(R"({"type":"test","arrays":["a"]})"));
    QCOMPARE(frame.groups.size(), std::size_t(1));
    QCOMPARE(frame.groups[0].size(), arrays.size());
    for (std::size_t a = 0; a < arrays.size(); ++a) {
        const auto [low, high] = std::minmax_element(arrays[a].begin(), arrays[a].end());
        const float halfStep = (*high - *low) / 255 / 2 * 1.0001f;
        QCOMPARE(frame.groups[0][a].size(), arrays[a].size());
        for (std::size_t i = 0; i < arrays[a].size(); ++i)
            QVERIFY2(std::fabs(frame.groups[0][a][i] - arrays[a][i]) <= halfStep,
                     qPrintable(u"array %1 value %2"_s.arg(a).arg(i)));
        // The ends are exact: the brightest neuron stays the brightest.
        QCOMPARE(*std::max_element(frame.groups[0][a].begin(), frame.groups[0][a].end()), *high);
    }
}

void TestBinaryWire::log8KeepsSignsZerosAndRelativePrecision()
{
    std::mt19937 random(11);
    std::uniform_real_distribution<float> exponent(-7, 0);
    std::vector<float> gradients(202);
    for (std::size_t i = 0; i < gradients.size(); ++i)
        gradients[i] = (i % 3 == 0 ? -1.0f : 1.0f) * std::pow(10.0f, exponent(random));
    gradients[5] = 0;
    const server::wire::Frame frame = roundTrip(Coding::Log8, {gradients});
    const std::vector<float> &decoded = frame.groups[0][0];
    // Seven decades over 126 levels: one level is a factor exp(ln(1e7)/126) ≈ 1.137, so the
    // rounding error is at most half of that, ~6.6% of the value.
    const float relative = std::exp(std::log(1e7f) / 126 / 2) - 1;
    for (std::size_t i = 0; i < gradients.size(); ++i) {
        QCOMPARE(std::signbit(decoded[i]), std::signbit(gradients[i]));
        QVERIFY2(std::fabs(decoded[i] - gradients[i]) <= std::fabs(gradients[i]) * relative * 1.01f,
                 qPrintable(u"%1: %2 vs %3"_s.arg(i).arg(decoded[i]).arg(gradients[i])));
    }
    QCOMPARE(decoded[5], 0.0f);
}

void TestBinaryWire::float16AndFloat32()
{
    std::mt19937 random(3);
    const std::vector<float> weights = randomValues(random, 1000, -0.5f, 0.5f);
    const std::vector<float> halves = roundTrip(Coding::Float16, {weights}).groups[0][0];
    for (std::size_t i = 0; i < weights.size(); ++i) // 11 significant bits: relative 2^-11
        QVERIFY(std::fabs(halves[i] - weights[i]) <= std::fabs(weights[i]) / 2048 + 6e-8f);
    const std::vector<float> special{0.0f, -0.0f, std::numeric_limits<float>::infinity(), 65504.0f, 1e-3f};
    const std::vector<float> specialHalves = roundTrip(Coding::Float16, {special}).groups[0][0];
    QVERIFY(std::isinf(specialHalves[2]));
    QCOMPARE(specialHalves[3], 65504.0f);
    QCOMPARE(roundTrip(Coding::Float32, {weights}).groups[0][0], weights);
}

void TestBinaryWire::degenerateArrays()
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const server::wire::Frame frame = roundTrip(Coding::Linear8, {{}, {0.25f, 0.25f}, {nan, 1.0f, 2.0f}});
    QVERIFY(frame.groups[0][0].empty());
    QCOMPARE(frame.groups[0][1], (std::vector<float>{0.25f, 0.25f})); // constant: exact
    QCOMPARE(frame.groups[0][2][0], 1.0f); // NaN becomes the finite minimum, never garbage
    QCOMPARE(frame.groups[0][2][2], 2.0f);
    const std::vector<float> zeros = roundTrip(Coding::Log8, {{0.0f, 0.0f}}).groups[0][0];
    QCOMPARE(zeros, (std::vector<float>{0.0f, 0.0f}));
}

void TestBinaryWire::truncatedFramesAreRefused()
{
    server::wire::FrameWriter writer(R"({"arrays":["a","b"]})");
    writer.addGroup(Coding::Linear8, {{0.1f, 0.9f, 0.5f}});
    writer.addGroup(Coding::Float16, {{1.0f, 2.0f}, {3.0f}});
    const QByteArray bytes = writer.take();
    QVERIFY(server::wire::decode(bytes).has_value());
    for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
        QString error;
        const bool decoded = server::wire::decode(QByteArrayView(bytes).first(cut), &error).has_value();
        // A cut exactly between two groups is a well-formed shorter frame; anything else fails.
        if (decoded)
            continue;
        QVERIFY2(!error.isEmpty(), qPrintable(u"cut at %1"_s.arg(cut)));
    }
    QByteArray corrupt = bytes;
    corrupt[8 + 20 + 2 + 4] = char(9); // the first array's coding byte
    QString error;
    QVERIFY(!server::wire::decode(corrupt, &error));
    QVERIFY2(error.contains(u"coding"_s), qPrintable(error));
    QVERIFY(!server::wire::decode("NJB\x02"));
}

void TestBinaryWire::defaultNetworkUpdateFitsTheBudget()
{
    // The arrays of one live update of 784-128-64-10: focus and mean activations per drawn
    // layer, |dL/dz| per dense layer. The budget for the whole frame is 3 KiB; the arrays take:
    std::mt19937 random(5);
    const std::vector<int> sizes{784, 128, 64, 10};
    std::vector<std::vector<float>> activations, gradients;
    for (int size : sizes)
        activations.push_back(randomValues(random, size, 0, 1));
    for (std::size_t i = 1; i < sizes.size(); ++i)
        gradients.push_back(randomValues(random, sizes[i], 1e-6f, 1e-2f));
    server::wire::FrameWriter writer("{}");
    writer.addGroup(Coding::Linear8, activations);
    writer.addGroup(Coding::Linear8, activations);
    writer.addGroup(Coding::Log8, gradients);
    const QByteArray bytes = writer.take();
    qInfo("arrays of one default update: %lld bytes", qlonglong(bytes.size()));
    QVERIFY(bytes.size() < 2400); // leaves ~700 bytes for the JSON header's scalars
}

QTEST_GUILESS_MAIN(TestBinaryWire)
#include "tst_binarywire.moc"
