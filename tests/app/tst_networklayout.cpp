// Pure geometry and selection: neuron positions (the grid rule against the golden vectors in
// tests/data/layout-golden.json, shared with resources/web/layout.js), ray picking, projection
// round trips and the strongest-connection selection. No display needed.
#include "connectionselector.h"
#include "networklayout.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QJsonObject loadLayoutGolden()
{
    QFile file(QStringLiteral(NNJ_TEST_DATA_DIR "/layout-golden.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestNetworkLayout : public QObject
{
    Q_OBJECT
private slots:
    void flatIndexRoundTrip();
    void gridRuleGolden_data();
    void gridRuleGolden();
    void gridRuleIsDocumented();
    void inputIsTheImage();
    void pickAlongRay();
    void pickMissesEmptySpace();
    void projectThenPick_data();
    void projectThenPick();
    void selectsStrongestIncoming();
    void respectsLayerBudget();
};

void TestNetworkLayout::flatIndexRoundTrip()
{
    const NetworkLayout layout({784, 128, 64, 10});
    QCOMPARE(layout.neuronCount(), 986);
    for (int flat : {0, 783, 784, 911, 912, 975, 976, 985}) {
        const NeuronId id = layout.neuronAt(flat);
        QVERIFY(id.isValid());
        QCOMPARE(layout.flatIndex(id), flat);
    }
    QCOMPARE(layout.neuronAt(784), (NeuronId{1, 0}));
    QCOMPARE(layout.neuronAt(985), (NeuronId{3, 9}));
    QVERIFY(!layout.neuronAt(986).isValid());
}

void TestNetworkLayout::gridRuleGolden_data()
{
    QTest::addColumn<QJsonObject>("golden");
    const QJsonObject golden = loadLayoutGolden();
    QVERIFY2(!golden.isEmpty(), "cannot read " NNJ_TEST_DATA_DIR "/layout-golden.json");
    const QJsonArray cases = golden.value(u"cases"_s).toArray();
    QVERIFY(cases.size() >= 4);
    for (const QJsonValue &c : cases) {
        QStringList sizes;
        for (const QJsonValue &n : c[u"sizes"_s].toArray())
            sizes << QString::number(n.toInt());
        QTest::newRow(qPrintable(sizes.join(u'-'))) << c.toObject();
    }
}

void TestNetworkLayout::gridRuleGolden()
{
    QFETCH(QJsonObject, golden);
    const double tolerance = loadLayoutGolden().value(u"tolerance"_s).toDouble();
    QVERIFY(tolerance > 0 && tolerance <= 1e-3);
    std::vector<int> sizes;
    for (const QJsonValue &n : golden[u"sizes"_s].toArray())
        sizes.push_back(n.toInt());
    const NetworkLayout layout(sizes);
    const QJsonArray layers = golden[u"layers"_s].toArray();
    QCOMPARE(layers.size(), qsizetype(layout.layerCount()));
    for (int layer = 0; layer < layout.layerCount(); ++layer) {
        const QJsonObject expected = layers[layer].toObject();
        QCOMPARE(layout.columns(layer), expected[u"columns"_s].toInt());
        const QJsonArray cells = expected[u"cells"_s].toArray();
        QCOMPARE(cells.size(), qsizetype(sizes[std::size_t(layer)]));
        const float spacing = layout.spacing(layer);
        QVERIFY(spacing > 0);
        const float x = layout.position({layer, 0}).x();
        for (int i = 0; i < int(cells.size()); ++i) {
            // The grid is centred on (x, 0, 0): across is +z, up is +y.
            const QVector3D p = layout.position({layer, i});
            const double across = double(p.z() / spacing), up = double(p.y() / spacing);
            const double wantAcross = cells[i][0].toDouble(), wantUp = cells[i][1].toDouble();
            QVERIFY2(std::abs(across - wantAcross) <= tolerance && std::abs(up - wantUp) <= tolerance && p.x() == x,
                     qPrintable(u"layer %1 neuron %2: (across, up) = (%3, %4), expected (%5, %6)"_s.arg(layer)
                                    .arg(i)
                                    .arg(across)
                                    .arg(up)
                                    .arg(wantAcross)
                                    .arg(wantUp)));
        }
    }
}

void TestNetworkLayout::gridRuleIsDocumented()
{
    // The golden file carries the rule; the header must state it in the same words.
    QFile header(QStringLiteral(NNJ_SOURCE_DIR "/app/view3d/networklayout.h"));
    QVERIFY(header.open(QIODevice::ReadOnly | QIODevice::Text));
    const QString text = QString::fromUtf8(header.readAll());
    const QJsonArray rule = loadLayoutGolden().value(u"rule"_s).toArray();
    QVERIFY(rule.size() >= 5);
    for (const QJsonValue &line : rule)
        QVERIFY2(text.contains(u"\n// "_s + line.toString() + u'\n'), qPrintable(line.toString()));
}

void TestNetworkLayout::inputIsTheImage()
{
    const NetworkLayout layout({784, 16, 10});
    // Row 0 is above row 27; column 0 and 27 lie on opposite sides; all inputs share one plane.
    QVERIFY(layout.position({0, 0}).y() > layout.position({0, 27 * 28}).y());
    QVERIFY(layout.position({0, 0}).z() < layout.position({0, 27}).z());
    QCOMPARE(layout.position({0, 0}).x(), layout.position({0, 783}).x());
    // Outputs: digit 0 on top, layers ordered along +x.
    QVERIFY(layout.position({2, 0}).y() > layout.position({2, 9}).y());
    QVERIFY(layout.position({1, 0}).x() > layout.position({0, 0}).x());
    QVERIFY(layout.position({2, 0}).x() > layout.position({1, 0}).x());
}

void TestNetworkLayout::pickAlongRay()
{
    const NetworkLayout layout({784, 128, 64, 10});
    // From beyond the output layer (+x) the first sphere on the line is output neuron 3.
    const QVector3D target = layout.position({3, 3});
    const QVector3D origin = target + QVector3D(30, 0, 0);
    QCOMPARE(layout.pick(origin, (target - origin).normalized()), (NeuronId{3, 3}));
    // From the input side the nearest sphere on the same line is an input pixel.
    const QVector3D pixel = layout.position({0, 14 * 28 + 14});
    const QVector3D front = pixel - QVector3D(30, 0, 0);
    QCOMPARE(layout.pick(front, QVector3D(1, 0, 0)), (NeuronId{0, 14 * 28 + 14}));
}

void TestNetworkLayout::pickMissesEmptySpace()
{
    const NetworkLayout layout({784, 128, 64, 10});
    QVERIFY(!layout.pick(QVector3D(0, 200, 0), QVector3D(0, 1, 0)).isValid());
    QVERIFY(!layout.pick(layout.center() + QVector3D(0, 100, 0), QVector3D(0, 0, 1)).isValid());
}

void TestNetworkLayout::projectThenPick_data()
{
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("index");
    QTest::newRow("output 7") << 3 << 7;
    QTest::newRow("hidden2 10") << 2 << 10;
    QTest::newRow("hidden1 37") << 1 << 37;
    QTest::newRow("input centre") << 0 << (14 * 28 + 13);
}

void TestNetworkLayout::projectThenPick()
{
    QFETCH(int, layer);
    QFETCH(int, index);
    const NetworkLayout layout({784, 128, 64, 10});
    QMatrix4x4 view, projection;
    view.lookAt(layout.center() + QVector3D(-30, 10, 35), layout.center(), QVector3D(0, 1, 0));
    projection.perspective(40, 1280.0f / 720.0f, 0.5f, 1000);
    const QSize viewport(1280, 720);
    const QPointF point = NetworkLayout::project(layout.position({layer, index}), viewport, view, projection);
    QVector3D origin, direction;
    NetworkLayout::viewportRay(point, viewport, view, projection, &origin, &direction);
    QCOMPARE(layout.pick(origin, direction, 1.0f), (NeuronId{layer, index}));
}

void TestNetworkLayout::selectsStrongestIncoming()
{
    // 2 targets x 5 inputs; per neuron budget 2 -> the two largest |w| per row.
    core::Matrix w(2, 5);
    w << 0.1f, -0.9f, 0.3f, 0.8f, 0.0f, //
        0.05f, 0.02f, -0.6f, 0.01f, 0.7f;
    const std::vector<Connection> picked = selectConnections({w}, ConnectionBudget{4, 2});
    QCOMPARE(picked.size(), std::size_t(4));
    QCOMPARE(picked[0].to, 0);
    QCOMPARE(picked[0].from, 1); // -0.9
    QCOMPARE(picked[1].from, 3); // 0.8
    QCOMPARE(picked[2].to, 1);
    QCOMPARE(picked[2].from, 4); // 0.7
    QCOMPARE(picked[3].from, 2); // -0.6
    QCOMPARE(picked[0].strength, 1.0f);
    QVERIFY(qAbs(picked[3].strength - 0.6f / 0.9f) < 1e-6f);
    QVERIFY(picked[0].weight < 0);
}

void TestNetworkLayout::respectsLayerBudget()
{
    core::Matrix w = core::Matrix::Random(128, 784);
    core::Matrix v = core::Matrix::Random(64, 128);
    const std::vector<Connection> picked = selectConnections({w, v}, ConnectionBudget{400, 16});
    int first = 0, second = 0;
    for (const Connection &c : picked)
        (c.denseLayer == 0 ? first : second)++;
    QVERIFY(first <= 400 && first >= 128);
    QVERIFY(second <= 400 && second >= 64);
    for (const Connection &c : picked)
        QVERIFY(c.strength >= 0 && c.strength <= 1);
}

QTEST_GUILESS_MAIN(TestNetworkLayout)
#include "tst_networklayout.moc"
