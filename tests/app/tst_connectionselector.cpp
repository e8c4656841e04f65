// selectConnections against the shared golden vectors (tests/data/connections-golden.json, which
// the page's twin, resources/web/connections.js, is checked against too). Pure data, no display.
#include "connectionselector.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QJsonObject loadGolden()
{
    QFile file(QStringLiteral(NNJ_TEST_DATA_DIR "/connections-golden.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestConnectionSelector : public QObject
{
    Q_OBJECT
private slots:
    void goldenVectors_data();
    void goldenVectors();
    void ruleIsDocumented();
};

void TestConnectionSelector::goldenVectors_data()
{
    QTest::addColumn<QJsonObject>("golden");
    const QJsonObject golden = loadGolden();
    QVERIFY2(!golden.isEmpty(), "cannot read " NNJ_TEST_DATA_DIR "/connections-golden.json");
    const QJsonArray cases = golden.value(u"cases"_s).toArray();
    QVERIFY(cases.size() >= 5);
    for (const QJsonValue &c : cases)
        QTest::newRow(qPrintable(c[u"name"_s].toString())) << c.toObject();
}

void TestConnectionSelector::goldenVectors()
{
    QFETCH(QJsonObject, golden);
    const double tolerance = loadGolden().value(u"tolerance"_s).toDouble();
    QVERIFY(tolerance > 0 && tolerance <= 1e-5);
    std::vector<core::Matrix> weights;
    for (const QJsonValue &layer : golden[u"layers"_s].toArray()) {
        const QJsonArray rows = layer.toArray(); // (out, in)
        core::Matrix w(rows.size(), rows[0].toArray().size());
        for (int to = 0; to < rows.size(); ++to)
            for (int from = 0; from < w.cols(); ++from)
                w(to, from) = float(rows[to][from].toDouble());
        weights.push_back(w);
    }
    const QJsonObject budget = golden[u"budget"_s].toObject();
    const ConnectionBudget limits{budget[u"linesPerLayer"_s].toInt(), budget[u"maxPerNeuron"_s].toInt()};
    const std::vector<Connection> got = selectConnections(weights, limits);
    const QJsonArray expected = golden[u"expected"_s].toArray();
    QCOMPARE(qsizetype(got.size()), expected.size());
    for (int k = 0; k < expected.size(); ++k) {
        const QJsonObject e = expected[k].toObject();
        const Connection &c = got[std::size_t(k)];
        const QString where = u"connection %1: got layer %2 %3 -> %4, expected layer %5 %6 -> %7"_s.arg(k)
                                  .arg(c.denseLayer)
                                  .arg(c.from)
                                  .arg(c.to)
                                  .arg(e[u"layer"_s].toInt())
                                  .arg(e[u"from"_s].toInt())
                                  .arg(e[u"to"_s].toInt());
        QVERIFY2(c.denseLayer == e[u"layer"_s].toInt() && c.from == e[u"from"_s].toInt() && c.to == e[u"to"_s].toInt(),
                 qPrintable(where));
        QCOMPARE(double(c.weight), e[u"weight"_s].toDouble());
        QVERIFY2(std::abs(double(c.strength) - e[u"strength"_s].toDouble()) <= tolerance, qPrintable(where));
    }
}

void TestConnectionSelector::ruleIsDocumented()
{
    // The golden file carries the rule; the header must state it in the same words.
    QFile header(QStringLiteral(NNJ_SOURCE_DIR "/app/view3d/connectionselector.h"));
    QVERIFY(header.open(QIODevice::ReadOnly | QIODevice::Text));
    const QString text = QString::fromUtf8(header.readAll());
    const QJsonArray rule = loadGolden().value(u"rule"_s).toArray();
    QVERIFY(rule.size() >= 5);
    for (const QJsonValue &line : rule)
        QVERIFY2(text.contains(u"\n// "_s + line.toString() + u'\n'), qPrintable(line.toString()));
}

QTEST_GUILESS_MAIN(TestConnectionSelector)
#include "tst_connectionselector.moc"
