// server::Session — the ONE shared training run of the process. The desktop window and every
// browser (through HttpApi / WebSocketHub) are clients of the same Session object.
//
// API summary (all methods are called on the thread that owns the Session, i.e. the main thread;
// every signal is emitted on that thread too, so plain connects are fine):
//   State      runState(): the one state machine of the run (see RunState in sessiontypes.h);
//              every transition emits runStateChanged. Training waits at a core::BatchGate that
//              only this state machine opens and closes; the trainer thread never waits inside
//              a callback, and a teaching pause is a state with a deadline.
//   Commands   start() -> Started | Busy | Error;  stop();  pause();  resume();  step()
//              setLearningRate / setBatchDelay / setSpeed / setTeachingMode / set teaching moments
//              (live, also while training); setArchitecture / setBatchSize / setEpochs /
//              loadModel (idle only). Pause during a teaching pause holds the moment on show
//              until resume (Continue) or stop.
//              Setters return an empty QString on success, else the error text (nothing changed).
//   Queries    settings(), stats(), history(), weights() (snapshot, never waits on training),
//              lastUpdate(), confusion(), dataStatus(), modelFile(). Cheap; callable any time.
//   Signals    trainingStarted, batchReported (throttled: ~30/s normal, ~5/s fast), teaching
//              moments (pauseMomentReached / pauseMomentEnded), epochFinished, trainingFinished,
//              trainingFailed, paused/resumed, runStateChanged, settingsChanged, weightsChanged,
//              dataStatusChanged, downloadProgress, warning (autosave / model load problems).
// Training runs on a worker thread owned by the Session, never on the event-loop thread.
// MNIST is loaded once (downloaded first when missing) and kept for later runs.
#pragma once

#include "batchgate.h"
#include "command.h"
#include "datafetcher.h"
#include "dataset.h"
#include "network.h"
#include "sessiontypes.h"
#include "trainer.h"

#include <QObject>
#include <QTimer>

#include <QStringList>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace server {

class TrainingRelay;

struct SessionOptions
{
    QString mnistDirectory; // where the four IDX files are (or get downloaded to)
    QString modelPath; // autosave file (…/models/last.nnjmodel); empty: no autosave
    bool allowDownload = true; // fetch MNIST when missing (needs `fetcher`)
    // Makes what fetches missing MNIST (the transport's MnistDownloader); empty: no downloads.
    std::function<std::unique_ptr<DataFetcher>()> fetcher;
    double teachingPauseScale = 1.0; // tests shorten the original's 3 s / 3 s / 2 s pauses
    int weightsSnapshotMs = 1000; // how often the live weights snapshot is refreshed
    // The speed a new session starts at (Custom is taken as Normal). Normal paces a run for
    // watching; tests and batch jobs that only want the result start at Fast.
    SpeedMode speed = SpeedMode::Normal;
};

class Session : public QObject
{
    Q_OBJECT
public:
    enum class RunOutcome { None, Finished, Stopped, Failed }; // how the last run ended

    explicit Session(SessionOptions options, QObject *parent = nullptr);
    ~Session() override; // stops a run and joins the worker thread

    // --- Commands ------------------------------------------------------------------------
    // The one door for every command of every client (see command.h). Start: Started (data is
    // loaded or downloaded first if needed), "busy" when a run is on, Unavailable when the
    // data is missing. Stop takes effect before the next batch, in every state. Step runs one
    // batch and pauses (it starts a paused run when idle). Learning rate, batch delay, speed
    // and teaching mode change live; architecture, batch size, epochs and model only when idle.
    CommandResult execute(const Command &command);
    QString lastError() const { return m_lastError; }
    // One moment kind's switch (a SetTeachingMoments command): off, it never pauses the run.
    CommandResult setTeachingMomentEnabled(core::TeachingMomentKind kind, bool enabled);
    bool teachingMomentEnabled(core::TeachingMomentKind kind) const;
    // Fetches missing MNIST files without training (progress through downloadProgress).
    void downloadData();
    // Autosaves (serialise, write, fsync) run one at a time on a background thread so the event
    // loop never waits on the disk; this blocks until the queued ones are on disk.
    void waitForSaves();

    // --- Queries -------------------------------------------------------------------------
    RunState runState() const { return m_state; }
    // Identity of the run the clients are showing: a new one at every start and every new
    // network (architecture change, loaded model), so clients clear the old run's views.
    quint64 runId() const { return m_runId; }
    RunOutcome lastOutcome() const { return m_lastOutcome; }
    // How the last run went (core::computeVerdict), from its end until the next run or network.
    std::optional<core::Verdict> lastVerdict() const { return m_lastVerdict; }
    bool isTraining() const { return m_state != RunState::Idle; }
    bool isPaused() const { return m_state == RunState::Paused || m_state == RunState::TeachingPause; }
    SessionSettings settings() const { return m_settings; }
    SessionStats stats() const;
    TrainingHistory history() const;
    // The current network: the live run's parameters (refreshed every weightsSnapshotMs and at
    // each epoch end) or the loaded/last trained model. Never null.
    std::shared_ptr<const core::Network> weights() const;
    bool hasTrainedWeights() const; // false before any training and without a loaded model
    quint64 weightsVersion() const;
    std::shared_ptr<const BatchUpdate> lastUpdate() const; // null before the first batch
    std::optional<core::ConfusionMatrix> confusion() const; // last epoch's, if any
    DataStatus dataStatus() const;
    QByteArray modelFile() const; // the current network as a model file
    QString pauseReason() const { return m_moment ? m_moment->reason : QString(); } // shown moment or empty
    // The teaching moment on show (a timed teaching pause, or one met while paused), else null.
    std::shared_ptr<const PauseMoment> pauseMoment() const { return m_moment; }
    // Problems met while loading the autosaved model at construction (corrupted file, ...).
    QStringList startupWarnings() const { return m_startupWarnings; }

    // --- For the learning views (analysis) ------------------------------------------------
    // The exact weights the current (or last) run started from: a copy taken before its first
    // step. Before any run on the current network (start-up, new architecture, loaded model):
    // the fresh weights a run starts from (Network(architecture, seed)). Never null.
    std::shared_ptr<const core::Network> initialWeights() const;
    // Weight snapshots of the current (or last) run, in order: one every ceil(B / kTrajectoryPoints)
    // batches of a run of B batches, so at most kTrajectoryPoints; cleared when a run or a new
    // network starts. Immutable copies, safe to read from any thread.
    static constexpr int kTrajectoryPoints = 50;
    std::vector<std::shared_ptr<const core::Network>> trajectory() const;
    // The loaded MNIST (train and test sets), null until a run has loaded it. Main thread.
    std::shared_ptr<const core::MnistData> data() const { return m_data; }

signals:
    void trainingStarted();
    void batchReported(const server::BatchUpdate &update);
    void pauseMomentReached(const server::PauseMoment &moment);
    void pauseMomentEnded(const QString &reason);
    void trainingPaused();
    void trainingResumed();
    void runStateChanged(server::RunState state);
    void epochFinished(const core::EpochReport &report);
    void trainingFinished(const core::FinishReport &report); // also after stop (report.stopped)
    void trainingFailed(const QString &message); // followed by trainingFinished
    // Narrated speed only: a caption about the run, at most one per core::Narrator's gap.
    void narration(const core::Caption &caption);
    void settingsChanged();
    void weightsChanged(quint64 version);
    void dataStatusChanged();
    void downloadProgress(const QString &file, qint64 received, qint64 total, bool done);
    void warning(const QString &message);

private:
    friend class TrainingRelay;

    // Calls from other threads (the trainer, the save thread) to run on the Session's thread:
    // postToSession() queues them under m_postMutex; m_postTimer, running while another thread
    // may post (started on the Session's thread before it can), runs them in order every
    // kPostIntervalMs. Nothing built on another thread passes through Qt's event queue, whose
    // locks ThreadSanitizer cannot see (the tsan preset): every hand-off is ordered by
    // m_postMutex. The cost: up to kPostIntervalMs of delay, a few hundred cheap wake-ups a second
    // during a run, none when idle.
    static constexpr int kPostIntervalMs = 4;
    void postToSession(std::function<void()> call);
    void expectPosts(); // before another thread may post
    bool othersIdle(); // no other thread can post until the Session starts one again
    void runPosted();

    enum class StartMode { Run, Paused }; // Paused: the run waits for a step or resume
    CommandResult start(StartMode mode);
    CommandResult stop();
    CommandResult pause();
    CommandResult resume();
    CommandResult step();
    CommandResult setLearningRate(double learningRate); // finite, 0 < lr <= 10
    CommandResult setBatchDelay(double milliseconds); // whole, 0..10000
    CommandResult setSpeed(SpeedMode mode); // sets the pace and the update rate, clears the batch delay
    CommandResult setPace(double batchesPerSecond); // kMinimumPace..kMaximumPace or 0 (unlimited): Custom
    CommandResult setTeachingMode(bool enabled);
    CommandResult setTeachingMoments(const std::vector<std::pair<core::TeachingMomentKind, bool>> &moments);
    bool momentShown(core::TeachingMomentKind kind) const; // teaching on and the kind's switch on; any thread
    CommandResult setArchitecture(const core::Architecture &architecture); // idle only; new network
    CommandResult setBatchSize(double batchSize); // idle only, whole, 1..4096
    CommandResult setEpochs(double epochs); // idle only, whole, 1..100
    // Replaces the network by a model file after validating it completely (idle only).
    CommandResult loadModel(const QByteArray &bytes, const QString &sourceName);

    void setState(RunState state);
    void resetRun(); // a new run identity: clears stats, history, confusion, last update
    void launchWorker();
    void workerBody(std::shared_ptr<const core::MnistData> data, std::shared_ptr<core::BatchGate> gate);
    void onDataReady();
    void finishRun(const core::FinishReport &report, const QString &failure);
    void onTeachingMoment(const PauseMoment &moment);
    void endMoment(); // the shown moment ends (deadline, continue, stop): pauseMomentEnded
    void autosave(int epochsTrained, float testAccuracy); // queued for the save thread
    void saveLoop(); // the save thread
    void loadAutosave();
    void setSnapshot(std::shared_ptr<const core::Network> network, bool trained);
    void onDownloadFinished(bool ok, const QString &message);

    // Called by the relay on the trainer thread.
    void relayBatch(const core::BatchReport &report);
    void relayTeachingMoment(const core::TeachingMoment &moment, const core::BatchReport &report);
    void relayEpoch(const core::EpochReport &report);

    SessionOptions m_options;
    SessionSettings m_settings;
    RunState m_state = RunState::Idle;
    quint64 m_runId = 1;
    RunOutcome m_lastOutcome = RunOutcome::None;
    std::optional<core::Verdict> m_lastVerdict;
    bool m_holdAfterLoad = false; // paused or stepped while the data was loading
    QString m_lastError;
    QStringList m_startupWarnings;
    int m_modelEpochs = 0; // metadata of the current weights, for modelFile()
    float m_modelTestAccuracy = -1;
    std::unique_ptr<DataFetcher> m_downloader; // null: this session cannot download
    bool downloading() const { return m_downloader && m_downloader->isRunning(); }
    bool m_startAfterDownload = false;

    // Run state owned by the main thread; the worker only touches it through m_mutex.
    std::shared_ptr<const core::MnistData> m_data;
    std::unique_ptr<core::Network> m_trainingNetwork;
    // The trainer thread's narrator (reset by resetRun before a worker starts); it is fed only
    // while m_narrating (the speed is Narrated), so the captions describe what viewers watch.
    core::Narrator m_narrator;
    std::atomic<bool> m_narrating{false};
    std::unique_ptr<TrainingRelay> m_relay;
    std::thread m_worker;
    std::shared_ptr<core::BatchGate> m_gate; // the run's gate; new for every run
    std::atomic<bool> m_stopRequested{false};
    core::TrainerSettings m_trainerSettings; // written before the worker starts

    // Trainer thread only.
    std::chrono::steady_clock::time_point m_lastEmit;
    std::chrono::steady_clock::time_point m_lastSnapshot;

    // Shared with the trainer thread.
    mutable std::mutex m_mutex;
    core::Trainer *m_trainer = nullptr;
    SessionStats m_stats;
    TrainingHistory m_history;
    std::shared_ptr<const core::Network> m_snapshot;
    bool m_trained = false;
    quint64 m_weightsVersion = 1;
    std::shared_ptr<const BatchUpdate> m_lastUpdate;
    std::optional<core::ConfusionMatrix> m_confusion;
    quint64 m_sequence = 0;
    std::shared_ptr<const core::Network> m_initialWeights; // null before a run on this network
    std::vector<std::shared_ptr<const core::Network>> m_trajectory;

    // Autosaves, in order, on a thread of their own (started at the first), off the event loop.
    // A plain std::thread with a std::mutex-guarded queue, not a QThreadPool: the hand-off from
    // the main thread is then one that ThreadSanitizer (the tsan preset) can follow.
    std::mutex m_saveMutex;
    std::condition_variable m_saveWake; // a save was queued, or the thread must end
    std::condition_variable m_savesDone; // the queue ran empty
    std::deque<std::function<void()>> m_saves;
    bool m_saveRunning = false; // the save thread is writing one now
    bool m_saveQuit = false;
    std::thread m_saveThread;

    std::mutex m_postMutex;
    std::deque<std::function<void()>> m_posted;
    QTimer m_postTimer;

    // Teaching moments (main thread): the one on show and the id of its deadline timer.
    std::shared_ptr<const PauseMoment> m_moment;
    quint64 m_momentId = 0;
    std::atomic<bool> m_teachingEnabled{true};
    std::atomic<unsigned> m_momentsEnabled{(1u << core::teachingMomentKindCount) - 1}; // bit per kind
    std::atomic<int> m_updateIntervalMs{33};
};

} // namespace server
