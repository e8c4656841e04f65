// Drawing preprocessing: hand-computed expectations for small drawings (each rule on its own),
// the shared golden vectors (the JavaScript twin checks the same file) and general properties.
#include "preprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

using Image = std::array<float, 784>;

struct Drawing
{
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    Drawing() = default;
    Drawing(int w, int h, int background)
        : width(w), height(h), pixels(std::size_t(w) * h, std::uint8_t(background)) { }
    void fill(int x0, int y0, int x1, int y1, int value) // inclusive corners
    {
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x)
                pixels[std::size_t(y) * width + x] = std::uint8_t(value);
    }
    core::PreprocessedDrawing run() const { return core::preprocessDrawing(pixels.data(), width, height); }
};

// 28x28 image with `value` in columns x0..x1 and rows y0..y1 (inclusive) and 0 elsewhere.
Image block(int x0, int y0, int x1, int y1, float value, Image image = {})
{
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x)
            image[y * 28 + x] = value;
    return image;
}

constexpr float kTolerance = 1e-6f;

// Compares every pixel; the message names the first differing (x, y).
bool sameImage(const Image &actual, const Image &expected, QByteArray *message)
{
    for (int i = 0; i < 784; ++i) {
        if (!(std::abs(actual[i] - expected[i]) <= kTolerance)) { // also fails on NaN
            *message = "pixel (x " + QByteArray::number(i % 28) + ", y " + QByteArray::number(i / 28) + "): got "
                       + QByteArray::number(actual[i], 'g', 9) + ", expected "
                       + QByteArray::number(expected[i], 'g', 9);
            return false;
        }
    }
    return true;
}

struct Moments
{
    double mass = 0, centreX = 0, centreY = 0;
    int x0 = 28, y0 = 28, x1 = -1, y1 = -1; // bounding box of non-zero pixels
};

Moments moments(const Image &image)
{
    Moments m;
    double momentX = 0, momentY = 0;
    for (int y = 0; y < 28; ++y) {
        for (int x = 0; x < 28; ++x) {
            const double v = image[y * 28 + x];
            if (v <= 0)
                continue;
            m.mass += v;
            momentX += x * v;
            momentY += y * v;
            m.x0 = std::min(m.x0, x);
            m.x1 = std::max(m.x1, x);
            m.y0 = std::min(m.y0, y);
            m.y1 = std::max(m.y1, y);
        }
    }
    m.centreX = momentX / m.mass;
    m.centreY = momentY / m.mass;
    return m;
}

QJsonObject loadGolden()
{
    QFile file(QStringLiteral(NNJ_TEST_DATA_DIR "/preprocess-golden.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

Q_DECLARE_METATYPE(Drawing)

class TestPreprocess : public QObject
{
    Q_OBJECT

private slots:
    void handComputed_data()
    {
        QTest::addColumn<Drawing>("drawing");
        QTest::addColumn<Image>("expected");

        // 20x20 white square: no scaling; pasted at (28 - 20) / 2 = 4; centre of mass 13.5 -> no shift.
        Drawing square(40, 40, 0);
        square.fill(10, 10, 29, 29, 255);
        QTest::newRow("white square on black") << square << block(4, 4, 23, 23, 1.0f);

        // Border mean 255 > 127: inverted, so the black square is the ink.
        Drawing dark(30, 30, 255);
        dark.fill(5, 5, 24, 24, 0);
        QTest::newRow("black square on white") << dark << block(4, 4, 23, 23, 1.0f);

        // 40x40 square of 200: halved by area averaging (each output pixel = mean of 2x2 = 200).
        Drawing big(50, 50, 0);
        big.fill(5, 5, 44, 44, 200);
        QTest::newRow("40x40 halved") << big << block(4, 4, 23, 23, 200.0f / 255);

        // A single pixel: longer side 1 -> 20, a 20x20 block.
        Drawing dot(9, 9, 0);
        dot.fill(4, 4, 4, 4, 255);
        QTest::newRow("single pixel") << dot << block(4, 4, 23, 23, 1.0f);

        // 10x5 rectangle -> 20x10 (aspect kept): columns 4..23, rows (28-10)/2 = 9..18; centred.
        Drawing wide(20, 20, 0);
        wide.fill(3, 6, 12, 10, 255);
        QTest::newRow("10x5 rectangle") << wide << block(4, 9, 23, 18, 1.0f);

        // 255, 51 side by side -> 20x10: columns 4..13 = 255, 14..23 = 51, rows 9..18.
        // cx = (255*(4+..+13) + 51*(14+..+23)) / (10*255 + 10*51) = 31110 / 3060 = 10.167
        // dx = floor(13.5 - 10.167 + 0.5) = 3: columns 7..16 = 1.0, 17..26 = 0.2.
        Drawing pair(6, 5, 0);
        pair.fill(2, 2, 2, 2, 255);
        pair.fill(3, 2, 3, 2, 51);
        QTest::newRow("centre of mass shift") << pair << block(17, 9, 26, 18, 0.2f, block(7, 9, 16, 18, 1.0f));

        // Heavy column (255 x 20) plus a bar of 30 in its row 10; 20x20 so no scaling, pasted at 4.
        // cx = (4*5100 + 30*(5+..+23)) / 5670 = 5.005 -> dx = 8; cy = (255*(4+..+23) + 14*570) / 5670
        // = 13.55 -> dy = 0. The column moves to x 12, the bar to 13..31 of which 28..31 are dropped.
        Drawing clipped(20, 20, 0);
        clipped.fill(0, 0, 0, 19, 255);
        clipped.fill(1, 10, 19, 10, 30);
        QTest::newRow("shifted out is dropped")
            << clipped << block(13, 14, 27, 14, 30.0f / 255, block(12, 4, 12, 23, 1.0f));

        // 1x1 canvas of 200: it is its own border (mean 200 > 127), inverted to 55 > 25: still ink.
        QTest::newRow("1x1 canvas inverted") << Drawing(1, 1, 200) << block(4, 4, 23, 23, 55.0f / 255);

        // Ink threshold: 26 is ink (a 20x20 block of 26/255).
        Drawing faintInk(5, 5, 0);
        faintInk.fill(2, 2, 2, 2, 26);
        QTest::newRow("26 is ink") << faintInk << block(4, 4, 23, 23, 26.0f / 255);
    }

    void handComputed()
    {
        QFETCH(Drawing, drawing);
        QFETCH(Image, expected);
        const core::PreprocessedDrawing result = drawing.run();
        QVERIFY(!result.empty);
        QByteArray message;
        QVERIFY2(sameImage(result.pixels, expected, &message), message.constData());
    }

    // Border mean exactly 127 is NOT light (the rule is > 127), 128 is. A 3x3 drawing becomes
    // 20x20 and destination columns 7..12 lie wholly inside source column 1 ([20, 40) in units of
    // 1/20 vs [3i, 3i + 3)), so output pixel (13, 13) is exactly the source centre.
    void borderMeanRule()
    {
        Drawing borderAt127(3, 3, 127);
        borderAt127.fill(1, 1, 1, 1, 255);
        const core::PreprocessedDrawing notInverted = borderAt127.run();
        QCOMPARE(notInverted.pixels[13 * 28 + 13], 1.0f);
        QCOMPARE(notInverted.pixels[4 * 28 + 4], 127.0f / 255);

        Drawing borderAt128(3, 3, 128);
        borderAt128.fill(1, 1, 1, 1, 255);
        const core::PreprocessedDrawing inverted = borderAt128.run(); // centre 0, border 127
        QCOMPARE(inverted.pixels[13 * 28 + 13], 0.0f);
        QCOMPARE(inverted.pixels[4 * 28 + 4], 127.0f / 255);
    }

    void emptyDrawings_data()
    {
        QTest::addColumn<Drawing>("drawing");
        QTest::newRow("black canvas") << Drawing(10, 7, 0);
        QTest::newRow("white canvas") << Drawing(10, 7, 255);
        Drawing faint(5, 5, 0);
        faint.fill(1, 1, 3, 3, 25); // 25 is not ink (the rule is > 25)
        QTest::newRow("25 is not ink") << faint;
        QTest::newRow("1x1 black") << Drawing(1, 1, 0);
        QTest::newRow("0x0") << Drawing(0, 0, 0);
    }

    void emptyDrawings()
    {
        QFETCH(Drawing, drawing);
        const core::PreprocessedDrawing result = drawing.run();
        QVERIFY(result.empty);
        QCOMPARE(result.pixels, Image{});
    }

    void goldenVectors_data()
    {
        QTest::addColumn<QJsonObject>("testCase");
        const QJsonObject golden = loadGolden();
        QVERIFY2(!golden.isEmpty(), "cannot read " NNJ_TEST_DATA_DIR "/preprocess-golden.json");
        QCOMPARE(golden.value(u"tolerance"_s).toDouble(), 1e-6);
        const QJsonArray cases = golden.value(u"cases"_s).toArray();
        QVERIFY(cases.size() >= 6);
        for (const QJsonValue &value : cases)
            QTest::newRow(qPrintable(value[u"name"_s].toString())) << value.toObject();
    }

    void goldenVectors()
    {
        QFETCH(QJsonObject, testCase);
        const int width = testCase[u"width"_s].toInt();
        const int height = testCase[u"height"_s].toInt();
        const QJsonArray pixels = testCase[u"pixels"_s].toArray();
        const QJsonArray expectedValues = testCase[u"expected"_s].toArray();
        QCOMPARE(pixels.size(), qsizetype(width) * height);
        QCOMPARE(expectedValues.size(), 784);

        std::vector<std::uint8_t> gray;
        for (const QJsonValue &value : pixels) {
            QVERIFY(value.toInt(-1) >= 0 && value.toInt(-1) <= 255);
            gray.push_back(std::uint8_t(value.toInt()));
        }
        Image expected{};
        for (int i = 0; i < 784; ++i)
            expected[i] = float(expectedValues[i].toDouble(-1));

        const core::PreprocessedDrawing result = core::preprocessDrawing(gray.data(), width, height);
        QCOMPARE(result.empty, testCase[u"empty"_s].toBool());
        QByteArray message;
        QVERIFY2(sameImage(result.pixels, expected, &message), message.constData());

        // Properties every result has.
        for (float value : result.pixels)
            QVERIFY2(value >= 0.0f && value <= 1.0f, QByteArray::number(value).constData());
        if (result.empty)
            return;
        const Moments m = moments(result.pixels);
        if (testCase[u"name"_s].toString() == u"clipped-by-shift"_s) {
            QCOMPARE(m.x1, 27); // cut at the right edge
            return;
        }
        QVERIFY2(std::abs(m.centreX - 13.5) <= 0.5 + 1e-9 && std::abs(m.centreY - 13.5) <= 0.5 + 1e-9,
                 qPrintable(u"centre of mass (%1, %2)"_s.arg(m.centreX).arg(m.centreY)));
        QCOMPARE(std::max(m.x1 - m.x0, m.y1 - m.y0) + 1, 20);
    }

    // The golden file documents the algorithm; it must be the comment block of preprocess.cpp.
    void goldenAlgorithmTextMatchesSource()
    {
        QFile source(QStringLiteral(NNJ_SOURCE_DIR "/core/preprocess.cpp"));
        QVERIFY(source.open(QIODevice::ReadOnly | QIODevice::Text));
        QString text;
        bool inside = false;
        while (!source.atEnd()) {
            const QString line = QString::fromUtf8(source.readLine()).chopped(1);
            if (!inside && !line.startsWith(u"// ALGORITHM"_s))
                continue;
            if (!line.startsWith(u"//"_s))
                break;
            inside = true;
            text += line.mid(3) + u'\n';
        }
        QVERIFY(!text.isEmpty());
        QCOMPARE(loadGolden().value(u"algorithm"_s).toString(), text);
    }

    // Large canvas: bounded time, and translation of the drawing does not change the result.
    void translationInvariant()
    {
        Drawing left(400, 300, 255), right(400, 300, 255);
        left.fill(40, 50, 90, 200, 0);
        left.fill(91, 50, 160, 80, 0);
        right.fill(240, 120, 290, 270, 0);
        right.fill(291, 120, 360, 150, 0);
        QByteArray message;
        QVERIFY2(sameImage(left.run().pixels, right.run().pixels, &message), message.constData());
    }
};

QTEST_GUILESS_MAIN(TestPreprocess)
#include "tst_preprocess.moc"
