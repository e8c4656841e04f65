// The learning views on a small fixture network and synthetic images (real widgets, under Xvfb:
// the window's 3D view is Qt 3D): each view draws content computed from the real weights, the
// gallery's tiles select neurons, the painter never touches the session's weights, the
// landscape's centre is the plain loss and its job cancels, live refreshes are throttled.
#include "analysis/comparison.h"
#include "analysis/subsetpass.h"
#include "analysisworker.h"
#include "comparisonview.h"
#include "confusionmatrixview.h"
#include "drawpanel.h"
#include "featuresgallery.h"
#include "forwardsweep.h"
#include "histogramsview.h"
#include "inspectorpanel.h"
#include "landscapeview.h"
#include "learningviews.h"
#include "mainwindow.h"
#include "mistakesview.h"
#include "networkview.h"
#include "probabilitybars.h"
#include "randomstepsview.h"
#include "session.h"
#include "sessionpresenter.h"
#include "sharecontrol.h"
#include "trainingactions.h"
#include "weightpainterview.h"

#include "../core/randomdataset.h"
#include "../server/serverfixtures.h"

#include <QDockWidget>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

namespace {

class FakeShare : public ShareControl
{
public:
    bool isListening() const override { return false; }
    QString localUrl() const override { return {}; }
    bool isSharedOnLan() const override { return false; }
    QString joinUrl() const override { return {}; }
    int viewerCount() const override { return 0; }
    QString setSharedOnLan(bool) override { return {}; }
};

std::array<float, 784> imageOf(const core::Dataset &data, int index)
{
    std::array<float, 784> pixels{};
    for (int p = 0; p < 784; ++p)
        pixels[std::size_t(p)] = float(data.image(index)[p]) / 255.0f;
    return pixels;
}

} // namespace

class TestLearningViews : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void galleryShowsEveryNeuronsWeights();
    void histogramCountsSumToTheElementCounts();
    void deadCountHighlightsThoseNeurons();
    void mistakesListTheCellAndBecomeTheInput();
    void comparisonMatchesBothNetworks();
    void randomStepsChartsBothCurves();
    void landscapeCentreIsThePlainLoss();
    void landscapeJobCancels();
    void liveRefreshOnlyWhileVisibleAndThrottled();
    void forwardSweepRevealsLayersInOrder();
    void stepSpeedSweepsEachTrainingStep();
    void windowTileClickSelectsTheNeuron();
    void painterChangesThePredictionButNotTheSession();

private:
    AnalysisSource fixtureSource() const;

    QTemporaryDir m_dir;
    std::shared_ptr<core::Network> m_network;
    std::shared_ptr<core::Network> m_initial;
    std::shared_ptr<core::MnistData> m_data;
    core::ConfusionMatrix m_confusion{};
};

void TestLearningViews::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setApplicationName(QStringLiteral("nnjourney-test"));
    core::Architecture architecture;
    architecture.sizes = {784, 16, 12, 10};
    architecture.activations = {core::Activation::ReLU, core::Activation::ReLU};
    QVERIFY(architecture.validate().empty());
    m_network = std::make_shared<core::Network>(architecture, 7);
    m_initial = std::make_shared<core::Network>(architecture, 8);
    m_network->layer(0).bias()(3) = -1000.0f; // neuron 3 of layer 1 never fires: dead
    m_data = std::make_shared<core::MnistData>();
    m_data->test = fixtures::randomDataset(300, 1);
    m_data->train = fixtures::randomDataset(200, 2);
    for (int i = 0; i < m_data->test.count(); ++i) {
        const std::array<float, 784> pixels = imageOf(m_data->test, i);
        ++m_confusion[m_data->test.labels[std::size_t(i)]][m_network->predict(pixels.data()).digit];
    }
}

AnalysisSource TestLearningViews::fixtureSource() const
{
    AnalysisSource source;
    source.weights = [network = m_network] { return std::shared_ptr<const core::Network>(network); };
    source.initialWeights = [network = m_initial] { return std::shared_ptr<const core::Network>(network); };
    source.trajectory = [initial = m_initial] { return std::vector<std::shared_ptr<const core::Network>>{initial}; };
    source.data = [data = m_data] { return std::shared_ptr<const core::MnistData>(data); };
    source.confusion = [confusion = m_confusion] { return std::optional<core::ConfusionMatrix>(confusion); };
    source.learningRate = [] { return 0.05f; };
    source.batchSize = [] { return 16; };
    return source;
}

void TestLearningViews::galleryShowsEveryNeuronsWeights()
{
    LearningViews views(fixtureSource());
    views.resize(700, 600);
    views.show();
    FeaturesGallery *gallery = views.gallery();
    QSignalSpy ready(gallery, &FeaturesGallery::statisticsReady);
    QVERIFY(ready.wait(10000));
    QCOMPARE(gallery->tileCount(), 16);
    std::set<QByteArray> tiles; // every tile differs: 16 different images
    for (int neuron = 0; neuron < 16; ++neuron) {
        const QImage image = gallery->tileImage(neuron);
        QCOMPARE(image.size(), QSize(28, 28));
        tiles.insert(QByteArray(reinterpret_cast<const char *>(image.constBits()), image.sizeInBytes()));
    }
    QCOMPARE(int(tiles.size()), 16);

    // The norms are the rows' own norms; sorting by them puts the largest first.
    const core::NeuronStatistics &statistics = gallery->statistics();
    QCOMPARE(int(statistics.weightNorms.size()), 16);
    for (int neuron = 0; neuron < 16; ++neuron)
        QVERIFY(std::abs(statistics.weightNorms[std::size_t(neuron)] - m_network->layer(0).weights().row(neuron).norm())
                < 1e-3f);
    QCOMPARE(statistics.firingRates[3], 0.0f); // the dead neuron
    gallery->setSort(FeaturesGallery::Sort::WeightNorm);
    std::vector<int> order = gallery->order();
    for (std::size_t i = 1; i < order.size(); ++i)
        QVERIFY(statistics.weightNorms[std::size_t(order[i - 1])] >= statistics.weightNorms[std::size_t(order[i])]);
    gallery->setSort(FeaturesGallery::Sort::FiringRate);
    order = gallery->order();
    QCOMPARE(order.back(), 3); // never fires: last
    // A shared scale dims every tile but the one holding the layer's largest |weight|.
    std::vector<QImage> perTile;
    for (int neuron = 0; neuron < 16; ++neuron)
        perTile.push_back(gallery->tileImage(neuron));
    gallery->setSharedScale(true);
    int changed = 0;
    for (int neuron = 0; neuron < 16; ++neuron)
        changed += gallery->tileImage(neuron) != perTile[std::size_t(neuron)] ? 1 : 0;
    QVERIFY(changed >= 15);

    // The top images of a deeper neuron, highest activation first, their mean shown.
    QSignalSpy top(gallery, &FeaturesGallery::topImagesReady);
    gallery->showNeuron({2, 5});
    QVERIFY(top.wait(10000));
    QCOMPARE(gallery->topImages().layerIndex, 1);
    QCOMPARE(gallery->topImages().neuron, 5);
    QCOMPARE(int(gallery->topImages().indices.size()), FeaturesGallery::kTopImages);
    QVERIFY(gallery->topImages().activations.front() >= gallery->topImages().activations.back());
}

void TestLearningViews::histogramCountsSumToTheElementCounts()
{
    LearningViews views(fixtureSource());
    views.resize(800, 600);
    views.show();
    views.setCurrentWidget(views.histograms());
    QSignalSpy ready(views.histograms(), &HistogramsView::histogramsReady);
    QVERIFY(ready.wait(10000));
    const auto &layers = views.histograms()->layers();
    QCOMPARE(int(layers.size()), 3);
    for (int l = 0; l < 3; ++l) {
        const core::DenseLayer &dense = m_network->layer(l);
        const std::int64_t weights = std::int64_t(dense.outputSize()) * dense.inputSize();
        QCOMPARE(layers[std::size_t(l)].weights.total() + layers[std::size_t(l)].weights.nonFinite, weights);
        QCOMPARE(layers[std::size_t(l)].biases.total(), std::int64_t(dense.outputSize()));
        QCOMPARE(layers[std::size_t(l)].activations.total(), std::int64_t(dense.outputSize()) * 300);
        QCOMPARE(layers[std::size_t(l)].weightGradients.total(), weights);
    }
    QVERIFY(!views.histograms()->grab().isNull());
}

void TestLearningViews::deadCountHighlightsThoseNeurons()
{
    LearningViews views(fixtureSource());
    views.resize(800, 600);
    views.show();
    views.setCurrentWidget(views.histograms());
    QSignalSpy ready(views.histograms(), &HistogramsView::histogramsReady);
    QVERIFY(ready.wait(10000));
    views.histograms()->repaint(); // lays out the clickable counts
    const QRect link = views.histograms()->unitsLinkRect(0);
    QVERIFY(!link.isEmpty());
    QSignalSpy chosen(&views, &LearningViews::neuronsHighlighted);
    QTest::mouseClick(views.histograms(), Qt::LeftButton, {}, link.center());
    QCOMPARE(chosen.count(), 1);
    const auto neurons = chosen.first().first().value<std::vector<NeuronId>>();
    QVERIFY(std::find(neurons.begin(), neurons.end(), NeuronId{1, 3}) != neurons.end());
}

void TestLearningViews::mistakesListTheCellAndBecomeTheInput()
{
    LearningViews views(fixtureSource());
    views.resize(800, 600);
    views.show();
    views.setCurrentWidget(views.mistakes());
    // The busiest off-diagonal cell of the fixture's confusion matrix.
    int t = 0, p = 1;
    for (int row = 0; row < 10; ++row)
        for (int column = 0; column < 10; ++column)
            if (row != column && m_confusion[row][column] > m_confusion[t][p])
                t = row, p = column;
    QVERIFY(m_confusion[t][p] > 0);
    QSignalSpy ready(views.mistakes(), &MistakesView::mistakesReady);
    ConfusionMatrixView *matrix = views.mistakes()->matrix();
    QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(t, p).center().toPoint());
    QVERIFY(ready.wait(10000));
    const core::MistakeList &list = views.mistakes()->mistakes();
    QCOMPARE(list.total, m_confusion[t][p]);
    QVERIFY(!list.items.empty());
    for (const core::MistakeItem &item : list.items) {
        QCOMPARE(item.label, t);
        QCOMPARE(item.prediction, p);
    }
    QSignalSpy input(&views, &LearningViews::inputChosen);
    QTest::mouseClick(views.mistakes()->imagesArea(), Qt::LeftButton, {}, views.mistakes()->itemRect(0).center());
    QCOMPARE(input.count(), 1);
    const auto pixels = input.first().first().value<std::vector<float>>();
    const std::array<float, 784> expected = imageOf(m_data->test, list.items.front().index);
    QVERIFY(std::equal(pixels.begin(), pixels.end(), expected.begin()));
}

void TestLearningViews::comparisonMatchesBothNetworks()
{
    LearningViews views(fixtureSource());
    views.show();
    views.setCurrentWidget(views.comparison());
    QSignalSpy ready(views.comparison(), &ComparisonView::comparisonReady);
    QVERIFY(ready.wait(10000));
    const core::SubsetMetrics current = core::evaluateSubset(*m_network, m_data->test, 300);
    const core::SubsetMetrics initial = core::evaluateSubset(*m_initial, m_data->test, 300);
    QCOMPARE(views.comparison()->comparison()->current.accuracy, current.accuracy);
    QCOMPARE(views.comparison()->comparison()->initial.accuracy, initial.accuracy);
    QVERIFY(std::abs(views.comparison()->comparison()->current.loss - current.loss) < 1e-5f);
    const std::array<float, 784> image = imageOf(m_data->test, 0);
    views.setDrawing(image);
    QCOMPARE(views.comparison()->currentBars()->probabilities(), m_network->predict(image.data()).probabilities);
    QCOMPARE(views.comparison()->initialBars()->probabilities(), m_initial->predict(image.data()).probabilities);
}

void TestLearningViews::randomStepsChartsBothCurves()
{
    LearningViews views(fixtureSource());
    views.show();
    views.setCurrentWidget(views.randomSteps());
    QSignalSpy finished(views.randomSteps(), &RandomStepsView::finished);
    views.randomSteps()->setSteps(6);
    views.randomSteps()->start();
    QVERIFY(views.randomSteps()->isRunning());
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(views.randomSteps()->sgdSeries()->count(), 6);
    QCOMPARE(views.randomSteps()->randomSeries()->count(), 6);
    // Both walks start at the same weights on the same batch: the same first loss.
    QCOMPARE(views.randomSteps()->sgdSeries()->at(0).y(), views.randomSteps()->randomSeries()->at(0).y());
}

void TestLearningViews::landscapeCentreIsThePlainLoss()
{
    LearningViews views(fixtureSource());
    views.resize(800, 600);
    views.show();
    views.setCurrentWidget(views.landscape());
    core::LandscapeSettings settings;
    settings.gridSize = 5;
    settings.span = 0.5f;
    settings.count = 60;
    views.landscape()->setSettings(settings);
    QSignalSpy finished(views.landscape(), &LandscapeView::finished);
    views.landscape()->start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toBool(), false);
    const core::LossLandscape &landscape = views.landscape()->result()->landscape;
    QCOMPARE(landscape.gridSize, 5);
    const float plain = core::evaluateSubset(*m_network, m_data->test, 60).loss;
    QVERIFY(std::abs(landscape.losses[2 * 5 + 2] - plain) < 1e-3f * std::max(1.0f, plain));
    QVERIFY(std::abs(landscape.centerLoss - plain) < 1e-5f * std::max(1.0f, plain));
    QCOMPARE(int(views.landscape()->result()->trajectory.points.size()), 2); // initial + one snapshot
    const QImage shot = views.landscape()->surface()->grab().toImage();
    std::set<QRgb> colours;
    for (int y = 0; y < shot.height(); y += 4)
        for (int x = 0; x < shot.width(); x += 4)
            colours.insert(shot.pixel(x, y));
    QVERIFY(colours.size() > 20); // a shaded surface, not an empty panel
}

void TestLearningViews::landscapeJobCancels()
{
    LearningViews views(fixtureSource());
    views.show();
    views.setCurrentWidget(views.landscape());
    core::LandscapeSettings settings;
    settings.gridSize = 81;
    settings.count = 300;
    views.landscape()->setSettings(settings);
    QSignalSpy progress(views.jobs(), &AnalysisWorker::progressChanged);
    QSignalSpy finished(views.landscape(), &LandscapeView::finished);
    const auto button = [&](const QString &text) {
        for (QPushButton *b : views.landscape()->findChildren<QPushButton *>())
            if (b->text() == text)
                return b;
        return static_cast<QPushButton *>(nullptr);
    };
    QPushButton *compute = button(QStringLiteral("Compute")), *cancel = button(QStringLiteral("Cancel"));
    QVERIFY(compute && cancel);
    QVERIFY(compute->isEnabled() && !cancel->isEnabled());
    views.landscape()->start();
    QVERIFY(progress.wait(20000));
    // While it runs: its settings and Compute are locked, Cancel works, the bar moves.
    QVERIFY(!compute->isEnabled() && cancel->isEnabled());
    for (QSpinBox *box : views.landscape()->findChildren<QSpinBox *>())
        QVERIFY(!box->isEnabled());
    QTRY_VERIFY(views.landscape()->findChild<QProgressBar *>()->value() > 0);
    cancel->click();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY(!views.landscape()->isRunning());
    QVERIFY(compute->isEnabled() && !cancel->isEnabled());
    // The job stops at its next grid point: the worker is idle long before 6,561 points are done.
    QTRY_VERIFY_WITH_TIMEOUT(!views.jobs()->isBusy(), 10000);
    QVERIFY(progress.last().at(0).toInt() < 81 * 81);
    QVERIFY(!views.landscape()->result());
}

void TestLearningViews::liveRefreshOnlyWhileVisibleAndThrottled()
{
    LearningViews views(fixtureSource());
    for (int i = 0; i < 10; ++i)
        views.weightsChanged();
    QTest::qWait(LearningViews::kRefreshMs + 100);
    QCOMPARE(views.refreshes(), 0); // hidden: nothing computed
    views.show();
    QTRY_COMPARE(views.refreshes(), 1); // shown: catches up once
    for (int i = 0; i < 20; ++i) {
        views.weightsChanged();
        QTest::qWait(25);
    }
    QTest::qWait(LearningViews::kRefreshMs + 100);
    // 20 changes over ~0.5 s + 0.6 s: at most one refresh per 500 ms
    QVERIFY2(views.refreshes() <= 1 + 3, qPrintable(QString::number(views.refreshes())));
    QVERIFY(views.refreshes() >= 2);
}

void TestLearningViews::forwardSweepRevealsLayersInOrder()
{
    const std::vector<std::vector<float>> full{{1, 1, 1, 1}, {2, 2}, {3, 3, 3, 3}, {0.5f, 0.5f}};
    QCOMPARE(ForwardSweep::frameAt(full, 1.0), full);
    const auto first = ForwardSweep::frameAt(full, 0.0); // the input only
    QCOMPARE(first[0], full[0]);
    QCOMPARE(first[1], std::vector<float>(2, 0.0f));
    const auto third = ForwardSweep::frameAt(full, 1.0 / 3.0); // input and layer 1 lit, 2 and 3 dark
    QCOMPARE(third[1], full[1]);
    QCOMPARE(third[2], std::vector<float>(4, 0.0f));
    QCOMPARE(third[3], std::vector<float>(2, 0.0f));
    const auto half = ForwardSweep::frameAt(full, 0.5); // half of layer 2, neuron by neuron
    QCOMPARE(half[2], (std::vector<float>{3, 3, 0, 0}));
    QCOMPARE(half[3], std::vector<float>(2, 0.0f));
    ForwardSweep sweep;
    QSignalSpy done(&sweep, &ForwardSweep::finished);
    QSignalSpy frames(&sweep, &ForwardSweep::frame);
    sweep.start(full);
    QVERIFY(done.wait(3000));
    QVERIFY(frames.count() >= 5); // animated, not one jump
    QCOMPARE(done.first().first().value<std::vector<std::vector<float>>>(), full);
}

void TestLearningViews::stepSpeedSweepsEachTrainingStep()
{
    QTemporaryDir dir;
    const auto session = fixtures::offlineSession(dir.path());
    FakeShare share;
    MainWindow window(*session, &share);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    session->execute(server::Command::teachingMode(false));
    session->execute(server::Command::speedMode(server::SpeedMode::Step));
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Step)).status, QStringLiteral("stepped"));
    // The step's forward pass runs through the layers one after another, then shows its real values.
    QTRY_VERIFY_WITH_TIMEOUT(window.presenter()->forwardSweep()->isRunning(), 10000);
    QVERIFY(!window.presenter()->sweepShowsDrawing());
    QTRY_VERIFY_WITH_TIMEOUT(!window.presenter()->forwardSweep()->isRunning(), 3000);
    QCOMPARE(window.presenter()->source(), SessionPresenter::Source::Training);
    QVERIFY(session->lastUpdate() && session->lastUpdate()->report);
    QCOMPARE(window.presenter()->shownActivations(), session->lastUpdate()->report->focusActivations);

    // At another speed the updates show at once.
    session->execute(server::Command::speedMode(server::SpeedMode::Fast));
    session->execute(server::Command::of(server::CommandKind::Resume));
    QTRY_VERIFY_WITH_TIMEOUT(session->stats().globalBatch > 3, 10000);
    QVERIFY(!window.presenter()->forwardSweep()->isRunning());
    session->execute(server::Command::of(server::CommandKind::Stop));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isTraining(), 10000);
}

void TestLearningViews::windowTileClickSelectsTheNeuron()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir.filePath(QStringLiteral("no-mnist"));
    options.allowDownload = false;
    server::Session session(options);
    FakeShare share;
    MainWindow window(session, &share);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.actions()->learningViews->trigger();
    QTRY_VERIFY(window.learningDock()->isVisible());
    FeaturesGallery *gallery = window.learningViews()->gallery();
    QTRY_VERIFY(gallery->tileCount() == session.weights()->layer(0).outputSize());
    gallery->tileArea()->repaint();
    QTest::mouseClick(gallery->tileArea(), Qt::LeftButton, {}, gallery->tileRect(5).center());
    const NeuronId expected{1, gallery->order()[5]};
    QCOMPARE(window.networkView()->scene()->selectedNeuron(), expected);
    QCOMPARE(window.inspector()->neuron(), expected);

    // A chosen test image becomes the input and sweeps through the network to the real values.
    const std::array<float, 784> image = imageOf(m_data->test, 4);
    emit window.learningViews()->inputChosen(std::vector<float>(image.begin(), image.end()), QStringLiteral("test"));
    QVERIFY(window.presenter()->forwardSweep()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!window.presenter()->forwardSweep()->isRunning(), 3000);
    QCOMPARE(window.presenter()->source(), SessionPresenter::Source::Drawing);
    QCOMPARE(window.presenter()->shownActivations(), session.weights()->predict(image.data()).layerActivations);
}

void TestLearningViews::painterChangesThePredictionButNotTheSession()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir.filePath(QStringLiteral("no-mnist2"));
    options.allowDownload = false;
    server::Session session(options);
    FakeShare share;
    MainWindow window(session, &share);
    const std::shared_ptr<const core::Network> before = session.weights();
    const core::Network copy = *before;
    WeightPainterView *painter = window.learningViews()->painter();
    painter->refresh();
    const std::array<float, 784> image = imageOf(m_data->test, 9);
    window.learningViews()->setDrawing(image);
    QVERIFY(painter->prediction());
    const std::array<float, 10> original = painter->prediction()->probabilities;
    QCOMPARE(original, before->predict(image.data()).probabilities);
    painter->setNeuron(0);
    painter->setBrush(+1, 0.5f, 10);
    for (float x = 4; x < 26; x += 3)
        for (float y = 4; y < 26; y += 3)
            painter->paintAt(x, y);
    QVERIFY(painter->prediction());
    float change = 0;
    for (int d = 0; d < 10; ++d)
        change += std::abs(painter->prediction()->probabilities[std::size_t(d)] - original[std::size_t(d)]);
    QVERIFY2(change > 1e-3f, qPrintable(QString::number(double(change))));
    QVERIFY(painter->scratch()->layer(0).weights() != copy.layer(0).weights());
    // The session's network is untouched, the same snapshot as before.
    QCOMPARE(session.weights().get(), before.get());
    for (int l = 0; l < copy.layerCount(); ++l) {
        QVERIFY(session.weights()->layer(l).weights() == copy.layer(l).weights());
        QVERIFY(session.weights()->layer(l).bias() == copy.layer(l).bias());
    }
    // Reset gives the real weights back.
    painter->reset();
    QCOMPARE(painter->prediction()->probabilities, original);
}

QTEST_MAIN(TestLearningViews)
#include "tst_learningviews.moc"
