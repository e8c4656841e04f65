#include "losstracker.h"

#include <cmath>

namespace core {

void LossTracker::add(float loss)
{
    ++m_batches;
    const float previous = m_smoothed;
    m_smoothed = m_batches == 1 ? loss : previous + kSmoothing * (loss - previous);
    if (m_batches == 1 || m_smoothed < m_minimum) {
        m_minimum = m_smoothed;
        m_minimumBatch = m_batches;
    }
    if (m_batches == 1 || m_smoothed > m_peak)
        m_peak = m_smoothed;
    m_rising = m_batches > 1 && m_smoothed > previous ? m_rising + 1 : 0;
    if (m_initialCount < kInitialBatches) {
        m_initialSum += loss;
        ++m_initialCount;
    }
    m_ring[std::size_t(m_batches % static_cast<long long>(m_ring.size()))] = m_smoothed;
}

float LossTracker::smoothedWindowAgo() const
{
    if (m_batches <= kPlateauWindow)
        return m_smoothed;
    return m_ring[std::size_t((m_batches - kPlateauWindow) % static_cast<long long>(m_ring.size()))];
}

bool LossTracker::diverging() const
{
    return (m_rising >= kRisingBatches && m_smoothed > kDivergenceRatio * m_minimum)
           || (m_smoothed > kBlowUpLoss && m_smoothed > kBlowUpRatio * m_minimum);
}

bool LossTracker::plateaued() const
{
    if (m_batches <= kPlateauWindow || m_smoothed <= kPlateauLoss)
        return false;
    const float before = smoothedWindowAgo();
    return std::fabs(m_smoothed - before) < kPlateauChange * before;
}

RunHistory LossTracker::history() const
{
    RunHistory history;
    history.batches = m_batches;
    history.initialLoss = initialLoss();
    history.finalLoss = m_smoothed;
    history.peakLoss = m_peak;
    history.minimumLoss = m_minimum;
    return history;
}

} // namespace core
