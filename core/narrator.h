// Narration for the Narrated speed: captions chosen from the run's real events, as data (the
// clients turn the numbers into their own words, as they do for teaching moments). The narrator
// only decides WHEN something is worth saying and WHAT numbers say it, at a readable pace: never
// two captions within `minimumGapSeconds` of each other, and never on a fixed batch schedule.
//
// Events, most important first:
//   EpochResult          an epoch ended: its test accuracy next to the training accuracy
//   LearningRateChanged  someone changed the learning rate (old and new value; seen in the batch
//                        reports, or told through learningRateChanged())
//   LossRising           the smoothed loss has risen by kRisingFraction over its lowest value of
//                        the last kRisingWindow batches
//   LossHalved           the smoothed loss is half what it was at batch `sinceBatch`
//   FocusMistake         the batch's first sample (the one shown) was misread: what the network
//                        guessed, with what confidence, and the true digit's probability; said
//                        only after a longer silence (2 x the gap), to fill it
// The first two are held when they come too soon and said as soon as the gap allows (a newer one
// of the same kind replaces a held one); the others describe the moment and are dropped if they
// cannot be said at once. The smoothed loss is the mean of the last kSmoothing batch losses.
#pragma once

#include "trainingevents.h"

#include <deque>
#include <optional>

namespace core {

enum class CaptionKind { EpochResult, LearningRateChanged, LossRising, LossHalved, FocusMistake };

struct Caption
{
    CaptionKind kind = CaptionKind::LossHalved;
    long long globalBatch = 0; // the batch the numbers describe (EpochResult: the epoch's last)
    int epoch = 0; // 1-based
    // LossHalved, LossRising: the smoothed loss then (`previous`, at `sinceBatch`) and now (`value`).
    // LearningRateChanged: old (`previous`) and new (`value`) rate.
    // EpochResult: test accuracy (`value`) and training accuracy (`previous`), 0..1.
    float value = 0;
    float previous = 0;
    long long sinceBatch = 0;
    // FocusMistake: the true digit, the guess and its probability, the true digit's probability.
    int label = -1;
    int guess = -1;
    float confidence = 0;
    float labelProbability = 0;
};

class Narrator
{
public:
    static constexpr int kSmoothing = 20;
    static constexpr int kRisingWindow = 50;
    static constexpr float kRisingFraction = 0.15f;

    explicit Narrator(double minimumGapSeconds = 3.0) : m_gap(minimumGapSeconds) { }

    // `now`: seconds on any monotonic clock, the time the event is shown. Each call returns the
    // caption to show now, if any.
    std::optional<Caption> batchFinished(const BatchReport &report, double now);
    std::optional<Caption> epochFinished(const EpochReport &report, long long globalBatch, double now);
    std::optional<Caption> learningRateChanged(float from, float to, long long globalBatch, double now);
    // (batchFinished() calls it itself when a report's learning rate differs from the last one's.)
    // Nothing happened, but time passed: a held caption may be due.
    std::optional<Caption> tick(double now);
    // A teaching moment's card took the screen at `now`: it counts as said (the next caption
    // waits the gap after it), and a held caption of the event the card explains (`covered`)
    // is dropped rather than said twice.
    void cardShown(double now, std::optional<CaptionKind> covered = std::nullopt);

    void reset(); // a new run

private:
    std::optional<Caption> offer(const Caption &caption, double now, bool hold, double gap);

    double m_gap;
    double m_lastShown = -1e300;
    std::optional<Caption> m_held;
    std::deque<float> m_recentLosses; // the last kSmoothing batch losses
    double m_recentSum = 0;
    std::deque<std::pair<long long, float>> m_smoothed; // (batch, smoothed loss), the last kRisingWindow
    std::optional<std::pair<long long, float>> m_halvingReference; // (batch, smoothed loss)
    long long m_lastRisingBatch = -1;
    int m_epoch = 0;
    float m_lastRate = -1; // the previous report's learning rate, -1 before the first
};

} // namespace core
