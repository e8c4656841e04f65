// The narrator: a running mean of the batch losses, the lowest of those means over a window, one
// reference point for "halved since", and one held caption for the events that must not be lost.
#include "narrator.h"

#include <algorithm>
#include <cmath>

namespace core {

void Narrator::reset()
{
    *this = Narrator(m_gap);
}

std::optional<Caption> Narrator::offer(const Caption &caption, double now, bool hold, double gap)
{
    if (now - m_lastShown >= gap) {
        m_lastShown = now;
        if (m_held && m_held->kind == caption.kind)
            m_held.reset(); // said now, with newer numbers
        return caption;
    }
    if (hold && (!m_held || caption.kind <= m_held->kind))
        m_held = caption;
    return std::nullopt;
}

void Narrator::cardShown(double now, std::optional<CaptionKind> covered)
{
    m_lastShown = now;
    if (m_held && covered && m_held->kind == *covered)
        m_held.reset();
}

std::optional<Caption> Narrator::tick(double now)
{
    if (!m_held || now - m_lastShown < m_gap)
        return std::nullopt;
    const Caption held = *m_held;
    m_held.reset();
    m_lastShown = now;
    return held;
}

std::optional<Caption> Narrator::batchFinished(const BatchReport &report, double now)
{
    m_epoch = report.epoch;
    const float lastRate = m_lastRate;
    m_lastRate = report.learningRate;
    if (lastRate >= 0 && report.learningRate != lastRate) {
        if (auto shown = learningRateChanged(lastRate, report.learningRate, report.globalBatch, now))
            return shown;
    }
    if (std::isfinite(report.loss)) {
        m_recentLosses.push_back(report.loss);
        m_recentSum += report.loss;
        if (int(m_recentLosses.size()) > kSmoothing) {
            m_recentSum -= m_recentLosses.front();
            m_recentLosses.pop_front();
        }
    }
    std::optional<float> smoothed;
    if (int(m_recentLosses.size()) == kSmoothing) {
        smoothed = float(m_recentSum / kSmoothing);
        m_smoothed.emplace_back(report.globalBatch, *smoothed);
        if (int(m_smoothed.size()) > kRisingWindow)
            m_smoothed.pop_front();
        if (!m_halvingReference)
            m_halvingReference.emplace(report.globalBatch, *smoothed);
    }

    if (auto held = tick(now))
        return held;

    Caption caption;
    caption.globalBatch = report.globalBatch;
    caption.epoch = report.epoch;
    if (smoothed && int(m_smoothed.size()) == kRisingWindow
        && (m_lastRisingBatch < 0 || report.globalBatch - m_lastRisingBatch >= kRisingWindow)) {
        const auto lowest = std::min_element(m_smoothed.begin(), m_smoothed.end(),
                                             [](const auto &a, const auto &b) { return a.second < b.second; });
        if (*smoothed > lowest->second * (1.0f + kRisingFraction)) {
            caption.kind = CaptionKind::LossRising;
            caption.value = *smoothed;
            caption.previous = lowest->second;
            caption.sinceBatch = lowest->first;
            if (auto shown = offer(caption, now, false, m_gap)) {
                m_lastRisingBatch = report.globalBatch;
                return shown;
            }
        }
    }
    if (smoothed && m_halvingReference && *smoothed <= m_halvingReference->second / 2) {
        caption.kind = CaptionKind::LossHalved;
        caption.value = *smoothed;
        caption.previous = m_halvingReference->second;
        caption.sinceBatch = m_halvingReference->first;
        if (auto shown = offer(caption, now, false, m_gap)) {
            m_halvingReference.emplace(report.globalBatch, *smoothed);
            return shown;
        }
    }
    const bool misread
        = report.focusLabel >= 0 && report.focusPrediction >= 0 && report.focusPrediction != report.focusLabel
          && !report.focusActivations.empty()
          && int(report.focusActivations.back().size()) > std::max(report.focusLabel, report.focusPrediction);
    if (misread) {
        const std::vector<float> &probabilities = report.focusActivations.back();
        caption.kind = CaptionKind::FocusMistake;
        caption.label = report.focusLabel;
        caption.guess = report.focusPrediction;
        caption.confidence = probabilities[std::size_t(report.focusPrediction)];
        caption.labelProbability = probabilities[std::size_t(report.focusLabel)];
        return offer(caption, now, false, 2 * m_gap);
    }
    return std::nullopt;
}

std::optional<Caption> Narrator::epochFinished(const EpochReport &report, long long globalBatch, double now)
{
    Caption caption;
    caption.kind = CaptionKind::EpochResult;
    caption.globalBatch = globalBatch;
    caption.epoch = report.epoch;
    caption.value = report.testAccuracy;
    caption.previous = report.trainAccuracy;
    return offer(caption, now, true, m_gap);
}

std::optional<Caption> Narrator::learningRateChanged(float from, float to, long long globalBatch, double now)
{
    Caption caption;
    caption.kind = CaptionKind::LearningRateChanged;
    caption.globalBatch = globalBatch;
    caption.epoch = m_epoch;
    caption.previous = from;
    caption.value = to;
    return offer(caption, now, true, m_gap);
}

} // namespace core
