// How a run ended, in one honest word: did the network learn, blow up, or barely move? A pure
// function of a summary of the run's history (the trainer keeps it with a LossTracker), so the
// server and the desktop show the same verdict and a test checks every rule without training.
#pragma once

#include <string>

namespace core {

enum class VerdictOutcome { Learned, Diverged, Stuck, Stopped, Failed };
std::string verdictOutcomeName(VerdictOutcome outcome); // "learned", "diverged", ...

struct RunHistory
{
    long long batches = 0; // batches trained with a finite loss
    float initialLoss = 0; // the mean loss of the first (up to) LossTracker::kInitialBatches batches
    float finalLoss = 0; // the smoothed loss at the end (LossTracker::smoothed)
    float peakLoss = 0; // the highest smoothed loss of the run (LossTracker::peak)
    float minimumLoss = 0; // the lowest (LossTracker::minimum)
    float testAccuracy = -1; // the last test evaluation, -1 when none ran
    float deadFraction = 0; // the largest share of dead units of a hidden layer at the last epoch end
    bool nonFinite = false; // the loss became NaN or infinite
    bool stopped = false; // the user stopped the run
    bool failed = false; // something other than the loss ended the run (data, memory)
    std::string failure; // what, when failed
};

struct Verdict
{
    VerdictOutcome outcome = VerdictOutcome::Learned;
    float testAccuracy = -1; // -1 when no test evaluation ran
    float initialLoss = 0;
    float finalLoss = 0;
    float deadFraction = 0;
    std::string reason; // one short English sentence with the numbers
};

// The rules, first match wins:
//   failed    an error other than the loss ended the run;
//   stopped   the user stopped it;
//   diverged  the loss became non-finite; or the final smoothed loss is above the initial loss by
//             more than kDivergedRise (batch-to-batch noise moves a flat loss by a few percent);
//             or the test accuracy is under kDivergedAccuracy with the final loss above
//             kDivergedLoss after the smoothed loss swung by kDivergedSwing (its peak that many
//             times its lowest value: it blew up, or learned and then fell apart) — a loss that
//             stayed flat at guessing level is stuck, not diverged;
//   stuck     the test accuracy is under kStuckAccuracy and the loss fell by less than
//             kStuckLossDrop of its initial value;
//   learned   otherwise.
// Rules on the test accuracy apply only when a test evaluation ran.
constexpr float kDivergedRise = 0.05f;
constexpr float kDivergedAccuracy = 0.2f;
constexpr float kDivergedLoss = 2.0f;
constexpr float kDivergedSwing = 1.5f;
constexpr float kStuckAccuracy = 0.5f;
constexpr float kStuckLossDrop = 0.2f;

Verdict computeVerdict(const RunHistory &history);

} // namespace core
