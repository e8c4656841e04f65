// The training loop: epochs of shuffled mini-batches, live-changeable learning rate and batch
// delay, stop / pause / resume / single-step from any thread, per-batch reports with the
// visual data, epoch-end evaluation on the test set, teaching moments as the seed detects them.
// run() blocks: call it on a worker thread. Deterministic for a given seed.
#pragma once

#include "dataset.h"
#include "network.h"
#include "optimizer.h"
#include "trainingevents.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace core {

struct TrainerSettings
{
    int epochs = 3;
    int batchSize = 64;
    float learningRate = 0.01f;
    int batchDelayMs = 0;
    std::uint64_t seed = 42;
    OptimizerSettings optimizer;
    int threads = 1;                 // data-parallel workers for a batch (1 or 2 sensible here)
    bool detectTeachingMoments = true;
    bool evaluateEachEpoch = true;
};

class Trainer
{
public:
    // `network` and `data` must outlive the trainer; the trainer writes `network`'s parameters.
    Trainer(Network &network, const MnistData &data, TrainerSettings settings);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    // Trains until the epochs are done, stop() is called, or the loss becomes non-finite
    // (then observer.trainingFailed is called and the report says stopped).
    FinishReport run(TrainingObserver &observer);

    // Thread-safe controls. stop() takes effect before the next batch, also while paused or
    // sleeping the batch delay. step() runs one batch and pauses again.
    void stop();
    void pause();
    void resume();
    void step();
    void setLearningRate(float learningRate);
    void setBatchDelay(int milliseconds);

    bool isPaused() const;
    bool stopRequested() const { return m_stop.load(); }
    float learningRate() const { return m_learningRate.load(); }
    int batchDelay() const { return m_batchDelayMs.load(); }

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
    Network &m_network;
    const MnistData &m_data;
    TrainerSettings m_settings;

    std::atomic<bool> m_stop{false};
    std::atomic<float> m_learningRate;
    std::atomic<int> m_batchDelayMs;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_paused = false;
    int m_stepsAllowed = 0;

    bool waitWhilePaused();      // false when stopped
    bool sleepBatchDelay();      // false when stopped
};

} // namespace core
