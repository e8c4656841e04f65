// Qt 3D view tests (run under xvfb-run, with the opengl and the rhi renderer): a render
// capture is not blank, colours follow the activations, and a click picks the right neuron.
#include "colorscheme.h"
#include "networkview.h"

#include <QGuiApplication>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QtTest>

namespace {

const std::vector<int> kSizes{784, 128, 64, 10};

std::vector<std::vector<float>> activationsWithInput(float inputValue)
{
    std::vector<std::vector<float>> activations;
    for (int size : kSizes)
        activations.emplace_back(size, 0.0f);
    std::fill(activations[0].begin(), activations[0].end(), inputValue);
    return activations;
}

// Pixels that differ from the background colour by more than a small tolerance.
int litPixels(const QImage &image, const QRect &area, const QColor &background = colorscheme::background)
{
    const QRect r = area.intersected(image.rect());
    int lit = 0;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (qAbs(c.red() - background.red()) + qAbs(c.green() - background.green())
                    + qAbs(c.blue() - background.blue())
                > 24)
                ++lit;
        }
    return lit;
}

// Mean brightness of an area.
double brightness(const QImage &image, const QRect &area)
{
    const QRect r = area.intersected(image.rect());
    double sum = 0;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            sum += qGray(image.pixel(x, y));
    return sum / std::max(1, r.width() * r.height());
}

} // namespace

class TestNetworkView : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void captureIsNotBlank();
    void coloursFollowActivations();
    void clickPicksTheNeuron_data();
    void clickPicksTheNeuron();
    void togglesHideConnectionsAndParticles();
    void lightThemeRecoloursTheView();
    void rendersWhileTheGuiThreadIsBusy();
    void channelKeepsTheNewestStateAndWakesOnce();

private:
    QImage capture();
    NetworkView *m_view = nullptr;
};

// The view follows the window theme; these tests start from the dark one, as the app does.
static void setWindowColor(const QColor &color)
{
    QPalette palette = QGuiApplication::palette();
    palette.setColor(QPalette::Window, color);
    QGuiApplication::setPalette(palette);
}

void TestNetworkView::init()
{
    setWindowColor(colorscheme::background);
    m_view = new NetworkView;
    m_view->resize(900, 600);
    m_view->scene()->setArchitecture(
        kSizes, {QStringLiteral("Input"), QStringLiteral("H1"), QStringLiteral("H2"), QStringLiteral("Output")});
    std::vector<core::Matrix> weights;
    for (std::size_t l = 0; l + 1 < kSizes.size(); ++l)
        weights.push_back(core::Matrix::Random(kSizes[l + 1], kSizes[l]));
    QVERIFY(m_view->scene()->setWeights(weights));
    m_view->frameNetwork();
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    capture(); // the first frames after showing can come before the scene is uploaded
}

void TestNetworkView::cleanup()
{
    delete m_view;
    m_view = nullptr;
}

QImage TestNetworkView::capture()
{
    QImage result;
    bool done = false;
    m_view->capture([&](const QImage &image) {
        result = image.convertToFormat(QImage::Format_RGB32);
        done = true;
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 20000); }();
    return result;
}

void TestNetworkView::captureIsNotBlank()
{
    const QImage image = capture();
    QVERIFY(!image.isNull());
    QVERIFY2(image.width() >= 400, qPrintable(QString::number(image.width())));
    // Idle neurons and the connection lines cover a real part of the picture.
    const int lit = litPixels(image, image.rect());
    QVERIFY2(lit > image.width() * image.height() / 50, qPrintable(QStringLiteral("lit pixels: %1").arg(lit)));
    // And the background is there too (the network is framed, not filling everything).
    QVERIFY(lit < image.width() * image.height() * 9 / 10);
}

void TestNetworkView::coloursFollowActivations()
{
    QVERIFY(m_view->scene()->setActivations(activationsWithInput(0.0f)));
    const std::vector<float> darkColors = m_view->scene()->neuronColors();
    const QImage dark = capture();
    if (qEnvironmentVariableIsSet("NNJ_TEST_SAVE"))
        dark.save(qEnvironmentVariable("NNJ_TEST_SAVE"));
    QVERIFY(m_view->scene()->setActivations(activationsWithInput(1.0f)));
    const std::vector<float> brightColors = m_view->scene()->neuronColors();
    // The uploaded colour of an input pixel changed from idle navy to near white.
    QVERIFY(brightColors[0] + brightColors[1] + brightColors[2] > darkColors[0] + darkColors[1] + darkColors[2] + 1.5f);
    // And the rendered image around the input image got brighter.
    const QPointF centre = m_view->screenPosition({0, 14 * 28 + 14});
    const QRect area(int(centre.x()) - 30, int(centre.y()) - 30, 60, 60);
    const double before = brightness(dark, area);
    // A renderer may show a buffer update one frame later: capture until it shows (bounded).
    double after = before;
    for (int attempt = 0; attempt < 5 && after <= before + 40; ++attempt)
        after = brightness(capture(), area);
    QVERIFY2(after > before + 40, qPrintable(QStringLiteral("brightness %1 -> %2").arg(before).arg(after)));
    // Mismatched shapes are refused, not drawn.
    QVERIFY(!m_view->scene()->setActivations({{1.0f}}));
}

void TestNetworkView::clickPicksTheNeuron_data()
{
    QTest::addColumn<int>("layer");
    QTest::addColumn<int>("index");
    QTest::newRow("output 3") << 3 << 3;
    QTest::newRow("output 9") << 3 << 9;
    QTest::newRow("hidden2 20") << 2 << 20;
    QTest::newRow("hidden1 64") << 1 << 64;
    QTest::newRow("input 14,14") << 0 << (14 * 28 + 14);
}

void TestNetworkView::clickPicksTheNeuron()
{
    QFETCH(int, layer);
    QFETCH(int, index);
    const NeuronId expected{layer, index};
    QSignalSpy clicked(m_view, &NetworkView::neuronClicked);
    const QPoint at = m_view->screenPosition(expected).toPoint();
    QVERIFY(QRect(QPoint(0, 0), m_view->size()).contains(at));
    QTest::mouseClick(m_view, Qt::LeftButton, Qt::NoModifier, at);
    QTRY_COMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().at(0).value<NeuronId>(), expected);
    // Dragging orbits the camera instead of picking.
    QTest::mousePress(m_view, Qt::LeftButton, Qt::NoModifier, at);
    QMouseEvent move(QEvent::MouseMove, QPointF(at + QPoint(60, 0)), m_view->mapToGlobal(QPointF(at + QPoint(60, 0))),
                     Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_view, &move);
    QTest::mouseRelease(m_view, Qt::LeftButton, Qt::NoModifier, at + QPoint(60, 0));
    QCOMPARE(clicked.count(), 1);
    QVERIFY(m_view->screenPosition(expected) != QPointF(at));
}

void TestNetworkView::togglesHideConnectionsAndParticles()
{
    NetworkScene *scene = m_view->scene();
    std::vector<std::vector<float>> gradients{std::vector<float>(128, 0.01f), std::vector<float>(64, 0.02f),
                                              std::vector<float>(10, 0.05f)};
    scene->setGradients(gradients, {0.01f, 0.02f, 0.05f});
    QVERIFY(scene->particleCount() > 0);
    QVERIFY(scene->isAnimating());
    const int withLines = litPixels(capture(), QRect(0, 0, m_view->width(), m_view->height()));
    scene->setConnectionsVisible(false);
    scene->setParticlesVisible(false);
    QVERIFY(!scene->isAnimating());
    const int without = litPixels(capture(), QRect(0, 0, m_view->width(), m_view->height()));
    QVERIFY2(without < withLines, qPrintable(QStringLiteral("%1 vs %2").arg(without).arg(withLines)));
}

// The light window theme gives the view a light background, dark labels and connections blended
// normally: added onto white, they would vanish.
void TestNetworkView::lightThemeRecoloursTheView()
{
    const QPointF input = m_view->screenPosition({0, 14 * 28 + 14});
    const QPointF hidden = m_view->screenPosition({1, 64});
    const QPointF between = (input + hidden) / 2; // only connections cross here
    const QRect lines(int(between.x()) - 25, int(between.y()) - 25, 50, 50);
    QVERIFY(litPixels(capture(), lines) > 100); // dark: lines glow on navy

    QVERIFY(!m_view->scene()->palette().light);
    setWindowColor(QColor(0xf6, 0xf7, 0xf9));
    QVERIFY(m_view->scene()->palette().light);
    const QColor background = ViewPalette::lightTheme().background;
    QImage image;
    for (int attempt = 0; attempt < 5 && image.pixelColor(2, 2) != background; ++attempt)
        image = capture();
    QCOMPARE(image.pixelColor(2, 2), background);
    const int visible = litPixels(image, lines, background);
    QVERIFY2(visible > 100, qPrintable(QStringLiteral("connection pixels on the light background: %1").arg(visible)));
    // An idle input pixel is the light theme's idle colour, not navy.
    const std::vector<float> &colors = m_view->scene()->neuronColors();
    QCOMPARE(QColor::fromRgbF(colors[0], colors[1], colors[2]).rgb(), ViewPalette::lightTheme().idle.rgb());

    setWindowColor(colorscheme::background);
    QVERIFY(!m_view->scene()->palette().light);
}

void TestNetworkView::rendersWhileTheGuiThreadIsBusy()
{
    // Qt 3D renders on the view's own thread: frames keep coming while the GUI thread is held
    // (with the engine on the GUI thread, not one frame could).
    NetworkScene *scene = m_view->scene();
    scene->setGradients({std::vector<float>(128, 0.01f), std::vector<float>(64, 0.02f), std::vector<float>(10, 0.05f)},
                        {0.01f, 0.02f, 0.05f});
    m_view->setAnimationRate(0); // continuous
    QTRY_VERIFY_WITH_TIMEOUT(m_view->framesRendered() > 2, 20000);
    const long long before = m_view->framesRendered();
    QThread::msleep(1500);
    QVERIFY2(m_view->framesRendered() > before, qPrintable(QString::number(m_view->framesRendered())));
    m_view->setAnimationRate(30);
}

void TestNetworkView::channelKeepsTheNewestStateAndWakesOnce()
{
    SceneChannel channel;
    SceneState state;
    QCOMPARE(channel.take(&state), unsigned(SceneState::All)); // a new reader gets everything
    int wakes = 0;
    channel.setWake([&] { ++wakes; });
    channel.update(SceneState::Colors, [](SceneState &s) { s.tileColors = QByteArray("old"); });
    channel.update(SceneState::Colors, [](SceneState &s) { s.tileColors = QByteArray("new"); });
    channel.update(SceneState::Camera, [](SceneState &s) { s.camera.fieldOfView = 50; });
    QCOMPARE(wakes, 1);
    QCOMPARE(channel.take(&state), unsigned(SceneState::Colors | SceneState::Camera));
    QCOMPARE(state.tileColors, QByteArray("new"));
    QCOMPARE(state.camera.fieldOfView, 50.0f);
    QCOMPARE(channel.take(&state), 0u);
    channel.update(SceneState::Redraw, [](SceneState &) {});
    QCOMPARE(wakes, 2);
}

QTEST_MAIN(TestNetworkView)
#include "tst_networkview.moc"
