// The training loop: epochs of shuffled mini-batches, live-changeable learning rate and batch
// delay, per-batch reports with the visual data, epoch-end evaluation on the test set, teaching
// moments as the original detects them. Before every batch the loop passes gate(): whoever owns
// the run opens, closes, steps or stops it from any thread (the trainer keeps no pause state of
// its own). run() blocks: call it on a worker thread. Deterministic for a given seed.
#pragma once

#include "batchgate.h"
#include "dataset.h"
#include "network.h"
#include "optimizer.h"
#include "trainingevents.h"

#include <atomic>
#include <cstdint>
#include <memory>

namespace core {

struct TrainerSettings
{
    int epochs = 3;
    int batchSize = 64;
    float learningRate = 0.01f;
    int batchDelayMs = 0; // a pause after each batch
    // The pace: at most this many batches start per second, each batch starting no sooner than
    // 1 / pace after the previous one started (so the compute time counts). 0 = no limit.
    double batchesPerSecond = 0;
    std::uint64_t seed = 42;
    OptimizerSettings optimizer;
    int threads = 1; // data-parallel workers for a batch (1 or 2 sensible here)
    bool detectTeachingMoments = true;
    bool evaluateEachEpoch = true;
};

class Trainer
{
public:
    // `network` and `data` (and `gate`, when given) must outlive the trainer; the trainer writes
    // `network`'s parameters. Without `gate` the trainer uses a gate of its own, open.
    Trainer(Network &network, const MnistData &data, TrainerSettings settings, BatchGate *gate = nullptr);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    // Trains until the epochs are done, stop() is called, or the loss becomes non-finite
    // (then observer.trainingFailed is called and the report says stopped).
    FinishReport run(TrainingObserver &observer);

    // Thread-safe controls. gate().stop() takes effect before the next batch, also while the
    // gate is closed or the batch delay is being slept.
    BatchGate &gate() { return m_gate; }
    void setLearningRate(float learningRate);
    void setBatchDelay(int milliseconds);

    bool stopRequested() const { return m_gate.stopped(); }
    float learningRate() const { return m_learningRate.load(); }
    int batchDelay() const { return m_batchDelayMs.load(); }
    // Thread-safe, takes effect for the batch being waited for: a faster pace ends a wait early.
    void setPace(double batchesPerSecond); // 0, negative or non-finite = no limit
    double pace() const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
    Network &m_network;
    const MnistData &m_data;
    TrainerSettings m_settings;

    BatchGate m_ownGate;
    BatchGate &m_gate;
    std::atomic<float> m_learningRate;
    std::atomic<int> m_batchDelayMs;
    std::atomic<long long> m_batchIntervalUs{0}; // 1 / pace, 0 = no limit

    // After a batch: the batch delay and the pace, re-read whenever shortened. False when stopped.
    bool waitAfterBatch(std::chrono::steady_clock::time_point batchStart);
};

} // namespace core
