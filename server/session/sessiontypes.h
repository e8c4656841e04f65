// Value types the shared training session hands out: settings, live stats, history and the
// events it emits (all copyable, safe to queue across threads). No behaviour lives here.
#pragma once

#include "architecture.h"
#include "narrator.h"
#include "optimizer.h"
#include "trainingevents.h"

#include <QMetaType>
#include <QString>
#include <QVector>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

namespace server {

// The state of the run. Exactly one object, the Session, owns it and changes it, on its own
// thread; every client (the desktop window, each browser) is told each change.
//   Idle --start--> LoadingData --data ready--> Running | Paused (a start by `step`)
//   Running --pause--> Paused --resume--> Running;  step: Running/Paused -> Paused + one batch
//   Running --teaching moment--> TeachingPause --deadline or resume--> Running
//   TeachingPause --pause--> Paused, the moment held on show (no deadline) until resume or stop;
//   TeachingPause --step--> Paused, the moment ended;  a moment met while Paused shows without a
//   deadline
//   any state but Idle --stop--> Stopping --worker ended--> Idle;  a run that ends by itself,
//   or fails (an event, not a state), goes straight back to Idle.
enum class RunState { Idle, LoadingData, Running, Paused, TeachingPause, Stopping };
QString runStateName(RunState state); // "idle", "loading_data", "running", "paused", ...

// The speed buttons, as paces (batches started per second, kPaceUnlimited = as fast as the CPU
// goes) and live update rates:
//   Step      one batch per press: choosing it pauses the run, a start runs one batch and holds;
//             Continue then goes on at 1 batch/s.
//   Narrated  5 batches/s, slow enough to read the captions.
//   Normal    50 batches/s: the default run (3 epochs, 2,814 batches of 64) lasts about a minute.
//   Fast      no limit (the default run in a second or two); 5 live updates/s instead of ~30.
//   Custom    a pace set directly (the continuous speed control): any value from kMinimumPace
//             to kMaximumPace, or unlimited.
// The batch delay (/set-batch-delay) keeps the original's meaning, a pause after every batch; it
// adds to the pace (a batch starts when both have passed). Choosing a speed resets it to 0.
enum class SpeedMode { Step, Narrated, Normal, Fast, Custom };
constexpr double kPaceUnlimited = 0;
constexpr double kMinimumPace = 0.1;
constexpr double kMaximumPace = 10000;

QString speedModeName(SpeedMode mode); // "step", "narrated", "normal", "fast"
std::optional<SpeedMode> speedModeFromName(const QString &name);
double speedModePace(SpeedMode mode); // batches per second; Custom: kPaceUnlimited
int speedModeUpdateInterval(SpeedMode mode); // milliseconds between live updates

constexpr std::array<bool, core::teachingMomentKindCount> allMomentsOn()
{
    std::array<bool, core::teachingMomentKindCount> on{};
    for (bool &flag : on)
        flag = true;
    return on;
}

struct SessionSettings
{
    core::Architecture architecture; // default 784-128-64-10, relu
    float learningRate = 0.01f;
    int batchDelayMs = 0;
    double pace = 50; // batches per second, kPaceUnlimited = no limit (Normal)
    int batchSize = 64;
    int epochs = 3;
    bool teachingMode = true;
    // Per moment kind (indexed by core::TeachingMomentKind): whether it pauses the run. All on by
    // default; teachingMode switches them all off at once.
    std::array<bool, core::teachingMomentKindCount> teachingMoments = allMomentsOn();
    SpeedMode speed = SpeedMode::Normal;
    core::OptimizerKind optimizer = core::OptimizerKind::Sgd;
    std::uint64_t seed = 42;
};

// What /status and the `state` snapshot show. Values are from the last finished batch.
struct SessionStats
{
    bool training = false; // a run holds the training lock (also while loading/downloading data)
    bool paused = false; // paused by a controller or by a teaching moment
    int epoch = 0;
    int epochs = 0;
    int batch = 0;
    int batchesPerEpoch = 0;
    long long globalBatch = 0;
    float loss = 0;
    float accuracy = 0; // batch accuracy, 0..1
};

// Loss/accuracy per batch of the current (or last) run, thinned to at most maxPoints by
// keeping every `stride`-th batch; test figures one per finished epoch.
struct TrainingHistory
{
    static constexpr int maxPoints = 2000;
    QVector<float> loss;
    QVector<float> accuracy;
    QVector<float> testLoss;
    QVector<float> testAccuracy;
    int stride = 1;
};

// One live update: a copy of the trainer's batch report plus when the server produced it.
struct BatchUpdate
{
    std::shared_ptr<const core::BatchReport> report;
    double serverTimeMs = 0; // milliseconds since the Unix epoch
    quint64 sequence = 0; // increases by one per emitted update
};

// A teaching moment: the session really pauses training for `durationSeconds` (0: the run
// was already paused by a controller, or was paused during the moment, so the moment holds
// until someone continues).
struct PauseMoment
{
    QString reason; // core::teachingMomentReason: "first_forward", ..., "confident_mistake"
    core::TeachingMoment moment; // its numbers; each client words them (messages::teachingText)
    double durationSeconds = 0;
    double deadlineMs = 0; // when the pause ends, ms since the Unix epoch; 0 when it holds
    BatchUpdate update; // the data of that moment
    QVector<float> lossHistory;
};

struct DataStatus
{
    bool ready = false; // the four files are present (or loaded)
    bool loaded = false; // parsed and kept in memory
    bool downloading = false;
    QString directory;
    QString error; // last load/download error, empty if none
};

} // namespace server

Q_DECLARE_METATYPE(server::BatchUpdate)
Q_DECLARE_METATYPE(server::PauseMoment)
Q_DECLARE_METATYPE(server::RunState)
Q_DECLARE_METATYPE(core::EpochReport)
Q_DECLARE_METATYPE(core::FinishReport)
Q_DECLARE_METATYPE(core::Caption)
