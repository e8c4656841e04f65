// The journey on the desktop: the tracker ticks each task on its own event and on nothing else,
// achievements at their exact thresholds, progress kept in QSettings; the journey panel's task
// lines; the first-launch tour; teaching cards for the new moments drawing their real data; the
// glossary; the caption strip; the custom pace in the control bar.
#include "captionstrip.h"
#include "controlbar.h"
#include "glossarywindow.h"
#include "journeypanel.h"
#include "journeyplan.h"
#include "journeytracker.h"
#include "mainwindow.h"
#include "momentpicture.h"
#include "onboardingtour.h"
#include "session.h"
#include "teachingpanel.h"
#include "trainingactions.h"

#include "sharecontrol.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

namespace {

// The contract's journey.json, so the tracker's tests do not depend on the build's resources.
const QByteArray kPlanJson = R"({"chapters":[
 {"id":"neuron","tasks":["watch-forward-pass","inspect-neuron","read-glossary"]},
 {"id":"forward","tasks":["draw-digit","watch-sweep","open-features"]},
 {"id":"learning","tasks":["start-training","see-backward","reach-90"]},
 {"id":"going-wrong","tasks":["diverge","see-plateau-or-stuck","find-dead-neuron"]},
 {"id":"choices","tasks":["compare-activations","change-architecture","explore-landscape"]}],
 "achievements":[{"id":"first-prediction"},{"id":"accuracy-90","threshold":0.90},{"id":"accuracy-95","threshold":0.95},
 {"id":"accuracy-98","threshold":0.98},{"id":"survived-divergence"},{"id":"explorer","views":7},
 {"id":"architect","architectures":3}]})";

JourneyPlan contractPlan()
{
    QString error;
    JourneyPlan plan = JourneyPlan::fromJson(kPlanJson, &error);
    if (!error.isEmpty())
        qFatal("%s", qPrintable(error));
    return plan;
}

class FakeShare : public ShareControl
{
public:
    bool isListening() const override { return true; }
    QString localUrl() const override { return QStringLiteral("http://127.0.0.1:8000/"); }
    bool isSharedOnLan() const override { return false; }
    QString joinUrl() const override { return {}; }
    int viewerCount() const override { return 0; }
    QString setSharedOnLan(bool) override { return {}; }
};

// A synthetic moment with a real report: a focus image (a bar), its probabilities, the gradient.
server::PauseMoment syntheticMoment(core::TeachingMomentKind kind)
{
    server::PauseMoment pause;
    pause.moment.kind = kind;
    pause.reason = QString::fromStdString(core::teachingMomentReason(kind));
    pause.moment.reason = pause.reason.toStdString();
    pause.durationSeconds = 4;
    auto report = std::make_shared<core::BatchReport>();
    std::vector<float> pixels(784, 0.0f);
    for (int y = 4; y < 24; ++y)
        pixels[std::size_t(y * 28 + 14)] = 1.0f;
    std::vector<float> probabilities(10, 0.005f);
    probabilities[7] = 0.93f;
    probabilities[1] = 0.03f;
    probabilities[3] = 0.005f;
    report->focusActivations = {pixels, std::vector<float>(128, 0.5f), probabilities};
    report->focusLabel = 1;
    report->focusPrediction = 7;
    report->loss = 2.5f;
    pause.update.report = report;
    pause.lossHistory = {2.3f, 1.2f, 0.8f, 0.6f, 0.9f, 1.7f, 2.6f};
    pause.moment.focusOutputGradient = probabilities;
    pause.moment.focusOutputGradient[1] -= 1.0f; // p − onehot(1)
    pause.moment.label = 1;
    return pause;
}

server::SessionOptions offlineOptions(const QTemporaryDir &directory)
{
    server::SessionOptions options;
    options.mnistDirectory = directory.filePath(QStringLiteral("no-mnist"));
    options.allowDownload = false;
    return options;
}

int countPixels(const QImage &image, const QColor &color)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            count += image.pixelColor(x, y) == color ? 1 : 0;
    return count;
}

} // namespace

class TestJourney : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void eachTaskTicksOnItsEvent_data();
    void eachTaskTicksOnItsEvent();
    void trainingAloneTicksNoDrawingOrInspecting();
    void divergeNeedsALargeLearningRate();
    void accuracyAchievementsAtExactThresholds();
    void explorerAndArchitectCountDistinct();
    void survivedDivergenceNeedsLearnedAfterDiverge();
    void progressIsKeptInSettings();
    void planRejectsBadJson();
    void panelShowsTasksWithDoneProperty();
    void newMomentCardsDrawTheirData_data();
    void newMomentCardsDrawTheirData();
    void backwardCardShowsSignedOutputGradient();
    void cardButtonsAndGlossaryLinks();
    void heldCardShowsNoCountdown();
    void glossaryShowsEighteenTermsAndSearches();
    void glossaryResourceIsTheSharedFile();
    void captionsStayAtLeastThreeSeconds();
    void customPaceIsShown();
    void onboardingShowsOnFirstLaunchOnly();
    void momentSwitchesGoThroughTheSession();

private:
    QTemporaryDir m_dir;
};

void TestJourney::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setApplicationName(QStringLiteral("nnjourney-journey-test"));
}

void TestJourney::init()
{
    QSettings().clear();
}

void TestJourney::eachTaskTicksOnItsEvent_data()
{
    QTest::addColumn<QString>("task");
    QTest::addColumn<std::function<void(JourneyTracker &)>>("event");
    using T = JourneyTracker;
    auto row = [](const char *task, std::function<void(JourneyTracker &)> event) {
        QTest::newRow(task) << QString::fromLatin1(task) << event;
    };
    row("watch-forward-pass", [](T &t) { t.teachingCardShown(QStringLiteral("first_forward"), 0.01); });
    row("inspect-neuron", [](T &t) { t.neuronInspected(1); });
    row("read-glossary", [](T &t) { t.glossaryEntryOpened(); });
    row("draw-digit", [](T &t) { t.drawingPredicted(); });
    row("watch-sweep", [](T &t) { t.forwardSweepFinished(T::SweepInput::Drawing); });
    row("open-features", [](T &t) { t.featuresShown(128); });
    row("start-training", [](T &t) { t.epochEnded(0.5, QStringLiteral("relu"), QStringLiteral("a")); });
    row("see-backward", [](T &t) { t.teachingCardShown(QStringLiteral("first_backward"), 0.01); });
    row("reach-90", [](T &t) { t.epochEnded(0.90, QStringLiteral("relu"), QStringLiteral("a")); });
    row("diverge", [](T &t) { t.teachingCardShown(QStringLiteral("divergence"), 0.5); });
    row("see-plateau-or-stuck", [](T &t) { t.teachingCardShown(QStringLiteral("plateau"), 0.01); });
    row("find-dead-neuron", [](T &t) { t.teachingCardShown(QStringLiteral("dead_units"), 0.01); });
    row("compare-activations", [](T &t) {
        t.epochEnded(0.5, QStringLiteral("relu"), QStringLiteral("a"));
        t.epochEnded(0.5, QStringLiteral("tanh"), QStringLiteral("a"));
    });
    row("change-architecture", [](T &t) { t.architectureChanged(); });
    row("explore-landscape", [](T &t) { t.landscapeShown(); });
}

void TestJourney::eachTaskTicksOnItsEvent()
{
    QFETCH(QString, task);
    QFETCH(std::function<void(JourneyTracker &)>, event);
    JourneyTracker tracker(contractPlan());
    QSignalSpy completed(&tracker, &JourneyTracker::taskCompleted);
    event(tracker);
    QVERIFY(tracker.isDone(task));
    // The event ticks its task and only the tasks the contract ties to the same event.
    static const QMap<QString, QStringList> alsoTicks{
        {QStringLiteral("watch-sweep"), {QStringLiteral("watch-forward-pass")}},
        {QStringLiteral("reach-90"), {QStringLiteral("start-training")}},
        {QStringLiteral("compare-activations"), {QStringLiteral("start-training")}},
    };
    QStringList expected = alsoTicks.value(task) << task;
    QStringList done;
    for (const QList<QVariant> &signal : completed)
        done << signal.at(0).toString();
    expected.sort();
    done.sort();
    QCOMPARE(done, expected);
}

void TestJourney::trainingAloneTicksNoDrawingOrInspecting()
{
    JourneyTracker tracker(contractPlan());
    // A whole run as the window sees it: the old three cards, the new ones, three epochs, a verdict.
    for (const char *reason : {"first_forward", "first_backward", "high_loss", "epoch_end", "confident_mistake"})
        tracker.teachingCardShown(QString::fromLatin1(reason), 0.01);
    for (double accuracy : {0.91, 0.94, 0.95})
        tracker.epochEnded(accuracy, QStringLiteral("relu"), QStringLiteral("784-128-64-10 relu,relu"));
    tracker.verdictReceived(QStringLiteral("learned"), 0.01);
    for (const char *task : {"inspect-neuron", "read-glossary", "draw-digit", "watch-sweep", "open-features", "diverge",
                             "find-dead-neuron", "compare-activations", "change-architecture", "explore-landscape"})
        QVERIFY2(!tracker.isDone(QString::fromLatin1(task)), task);
    QVERIFY(tracker.isDone(QStringLiteral("watch-forward-pass")));
    QVERIFY(tracker.isDone(QStringLiteral("start-training")));
    QVERIFY(tracker.isDone(QStringLiteral("see-backward")));
    QVERIFY(tracker.isDone(QStringLiteral("reach-90")));
    QVERIFY(!tracker.hasAchievement(QStringLiteral("first-prediction")));
    QVERIFY(!tracker.hasAchievement(QStringLiteral("survived-divergence")));
    // A sweep of a chosen test image is a forward pass, not the person's drawing.
    tracker.forwardSweepFinished(JourneyTracker::SweepInput::DatasetImage);
    QVERIFY(!tracker.isDone(QStringLiteral("watch-sweep")));
    tracker.neuronInspected(2); // a second-layer neuron: no 28×28 weight picture
    QVERIFY(!tracker.isDone(QStringLiteral("inspect-neuron")));
    tracker.featuresShown(0);
    QVERIFY(!tracker.isDone(QStringLiteral("open-features")));
}

void TestJourney::divergeNeedsALargeLearningRate()
{
    JourneyTracker tracker(contractPlan());
    tracker.teachingCardShown(QStringLiteral("divergence"), 0.49);
    tracker.verdictReceived(QStringLiteral("diverged"), 0.4999);
    QVERIFY(!tracker.isDone(QStringLiteral("diverge")));
    tracker.verdictReceived(QStringLiteral("diverged"), 0.5);
    QVERIFY(tracker.isDone(QStringLiteral("diverge")));
    JourneyTracker stuck(contractPlan());
    stuck.verdictReceived(QStringLiteral("stuck"), 0.0001);
    QVERIFY(stuck.isDone(QStringLiteral("see-plateau-or-stuck")));
}

void TestJourney::accuracyAchievementsAtExactThresholds()
{
    JourneyTracker tracker(contractPlan());
    QSignalSpy earned(&tracker, &JourneyTracker::achievementEarned);
    tracker.epochEnded(0.8999, QStringLiteral("relu"), QStringLiteral("a"));
    QCOMPARE(earned.count(), 0);
    QVERIFY(!tracker.isDone(QStringLiteral("reach-90")));
    tracker.epochEnded(0.90, QStringLiteral("relu"), QStringLiteral("a"));
    QCOMPARE(earned.count(), 1);
    QCOMPARE(earned.at(0).at(0).toString(), QStringLiteral("accuracy-90"));
    tracker.epochEnded(0.9499, QStringLiteral("relu"), QStringLiteral("a"));
    QCOMPARE(earned.count(), 1);
    tracker.epochEnded(0.98, QStringLiteral("relu"), QStringLiteral("a"));
    QCOMPARE(earned.count(), 3); // 95 and 98 at once, each once
    tracker.epochEnded(0.99, QStringLiteral("relu"), QStringLiteral("a"));
    QCOMPARE(earned.count(), 3);
    QVERIFY(tracker.hasAchievement(QStringLiteral("accuracy-95")));
    QVERIFY(tracker.hasAchievement(QStringLiteral("accuracy-98")));
    tracker.drawingPredicted();
    QVERIFY(tracker.hasAchievement(QStringLiteral("first-prediction")));
}

void TestJourney::explorerAndArchitectCountDistinct()
{
    JourneyTracker tracker(contractPlan());
    for (int i = 0; i < 6; ++i) {
        tracker.learningViewOpened(QString::number(i));
        tracker.learningViewOpened(QString::number(i)); // again: still one view
    }
    QVERIFY(!tracker.hasAchievement(QStringLiteral("explorer")));
    tracker.learningViewOpened(QStringLiteral("6"));
    QVERIFY(tracker.hasAchievement(QStringLiteral("explorer")));

    tracker.epochEnded(0.5, QStringLiteral("relu"), QStringLiteral("784-128-64-10"));
    tracker.epochEnded(0.5, QStringLiteral("relu"), QStringLiteral("784-128-64-10"));
    tracker.epochEnded(0.5, QStringLiteral("relu"), QStringLiteral("784-32-10"));
    QVERIFY(!tracker.hasAchievement(QStringLiteral("architect")));
    QVERIFY(!tracker.isDone(QStringLiteral("compare-activations")));
    tracker.epochEnded(0.5, QStringLiteral("sigmoid"), QStringLiteral("784-256-10"));
    QVERIFY(tracker.hasAchievement(QStringLiteral("architect")));
    QVERIFY(tracker.isDone(QStringLiteral("compare-activations")));
}

void TestJourney::survivedDivergenceNeedsLearnedAfterDiverge()
{
    JourneyTracker tracker(contractPlan());
    tracker.verdictReceived(QStringLiteral("learned"), 0.01);
    QVERIFY(!tracker.hasAchievement(QStringLiteral("survived-divergence")));
    tracker.teachingCardShown(QStringLiteral("divergence"), 1.0);
    tracker.verdictReceived(QStringLiteral("stuck"), 0.01);
    QVERIFY(!tracker.hasAchievement(QStringLiteral("survived-divergence")));
    tracker.verdictReceived(QStringLiteral("learned"), 0.01);
    QVERIFY(tracker.hasAchievement(QStringLiteral("survived-divergence")));
}

void TestJourney::progressIsKeptInSettings()
{
    {
        JourneyTracker tracker(contractPlan());
        tracker.drawingPredicted();
        tracker.epochEnded(0.5, QStringLiteral("relu"), QStringLiteral("a"));
        for (int i = 0; i < 3; ++i)
            tracker.learningViewOpened(QString::number(i));
        QSettings settings;
        tracker.save(settings);
    }
    QSettings settings;
    QCOMPARE(settings.value(QStringLiteral("journey/tasks")).toStringList(),
             QStringList({QStringLiteral("draw-digit"), QStringLiteral("start-training")}));
    JourneyTracker again(contractPlan());
    again.load(settings);
    QVERIFY(again.isDone(QStringLiteral("draw-digit")));
    QVERIFY(again.hasAchievement(QStringLiteral("first-prediction")));
    QCOMPARE(again.currentChapter(), 0);
    // The views opened before count toward explorer after a restart; the activation too.
    for (int i = 3; i < 7; ++i)
        again.learningViewOpened(QString::number(i));
    QVERIFY(again.hasAchievement(QStringLiteral("explorer")));
    again.epochEnded(0.5, QStringLiteral("tanh"), QStringLiteral("a"));
    QVERIFY(again.isDone(QStringLiteral("compare-activations")));
}

void TestJourney::planRejectsBadJson()
{
    QString error;
    QVERIFY(JourneyPlan::fromJson("not json", &error).chapters.isEmpty());
    QVERIFY(error.contains(QStringLiteral("journey.json")));
    error.clear();
    QVERIFY(JourneyPlan::fromJson(R"({"chapters":[{"id":"x"}]})", &error).chapters.isEmpty());
    QVERIFY(error.contains(QStringLiteral("chapter 1")));
    const JourneyPlan plan = contractPlan();
    QCOMPARE(plan.chapters.size(), 5);
    QCOMPARE(plan.allTasks().size(), 15);
    QCOMPARE(plan.achievement(QStringLiteral("accuracy-95"))->threshold, 0.95);
}

void TestJourney::panelShowsTasksWithDoneProperty()
{
    JourneyTracker tracker(contractPlan());
    JourneyPanel panel(&tracker);
    for (const QString &task : tracker.plan().allTasks()) {
        auto *line = panel.findChild<QLabel *>(task);
        QVERIFY2(line, qPrintable(task));
        QCOMPARE(line->property("done").toBool(), false);
    }
    const QString firstHint = panel.hintText();
    tracker.teachingCardShown(QStringLiteral("first_forward"), 0.01);
    QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("watch-forward-pass"))->property("done").toBool(), true);
    QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("inspect-neuron"))->property("done").toBool(), false);
    tracker.neuronInspected(1);
    tracker.glossaryEntryOpened();
    // Chapter 1 done: the hint moves on to chapter 2.
    QCOMPARE(tracker.currentChapter(), 1);
    QVERIFY(panel.hintText() != firstHint);
    QVERIFY(panel.hintText().contains(QStringLiteral("Draw")));
}

void TestJourney::newMomentCardsDrawTheirData_data()
{
    using Kind = core::TeachingMomentKind;
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("numbers");
    QTest::addColumn<QString>("picture");
    QTest::newRow("divergence") << int(Kind::Divergence) << QStringList{"4.812", "0.412", "137", "0.8"}
                                << QStringLiteral("loss+minimum");
    QTest::newRow("plateau") << int(Kind::Plateau) << QStringList{"200", "1.631", "1.622"}
                             << QStringLiteral("loss+plateau");
    QTest::newRow("epoch_end") << int(Kind::EpochEnd) << QStringList{"93.1", "92.4", "0.241", "0.262"}
                               << QStringLiteral("train-vs-test");
    QTest::newRow("dead_units") << int(Kind::DeadUnits) << QStringList{"41", "128", "32%"}
                                << QStringLiteral("dead-units");
    QTest::newRow("confident_mistake") << int(Kind::ConfidentMistake) << QStringList{"93.0", "3.0", "0.5"}
                                       << QStringLiteral("digit+guesses");
}

void TestJourney::newMomentCardsDrawTheirData()
{
    QFETCH(int, kind);
    QFETCH(QStringList, numbers);
    QFETCH(QString, picture);
    server::PauseMoment pause = syntheticMoment(core::TeachingMomentKind(kind));
    core::TeachingMoment &m = pause.moment;
    m.learningRate = 0.8f;
    m.loss = 4.812f;
    m.minLoss = 0.412f;
    m.minLossBatch = 137;
    m.risingBatches = 20;
    if (m.kind == core::TeachingMomentKind::Plateau) {
        m.loss = 1.622f;
        m.lossBefore = 1.631f;
        m.windowBatches = 200;
    }
    m.epoch = 1;
    m.trainAccuracy = 0.931f;
    m.testAccuracy = 0.924f;
    m.trainLoss = 0.241f;
    m.testLoss = 0.262f;
    m.layer = 1;
    m.dead = 41;
    m.units = 128;
    m.fraction = 41.0f / 128.0f;
    m.label = 1;
    m.guess = 7;
    m.confidence = 0.93f;
    m.runnerUp = 1;
    m.runnerUpProbability = 0.03f;
    m.trueProbability = 0.005f;

    TeachingPanel panel;
    panel.resize(1100, 220);
    panel.showMoment(pause);
    QCOMPARE(panel.reason(), pause.reason);
    QVERIFY(!TeachingPanel::titleFor(pause.reason).endsWith(QStringLiteral("Teaching pause")));
    for (const QString &number : numbers)
        QVERIFY2(panel.bodyText().contains(number), qPrintable(number + QStringLiteral(" in ") + panel.bodyText()));
    QCOMPARE(panel.picture()->content(), picture);
    // The picture draws the data: teal bars or curve, never an empty box.
    const QImage image = panel.picture()->grab().toImage();
    QVERIFY(!image.isNull());
    int teal = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            teal += qAbs(image.pixelColor(x, y).hue() - QColor(0x2d, 0xd4, 0xbf).hue()) < 8
                            && image.pixelColor(x, y).saturation() > 100
                        ? 1
                        : 0;
    QVERIFY2(teal > 50, qPrintable(QString::number(teal)));
    if (m.kind == core::TeachingMomentKind::ConfidentMistake) // the focus digit: white pixels of its bar
        QVERIFY(countPixels(image, Qt::white) > 20);
}

void TestJourney::backwardCardShowsSignedOutputGradient()
{
    server::PauseMoment pause = syntheticMoment(core::TeachingMomentKind::FirstBackward);
    TeachingPanel panel;
    panel.resize(1100, 220);
    panel.showMoment(pause);
    QCOMPARE(panel.picture()->content(), QStringLiteral("output-gradient"));
    const QImage image = panel.picture()->grab().toImage();
    // Wrong digits are pushed down (positive, orange), the true digit 1 up (negative, blue).
    QVERIFY(countPixels(image, QColor(0xfb, 0x92, 0x3c)) > 30);
    QVERIFY(countPixels(image, QColor(0x60, 0xa5, 0xfa)) > 30);
}

void TestJourney::cardButtonsAndGlossaryLinks()
{
    TeachingPanel panel;
    panel.showMoment(syntheticMoment(core::TeachingMomentKind::Plateau));
    QSignalSpy continued(&panel, &TeachingPanel::continueRequested);
    QSignalSpy skipped(&panel, &TeachingPanel::skipRequested);
    QSignalSpy disabled(&panel, &TeachingPanel::kindDisabled);
    QSignalSpy glossary(&panel, &TeachingPanel::glossaryRequested);
    QStringList texts;
    for (QPushButton *button : panel.findChildren<QPushButton *>()) {
        texts << button->text();
        button->click();
    }
    QCOMPARE(texts, QStringList({"Continue", "Skip", "Don't show this kind again"}));
    QCOMPARE(continued.count(), 1);
    QCOMPARE(skipped.count(), 1);
    QCOMPARE(disabled.count(), 1);
    QCOMPARE(int(disabled.at(0).at(0).value<core::TeachingMomentKind>()), int(core::TeachingMomentKind::Plateau));
    auto *terms = panel.findChild<QLabel *>(QStringLiteral("teachingTerms"));
    QVERIFY(terms->text().contains(QStringLiteral("href=\"loss\"")));
    emit terms->linkActivated(QStringLiteral("loss"));
    QCOMPARE(glossary.count(), 1);
    for (const core::TeachingMomentKind kind : core::allTeachingMomentKinds())
        QVERIFY(!TeachingPanel::termsFor(kind).isEmpty());
}

void TestJourney::heldCardShowsNoCountdown()
{
    TeachingPanel panel;
    panel.show();
    panel.showMoment(syntheticMoment(core::TeachingMomentKind::EpochEnd));
    auto *countdown = panel.findChild<QProgressBar *>();
    QVERIFY(countdown->isVisible());
    panel.setHeld(true);
    QVERIFY(!countdown->isVisible());
    QVERIFY(panel.isVisible()); // stays until Continue
    server::PauseMoment held = syntheticMoment(core::TeachingMomentKind::EpochEnd);
    held.durationSeconds = 0; // met while paused
    panel.showMoment(held);
    QVERIFY(panel.isHeld());
    QVERIFY(!countdown->isVisible());
}

void TestJourney::glossaryShowsEighteenTermsAndSearches()
{
    QFile file(QStringLiteral(NNJ_SOURCE_DIR "/resources/journey/glossary.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString error;
    Glossary glossary = Glossary::fromJson(file.readAll(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    GlossaryWindow window(glossary);
    QSignalSpy opened(&window, &GlossaryWindow::entryOpened);
    QCOMPARE(window.visibleTermCount(), 18);
    window.searchField()->setText(QStringLiteral("learning rate"));
    QVERIFY(window.visibleTermCount() >= 1);
    QVERIFY(window.visibleTermCount() < 18);
    window.showTerm(QStringLiteral("relu")); // hidden by the search: the search clears
    QCOMPARE(window.visibleTermCount(), 18);
    QCOMPARE(window.shownTerm(), QStringLiteral("relu"));
    QVERIFY(window.entryText().contains(QStringLiteral("max(0, z)"))); // the second level: the formula
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.at(0).at(0).toString(), QStringLiteral("relu"));
    error.clear();
    QVERIFY(Glossary::fromJson(R"({"terms":[{"id":"x"}]})", &error).terms.isEmpty());
    QVERIFY(error.contains(QStringLiteral("term 1")));
}

void TestJourney::glossaryResourceIsTheSharedFile()
{
    QFile source(QStringLiteral(NNJ_SOURCE_DIR "/resources/journey/glossary.json"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QFile resource(QStringLiteral(":/journey/glossary.json"));
    QVERIFY2(resource.open(QIODevice::ReadOnly), "the glossary is not compiled into the resources");
    QCOMPARE(resource.readAll(), source.readAll());
    QString error;
    const JourneyPlan plan = JourneyPlan::fromResource(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(plan.allTasks(), contractPlan().allTasks());
}

void TestJourney::captionsStayAtLeastThreeSeconds()
{
    CaptionStrip strip;
    strip.show();
    core::Caption first;
    first.kind = core::CaptionKind::LossHalved;
    first.sinceBatch = 10;
    first.previous = 2.2f;
    first.value = 1.1f;
    QElapsedTimer clock; // from the first caption: the second may not replace it before kMinimumMs
    clock.start();
    strip.showCaption(first);
    QVERIFY(strip.captionText().contains(QStringLiteral("2.200")));
    QVERIFY(strip.text().contains(QStringLiteral("href=\"loss\"")));
    core::Caption second;
    second.kind = core::CaptionKind::EpochResult;
    second.epoch = 1;
    second.value = 0.912f;
    second.previous = 0.9f;
    strip.showCaption(second); // too soon: waits its turn
    QVERIFY(strip.captionText().contains(QStringLiteral("2.200")));
    QTRY_VERIFY_WITH_TIMEOUT(strip.captionText().contains(QStringLiteral("91.2")), 5000);
    // A coarse QTimer may fire up to 5% early; never more.
    QVERIFY2(clock.elapsed() >= CaptionStrip::kMinimumMs * 95 / 100, qPrintable(QString::number(clock.elapsed())));
}

void TestJourney::customPaceIsShown()
{
    TrainingActions actions;
    ControlBar bar(&actions);
    QSignalSpy paces(&bar, &ControlBar::paceChosen);
    bar.setSpeed(server::SpeedMode::Custom);
    bar.setPace(12.5);
    QCOMPARE(bar.speedBox()->currentText(), QStringLiteral("Custom"));
    QCOMPARE(bar.paceLabel()->text(), QStringLiteral("12.5 batches/s"));
    QCOMPARE(bar.pace(), 12.5);
    bar.setPace(server::kPaceUnlimited);
    QCOMPARE(bar.paceLabel()->text(), QStringLiteral("unlimited"));
    QCOMPARE(paces.count(), 0); // setters reflect the session without re-emitting
    bar.paceSlider()->setValue(ControlBar::paceToSlider(100));
    QTRY_COMPARE(paces.count(), 1);
    QVERIFY(qAbs(paces.at(0).at(0).toDouble() - 100) < 1);
    QCOMPARE(ControlBar::sliderToPace(ControlBar::paceToSlider(0.1)), 0.1);

    // Through the session: a pace set elsewhere (a browser) shows as Custom with its value.
    server::Session session(offlineOptions(m_dir));
    FakeShare share;
    MainWindow window(session, &share);
    QVERIFY(session.execute(server::Command::pace(7.5)).ok());
    QCOMPARE(window.controlBar()->speedBox()->currentText(), QStringLiteral("Custom"));
    QCOMPARE(window.controlBar()->paceLabel()->text(), QStringLiteral("7.5 batches/s"));
    window.controlBar()->paceSlider()->setValue(ControlBar::paceToSlider(1000));
    QTRY_VERIFY(qAbs(session.settings().pace - 1000) < 1);
}

void TestJourney::onboardingShowsOnFirstLaunchOnly()
{
    // The windows are never shown: a shown window starts Qt 3D, which these widget tests avoid;
    // "visible" is checked relative to the window.
    server::Session session(offlineOptions(m_dir));
    FakeShare share;
    {
        MainWindow window(session, &share);
        QTRY_COMPARE(window.tour()->step(), 0); // fresh settings: the tour starts by itself
        QVERIFY(window.tour()->isVisibleTo(&window));
        QCOMPARE(window.tour()->targetName(), QStringLiteral("networkContainer"));
        QVERIFY(window.tour()->highlight()->isVisibleTo(&window));
        QCOMPARE(window.tour()->highlight()->geometry().size(),
                 window.viewContainer()->size() + QSize(6, 6)); // the ring around the 3D view
        window.tour()->next();
        QCOMPARE(window.tour()->targetName(), QStringLiteral("trainingToolbar"));
        // Every step points at a real widget of the window.
        for (int i = 1; i < window.tour()->stepCount(); ++i) {
            QVERIFY2(window.findChild<QWidget *>(window.tour()->targetName()), qPrintable(window.tour()->targetName()));
            if (i + 1 < window.tour()->stepCount())
                window.tour()->next();
        }
        QTest::keyClick(window.tour(), Qt::Key_Escape);
        QCOMPARE(window.tour()->step(), -1);
        QVERIFY(!window.tour()->isVisibleTo(&window));
        QVERIFY(!window.tour()->highlight()->isVisibleTo(&window));
    }
    {
        MainWindow returning(session, &share);
        QTest::qWait(50);
        QCOMPARE(returning.tour()->step(), -1);
        QVERIFY(!returning.tour()->isVisibleTo(&returning));
        returning.showTour(); // Help → Show the tour again
        QCOMPARE(returning.tour()->step(), 0);
        returning.tour()->skipButton()->click();
        QCOMPARE(returning.tour()->step(), -1);
    }
}

void TestJourney::momentSwitchesGoThroughTheSession()
{
    server::Session session(offlineOptions(m_dir));
    FakeShare share;
    MainWindow window(session, &share);
    auto *plateau = window.findChild<QAction *>(QStringLiteral("moment-plateau"));
    QVERIFY(plateau);
    QVERIFY(plateau->isChecked());
    plateau->trigger();
    QVERIFY(!session.teachingMomentEnabled(core::TeachingMomentKind::Plateau));
    QVERIFY(session.teachingMomentEnabled(core::TeachingMomentKind::Divergence));
    // A change made elsewhere (a browser) shows in the menu.
    QVERIFY(session.execute(server::Command::teachingMoments({{core::TeachingMomentKind::DeadUnits, false}})).ok());
    QVERIFY(!window.findChild<QAction *>(QStringLiteral("moment-dead_units"))->isChecked());
    QCOMPARE(window.findChildren<QAction *>(QRegularExpression(QStringLiteral("^moment-"))).size(), 8);
    // "Don't show this kind again" on a card switches that kind off.
    emit window.teachingPanel()->kindDisabled(core::TeachingMomentKind::ConfidentMistake);
    QVERIFY(!session.teachingMomentEnabled(core::TeachingMomentKind::ConfidentMistake));
    QVERIFY(!window.findChild<QAction *>(QStringLiteral("moment-confident_mistake"))->isChecked());
}

QTEST_MAIN(TestJourney)
#include "tst_journey.moc"
