// The shared session: command handling on the main thread, the worker thread's body and the
// relay callbacks (trainer thread), which copy under m_mutex and post to the main thread.
#include "session.h"

#include "error.h"
#include "idxreader.h"
#include "modelfile.h"
#include "modelstore.h"
#include "trainingrelay.h"

#include <QDebug>
#include <QTimer>

#include <cmath>

using namespace Qt::StringLiterals;

namespace server {

Session::Session(SessionOptions options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    qRegisterMetaType<server::BatchUpdate>();
    qRegisterMetaType<server::PauseMoment>();
    qRegisterMetaType<core::EpochReport>();
    qRegisterMetaType<core::FinishReport>();
    m_snapshot = std::make_shared<const core::Network>(m_settings.architecture, m_settings.seed);
    loadAutosave();

    m_downloader = new MnistDownloader(this);
    if (!m_options.mirrors.isEmpty())
        m_downloader->setMirrors(m_options.mirrors);
    if (!m_options.files.isEmpty())
        m_downloader->setFiles(m_options.files);
    connect(m_downloader, &MnistDownloader::progress, this,
            [this](const QString &file, qint64 received, qint64 total) {
                emit downloadProgress(file, received, total, false);
            });
    connect(m_downloader, &MnistDownloader::fileDone, this, [this](const QString &file) {
        emit downloadProgress(file, -1, -1, true);
    });
    connect(m_downloader, &MnistDownloader::finished, this, [this] { onDownloadFinished(true, {}); });
    connect(m_downloader, &MnistDownloader::failed, this,
            [this](const QString &message) { onDownloadFinished(false, message); });
}

Session::~Session()
{
    waitForSaves(); // tasks emit on this object; let them finish while it is whole
    m_stopRequested = true;
    {
        std::lock_guard lock(m_mutex);
        if (m_trainer)
            m_trainer->stop();
        m_teachingActive = false;
    }
    m_teachingWake.notify_all();
    if (m_worker.joinable())
        m_worker.join();
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

// --- Commands -----------------------------------------------------------------------------

Session::StartResult Session::start(StartMode mode)
{
    if (m_phase != Phase::Idle)
        return StartResult::Busy;
    m_lastError.clear();
    const bool needData = !m_data && !core::mnistFilesPresent(m_options.mnistDirectory.toStdString());
    if (needData && (!m_options.allowDownload || m_options.mnistDirectory.isEmpty())) {
        m_lastError = u"MNIST data not found in %1. Put the four files there (raw or .gz), run "
                      "scripts/fetch-mnist, or start with --data-dir pointing at a folder that holds them."_s
                          .arg(m_options.mnistDirectory);
        return StartResult::Error;
    }
    m_stopRequested = false;
    {
        std::lock_guard lock(m_mutex);
        m_stats = SessionStats{};
        m_stats.training = true;
        m_stats.epochs = m_settings.epochs;
        m_history = TrainingHistory{};
        m_confusion.reset();
        m_lastUpdate.reset();
        m_startPaused = mode == StartMode::Paused;
        m_pendingSteps = 0;
    }
    emit trainingStarted();
    if (needData) {
        m_phase = Phase::Downloading;
        m_startAfterDownload = true;
        if (!m_downloader->isRunning())
            m_downloader->start(m_options.mnistDirectory);
        emit dataStatusChanged();
    } else {
        launchWorker();
    }
    return StartResult::Started;
}

void Session::launchWorker()
{
    m_phase = Phase::Running;
    m_trainingNetwork = std::make_unique<core::Network>(m_settings.architecture, m_settings.seed);
    m_relay = std::make_unique<TrainingRelay>(*this);
    m_trainerSettings = core::TrainerSettings{};
    m_trainerSettings.epochs = m_settings.epochs;
    m_trainerSettings.batchSize = m_settings.batchSize;
    m_trainerSettings.learningRate = m_settings.learningRate;
    m_trainerSettings.batchDelayMs = m_settings.batchDelayMs;
    m_trainerSettings.seed = m_settings.seed;
    m_trainerSettings.optimizer.kind = m_settings.optimizer;
    m_trainerSettings.detectTeachingMoments = true; // filtered live by m_teachingEnabled
    m_lastEmit = {};
    m_lastSnapshot = std::chrono::steady_clock::now();
    m_worker = std::thread([this, data = m_data] { workerBody(data); });
}

void Session::workerBody(std::shared_ptr<const core::MnistData> data)
{
    QString failure;
    core::FinishReport report;
    report.epochs = m_trainerSettings.epochs;
    report.stopped = true;
    if (!data) {
        try {
            data = std::make_shared<const core::MnistData>(core::loadMnist(m_options.mnistDirectory.toStdString()));
            QMetaObject::invokeMethod(this, [this, data] {
                m_data = data;
                emit dataStatusChanged();
            }, Qt::QueuedConnection);
        } catch (const core::Error &error) {
            failure = QString::fromStdString(error.what());
        } catch (const std::bad_alloc &) {
            failure = u"Not enough memory to load MNIST"_s;
        }
    }
    if (failure.isEmpty() && !m_stopRequested) {
        core::Trainer trainer(*m_trainingNetwork, *data, m_trainerSettings);
        {
            std::lock_guard lock(m_mutex);
            m_trainer = &trainer;
            trainer.setLearningRate(m_settings.learningRate);
            trainer.setBatchDelay(m_settings.batchDelayMs);
            if (m_startPaused)
                trainer.pause();
            for (int i = 0; i < m_pendingSteps; ++i)
                trainer.step();
            if (m_stopRequested)
                trainer.stop();
        }
        report = trainer.run(*m_relay);
        {
            std::lock_guard lock(m_mutex);
            m_trainer = nullptr;
        }
        failure = m_relay->failure();
    }
    QMetaObject::invokeMethod(this, [this, report, failure] { finishRun(report, failure); }, Qt::QueuedConnection);
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
    m_phase = Phase::Idle;
    m_teachingReason.clear();
    {
        std::lock_guard lock(m_mutex);
        m_stats.training = false;
        m_stats.paused = false;
        m_teachingActive = false;
    }
    if (trained && !report.stopped && failure.isEmpty())
        autosave(report.epochsCompleted, report.finalTestAccuracy);
    if (!failure.isEmpty()) {
        m_lastError = failure;
        emit trainingFailed(failure);
    }
    emit trainingFinished(report);
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
    if (m_downloader->isRunning() || core::mnistFilesPresent(m_options.mnistDirectory.toStdString()))
        return;
    m_downloader->start(m_options.mnistDirectory);
    emit dataStatusChanged();
}

void Session::stop()
{
    if (m_phase == Phase::Idle)
        return;
    m_stopRequested = true;
    {
        std::lock_guard lock(m_mutex);
        if (m_trainer)
            m_trainer->stop();
        m_teachingActive = false;
    }
    m_teachingWake.notify_all();
    if (m_phase == Phase::Downloading)
        m_downloader->abort(); // finishes the run through onDownloadFinished
}

bool Session::pause()
{
    if (m_phase == Phase::Idle)
        return false;
    {
        std::lock_guard lock(m_mutex);
        if (m_trainer)
            m_trainer->pause();
        else
            m_startPaused = true;
        m_stats.paused = true;
    }
    endTeachingPause();
    emit trainingPaused();
    return true;
}

bool Session::resume()
{
    if (m_phase == Phase::Idle)
        return false;
    {
        std::lock_guard lock(m_mutex);
        if (m_trainer)
            m_trainer->resume();
        m_startPaused = false;
        m_stats.paused = false;
    }
    endTeachingPause();
    emit trainingResumed();
    return true;
}

void Session::step()
{
    if (m_phase == Phase::Idle && start(StartMode::Paused) != StartResult::Started)
        return;
    {
        std::lock_guard lock(m_mutex);
        if (m_trainer)
            m_trainer->step();
        else
            ++m_pendingSteps;
        m_startPaused = true;
        m_stats.paused = true;
    }
    endTeachingPause();
}

void Session::endTeachingPause()
{
    {
        std::lock_guard lock(m_mutex);
        m_teachingActive = false;
    }
    m_teachingWake.notify_all();
}

QString Session::setLearningRate(double learningRate)
{
    if (!std::isfinite(learningRate) || learningRate <= 0 || learningRate > 10)
        return u"lr must be a finite number with 0 < lr <= 10"_s;
    {
        std::lock_guard lock(m_mutex);
        m_settings.learningRate = float(learningRate);
        if (m_trainer)
            m_trainer->setLearningRate(float(learningRate));
    }
    emit settingsChanged();
    return {};
}

QString Session::setBatchDelay(int milliseconds)
{
    if (milliseconds < 0 || milliseconds > 10000)
        return u"ms must be an integer from 0 to 10000"_s;
    {
        std::lock_guard lock(m_mutex);
        m_settings.batchDelayMs = milliseconds;
        if (m_trainer)
            m_trainer->setBatchDelay(milliseconds);
    }
    emit settingsChanged();
    return {};
}

void Session::setSpeed(SpeedMode mode)
{
    {
        std::lock_guard lock(m_mutex);
        m_settings.speed = mode;
        m_settings.batchDelayMs = speedModeBatchDelay(mode);
        if (m_trainer)
            m_trainer->setBatchDelay(m_settings.batchDelayMs);
    }
    m_updateIntervalMs = speedModeUpdateInterval(mode);
    emit settingsChanged();
}

void Session::setTeachingMode(bool enabled)
{
    m_settings.teachingMode = enabled;
    m_teachingEnabled = enabled;
    if (!enabled)
        endTeachingPause();
    emit settingsChanged();
}

QString Session::setArchitecture(const core::Architecture &architecture)
{
    const std::string problem = architecture.validate();
    if (!problem.empty())
        return QString::fromStdString(problem);
    if (m_phase != Phase::Idle)
        return u"Cannot change the architecture while training is in progress; stop it first"_s;
    m_settings.architecture = architecture;
    m_modelEpochs = 0;
    m_modelTestAccuracy = -1;
    setSnapshot(std::make_shared<const core::Network>(architecture, m_settings.seed), false);
    emit settingsChanged();
    return {};
}

QString Session::setBatchSize(int batchSize)
{
    if (batchSize < 1 || batchSize > 4096)
        return u"batch_size must be an integer from 1 to 4096"_s;
    if (m_phase != Phase::Idle)
        return u"Cannot change the batch size while training is in progress"_s;
    m_settings.batchSize = batchSize;
    emit settingsChanged();
    return {};
}

QString Session::setEpochs(int epochs)
{
    if (epochs < 1 || epochs > 100)
        return u"epochs must be an integer from 1 to 100"_s;
    if (m_phase != Phase::Idle)
        return u"Cannot change the number of epochs while training is in progress"_s;
    m_settings.epochs = epochs;
    emit settingsChanged();
    return {};
}

QString Session::loadModel(const QByteArray &bytes, const QString &sourceName)
{
    if (m_phase != Phase::Idle)
        return u"Cannot replace the model while training is in progress; stop it first"_s;
    core::ModelMetadata metadata;
    std::shared_ptr<core::Network> network;
    try {
        network = std::make_shared<core::Network>(
            core::deserializeModel(bytes.toStdString(), sourceName.toStdString(), &metadata));
    } catch (const core::Error &error) {
        return QString::fromStdString(error.what());
    }
    const std::string problem = network->architecture().validate();
    if (!problem.empty())
        return QString::fromStdString(problem);
    m_settings.architecture = network->architecture();
    m_modelEpochs = metadata.epochsTrained;
    m_modelTestAccuracy = metadata.testAccuracy;
    setSnapshot(std::move(network), true);
    autosave(m_modelEpochs, m_modelTestAccuracy);
    emit settingsChanged();
    return {};
}

void Session::autosave(int epochsTrained, float testAccuracy)
{
    if (m_options.modelPath.isEmpty())
        return;
    m_savePool.setMaxThreadCount(1);
    // The snapshot is immutable and shared: the save thread needs no lock.
    m_savePool.start([this, network = weights(), path = m_options.modelPath, epochsTrained, testAccuracy] {
        const std::string bytes = core::serializeModel(*network, core::ModelMetadata{epochsTrained, testAccuracy});
        const QString problem = saveModelBytes(path, QByteArray::fromStdString(bytes));
        if (!problem.isEmpty())
            QMetaObject::invokeMethod(this, [this, problem] { emit warning(problem); }, Qt::QueuedConnection);
    });
}

void Session::waitForSaves()
{
    m_savePool.waitForDone();
}

// --- Queries ------------------------------------------------------------------------------

bool Session::isPaused() const
{
    std::lock_guard lock(m_mutex);
    return m_phase != Phase::Idle && (m_stats.paused || m_teachingActive);
}

SessionStats Session::stats() const
{
    std::lock_guard lock(m_mutex);
    SessionStats result = m_stats;
    result.paused = m_phase != Phase::Idle && (m_stats.paused || m_teachingActive);
    return result;
}

TrainingHistory Session::history() const
{
    std::lock_guard lock(m_mutex);
    return m_history;
}

std::shared_ptr<const core::Network> Session::weights() const
{
    std::lock_guard lock(m_mutex);
    return m_snapshot;
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
    status.downloading = m_downloader->isRunning();
    status.error = m_lastError;
    return status;
}

QByteArray Session::modelFile() const
{
    return QByteArray::fromStdString(
        core::serializeModel(*weights(), core::ModelMetadata{m_modelEpochs, m_modelTestAccuracy}));
}

} // namespace server
