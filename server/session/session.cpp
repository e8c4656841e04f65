// The shared session: the run's state machine and command handling on the main thread, the
// worker thread's body, and the relay callbacks (trainer thread), which copy what the clients
// need under m_mutex, throttle live updates, refresh the weights snapshot and close the batch
// gate at a teaching moment; everything reaches the main thread as queued calls, nothing on
// the trainer thread waits.
#include "session.h"

#include "error.h"
#include "idxreader.h"
#include "modelfile.h"
#include "modelstore.h"
#include "trainingrelay.h"

#include <QDebug>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace server {

Session::Session(SessionOptions options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    m_postTimer.setTimerType(Qt::PreciseTimer);
    m_postTimer.setInterval(kPostIntervalMs);
    connect(&m_postTimer, &QTimer::timeout, this, &Session::runPosted);
    qRegisterMetaType<server::BatchUpdate>();
    qRegisterMetaType<server::PauseMoment>();
    qRegisterMetaType<server::RunState>();
    qRegisterMetaType<core::EpochReport>();
    qRegisterMetaType<core::FinishReport>();
    qRegisterMetaType<core::Caption>();
    m_settings.speed = m_options.speed == SpeedMode::Custom ? SpeedMode::Normal : m_options.speed;
    m_settings.pace = speedModePace(m_settings.speed);
    m_updateIntervalMs = speedModeUpdateInterval(m_settings.speed);
    m_narrating = m_settings.speed == SpeedMode::Narrated;
    m_snapshot = std::make_shared<const core::Network>(m_settings.architecture, m_settings.seed);
    loadAutosave();

    if (m_options.fetcher)
        m_downloader = m_options.fetcher();
    if (!m_downloader)
        return;
    connect(m_downloader.get(), &DataFetcher::progress, this,
            [this](const QString &file, qint64 received, qint64 total) {
                emit downloadProgress(file, received, total, false);
            });
    connect(m_downloader.get(), &DataFetcher::fileDone, this,
            [this](const QString &file) { emit downloadProgress(file, -1, -1, true); });
    connect(m_downloader.get(), &DataFetcher::finished, this, [this] { onDownloadFinished(true, {}); });
    connect(m_downloader.get(), &DataFetcher::failed, this,
            [this](const QString &message) { onDownloadFinished(false, message); });
}

Session::~Session()
{
    if (m_downloader)
        m_downloader->disconnect(this); // its destructor may report an aborted download
    waitForSaves(); // tasks emit on this object; let them finish while it is whole
    if (m_saveThread.joinable()) {
        {
            std::lock_guard lock(m_saveMutex);
            m_saveQuit = true;
        }
        m_saveWake.notify_all();
        m_saveThread.join();
    }
    m_stopRequested = true;
    if (m_gate)
        m_gate->stop();
    if (m_worker.joinable())
        m_worker.join();
    // No other thread posts any more: calls still queued are dropped.
}

void Session::loadAutosave()
{
    if (m_options.modelPath.isEmpty())
        return;
    LoadedModel loaded = loadSavedModel(m_options.modelPath);
    for (const QString &problem : std::as_const(loaded.problems)) {
        m_startupWarnings << problem;
        qWarning().noquote() << problem;
    }
    if (!loaded.network)
        return;
    m_settings.architecture = loaded.network->architecture();
    m_modelEpochs = loaded.metadata.epochsTrained;
    m_modelTestAccuracy = loaded.metadata.testAccuracy;
    setSnapshot(std::move(loaded.network), true);
}

void Session::setSnapshot(std::shared_ptr<const core::Network> network, bool trained)
{
    quint64 version = 0;
    {
        std::lock_guard lock(m_mutex);
        m_snapshot = std::move(network);
        m_trained = trained;
        version = ++m_weightsVersion;
    }
    emit weightsChanged(version);
}

// --- Calls from other threads ------------------------------------------------------------

void Session::postToSession(std::function<void()> call)
{
    std::lock_guard lock(m_postMutex);
    m_posted.push_back(std::move(call));
}

void Session::expectPosts()
{
    if (!m_postTimer.isActive())
        m_postTimer.start();
}

bool Session::othersIdle()
{
    if (m_worker.joinable())
        return false;
    std::lock_guard lock(m_saveMutex);
    return m_saves.empty() && !m_saveRunning;
}

void Session::runPosted()
{
    // Seen before the queue is emptied: a thread that has gone idle posted its last call before.
    const bool idle = othersIdle();
    // One call at a time, in order, until the queue is empty (a call may run a nested event
    // loop that comes back here; it then carries on with the next call).
    for (;;) {
        std::function<void()> call;
        {
            std::lock_guard lock(m_postMutex);
            if (m_posted.empty())
                break;
            call = std::move(m_posted.front());
            m_posted.pop_front();
        }
        const QPointer<Session> alive(this);
        call();
        if (!alive)
            return; // the call ended the Session
    }
    if (idle)
        m_postTimer.stop();
}

// --- The run's state machine ----------------------------------------------------------------

void Session::setState(RunState state)
{
    if (m_state == state)
        return;
    m_state = state;
    {
        std::lock_guard lock(m_mutex);
        m_stats.training = state != RunState::Idle;
        m_stats.paused = state == RunState::Paused || state == RunState::TeachingPause;
    }
    emit runStateChanged(state);
}

void Session::resetRun()
{
    m_narrator.reset(); // no worker runs now
    std::lock_guard lock(m_mutex);
    m_stats = SessionStats{};
    m_stats.epochs = m_settings.epochs;
    m_history = TrainingHistory{};
    m_confusion.reset();
    m_lastUpdate.reset();
    m_initialWeights.reset();
    m_trajectory.clear();
    m_lastOutcome = RunOutcome::None;
    m_lastVerdict.reset();
    ++m_runId;
}

void Session::endMoment()
{
    if (!m_moment)
        return;
    const QString reason = m_moment->reason;
    m_moment.reset();
    ++m_momentId; // a pending deadline no longer applies
    emit pauseMomentEnded(reason);
}

// A teaching moment reached the main thread. The relay closed the gate on the trainer thread
// when it met the moment (so no further batch ran); here the state machine decides what that
// closed gate means.
void Session::onTeachingMoment(const PauseMoment &moment)
{
    const bool show
        = momentShown(moment.moment.kind)
          && (m_state == RunState::Running || m_state == RunState::Paused || m_state == RunState::TeachingPause);
    if (!show) {
        if (m_state == RunState::Running)
            m_gate->open(); // teaching was switched off meanwhile: carry on
        return;
    }
    endMoment();
    auto shown = std::make_shared<PauseMoment>(moment);
    if (m_state == RunState::Paused) {
        // Paused by a controller (e.g. stepping through the first batches): the moment is
        // shown and holds until someone continues; no countdown.
        shown->durationSeconds = 0;
        shown->deadlineMs = 0;
        m_moment = shown;
        emit pauseMomentReached(*shown);
        return;
    }
    const int waitMs = int(std::lround(moment.durationSeconds * m_options.teachingPauseScale * 1000));
    shown->deadlineMs = moment.update.serverTimeMs + waitMs;
    m_moment = shown;
    const quint64 id = ++m_momentId;
    m_gate->close(); // already closed by the relay, unless a controller reopened it meanwhile
    setState(RunState::TeachingPause);
    emit pauseMomentReached(*shown);
    QTimer::singleShot(waitMs, this, [this, id] {
        if (m_state != RunState::TeachingPause || m_momentId != id)
            return;
        endMoment();
        m_gate->open();
        setState(RunState::Running);
    });
}

// --- Commands -----------------------------------------------------------------------------

CommandResult Session::execute(const Command &command)
{
    switch (command.kind) {
    case CommandKind::Start: return start(StartMode::Run);
    case CommandKind::Stop: return stop();
    case CommandKind::Pause: return pause();
    case CommandKind::Resume: return resume();
    case CommandKind::Step: return step();
    case CommandKind::SetLearningRate: return setLearningRate(command.number);
    case CommandKind::SetBatchDelay: return setBatchDelay(command.number);
    case CommandKind::SetSpeed: return setSpeed(command.speed);
    case CommandKind::SetPace: return setPace(command.number);
    case CommandKind::SetTeachingMode: return setTeachingMode(command.enabled);
    case CommandKind::SetTeachingMoments: return setTeachingMoments(command.moments);
    case CommandKind::SetArchitecture: return setArchitecture(command.architecture);
    case CommandKind::SetBatchSize: return setBatchSize(command.number);
    case CommandKind::SetEpochs: return setEpochs(command.number);
    case CommandKind::LoadModel: return loadModel(command.modelBytes, command.sourceName);
    }
    return CommandResult::refused(ErrorKind::InvalidArgument, u"Unknown command"_s);
}

namespace {
CommandResult noRun(RunState state)
{
    return CommandResult::refused(ErrorKind::Conflict, state == RunState::Stopping ? u"Training is stopping"_s
                                                                                   : u"No training in progress"_s);
}

// An integer count from a command's number: whole and within [low, high], else nullopt.
std::optional<int> wholeNumber(double value, int low, int high)
{
    if (!std::isfinite(value) || std::floor(value) != value || value < low || value > high)
        return std::nullopt;
    return int(value);
}
} // namespace

CommandResult Session::start(StartMode mode)
{
    if (m_state != RunState::Idle)
        return CommandResult::done(u"busy"_s, u"Training already in progress"_s);
    m_lastError.clear();
    const bool needData = !m_data && !core::mnistFilesPresent(m_options.mnistDirectory.toStdString());
    if (needData && (!m_options.allowDownload || !m_downloader || m_options.mnistDirectory.isEmpty())) {
        m_lastError = u"MNIST data not found in %1. Put the four files there (raw or .gz), run "
                      "scripts/fetch-mnist, or start with --data-dir pointing at a folder that holds them."_s.arg(
                          m_options.mnistDirectory);
        return CommandResult::refused(ErrorKind::Unavailable, m_lastError);
    }
    m_stopRequested = false;
    m_gate = std::make_shared<core::BatchGate>();
    // In Step speed a start runs one batch and holds, as a step would.
    const bool oneBatch = mode == StartMode::Run && m_settings.speed == SpeedMode::Step;
    m_holdAfterLoad = mode == StartMode::Paused || oneBatch;
    if (oneBatch)
        m_gate->allow(1);
    else if (m_holdAfterLoad)
        m_gate->close();
    endMoment();
    resetRun();
    setState(RunState::LoadingData);
    emit trainingStarted();
    if (needData) {
        m_startAfterDownload = true;
        if (!m_downloader->isRunning())
            m_downloader->start(m_options.mnistDirectory);
        emit dataStatusChanged();
    } else {
        launchWorker();
    }
    return CommandResult::done(u"started"_s);
}

void Session::launchWorker()
{
    expectPosts();
    m_trainingNetwork = std::make_unique<core::Network>(m_settings.architecture, m_settings.seed);
    {
        auto initial = std::make_shared<const core::Network>(*m_trainingNetwork); // before the first step
        std::lock_guard lock(m_mutex);
        m_initialWeights = std::move(initial);
        m_trajectory.clear();
    }
    m_relay = std::make_unique<TrainingRelay>(*this);
    m_trainerSettings = core::TrainerSettings{};
    m_trainerSettings.epochs = m_settings.epochs;
    m_trainerSettings.batchSize = m_settings.batchSize;
    m_trainerSettings.learningRate = m_settings.learningRate;
    m_trainerSettings.batchDelayMs = m_settings.batchDelayMs;
    m_trainerSettings.batchesPerSecond = m_settings.pace;
    m_trainerSettings.seed = m_settings.seed;
    m_trainerSettings.optimizer.kind = m_settings.optimizer;
    m_trainerSettings.detectTeachingMoments = true; // filtered live by m_teachingEnabled
    m_lastEmit = {};
    m_lastSnapshot = std::chrono::steady_clock::now();
    m_worker = std::thread([this, data = m_data, gate = m_gate] { workerBody(data, gate); });
}

void Session::onDataReady()
{
    if (m_state == RunState::LoadingData)
        setState(m_holdAfterLoad ? RunState::Paused : RunState::Running);
}

void Session::workerBody(std::shared_ptr<const core::MnistData> data, std::shared_ptr<core::BatchGate> gate)
{
    QString failure;
    core::FinishReport report;
    report.epochs = m_trainerSettings.epochs;
    report.stopped = true;
    if (!data) {
        try {
            data = std::make_shared<const core::MnistData>(core::loadMnist(m_options.mnistDirectory.toStdString()));
            postToSession([this, data] {
                m_data = data;
                emit dataStatusChanged();
            });
        } catch (const core::Error &error) {
            failure = QString::fromStdString(error.what());
        } catch (const std::bad_alloc &) {
            failure = u"Not enough memory to load MNIST"_s;
        }
    }
    if (failure.isEmpty() && !m_stopRequested) {
        core::Trainer trainer(*m_trainingNetwork, *data, m_trainerSettings, gate.get());
        {
            std::lock_guard lock(m_mutex);
            m_trainer = &trainer;
            trainer.setLearningRate(m_settings.learningRate);
            trainer.setBatchDelay(m_settings.batchDelayMs);
            trainer.setPace(m_settings.pace);
        }
        postToSession([this] { onDataReady(); });
        report = trainer.run(*m_relay);
        {
            std::lock_guard lock(m_mutex);
            m_trainer = nullptr;
        }
        failure = m_relay->failure();
    }
    postToSession([this, report, failure] { finishRun(report, failure); });
}

void Session::finishRun(const core::FinishReport &report, const QString &failure)
{
    if (m_worker.joinable())
        m_worker.join();
    const bool trained = report.samplesTrained > 0 && m_trainingNetwork;
    if (trained) {
        m_modelEpochs = report.epochsCompleted;
        m_modelTestAccuracy = report.finalTestAccuracy;
        setSnapshot(std::make_shared<const core::Network>(std::move(*m_trainingNetwork)), true);
    }
    m_trainingNetwork.reset();
    m_relay.reset();
    endMoment();
    m_lastOutcome = !failure.isEmpty() ? RunOutcome::Failed
                    : report.stopped   ? RunOutcome::Stopped
                                       : RunOutcome::Finished;
    // The trainer judged the run it trained; a run that ended before (the data failed to load,
    // stopped while loading) or on another error is judged here.
    core::FinishReport judged = report;
    const core::VerdictOutcome outcome = report.verdict.outcome;
    if (!failure.isEmpty() && outcome != core::VerdictOutcome::Diverged) {
        core::RunHistory history;
        history.failed = true;
        history.failure = failure.toStdString();
        judged.verdict = core::computeVerdict(history);
    } else if (report.stopped && outcome != core::VerdictOutcome::Stopped
               && outcome != core::VerdictOutcome::Diverged) {
        core::RunHistory history;
        history.stopped = true;
        judged.verdict = core::computeVerdict(history);
    }
    m_lastVerdict = judged.verdict;
    setState(RunState::Idle);
    if (trained && !report.stopped && failure.isEmpty())
        autosave(report.epochsCompleted, report.finalTestAccuracy);
    if (!failure.isEmpty()) {
        m_lastError = failure;
        emit trainingFailed(failure);
    }
    emit trainingFinished(judged);
}

void Session::onDownloadFinished(bool ok, const QString &message)
{
    emit dataStatusChanged();
    if (!m_startAfterDownload) {
        if (!ok)
            emit warning(message);
        return;
    }
    m_startAfterDownload = false;
    if (ok && !m_stopRequested) {
        launchWorker();
        return;
    }
    core::FinishReport report;
    report.epochs = m_settings.epochs;
    report.stopped = true;
    finishRun(report, m_stopRequested ? QString() : message);
}

void Session::downloadData()
{
    if (!m_downloader || m_downloader->isRunning() || core::mnistFilesPresent(m_options.mnistDirectory.toStdString()))
        return;
    m_downloader->start(m_options.mnistDirectory);
    emit dataStatusChanged();
}

CommandResult Session::stop()
{
    if (m_state == RunState::Idle || m_state == RunState::Stopping)
        return CommandResult::done(u"stopped"_s); // as the original: stopping an idle run is fine
    const bool downloading = this->downloading() && m_startAfterDownload;
    m_stopRequested = true;
    m_gate->stop();
    endMoment();
    setState(RunState::Stopping);
    if (downloading)
        m_downloader->abort(); // finishes the run through onDownloadFinished
    return CommandResult::done(u"stopped"_s);
}

CommandResult Session::pause()
{
    switch (m_state) {
    case RunState::Idle:
    case RunState::Stopping: return noRun(m_state);
    case RunState::LoadingData:
        m_holdAfterLoad = true;
        m_gate->close();
        break;
    case RunState::Running:
        m_gate->close();
        setState(RunState::Paused);
        break;
    case RunState::Paused:
    case RunState::TeachingPause:
        // A moment on show stays until Continue (resume) or stop: its deadline no longer applies.
        m_gate->close();
        if (m_moment && m_moment->deadlineMs > 0) {
            auto held = std::make_shared<PauseMoment>(*m_moment);
            held->durationSeconds = 0;
            held->deadlineMs = 0;
            m_moment = std::move(held);
            ++m_momentId;
        }
        setState(RunState::Paused);
        break;
    }
    emit trainingPaused();
    return CommandResult::done(u"paused"_s);
}

CommandResult Session::resume()
{
    switch (m_state) {
    case RunState::Idle:
    case RunState::Stopping: return noRun(m_state);
    case RunState::LoadingData:
        m_holdAfterLoad = false;
        m_gate->open();
        break;
    case RunState::Running:
    case RunState::Paused:
    case RunState::TeachingPause:
        endMoment();
        m_gate->open();
        setState(RunState::Running);
        break;
    }
    emit trainingResumed();
    return CommandResult::done(u"resumed"_s);
}

CommandResult Session::step()
{
    if (m_state == RunState::Idle) {
        CommandResult started = start(StartMode::Paused);
        if (!started.ok())
            return started;
    }
    switch (m_state) {
    case RunState::Idle:
    case RunState::Stopping: return noRun(m_state);
    case RunState::LoadingData:
        m_holdAfterLoad = true;
        m_gate->allow(1);
        break;
    case RunState::Running:
    case RunState::Paused:
    case RunState::TeachingPause:
        endMoment();
        m_gate->allow(1);
        setState(RunState::Paused);
        break;
    }
    return CommandResult::done(u"stepped"_s);
}

CommandResult Session::setLearningRate(double learningRate)
{
    if (!std::isfinite(learningRate) || learningRate <= 0 || learningRate > 10)
        return CommandResult::refused(ErrorKind::InvalidArgument, u"lr must be a finite number with 0 < lr <= 10"_s);
    {
        std::lock_guard lock(m_mutex);
        m_settings.learningRate = float(learningRate);
        if (m_trainer)
            m_trainer->setLearningRate(float(learningRate));
    }
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setBatchDelay(double value)
{
    const auto milliseconds = wholeNumber(value, 0, 10000);
    if (!milliseconds)
        return CommandResult::refused(ErrorKind::InvalidArgument, u"ms must be an integer from 0 to 10000"_s);
    {
        std::lock_guard lock(m_mutex);
        m_settings.batchDelayMs = *milliseconds;
        if (m_trainer)
            m_trainer->setBatchDelay(*milliseconds);
    }
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setSpeed(SpeedMode mode)
{
    {
        std::lock_guard lock(m_mutex);
        m_settings.speed = mode;
        m_settings.batchDelayMs = 0;
        m_settings.pace = speedModePace(mode);
        if (m_trainer) {
            m_trainer->setBatchDelay(0);
            m_trainer->setPace(m_settings.pace);
        }
    }
    m_updateIntervalMs = speedModeUpdateInterval(mode);
    m_narrating = mode == SpeedMode::Narrated;
    // Step is one batch per press: a running run holds at once.
    if (mode == SpeedMode::Step && m_state == RunState::Running) {
        m_gate->close();
        setState(RunState::Paused);
        emit trainingPaused();
    }
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setPace(double batchesPerSecond)
{
    if (!std::isfinite(batchesPerSecond)
        || (batchesPerSecond != kPaceUnlimited && (batchesPerSecond < kMinimumPace || batchesPerSecond > kMaximumPace)))
        return CommandResult::refused(
            ErrorKind::InvalidArgument,
            u"batches_per_second must be 0 (no limit) or from %1 to %2"_s.arg(kMinimumPace).arg(kMaximumPace));
    {
        std::lock_guard lock(m_mutex);
        m_settings.speed = SpeedMode::Custom;
        m_narrating = false;
        m_settings.pace = batchesPerSecond;
        if (m_trainer)
            m_trainer->setPace(batchesPerSecond);
    }
    // An unlimited or very fast custom pace updates the clients as Fast does.
    m_updateIntervalMs = speedModeUpdateInterval(
        batchesPerSecond == kPaceUnlimited || batchesPerSecond > 500 ? SpeedMode::Fast : SpeedMode::Custom);
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setTeachingMode(bool enabled)
{
    m_settings.teachingMode = enabled;
    m_teachingEnabled = enabled;
    if (!enabled && m_state == RunState::TeachingPause) {
        endMoment();
        m_gate->open();
        setState(RunState::Running);
    } else if (!enabled) {
        endMoment(); // a moment held while paused goes too; the run stays paused
    }
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setTeachingMoments(const std::vector<std::pair<core::TeachingMomentKind, bool>> &moments)
{
    if (moments.empty())
        return CommandResult::refused(ErrorKind::InvalidArgument, u"moments must name at least one teaching moment"_s);
    unsigned mask = m_momentsEnabled;
    for (const auto &[kind, enabled] : moments) {
        const int index = int(kind);
        if (index < 0 || index >= core::teachingMomentKindCount)
            return CommandResult::refused(ErrorKind::InvalidArgument, u"Unknown teaching moment"_s);
        m_settings.teachingMoments[std::size_t(index)] = enabled;
        mask = enabled ? mask | (1u << index) : mask & ~(1u << index);
    }
    m_momentsEnabled = mask;
    // The moment on show, switched off: it ends as if its time were up.
    if (m_moment && !momentShown(m_moment->moment.kind)) {
        endMoment();
        if (m_state == RunState::TeachingPause) {
            m_gate->open();
            setState(RunState::Running);
        }
    }
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setTeachingMomentEnabled(core::TeachingMomentKind kind, bool enabled)
{
    return execute(Command::teachingMoments({{kind, enabled}}));
}

bool Session::teachingMomentEnabled(core::TeachingMomentKind kind) const
{
    return (m_momentsEnabled.load() >> int(kind)) & 1u;
}

bool Session::momentShown(core::TeachingMomentKind kind) const
{
    return m_teachingEnabled && teachingMomentEnabled(kind);
}

CommandResult Session::setArchitecture(const core::Architecture &architecture)
{
    const std::string problem = architecture.validate();
    if (!problem.empty())
        return CommandResult::refused(ErrorKind::InvalidArgument, QString::fromStdString(problem));
    if (m_state != RunState::Idle)
        return CommandResult::refused(ErrorKind::Conflict,
                                      u"Cannot change the architecture while training is in progress; stop it first"_s);
    m_settings.architecture = architecture;
    m_modelEpochs = 0;
    m_modelTestAccuracy = -1;
    resetRun();
    setSnapshot(std::make_shared<const core::Network>(architecture, m_settings.seed), false);
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setBatchSize(double value)
{
    const auto batchSize = wholeNumber(value, 1, 4096);
    if (!batchSize)
        return CommandResult::refused(ErrorKind::InvalidArgument, u"batch_size must be an integer from 1 to 4096"_s);
    if (m_state != RunState::Idle)
        return CommandResult::refused(ErrorKind::Conflict,
                                      u"Cannot change the batch size while training is in progress"_s);
    m_settings.batchSize = *batchSize;
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::setEpochs(double value)
{
    const auto epochs = wholeNumber(value, 1, 100);
    if (!epochs)
        return CommandResult::refused(ErrorKind::InvalidArgument, u"epochs must be an integer from 1 to 100"_s);
    if (m_state != RunState::Idle)
        return CommandResult::refused(ErrorKind::Conflict,
                                      u"Cannot change the number of epochs while training is in progress"_s);
    m_settings.epochs = *epochs;
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

CommandResult Session::loadModel(const QByteArray &bytes, const QString &sourceName)
{
    if (m_state != RunState::Idle)
        return CommandResult::refused(ErrorKind::Conflict,
                                      u"Cannot replace the model while training is in progress; stop it first"_s);
    core::ModelMetadata metadata;
    std::shared_ptr<core::Network> network;
    try {
        network = std::make_shared<core::Network>(
            core::deserializeModel(bytes.toStdString(), sourceName.toStdString(), &metadata));
    } catch (const core::Error &error) {
        return CommandResult::refused(ErrorKind::InvalidArgument, QString::fromStdString(error.what()));
    }
    const std::string problem = network->architecture().validate();
    if (!problem.empty())
        return CommandResult::refused(ErrorKind::InvalidArgument, QString::fromStdString(problem));
    m_settings.architecture = network->architecture();
    m_modelEpochs = metadata.epochsTrained;
    m_modelTestAccuracy = metadata.testAccuracy;
    resetRun();
    setSnapshot(std::move(network), true);
    autosave(m_modelEpochs, m_modelTestAccuracy);
    emit settingsChanged();
    return CommandResult::done(u"updated"_s);
}

void Session::autosave(int epochsTrained, float testAccuracy)
{
    if (m_options.modelPath.isEmpty())
        return;
    // The snapshot is immutable and shared: the save thread needs no lock to read it.
    auto save = [this, network = weights(), path = m_options.modelPath, epochsTrained, testAccuracy] {
        const std::string bytes = core::serializeModel(*network, core::ModelMetadata{epochsTrained, testAccuracy});
        const QString problem = saveModelBytes(path, QByteArray::fromStdString(bytes));
        if (!problem.isEmpty())
            postToSession([this, problem] { emit warning(problem); });
    };
    expectPosts(); // the save thread may post a warning
    {
        std::lock_guard lock(m_saveMutex);
        m_saves.emplace_back(std::move(save));
    }
    m_saveWake.notify_one();
    if (!m_saveThread.joinable())
        m_saveThread = std::thread([this] { saveLoop(); });
}

void Session::saveLoop()
{
    std::unique_lock lock(m_saveMutex);
    for (;;) {
        m_saveWake.wait(lock, [this] { return m_saveQuit || !m_saves.empty(); });
        if (m_saves.empty())
            return; // quit, with nothing left to save
        const std::function<void()> save = std::move(m_saves.front());
        m_saves.pop_front();
        m_saveRunning = true;
        lock.unlock();
        save();
        lock.lock();
        m_saveRunning = false;
        if (m_saves.empty())
            m_savesDone.notify_all();
    }
}

void Session::waitForSaves()
{
    std::unique_lock lock(m_saveMutex);
    m_savesDone.wait(lock, [this] { return m_saves.empty() && !m_saveRunning; });
}

// --- Queries ------------------------------------------------------------------------------

SessionStats Session::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

namespace {
// A copy with a buffer of its own. A Qt container's copy shares the buffer, and a later append
// writes it in place once the container finds it unshared, with a relaxed load of the reference
// count that does not order the other thread's reads of the buffer before that write: the
// trainer thread appends to the history, so no other thread may hold a shared copy of it.
QVector<float> ownCopy(const QVector<float> &values)
{
    return QVector<float>(values.cbegin(), values.cend());
}
} // namespace

TrainingHistory Session::history() const
{
    std::lock_guard lock(m_mutex);
    TrainingHistory history;
    history.loss = ownCopy(m_history.loss);
    history.accuracy = ownCopy(m_history.accuracy);
    history.testLoss = ownCopy(m_history.testLoss);
    history.testAccuracy = ownCopy(m_history.testAccuracy);
    history.stride = m_history.stride;
    return history;
}

std::shared_ptr<const core::Network> Session::weights() const
{
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

std::shared_ptr<const core::Network> Session::initialWeights() const
{
    {
        std::lock_guard lock(m_mutex);
        if (m_initialWeights)
            return m_initialWeights;
    }
    return std::make_shared<const core::Network>(m_settings.architecture, m_settings.seed);
}

std::vector<std::shared_ptr<const core::Network>> Session::trajectory() const
{
    std::lock_guard lock(m_mutex);
    return m_trajectory;
}

bool Session::hasTrainedWeights() const
{
    std::lock_guard lock(m_mutex);
    return m_trained;
}

quint64 Session::weightsVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_weightsVersion;
}

std::shared_ptr<const BatchUpdate> Session::lastUpdate() const
{
    std::lock_guard lock(m_mutex);
    return m_lastUpdate;
}

std::optional<core::ConfusionMatrix> Session::confusion() const
{
    std::lock_guard lock(m_mutex);
    return m_confusion;
}

DataStatus Session::dataStatus() const
{
    DataStatus status;
    status.directory = m_options.mnistDirectory;
    status.loaded = bool(m_data);
    status.ready = status.loaded || core::mnistFilesPresent(m_options.mnistDirectory.toStdString());
    status.downloading = downloading();
    status.error = m_lastError;
    return status;
}

QByteArray Session::modelFile() const
{
    return QByteArray::fromStdString(
        core::serializeModel(*weights(), core::ModelMetadata{m_modelEpochs, m_modelTestAccuracy}));
}

namespace {
double nowMs()
{
    using namespace std::chrono;
    return duration<double, std::milli>(system_clock::now().time_since_epoch()).count();
}

void appendHistory(TrainingHistory &history, long long globalBatch, float loss, float accuracy)
{
    if ((globalBatch - 1) % history.stride != 0)
        return;
    history.loss.append(loss);
    history.accuracy.append(accuracy);
    if (history.loss.size() < TrainingHistory::maxPoints)
        return;
    // Keep every other point and double the stride (points stay at batches 1, 1+s, 1+2s, ...).
    const auto halve = [](QVector<float> &values) {
        for (qsizetype i = 0; 2 * i < values.size(); ++i)
            values[i] = values[2 * i];
        values.resize((values.size() + 1) / 2);
    };
    halve(history.loss);
    halve(history.accuracy);
    history.stride *= 2;
}
} // namespace

// --- Trainer thread -----------------------------------------------------------------------

void Session::relayBatch(const core::BatchReport &report)
{
    using namespace std::chrono;
    const auto now = steady_clock::now();
    if (m_narrating) {
        // A batch that a shown teaching moment follows is the card's to explain, not a caption's.
        const double seconds = duration<double>(now.time_since_epoch()).count();
        auto caption = m_narrator.batchFinished(report, seconds);
        if (report.momentFollows && momentShown(*report.momentFollows))
            m_narrator.cardShown(seconds);
        else if (caption)
            postToSession([this, caption = *caption] { emit narration(caption); });
    }
    const bool sendUpdate = report.globalBatch == 1 || report.batch == report.batchesPerEpoch
                            || now - m_lastEmit >= milliseconds(m_updateIntervalMs.load());
    const bool takeSnapshot = now - m_lastSnapshot >= milliseconds(m_options.weightsSnapshotMs);
    std::shared_ptr<BatchUpdate> update;
    if (sendUpdate) {
        update = std::make_shared<BatchUpdate>();
        update->report = std::make_shared<const core::BatchReport>(report);
        update->serverTimeMs = nowMs();
        m_lastEmit = now;
    }
    std::shared_ptr<const core::Network> snapshot;
    if (takeSnapshot) {
        snapshot = std::make_shared<const core::Network>(*m_trainingNetwork);
        m_lastSnapshot = now;
    }
    // The learning views' trajectory: at most kTrajectoryPoints snapshots over the whole run.
    const long long runBatches = std::max(1LL, (long long)report.batchesPerEpoch * report.epochs);
    const long long trajectoryStride = (runBatches + kTrajectoryPoints - 1) / kTrajectoryPoints;
    std::shared_ptr<const core::Network> trajectoryPoint;
    if (report.globalBatch % trajectoryStride == 0)
        trajectoryPoint = snapshot ? snapshot : std::make_shared<const core::Network>(*m_trainingNetwork);
    quint64 version = 0;
    {
        std::lock_guard lock(m_mutex);
        m_stats.epoch = report.epoch;
        m_stats.epochs = report.epochs;
        m_stats.batch = report.batch;
        m_stats.batchesPerEpoch = report.batchesPerEpoch;
        m_stats.globalBatch = report.globalBatch;
        m_stats.loss = report.loss;
        m_stats.accuracy = report.accuracy;
        appendHistory(m_history, report.globalBatch, report.loss, report.accuracy);
        if (update) {
            update->sequence = ++m_sequence;
            m_lastUpdate = update;
        }
        if (snapshot) {
            m_snapshot = snapshot;
            m_trained = true;
            version = ++m_weightsVersion;
        }
        if (trajectoryPoint && m_trajectory.size() < std::size_t(kTrajectoryPoints))
            m_trajectory.push_back(std::move(trajectoryPoint));
    }
    if (update)
        postToSession([this, copy = *update] { emit batchReported(copy); });
    if (snapshot)
        postToSession([this, version] { emit weightsChanged(version); });
}

void Session::relayTeachingMoment(const core::TeachingMoment &moment, const core::BatchReport &report)
{
    if (!momentShown(moment.kind) || m_stopRequested)
        return;
    // Hold the next batch right away: the main thread's state machine, told below, decides
    // whether this becomes a timed teaching pause (and opens the gate again at its deadline) or
    // the run carries on. The trainer thread never waits here.
    m_trainer->gate().close();
    PauseMoment pause;
    pause.reason = QString::fromStdString(moment.reason);
    pause.moment = moment;
    pause.durationSeconds = moment.pauseSeconds;
    pause.update.report = std::make_shared<const core::BatchReport>(report);
    pause.update.serverTimeMs = nowMs();
    {
        std::lock_guard lock(m_mutex);
        pause.update.sequence = ++m_sequence;
        pause.lossHistory = ownCopy(m_history.loss);
    }
    postToSession([this, pause] { onTeachingMoment(pause); });
}

void Session::relayEpoch(const core::EpochReport &report)
{
    if (m_narrating) {
        const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
        long long globalBatch = 0;
        {
            std::lock_guard lock(m_mutex);
            globalBatch = m_stats.globalBatch;
        }
        auto caption = m_narrator.epochFinished(report, globalBatch, now);
        if (report.momentFollows && momentShown(*report.momentFollows))
            m_narrator.cardShown(now, core::CaptionKind::EpochResult); // the epoch_end card says it
        else if (caption)
            postToSession([this, caption = *caption] { emit narration(caption); });
    }
    auto snapshot = std::make_shared<const core::Network>(*m_trainingNetwork);
    m_lastSnapshot = std::chrono::steady_clock::now();
    quint64 version = 0;
    {
        std::lock_guard lock(m_mutex);
        m_history.testLoss.append(report.testLoss);
        m_history.testAccuracy.append(report.testAccuracy);
        m_confusion = report.confusion;
        m_snapshot = snapshot;
        m_trained = true;
        version = ++m_weightsVersion;
    }
    postToSession([this, report, version] {
        emit weightsChanged(version);
        m_modelEpochs = report.epoch;
        m_modelTestAccuracy = report.testAccuracy;
        autosave(report.epoch, report.testAccuracy);
        emit epochFinished(report);
    });
}

} // namespace server
