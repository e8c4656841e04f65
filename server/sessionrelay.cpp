// The Session's trainer-thread half: the relay callbacks copy what the clients need under the
// session lock, throttle live updates, refresh the weights snapshot and close the batch gate at
// a teaching moment; everything reaches the main thread as queued calls. Nothing here waits.
#include "session.h"


#include <cmath>

using namespace Qt::StringLiterals;

namespace server {

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
    }
    if (update)
        QMetaObject::invokeMethod(this, [this, copy = *update] { emit batchReported(copy); }, Qt::QueuedConnection);
    if (snapshot)
        QMetaObject::invokeMethod(this, [this, version] { emit weightsChanged(version); }, Qt::QueuedConnection);
}

void Session::relayTeachingMoment(const core::TeachingMoment &moment, const core::BatchReport &report)
{
    if (!m_teachingEnabled || m_stopRequested)
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
        pause.lossHistory = m_history.loss;
    }
    QMetaObject::invokeMethod(this, [this, pause] { onTeachingMoment(pause); }, Qt::QueuedConnection);
}

void Session::relayEpoch(const core::EpochReport &report)
{
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
    QMetaObject::invokeMethod(this, [this, report, version] {
        emit weightsChanged(version);
        m_modelEpochs = report.epoch;
        m_modelTestAccuracy = report.testAccuracy;
        autosave(report.epoch, report.testAccuracy);
        emit epochFinished(report);
    }, Qt::QueuedConnection);
}

} // namespace server
