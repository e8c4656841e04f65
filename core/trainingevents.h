// What the training loop reports, as plain value types, and the observer interface that
// receives them. Callbacks run ON THE TRAINER THREAD and must return quickly: copy what you
// need (the reports are reused between batches) and hand it off.
#pragma once

#include "journey/verdict.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace core {

using ConfusionMatrix = std::array<std::array<int, 10>, 10>; // [true label][predicted]

struct WeightStatistics
{
    float mean = 0;
    float standardDeviation = 0;
    float minimum = 0;
    float maximum = 0;
};

enum class TeachingMomentKind {
    FirstForward,
    FirstBackward,
    HighLoss,
    Divergence,
    Plateau,
    EpochEnd,
    DeadUnits,
    ConfidentMistake,
};
inline constexpr int teachingMomentKindCount = 8;

struct BatchReport
{
    int epoch = 0; // 1-based
    int epochs = 0;
    int batch = 0; // 1-based within the epoch
    int batchesPerEpoch = 0;
    long long globalBatch = 0; // 1-based across epochs
    int batchSize = 0; // samples in this batch (the last one of an epoch may be smaller)
    float loss = 0; // mean cross-entropy of this batch
    float accuracy = 0; // fraction correct in this batch, 0..1
    float learningRate = 0;

    // Visual data. One entry per DRAWN layer: index 0 = the 784 input pixels (0..1), then
    // each hidden layer's post-activation values, last = the 10 output probabilities.
    int focusLabel = -1; // the first sample of the batch
    int focusPrediction = -1;
    std::vector<std::vector<float>> focusActivations;
    std::vector<std::vector<float>> meanActivations; // batch mean, same shapes
    // One entry per DENSE layer (drawn layer i+1): mean |dL/dz| over the batch per neuron,
    // and their mean for the layer (drives the backprop particles).
    std::vector<std::vector<float>> neuronGradients;
    std::vector<float> layerGradients;
    std::vector<WeightStatistics> weightStatistics; // per dense layer

    // The teaching moment this batch triggers, reported right after it (so an observer that
    // narrates can leave the batch to the moment's card). Empty when none follows.
    std::optional<TeachingMomentKind> momentFollows;
};

struct EpochReport
{
    int epoch = 0; // 1-based
    int epochs = 0;
    float trainLoss = 0; // mean batch loss over the epoch
    float trainAccuracy = 0; // over the epoch's samples
    float testLoss = 0; // on the whole test set
    float testAccuracy = 0;
    ConfusionMatrix confusion{};
    double trainSeconds = 0; // pure training time of this epoch (no evaluation, no pauses)
    // Per hidden dense layer: its units that were exactly 0 (ReLU) on every test image of the
    // evaluation; empty without an evaluation, 0 for sigmoid and tanh layers.
    std::vector<int> deadUnits;
    std::vector<int> hiddenUnits; // the same layers' sizes
    // The first of the teaching moments this epoch end triggers, reported right after it.
    std::optional<TeachingMomentKind> momentFollows;
};

// A key moment of the run, as data: the clients turn these numbers into their own text (the
// server into the original's English `message`, the desktop window into translated text).
struct TeachingMoment
{
    TeachingMomentKind kind = TeachingMomentKind::FirstForward;
    std::string reason; // teachingMomentReason(kind): "first_forward", "divergence", ...
    std::string architecture; // Architecture::describe(), e.g. "784-128-64-10 relu,relu"
    int batchSize = 0; // samples in the batch of the moment
    long long globalBatch = 0;
    int label = -1; // the focus sample's true digit
    int guess = -1; // what the network predicted for it
    float confidence = 0; // the probability it gave that guess, 0..1
    float loss = 0; // the batch's loss
    float accuracy = 0; // the batch's accuracy, 0..1
    float learningRate = 0;
    int strongestLayer = 0; // first_backward: the dense layer (1-based) with the largest mean |dL/dz|
    float strongestGradient = 0; // ... and that mean
    double pauseSeconds = 0; // how long the run pauses: 3, 3, 2 for the first three, 4 for the rest

    // The focus sample's own signed dL/dz at the output, p - onehot(label): 10 values, every kind.
    std::vector<float> focusOutputGradient;

    // divergence: the smoothed loss (in `loss`) rose `risingBatches` batches in a row and is far
    // above its lowest `minLoss` (reached at global batch `minLossBatch`), or the batch loss was
    // not finite (`nonFinite`, `loss` is then the raw batch loss).
    float minLoss = 0;
    long long minLossBatch = 0;
    int risingBatches = 0;
    bool nonFinite = false;
    // plateau: the smoothed loss (in `loss`) barely moved from `lossBefore` over `windowBatches`.
    float lossBefore = 0;
    int windowBatches = 0;
    // epoch_end: the first epoch's figures (after its test-set evaluation).
    int epoch = 0;
    float trainAccuracy = 0;
    float testAccuracy = 0;
    float trainLoss = 0;
    float testLoss = 0;
    // dead_units: the dense layer (1-based) with `dead` of its `units` never active.
    int layer = 0;
    int dead = 0;
    int units = 0;
    float fraction = 0;
    // confident_mistake: label, guess and confidence as above, plus the second most probable digit
    // and the probability the network gave the true label.
    int runnerUp = -1;
    float runnerUpProbability = 0;
    float trueProbability = 0;
};

struct FinishReport
{
    int epochsCompleted = 0;
    int epochs = 0;
    bool stopped = false; // stop() ended the run early
    float finalLoss = 0; // last batch loss
    float finalAccuracy = 0; // last batch accuracy, 0..1
    float finalTestAccuracy = -1; // last epoch's test accuracy, -1 if none ran
    float finalTestLoss = -1;
    double trainSeconds = 0; // pure training time (no evaluation, pauses or batch delays)
    long long samplesTrained = 0;
    Verdict verdict; // how the run went (the session replaces it when the run failed to start)
};

class TrainingObserver
{
public:
    virtual ~TrainingObserver() = default;
    virtual void batchFinished(const BatchReport &) { }
    // Called after batchFinished for the batch that triggered it.
    virtual void teachingMoment(const TeachingMoment &, const BatchReport &) { }
    virtual void epochFinished(const EpochReport &) { }
    virtual void trainingFinished(const FinishReport &) { }
    // Non-finite loss or similar; the run has ended.
    virtual void trainingFailed(const std::string & /*message*/) { }
};

// Name used on the wire for a moment kind: "first_forward", ...
std::string teachingMomentReason(TeachingMomentKind kind);
// The kind for a wire name, false if there is none.
bool teachingMomentKindFromReason(const std::string &reason, TeachingMomentKind *kind);
// All kinds, in wire order.
std::array<TeachingMomentKind, teachingMomentKindCount> allTeachingMomentKinds();

} // namespace core
