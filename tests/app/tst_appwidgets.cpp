// Widget tests (offscreen): the drawing canvas through core's preprocessing to the prediction,
// the architecture dialog's validation, the learning-rate control, and the window's controls
// reaching the shared session.
#include "architecturedialog.h"
#include "chartspanel.h"
#include "colorscheme.h"
#include "confusionmatrixview.h"
#include "controlbar.h"
#include "drawingcanvas.h"
#include "drawpanel.h"
#include "mainwindow.h"
#include "networkview.h"
#include "probabilitybars.h"
#include "session.h"
#include "sessionpresenter.h"
#include "teachingpanel.h"

#include "../server/serverfixtures.h"
#include "sharecontrol.h"
#include "sharestatus.h"
#include "trainingactions.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <numeric>

namespace {

class FakeShare : public ShareControl
{
public:
    bool listening = true;
    bool shared = false;
    int viewers = 2;
    bool isListening() const override { return listening; }
    QString localUrl() const override { return QStringLiteral("http://127.0.0.1:8000/"); }
    bool isSharedOnLan() const override { return shared; }
    QString joinUrl() const override { return shared ? QStringLiteral("http://10.0.0.5:8000/?token=abc") : QString(); }
    int viewerCount() const override { return viewers; }
    QString setSharedOnLan(bool on) override
    {
        shared = on;
        emit bindingChanged();
        return {};
    }
};

} // namespace

class TestAppWidgets : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void canvasFeedsPreprocessingAndPrediction();
    void emptyCanvasPredictsNothing();
    void architectureDialogValidates();
    void architectureDialogCountsParameters();
    void learningRateSliderMapping();
    void learningRateIsDebounced();
    void controlsReachTheSession();
    void architectureChangeRebuildsScene();
    void newNetworkClearsTheOldRun();
    void sharingStatusShowsUrlAndViewers();
    void chartsDrawTheEnvelopeOfLongHistories();
    void confusionMatrixFollowsTheLightTheme();

private:
    QTemporaryDir m_dir;
};

void TestAppWidgets::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setApplicationName(QStringLiteral("nnjourney-test"));
}

void TestAppWidgets::canvasFeedsPreprocessingAndPrediction()
{
    auto network = std::make_shared<const core::Network>(core::Architecture{}, 7);
    DrawPanel panel;
    panel.setNetwork(network, true);
    QSignalSpy predictions(&panel, &DrawPanel::predictionReady);
    // A vertical bar, off-centre to the left: preprocessing must centre it.
    panel.canvas()->drawStroke({{60, 40}, {60, 240}});
    QVERIFY(predictions.wait(2000));

    // What the panel fed the network is exactly core's preprocessing of the canvas pixels.
    const QImage gray = panel.canvas()->grayscale();
    std::vector<std::uint8_t> pixels;
    for (int y = 0; y < gray.height(); ++y)
        pixels.insert(pixels.end(), gray.constScanLine(y), gray.constScanLine(y) + gray.width());
    const core::PreprocessedDrawing expected = core::preprocessDrawing(pixels.data(), gray.width(), gray.height());
    QVERIFY(!panel.input().empty);
    QCOMPARE(panel.input().pixels, expected.pixels);

    // Centre of mass near the middle of the 28x28 (the original's shift).
    double mass = 0, cx = 0;
    for (int i = 0; i < 784; ++i) {
        mass += panel.input().pixels[i];
        cx += panel.input().pixels[i] * (i % 28);
    }
    QVERIFY(mass > 10);
    QVERIFY(qAbs(cx / mass - 13.5) < 1.5);

    // The prediction is the network's on that input; probabilities sum to 1.
    const core::Prediction direct = network->predict(expected.pixels.data());
    QCOMPARE(panel.prediction().digit, direct.digit);
    QCOMPARE(panel.prediction().probabilities, direct.probabilities);
    const float sum = std::accumulate(direct.probabilities.begin(), direct.probabilities.end(), 0.0f);
    QVERIFY(qAbs(sum - 1.0f) < 1e-4f);
    QCOMPARE(panel.prediction().layerActivations.size(), std::size_t(4));
    QCOMPARE(panel.prediction().layerActivations[0].size(), std::size_t(784));
    const auto emitted = predictions.last().at(0).value<core::Prediction>();
    QCOMPARE(emitted.digit, direct.digit);
}

void TestAppWidgets::emptyCanvasPredictsNothing()
{
    DrawPanel panel;
    panel.setNetwork(std::make_shared<const core::Network>(core::Architecture{}, 7), false);
    QSignalSpy predictions(&panel, &DrawPanel::predictionReady);
    panel.predictNow();
    QCOMPARE(predictions.count(), 0);
    QCOMPARE(panel.prediction().digit, -1);
    panel.canvas()->drawStroke({{100, 100}, {180, 180}});
    QVERIFY(predictions.wait(2000));
    QSignalSpy cleared(&panel, &DrawPanel::cleared);
    panel.clear();
    QCOMPARE(cleared.count(), 1);
    QVERIFY(panel.canvas()->isEmpty());
    QCOMPARE(panel.prediction().digit, -1);
}

void TestAppWidgets::architectureDialogValidates()
{
    ArchitectureDialog dialog(core::Architecture{});
    QVERIFY(dialog.isAcceptable());
    QCOMPARE(dialog.hiddenLayerCount(), 2);
    dialog.setUnits(0, 100000); // over ArchitectureLimits::maxUnits
    QVERIFY(!dialog.isAcceptable());
    QCOMPARE(dialog.validationMessage(), QString::fromStdString(dialog.architecture().validate()));
    QVERIFY(!dialog.validationMessage().isEmpty());
    dialog.setUnits(0, 256);
    QVERIFY(dialog.isAcceptable());
    for (int i = 0; i < core::ArchitectureLimits::maxLayers; ++i)
        dialog.addLayer(8);
    QVERIFY(!dialog.isAcceptable()); // too many layers
    while (dialog.hiddenLayerCount() > 1)
        dialog.removeLayer(dialog.hiddenLayerCount() - 1);
    dialog.setActivation(0, core::Activation::Tanh);
    QVERIFY(dialog.isAcceptable());
    const core::Architecture result = dialog.architecture();
    QCOMPARE(result.sizes, (std::vector<int>{784, 256, 10}));
    QCOMPARE(result.activations, (std::vector<core::Activation>{core::Activation::Tanh}));
}

void TestAppWidgets::architectureDialogCountsParameters()
{
    ArchitectureDialog dialog(core::Architecture{});
    QCOMPARE(dialog.architecture().parameterCount(), std::int64_t(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10));
}

void TestAppWidgets::learningRateSliderMapping()
{
    for (double lr : {1e-4, 1e-3, 0.01, 0.1, 1.0})
        QVERIFY(qAbs(ControlBar::sliderToLearningRate(ControlBar::learningRateToSlider(lr)) / lr - 1.0) < 1e-9);
    QVERIFY(ControlBar::sliderToLearningRate(ControlBar::learningRateToSlider(0.03)) > 0.028);
}

void TestAppWidgets::learningRateIsDebounced()
{
    TrainingActions actions;
    ControlBar bar(&actions);
    QSignalSpy chosen(&bar, &ControlBar::learningRateChosen);
    for (int v = 90; v < 110; ++v)
        bar.learningRateSlider()->setValue(v);
    QVERIFY(chosen.wait(2000));
    QCOMPARE(chosen.count(), 1);
    QVERIFY(qAbs(chosen.first().at(0).toDouble() - ControlBar::sliderToLearningRate(109)) < 1e-12);
    bar.setLearningRate(0.05); // from the session: no echo back
    QTest::qWait(300);
    QCOMPARE(chosen.count(), 1);
}

void TestAppWidgets::controlsReachTheSession()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir.filePath(QStringLiteral("no-mnist"));
    options.allowDownload = false;
    server::Session session(options);
    FakeShare share;
    MainWindow window(session, &share);

    window.actions()->teaching->setChecked(false);
    QCOMPARE(session.settings().teachingMode, false);
    window.actions()->teaching->setChecked(true);
    QCOMPARE(session.settings().teachingMode, true);

    QSignalSpy settings(&session, &server::Session::settingsChanged);
    emit window.controlBar()->learningRateChosen(0.125);
    QCOMPARE(session.settings().learningRate, 0.125f);
    emit window.controlBar()->speedChosen(server::SpeedMode::Narrated);
    QCOMPARE(session.settings().speed, server::SpeedMode::Narrated);
    QCOMPARE(session.settings().pace, server::speedModePace(server::SpeedMode::Narrated));
    QVERIFY(settings.count() >= 2);

    // ... and the session's changes reach the controls (as when a browser drives).
    session.execute(server::Command::learningRate(0.002));
    QVERIFY(qAbs(window.controlBar()->learningRate() - 0.002) < 1e-9);
    session.execute(server::Command::speedMode(server::SpeedMode::Fast));
    QCOMPARE(window.controlBar()->speed(), server::SpeedMode::Fast);
    session.execute(server::Command::teachingMode(false));
    QVERIFY(!window.actions()->teaching->isChecked());

    // A bad learning rate from the control is refused by the session and the slider reverts.
    emit window.controlBar()->learningRateChosen(50.0);
    QVERIFY(qAbs(session.settings().learningRate - 0.002f) < 1e-7f);
    QVERIFY(qAbs(window.controlBar()->learningRate() - 0.002) < 1e-6);

    // Play without data: no run starts and the state stays idle.
    window.actions()->playPause->trigger();
    QVERIFY(!session.isTraining());
    QCOMPARE(window.actions()->runState(), TrainingActions::RunState::Idle);
}

void TestAppWidgets::architectureChangeRebuildsScene()
{
    server::SessionOptions options;
    options.allowDownload = false;
    server::Session session(options);
    FakeShare share;
    MainWindow window(session, &share);
    QCOMPARE(window.networkView()->scene()->layout().neuronCount(), 986);
    QVERIFY(window.networkView()->scene()->lineCount() > 0);
    core::Architecture architecture;
    architecture.sizes = {784, 32, 10};
    architecture.activations = {core::Activation::Sigmoid};
    QVERIFY(session.execute(server::Command::setArchitecture(architecture)).message.isEmpty());
    QCOMPARE(window.networkView()->scene()->layout().neuronCount(), 784 + 32 + 10);
    // The connections follow the new network's weights.
    QTRY_VERIFY(window.networkView()->scene()->lineCount() > 0);
    for (const Connection &c : window.networkView()->scene()->connections())
        QVERIFY(c.denseLayer < 2);
}

void TestAppWidgets::sharingStatusShowsUrlAndViewers()
{
    server::SessionOptions options;
    options.allowDownload = false;
    server::Session session(options);
    FakeShare share;
    MainWindow window(session, &share);
    QVERIFY(window.shareStatus()->urlText().contains(QStringLiteral("127.0.0.1:8000")));
    QVERIFY(window.shareStatus()->viewersText().contains(QStringLiteral("2")));
    window.actions()->shareOnLan->trigger();
    QVERIFY(share.shared);
    // Shared: the students' link; the token shows only in the invite dialog, on request.
    QVERIFY(window.shareStatus()->urlText().contains(QStringLiteral("10.0.0.5:8000")));
    QVERIFY(!window.shareStatus()->urlText().contains(QStringLiteral("token")));
    share.viewers = 5;
    emit share.viewerCountChanged(5);
    QVERIFY(window.shareStatus()->viewersText().contains(QStringLiteral("5")));
}

void TestAppWidgets::chartsDrawTheEnvelopeOfLongHistories()
{
    // 2000 noisy points (the history's maximum) become at most two per bucket, and the band
    // they span (the lowest and the highest value) is still drawn, in batch order.
    QVector<float> values;
    for (int i = 0; i < 2000; ++i)
        values.append(1.0f + 0.001f * float(i) + ((i * 7919) % 13 == 0 ? 0.5f : 0.0f) - (i == 1234 ? 0.9f : 0.0f));
    values[77] = std::numeric_limits<float>::quiet_NaN();
    const QList<QPointF> points = ChartsPanel::envelope(values, 4, 100.0, 300);
    QVERIFY(points.size() <= 600);
    QVERIFY(points.size() >= 300);
    double lowest = 1e9, highest = -1e9;
    for (int i = 0; i < points.size(); ++i) {
        QVERIFY(std::isfinite(points[i].y()));
        if (i > 0)
            QVERIFY(points[i].x() > points[i - 1].x());
        lowest = std::min(lowest, points[i].y());
        highest = std::max(highest, points[i].y());
    }
    float low = 1e9f, high = -1e9f;
    for (float value : values)
        if (std::isfinite(value)) {
            low = std::min(low, value);
            high = std::max(high, value);
        }
    QCOMPARE(lowest, double(low) * 100.0);
    QCOMPARE(highest, double(high) * 100.0);
    QCOMPARE(points.first().x(), 0.0);
    QCOMPARE(points.last().x(), 1999.0 * 4);
    // Short histories are drawn point for point.
    QCOMPARE(ChartsPanel::envelope(QVector<float>{1.0f, 2.0f, 3.0f}, 1, 1.0, 300).size(), 3);
}

// After a run, a new network is a new run: the window no longer shows the old run's status,
// and a run that was stopped says so rather than "Finished".
void TestAppWidgets::newNetworkClearsTheOldRun()
{
    QTemporaryDir data;
    server::Session session(fixtures::offlineOptions(data.filePath(QStringLiteral("mnist")), 640, 100));
    FakeShare share;
    MainWindow window(session, &share);
    session.execute(server::Command::teachingMode(false));
    session.execute(server::Command::epochs(1));
    QSignalSpy finished(&session, &server::Session::trainingFinished);
    window.actions()->playPause->trigger();
    QVERIFY(finished.wait(30000));
    QVERIFY2(window.presenter()->statsText().startsWith(QStringLiteral("Finished")),
             qPrintable(window.presenter()->statsText()));

    session.execute(server::Command::epochs(50));
    session.execute(server::Command::batchDelay(20));
    window.actions()->playPause->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(session.stats().globalBatch >= 2, 20000);
    window.actions()->stop->trigger();
    QVERIFY(finished.wait(10000));
    QVERIFY2(window.presenter()->statsText().startsWith(QStringLiteral("Stopped")),
             qPrintable(window.presenter()->statsText()));

    core::Architecture smaller;
    smaller.sizes = {784, 16, 10};
    smaller.activations = {core::Activation::ReLU};
    QCOMPARE(session.execute(server::Command::setArchitecture(smaller)).status, QStringLiteral("updated"));
    QCOMPARE(window.presenter()->statsText(), QStringLiteral("Idle"));
    QVERIFY(window.viewTitle()->text().contains(QStringLiteral("Untrained network")));
    QVERIFY(!window.teachingPanel()->isVisible());
}

// The light theme leaves no navy block behind: an empty cell is light, as the charts' background.
void TestAppWidgets::confusionMatrixFollowsTheLightTheme()
{
    ConfusionMatrixView matrix;
    matrix.resize(matrix.sizeHint());
    QPalette palette = matrix.palette();
    palette.setColor(QPalette::Window, colorscheme::background);
    matrix.setPalette(palette);
    const QPoint cell = matrix.cellRect(3, 5).center().toPoint();
    QVERIFY(matrix.grab().toImage().pixelColor(cell).lightness() < 80);
    palette.setColor(QPalette::Window, QColor(0xf6, 0xf7, 0xf9));
    palette.setColor(QPalette::WindowText, QColor(0x1f, 0x29, 0x37));
    matrix.setPalette(palette);
    QVERIFY(matrix.grab().toImage().pixelColor(cell).lightness() > 200);
}

QTEST_MAIN(TestAppWidgets)
#include "tst_appwidgets.moc"
