// The run's loss as the journey reads it: an exponential moving average over the batch losses
// (alpha kSmoothing), its lowest value and where, how many batches in a row it has risen, and the
// average kPlateauWindow batches ago. Feeds the divergence and plateau teaching moments and the
// run's verdict. Fixed memory (a ring of kPlateauWindow + 1 values): add() never allocates.
#pragma once

#include "verdict.h"

#include <array>

namespace core {

class LossTracker
{
public:
    static constexpr float kSmoothing = 0.1f; // weight of the newest batch in the average
    static constexpr int kInitialBatches = 10; // the initial loss is the mean of these first batches
    // Divergence: the average rose kRisingBatches batches in a row and is kDivergenceRatio times
    // its lowest value; or it blew up: above kBlowUpLoss, twice the loss of guessing uniformly
    // (ln 10 ≈ 2.3), and kBlowUpRatio times its lowest value (too high a learning rate often
    // throws the loss up in a few batches and then leaves it flat, the units dead).
    static constexpr int kRisingBatches = 20;
    static constexpr float kDivergenceRatio = 1.5f;
    static constexpr float kBlowUpLoss = 4.6f;
    static constexpr float kBlowUpRatio = 2.0f;
    // Plateau: over the last kPlateauWindow batches the average changed by less than
    // kPlateauChange of its value then, while it is above kPlateauLoss.
    static constexpr int kPlateauWindow = 200;
    static constexpr float kPlateauChange = 0.01f;
    static constexpr float kPlateauLoss = 0.5f;

    void add(float loss); // a finite batch loss
    void reset() { *this = LossTracker(); }

    long long batches() const { return m_batches; }
    float smoothed() const { return m_smoothed; }
    float minimum() const { return m_minimum; }
    float peak() const { return m_peak; } // the highest smoothed loss so far
    long long minimumBatch() const { return m_minimumBatch; } // 1-based, counted by add()
    int risingBatches() const { return m_rising; }
    float initialLoss() const { return m_initialCount ? float(m_initialSum / m_initialCount) : 0.0f; }
    // The average `kPlateauWindow` batches ago; only when batches() > kPlateauWindow.
    float smoothedWindowAgo() const;

    bool diverging() const;
    bool plateaued() const;

    // The history part of the verdict's input.
    RunHistory history() const;

private:
    long long m_batches = 0;
    float m_smoothed = 0;
    float m_minimum = 0;
    float m_peak = 0;
    long long m_minimumBatch = 0;
    int m_rising = 0;
    double m_initialSum = 0;
    int m_initialCount = 0;
    std::array<float, kPlateauWindow + 1> m_ring{}; // m_ring[b % size] = the average after batch b
};

} // namespace core
