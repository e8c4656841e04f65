// server::Session on its own: the original's defaults, setters, stop within a batch, pause/step, teaching
// mode off, data loaded once, history thinning, autosave / load / damaged files, missing data.
#include "serverfixtures.h"

#include "modelfile.h"
#include "modelstore.h"
#include "session.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <cmath>
#include <limits>
#include <memory>

using namespace Qt::StringLiterals;

class TestSession : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void seedDefaults();
    void settersValidate();
    void speedModes();
    void stepSpeedIsOneBatchPerPress();
    void narrationCarriesTheRunsNumbers();
    void stopTakesEffectWithinOneBatch();
    void teachingModeOffNeverPauses();
    void dataIsLoadedOnce();
    void historyIsThinned();
    void autosaveAndReload();
    void autosavesAtEachEpochEnd();
    void damagedAutosaveIsReportedAndSkipped();
    void missingDataWithoutDownloadIsAClearError();
    void teachingPauseIsAStateThatStopEndsAtOnce();
    void steppingThroughTeachingMomentsStaysPaused();
    void newNetworkIsANewRun();
    void pauseDuringATeachingPauseHoldsTheMoment();
    void switchedOffMomentEndsWhenOnShow();
    void verdictOfEachRunEnd();
    void narrationLeavesMomentsToTheirCards();

private:
    std::unique_ptr<server::Session> makeSession(bool withModel = true);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    fixtures::writeMnist(m_dir->filePath(u"mnist"_s), 640, 100);
}

std::unique_ptr<server::Session> TestSession::makeSession(bool withModel)
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"mnist"_s);
    options.modelPath = withModel ? m_dir->filePath(u"models/last.nnjmodel"_s) : QString();
    options.allowDownload = false;
    options.teachingPauseScale = 0.01;
    return std::make_unique<server::Session>(options);
}

void TestSession::seedDefaults()
{
    auto session = makeSession();
    const server::SessionSettings settings = session->settings();
    QVERIFY(settings.architecture.sizes == std::vector<int>({784, 128, 64, 10}));
    QCOMPARE(settings.learningRate, 0.01f);
    QCOMPARE(settings.batchSize, 64);
    QCOMPARE(settings.epochs, 3);
    QCOMPARE(settings.batchDelayMs, 0);
    QCOMPARE(settings.teachingMode, true);
    QCOMPARE(settings.speed, server::SpeedMode::Normal);
    QVERIFY(!session->isTraining());
    QVERIFY(!session->hasTrainedWeights());
    QVERIFY(session->weights() != nullptr);
    QVERIFY(session->lastUpdate() == nullptr);
    QVERIFY(session->dataStatus().ready);
    QVERIFY(!session->dataStatus().loaded);
}

void TestSession::settersValidate()
{
    auto session = makeSession();
    QSignalSpy changed(session.get(), &server::Session::settingsChanged);
    for (double bad : {0.0, -1.0, 10.5, std::nan(""), std::numeric_limits<double>::infinity()})
        QVERIFY(!session->execute(server::Command::learningRate(bad)).message.isEmpty());
    QCOMPARE(session->execute(server::Command::learningRate(10)).message, QString());
    QCOMPARE(session->execute(server::Command::learningRate(1e-6)).message, QString());
    for (int bad : {-1, 10001})
        QVERIFY(!session->execute(server::Command::batchDelay(bad)).message.isEmpty());
    QCOMPARE(session->execute(server::Command::batchDelay(10000)).message, QString());
    QVERIFY(!session->execute(server::Command::batchSize(0)).message.isEmpty());
    QVERIFY(!session->execute(server::Command::epochs(0)).message.isEmpty());
    core::Architecture bad;
    bad.sizes = {784, 10, 11};
    bad.activations = {core::Activation::ReLU};
    QCOMPARE(session->execute(server::Command::setArchitecture(bad)).message,
             u"Architecture must start with 784 and end with 10"_s);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(session->settings().learningRate, 1e-6f);
    QCOMPARE(session->settings().batchDelayMs, 10000);
}

void TestSession::speedModes()
{
    auto session = makeSession();
    // Normal: the default run (3 epochs of 938 batches) in about a minute.
    const std::pair<server::SpeedMode, double> expected[] = {{server::SpeedMode::Step, 1},
                                                             {server::SpeedMode::Narrated, 5},
                                                             {server::SpeedMode::Normal, 50},
                                                             {server::SpeedMode::Fast, server::kPaceUnlimited}};
    QCOMPARE(session->settings().pace, 50.0);
    QVERIFY(std::abs(3 * 938 / session->settings().pace - 60) < 5);
    for (const auto &[mode, pace] : expected) {
        session->execute(server::Command::batchDelay(300));
        session->execute(server::Command::speedMode(mode));
        QCOMPARE(session->settings().pace, pace);
        QCOMPARE(session->settings().batchDelayMs, 0); // a speed clears the batch delay
        QCOMPARE(server::speedModeFromName(server::speedModeName(mode)), std::optional(mode));
    }
    QVERIFY(server::speedModeUpdateInterval(server::SpeedMode::Fast)
            > server::speedModeUpdateInterval(server::SpeedMode::Normal));
    QVERIFY(!server::speedModeFromName(u"ludicrous"_s));
    QVERIFY(!server::speedModeFromName(u"custom"_s)); // reached by a pace, not chosen

    // The continuous control: a pace in range makes the speed Custom; anything else is refused.
    QCOMPARE(session->execute(server::Command::pace(12.5)).status, u"updated"_s);
    QCOMPARE(session->settings().speed, server::SpeedMode::Custom);
    QCOMPARE(session->settings().pace, 12.5);
    QCOMPARE(session->execute(server::Command::pace(server::kPaceUnlimited)).status, u"updated"_s);
    QCOMPARE(session->settings().pace, server::kPaceUnlimited);
    for (double bad : {0.05, -1.0, 20000.0, std::nan("")}) {
        const server::CommandResult refused = session->execute(server::Command::pace(bad));
        QCOMPARE(refused.error, server::ErrorKind::InvalidArgument);
        QVERIFY2(refused.message.contains(u"batches_per_second"_s), qPrintable(refused.message));
    }
    QCOMPARE(session->settings().pace, server::kPaceUnlimited);
}

void TestSession::stopTakesEffectWithinOneBatch()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    QCOMPARE(session->execute(server::Command::epochs(50)).message, QString());
    session->execute(server::Command::batchDelay(30));
    QSignalSpy updates(session.get(), &server::Session::batchReported);
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"busy"_s);
    QTRY_VERIFY_WITH_TIMEOUT(session->stats().globalBatch >= 3, 10000);
    const long long atStop = session->stats().globalBatch;
    QElapsedTimer timer;
    timer.start();
    session->execute(server::Command::of(server::CommandKind::Stop));
    QVERIFY(finished.wait(5000));
    QVERIFY(timer.elapsed() < 1000);
    const auto report = finished.first().first().value<core::FinishReport>();
    QVERIFY(report.stopped);
    QVERIFY(session->stats().globalBatch <= atStop + 1);
    QVERIFY(!session->isTraining());
    QVERIFY(session->hasTrainedWeights()); // the partly trained network is kept
}

void TestSession::teachingModeOffNeverPauses()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    QSignalSpy moments(session.get(), &server::Session::pauseMomentReached);
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    QCOMPARE(moments.count(), 0);

    // On (the default): the original's first two moments arrive with the original's durations.
    session->execute(server::Command::teachingMode(true));
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    QVERIFY(moments.count() >= 2);
    const auto first = moments[0].first().value<server::PauseMoment>();
    const auto second = moments[1].first().value<server::PauseMoment>();
    QCOMPARE(first.reason, u"first_forward"_s);
    QCOMPARE(first.durationSeconds, 3.0);
    QCOMPARE(second.reason, u"first_backward"_s);
    QCOMPARE(second.update.report->globalBatch, 2LL);
}

void TestSession::dataIsLoadedOnce()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    QVERIFY(session->dataStatus().loaded);
    // Remove the files: a second run still works because the data is kept in memory.
    QVERIFY(QDir(m_dir->filePath(u"mnist"_s)).removeRecursively());
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.count(), 2);
    QVERIFY(!finished.last().first().value<core::FinishReport>().stopped);
}

void TestSession::historyIsThinned()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    QCOMPARE(session->execute(server::Command::batchSize(1)).message, QString());
    QCOMPARE(session->execute(server::Command::epochs(5)).message, QString()); // 3200 batches
    session->execute(server::Command::speedMode(server::SpeedMode::Fast));
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(60000));
    const server::TrainingHistory history = session->history();
    QCOMPARE(history.stride, 2);
    QCOMPARE(history.loss.size(), 1600);
    QCOMPARE(history.accuracy.size(), 1600);
    QCOMPARE(history.testAccuracy.size(), 5);
    QVERIFY(history.loss.size() <= server::TrainingHistory::maxPoints);
}

void TestSession::autosavesAtEachEpochEnd()
{
    // A crash mid-run loses at most the epoch in progress: each epoch's end is on disk, written
    // atomically, before the next epoch's save can start.
    const QString modelPath = m_dir->filePath(u"models/last.nnjmodel"_s);
    auto session = makeSession();
    session->execute(server::Command::teachingMode(false));
    std::vector<int> savedEpochs;
    connect(session.get(), &server::Session::epochFinished, this, [&](const core::EpochReport &report) {
        session->waitForSaves();
        core::ModelMetadata metadata;
        core::loadModelFile(modelPath.toStdString(), &metadata);
        QCOMPARE(metadata.epochsTrained, report.epoch);
        QCOMPARE(metadata.testAccuracy, report.testAccuracy);
        savedEpochs.push_back(metadata.epochsTrained);
    });
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    QCOMPARE(savedEpochs, (std::vector<int>{1, 2, 3}));
}

void TestSession::autosaveAndReload()
{
    const QString modelPath = m_dir->filePath(u"models/last.nnjmodel"_s);
    std::vector<float> trained;
    {
        auto session = makeSession();
        session->execute(server::Command::teachingMode(false));
        QSignalSpy finished(session.get(), &server::Session::trainingFinished);
        QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
        QVERIFY(finished.wait(30000));
        session->waitForSaves(); // autosaves run off the event loop
        QVERIFY(QFile::exists(modelPath));
        QVERIFY(QFile::exists(modelPath + u".bak"_s)); // epoch 1..3 saves keep the previous copy
        const auto &weights = session->weights()->layer(0).weights();
        trained.assign(weights.data(), weights.data() + 20);
    }
    auto reloaded = makeSession();
    QVERIFY(reloaded->startupWarnings().isEmpty());
    QVERIFY(reloaded->hasTrainedWeights());
    const auto &weights = reloaded->weights()->layer(0).weights();
    for (int i = 0; i < 20; ++i)
        QCOMPARE(weights.data()[i], trained[i]);
}

void TestSession::damagedAutosaveIsReportedAndSkipped()
{
    const QString modelPath = m_dir->filePath(u"models/last.nnjmodel"_s);
    {
        auto session = makeSession();
        session->execute(server::Command::teachingMode(false));
        QSignalSpy finished(session.get(), &server::Session::trainingFinished);
        QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
        QVERIFY(finished.wait(30000));
    }
    // Flip one byte of the main file: the .bak copy is used and the problem reported.
    QFile file(modelPath);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray bytes = file.readAll();
    bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x01);
    file.seek(0);
    file.write(bytes);
    file.close();
    {
        auto session = makeSession();
        QCOMPARE(session->startupWarnings().size(), 1);
        QVERIFY(session->startupWarnings().first().contains(modelPath));
        QVERIFY(session->hasTrainedWeights());
    }
    // Both damaged: reported twice, an untrained network, no crash.
    QFile backup(modelPath + u".bak"_s);
    QVERIFY(backup.open(QIODevice::WriteOnly | QIODevice::Truncate));
    backup.write("NNJMODEL garbage");
    backup.close();
    auto session = makeSession();
    QCOMPARE(session->startupWarnings().size(), 2);
    QVERIFY(!session->hasTrainedWeights());
    QVERIFY(session->weights() != nullptr);

    // saveModelBytes keeps the previous file as .bak.
    const QString other = m_dir->filePath(u"other/model.bin"_s);
    QCOMPARE(server::saveModelBytes(other, "one"), QString());
    QCOMPARE(server::saveModelBytes(other, "two"), QString());
    QFile current(other), previous(other + u".bak"_s);
    QVERIFY(current.open(QIODevice::ReadOnly) && previous.open(QIODevice::ReadOnly));
    QCOMPARE(current.readAll(), QByteArray("two"));
    QCOMPARE(previous.readAll(), QByteArray("one"));
}

void TestSession::missingDataWithoutDownloadIsAClearError()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"nowhere"_s);
    options.allowDownload = false;
    server::Session session(options);
    QVERIFY(!session.dataStatus().ready);
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Start)).status, u"error"_s);
    QVERIFY(session.lastError().contains(options.mnistDirectory));
    QVERIFY(session.lastError().contains(u"scripts/fetch-mnist"_s));
    QVERIFY(!session.isTraining());

    // Broken files: the run fails with the reader's message naming the file.
    const QString broken = m_dir->filePath(u"broken"_s);
    fixtures::writeMnist(broken, 20, 10);
    QFile labels(broken + u"/train-labels-idx1-ubyte"_s);
    QVERIFY(labels.resize(12));
    options.mnistDirectory = broken;
    server::Session failing(options);
    QSignalSpy failed(&failing, &server::Session::trainingFailed);
    QSignalSpy finished(&failing, &server::Session::trainingFinished);
    QCOMPARE(failing.execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(10000));
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains(u"train-labels"_s));
    QVERIFY(!failing.isTraining());
}

// The trainer thread never waits inside a callback: a teaching pause is a state with a
// deadline, the batch gate holds the next batch, and stop ends it within 100 ms.
void TestSession::teachingPauseIsAStateThatStopEndsAtOnce()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"mnist"_s);
    options.allowDownload = false;
    options.teachingPauseScale = 100; // 300 s
    server::Session session(options);
    QSignalSpy states(&session, &server::Session::runStateChanged);
    QSignalSpy finished(&session, &server::Session::trainingFinished);
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QTRY_COMPARE_WITH_TIMEOUT(session.runState(), server::RunState::TeachingPause, 20000);
    QVERIFY(session.isPaused());
    QCOMPARE(session.pauseReason(), u"first_forward"_s);
    QVERIFY(session.pauseMoment() && session.pauseMoment()->deadlineMs > 0);
    QTest::qWait(100);
    QCOMPARE(session.stats().globalBatch, 1LL); // really held at the gate
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Stop)).status, u"stopped"_s);
    QCOMPARE(session.runState(), server::RunState::Stopping);
    QVERIFY(finished.wait(1000));
    QVERIFY2(timer.elapsed() < 100, qPrintable(u"stop took %1 ms"_s.arg(timer.elapsed())));
    QCOMPARE(session.runState(), server::RunState::Idle);
    QCOMPARE(session.lastOutcome(), server::Session::RunOutcome::Stopped);
    QVERIFY(!session.pauseMoment());
    QList<server::RunState> seen;
    for (const auto &arguments : states)
        seen << arguments.first().value<server::RunState>();
    QCOMPARE(seen, QList<server::RunState>({server::RunState::LoadingData, server::RunState::Running,
                                            server::RunState::TeachingPause, server::RunState::Stopping,
                                            server::RunState::Idle}));
}

// Stepping from idle through the first batches: each moment shows, the run stays paused (no
// countdown, no "Training" status) and no batch runs until the next step.
void TestSession::steppingThroughTeachingMomentsStaysPaused()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"mnist"_s);
    options.allowDownload = false;
    options.teachingPauseScale = 0.01; // a timed pause would end within 30 ms
    server::Session session(options);
    QSignalSpy moments(&session, &server::Session::pauseMomentReached);
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Step)).status, u"stepped"_s);
    QVERIFY(moments.wait(20000));
    QCOMPARE(moments.last().first().value<server::PauseMoment>().reason, u"first_forward"_s);
    QCOMPARE(moments.last().first().value<server::PauseMoment>().durationSeconds, 0.0);
    QCOMPARE(session.runState(), server::RunState::Paused);
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Step)).status, u"stepped"_s);
    QVERIFY(moments.wait(20000));
    QCOMPARE(moments.last().first().value<server::PauseMoment>().reason, u"first_backward"_s);
    QTest::qWait(200);
    QCOMPARE(session.runState(), server::RunState::Paused);
    QCOMPARE(session.stats().globalBatch, 2LL);
    QCOMPARE(session.pauseReason(), u"first_backward"_s); // the card stays until someone goes on
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Resume)).status, u"resumed"_s);
    QCOMPARE(session.runState(), server::RunState::Running);
    QVERIFY(!session.pauseMoment());
    QTRY_VERIFY_WITH_TIMEOUT(session.stats().globalBatch > 2, 10000);
    session.execute(server::Command::of(server::CommandKind::Stop));
    QTRY_COMPARE_WITH_TIMEOUT(session.runState(), server::RunState::Idle, 5000);
}

// Step speed: a start runs one batch and holds; choosing Step while running pauses at once.
void TestSession::stepSpeedIsOneBatchPerPress()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    session->execute(server::Command::speedMode(server::SpeedMode::Step));
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QTRY_COMPARE_WITH_TIMEOUT(session->stats().globalBatch, 1LL, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(session->runState(), server::RunState::Paused, 5000);
    QTest::qWait(1300); // Step's pace would have run a second batch by now, were it running
    QCOMPARE(session->stats().globalBatch, 1LL);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Step)).status, u"stepped"_s);
    QTRY_COMPARE_WITH_TIMEOUT(session->stats().globalBatch, 2LL, 5000);
    QTest::qWait(200);
    QCOMPARE(session->stats().globalBatch, 2LL);

    session->execute(server::Command::speedMode(server::SpeedMode::Fast));
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Resume)).status, u"resumed"_s);
    QTRY_VERIFY_WITH_TIMEOUT(session->stats().globalBatch > 20, 10000);
    session->execute(server::Command::speedMode(server::SpeedMode::Step));
    QCOMPARE(session->runState(), server::RunState::Paused);
    QTest::qWait(100); // at most the batch in flight finishes
    const long long held = session->stats().globalBatch;
    QTest::qWait(300);
    QCOMPARE(session->stats().globalBatch, held);
    session->execute(server::Command::of(server::CommandKind::Stop));
    QTRY_COMPARE_WITH_TIMEOUT(session->runState(), server::RunState::Idle, 5000);
}

// Narrated speed: captions at least the narrator's gap apart, each with the numbers of the
// event it describes (the epoch results are the epoch reports' own); none at other speeds.
void TestSession::narrationCarriesTheRunsNumbers()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    session->execute(server::Command::epochs(2)); // 20 batches: 4 s at Narrated's 5 batches/s
    session->execute(server::Command::speedMode(server::SpeedMode::Narrated));
    std::vector<std::pair<qint64, core::Caption>> captions;
    std::vector<core::EpochReport> epochs;
    QElapsedTimer clock;
    clock.start();
    connect(session.get(), &server::Session::narration, this,
            [&](const core::Caption &caption) { captions.emplace_back(clock.elapsed(), caption); });
    connect(session.get(), &server::Session::epochFinished, this,
            [&](const core::EpochReport &report) { epochs.push_back(report); });
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    QCOMPARE(int(epochs.size()), 2);
    QVERIFY(!captions.empty());
    for (std::size_t i = 1; i < captions.size(); ++i)
        QVERIFY(captions[i].first - captions[i - 1].first >= 2900);
    for (const auto &[time, caption] : captions) {
        if (caption.kind == core::CaptionKind::EpochResult) {
            QVERIFY(caption.epoch >= 1 && caption.epoch <= 2);
            QCOMPARE(caption.value, epochs[std::size_t(caption.epoch - 1)].testAccuracy);
            QCOMPARE(caption.previous, epochs[std::size_t(caption.epoch - 1)].trainAccuracy);
        } else if (caption.kind == core::CaptionKind::FocusMistake) {
            QVERIFY(caption.label != caption.guess);
            QVERIFY(caption.confidence >= caption.labelProbability);
        }
    }

    // At Fast: nothing is narrated.
    captions.clear();
    session->execute(server::Command::speedMode(server::SpeedMode::Fast));
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    QVERIFY(captions.empty());
}

// A new network clears the old run everywhere: stats, history, confusion, last update and
// outcome go, and the run identity changes.
void TestSession::newNetworkIsANewRun()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    session->execute(server::Command::epochs(1));
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    const quint64 before = session->runId();
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(session->runId() != before);
    QVERIFY(finished.wait(30000));
    QCOMPARE(session->lastOutcome(), server::Session::RunOutcome::Finished);
    QVERIFY(session->stats().globalBatch > 0);
    QVERIFY(!session->history().loss.isEmpty());
    QVERIFY(session->confusion().has_value());
    const quint64 trained = session->runId();

    core::Architecture smaller;
    smaller.sizes = {784, 32, 10};
    smaller.activations = {core::Activation::ReLU};
    QCOMPARE(session->execute(server::Command::setArchitecture(smaller)).status, u"updated"_s);
    QVERIFY(session->runId() != trained);
    QCOMPARE(session->stats().globalBatch, 0LL);
    QVERIFY(session->history().loss.isEmpty());
    QVERIFY(!session->confusion().has_value());
    QVERIFY(!session->lastUpdate());
    QCOMPARE(session->lastOutcome(), server::Session::RunOutcome::None);
}

// Pause during a teaching pause: the card stays (state, reason, moment), its deadline is
// cancelled and no batch runs; Continue (resume) ends it and the run goes on. Stop ends it too.
void TestSession::pauseDuringATeachingPauseHoldsTheMoment()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"mnist"_s);
    options.allowDownload = false;
    options.teachingPauseScale = 0.1; // first_forward: 300 ms
    server::Session session(options);
    QSignalSpy ended(&session, &server::Session::pauseMomentEnded);
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QTRY_COMPARE_WITH_TIMEOUT(session.runState(), server::RunState::TeachingPause, 20000);
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Pause)).status, u"paused"_s);
    QCOMPARE(session.runState(), server::RunState::Paused);
    QTest::qWait(800); // well past the deadline
    QCOMPARE(session.runState(), server::RunState::Paused);
    QCOMPARE(ended.count(), 0);
    QCOMPARE(session.pauseReason(), u"first_forward"_s);
    QVERIFY(session.pauseMoment());
    QCOMPARE(session.pauseMoment()->deadlineMs, 0.0);
    QCOMPARE(session.pauseMoment()->durationSeconds, 0.0);
    QCOMPARE(session.stats().globalBatch, 1LL); // no batch ran meanwhile
    // Pausing again changes nothing.
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Pause)).status, u"paused"_s);
    QCOMPARE(session.pauseReason(), u"first_forward"_s);
    // Continue ends the moment and runs on.
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Resume)).status, u"resumed"_s);
    QCOMPARE(ended.count(), 1);
    QCOMPARE(ended.first().first().toString(), u"first_forward"_s);
    QVERIFY(!session.pauseMoment());
    QCOMPARE(session.runState(), server::RunState::Running);
    QTRY_VERIFY_WITH_TIMEOUT(session.stats().globalBatch > 1, 5000);
    // The next moment, paused again, then stopped: stop ends it.
    QTRY_COMPARE_WITH_TIMEOUT(session.pauseReason(), u"first_backward"_s, 5000);
    session.execute(server::Command::of(server::CommandKind::Pause));
    QCOMPARE(session.pauseReason(), u"first_backward"_s);
    session.execute(server::Command::of(server::CommandKind::Stop));
    QVERIFY(!session.pauseMoment());
    QTRY_COMPARE_WITH_TIMEOUT(session.runState(), server::RunState::Idle, 5000);
}

// A moment switched off while it is on show ends at once and the run goes on; its kind never
// pauses the run again.
void TestSession::switchedOffMomentEndsWhenOnShow()
{
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"mnist"_s);
    options.allowDownload = false;
    options.teachingPauseScale = 100;
    server::Session session(options);
    QCOMPARE(session.settings().teachingMoments, server::allMomentsOn());
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QTRY_COMPARE_WITH_TIMEOUT(session.runState(), server::RunState::TeachingPause, 20000);
    QCOMPARE(session.setTeachingMomentEnabled(core::TeachingMomentKind::FirstForward, false).status, u"updated"_s);
    QVERIFY(!session.pauseMoment());
    QCOMPARE(session.runState(), server::RunState::Running);
    QTRY_COMPARE_WITH_TIMEOUT(session.pauseReason(), u"first_backward"_s, 5000);
    session.execute(server::Command::of(server::CommandKind::Stop));
    QTRY_COMPARE_WITH_TIMEOUT(session.runState(), server::RunState::Idle, 5000);
    QCOMPARE(session.execute(server::Command::teachingMoments({})).error, server::ErrorKind::InvalidArgument);
}

// Every way a run ends has its verdict: learned, stopped, diverged (non-finite loss); a new run
// or network clears it.
void TestSession::verdictOfEachRunEnd()
{
    auto session = makeSession(false);
    session->execute(server::Command::teachingMode(false));
    session->execute(server::Command::speedMode(server::SpeedMode::Fast));
    QVERIFY(!session->lastVerdict());
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    auto report = finished.last().first().value<core::FinishReport>();
    QVERIFY(session->lastVerdict());
    QCOMPARE(session->lastVerdict()->outcome, core::VerdictOutcome::Learned);
    QCOMPARE(report.verdict.reason, session->lastVerdict()->reason);
    QCOMPARE(report.verdict.testAccuracy, report.finalTestAccuracy);

    session->execute(server::Command::speedMode(server::SpeedMode::Normal));
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(!session->lastVerdict()); // a new run
    QTRY_VERIFY_WITH_TIMEOUT(session->stats().globalBatch >= 3, 10000);
    session->execute(server::Command::of(server::CommandKind::Stop));
    QVERIFY(finished.wait(10000));
    QCOMPARE(session->lastVerdict()->outcome, core::VerdictOutcome::Stopped);
    QCOMPARE(finished.last().first().value<core::FinishReport>().verdict.outcome, core::VerdictOutcome::Stopped);

    session->execute(server::Command::speedMode(server::SpeedMode::Fast));
    session->execute(server::Command::learningRate(10)); // the loss overflows
    QSignalSpy failed(session.get(), &server::Session::trainingFailed);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(30000));
    if (failed.isEmpty())
        QSKIP("lr 10 did not overflow on this data");
    QCOMPARE(session->lastVerdict()->outcome, core::VerdictOutcome::Diverged);
    QCOMPARE(session->lastOutcome(), server::Session::RunOutcome::Failed);

    session->execute(server::Command::epochs(2)); // settings only: the verdict stays
    QVERIFY(session->lastVerdict());
    core::Architecture architecture;
    architecture.sizes = {784, 32, 10};
    architecture.activations = {core::Activation::ReLU};
    session->execute(server::Command::setArchitecture(architecture));
    QVERIFY(!session->lastVerdict());
}

// Narrated speed with teaching on: the batch or epoch a shown moment follows gets no caption (the
// card explains it); epoch 1's result is the epoch_end card's, epoch 2's a caption.
void TestSession::narrationLeavesMomentsToTheirCards()
{
    auto session = makeSession(false);
    session->execute(server::Command::epochs(2));
    session->execute(server::Command::speedMode(server::SpeedMode::Narrated));
    std::vector<core::Caption> captions;
    QStringList moments;
    connect(session.get(), &server::Session::narration, this,
            [&](const core::Caption &caption) { captions.push_back(caption); });
    connect(session.get(), &server::Session::pauseMomentReached, this,
            [&](const server::PauseMoment &moment) { moments << moment.reason; });
    QSignalSpy finished(session.get(), &server::Session::trainingFinished);
    QCOMPARE(session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(finished.wait(60000));
    QVERIFY2(moments.contains(u"epoch_end"_s), qPrintable(moments.join(u',')));
    for (const core::Caption &caption : captions)
        QVERIFY2(!(caption.kind == core::CaptionKind::EpochResult && caption.epoch == 1), "epoch 1 narrated twice");
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
