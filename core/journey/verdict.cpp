#include "verdict.h"

#include <algorithm>
#include <cstdio>

namespace core {

namespace {
template <typename... Numbers>
std::string format(const char *pattern, Numbers... numbers)
{
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, pattern, double(numbers)...);
    return buffer;
}
} // namespace

std::string verdictOutcomeName(VerdictOutcome outcome)
{
    switch (outcome) {
    case VerdictOutcome::Learned: return "learned";
    case VerdictOutcome::Diverged: return "diverged";
    case VerdictOutcome::Stuck: return "stuck";
    case VerdictOutcome::Stopped: return "stopped";
    case VerdictOutcome::Failed: return "failed";
    }
    return "learned";
}

Verdict computeVerdict(const RunHistory &h)
{
    Verdict verdict;
    verdict.testAccuracy = h.testAccuracy;
    verdict.initialLoss = h.initialLoss;
    verdict.finalLoss = h.finalLoss;
    verdict.deadFraction = h.deadFraction;
    const bool tested = h.testAccuracy >= 0;
    const double percent = 100.0 * h.testAccuracy;
    if (h.failed) {
        verdict.outcome = VerdictOutcome::Failed;
        verdict.reason = h.failure.empty() ? std::string("The run failed before it could train.") : h.failure;
        return verdict;
    }
    if (h.stopped) {
        verdict.outcome = VerdictOutcome::Stopped;
        verdict.reason = tested ? format("Stopped after %.0f batches; the last test accuracy was %.1f%%.",
                                         double(h.batches), percent)
                                : format("Stopped after %.0f batches, before any test.", double(h.batches));
        return verdict;
    }
    if (h.nonFinite) {
        verdict.outcome = VerdictOutcome::Diverged;
        verdict.reason = format("The loss became infinite or NaN after %.0f batches: the steps were so big that "
                                "the numbers overflowed.",
                                double(h.batches));
        return verdict;
    }
    if (h.batches > 0 && h.finalLoss > (1 + kDivergedRise) * h.initialLoss) {
        verdict.outcome = VerdictOutcome::Diverged;
        verdict.reason = format("The loss ended higher than it started: %.2f at the end against %.2f at the "
                                "start.",
                                h.finalLoss, h.initialLoss);
        return verdict;
    }
    if (tested && h.testAccuracy < kDivergedAccuracy && h.finalLoss > kDivergedLoss
        && h.peakLoss > kDivergedSwing * h.minimumLoss) {
        verdict.outcome = VerdictOutcome::Diverged;
        verdict.reason = format("The loss swung up to %.2f and ended at %.2f with a test accuracy of only %.1f%%: "
                                "the network fell apart and now guesses.",
                                h.peakLoss, h.finalLoss, percent);
        return verdict;
    }
    const double drop = h.initialLoss > 0 ? (h.initialLoss - h.finalLoss) / h.initialLoss : 0.0;
    if (tested && h.testAccuracy < kStuckAccuracy && drop < kStuckLossDrop) {
        verdict.outcome = VerdictOutcome::Stuck;
        verdict.reason = format("The network barely moved: test accuracy %.1f%%, and the loss fell only %.0f%%, "
                                "from %.2f to %.2f.",
                                percent, 100.0 * std::max(0.0, drop), h.initialLoss, h.finalLoss);
        return verdict;
    }
    verdict.outcome = VerdictOutcome::Learned;
    verdict.reason = tested
                         ? format("The network learned: test accuracy %.1f%%, the loss fell from %.2f to %.2f.",
                                  percent, h.initialLoss, h.finalLoss)
                         : format("The network learned: the loss fell from %.2f to %.2f.", h.initialLoss, h.finalLoss);
    return verdict;
}

} // namespace core
