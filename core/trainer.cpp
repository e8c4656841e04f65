// The training loop. Everything a batch touches is allocated before the first batch; the
// per-batch path (gather, forward, backward, update, visual data) allocates nothing.
#include "trainer.h"

#include "evaluation.h"
#include "journey/losstracker.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <random>

namespace core {

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string formatNumber(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

} // namespace

class Trainer::Impl
{
public:
    Impl(const Network &network, const TrainerSettings &settings, int trainCount)
        : team(settings.threads), batch(settings.batchSize, network.architecture().sizes.front(), settings.threads),
          workspace(network, settings.batchSize), optimizer(network, settings.optimizer), order(trainCount),
          rng(settings.seed ^ 0x9E3779B97F4A7C15ull)
    {
        std::iota(order.begin(), order.end(), 0);
        if (team.size() > 1 && network.layerCount() > 1)
            firstLayerPartials.assign(std::size_t(team.size()),
                                      Matrix::Zero(network.layer(0).outputSize(), settings.batchSize));
        weightSummaries.resize(std::size_t(team.size()) * network.layerCount());
        const auto &sizes = network.architecture().sizes;
        for (int size : sizes) {
            report.focusActivations.emplace_back(size, 0.0f);
            report.meanActivations.emplace_back(size, 0.0f);
        }
        for (std::size_t l = 1; l < sizes.size(); ++l)
            report.neuronGradients.emplace_back(sizes[l], 0.0f);
        report.layerGradients.assign(sizes.size() - 1, 0.0f);
        report.weightStatistics.assign(sizes.size() - 1, {});
    }

    // Fisher-Yates with the raw generator: the same order on every standard library.
    void shuffle()
    {
        for (std::size_t i = order.size() - 1; i > 0; --i)
            std::swap(order[i], order[rng() % (i + 1)]);
    }

    // Visual data for the rows `t` owns (called inside the last parallel phase, after the
    // update): batch means, per-neuron gradient magnitudes and the input-pixel means for a
    // share of the pixels. (The optimizer summarises the weights it updates.)
    void collectVisuals(const Network &network, int t)
    {
        const int n = batch.size(), members = team.size();
        const IndexRange pixels = splitRange(batch.inputSize(), t, members);
        std::vector<float> &inputMean = report.meanActivations[0];
        for (int p = pixels.begin; p < pixels.end; ++p) {
            float sum = 0;
            for (int q = 0; q < batch.partCount(); ++q)
                for (int k = batch.pixelStart(q, p); k < batch.pixelStart(q, p + 1); ++k)
                    sum += batch.entryValues(q)[k];
            inputMean[p] = sum / float(n);
        }
        for (int l = 0; l < network.layerCount(); ++l) {
            const IndexRange rows = splitRange(network.layer(l).outputSize(), t, members);
            const auto activations = workspace.activations[l].leftCols(n).middleRows(rows.begin, rows.size());
            Eigen::Map<Vector>(report.meanActivations[l + 1].data() + rows.begin, rows.size())
                = activations.rowwise().sum() / float(n);
            // outputGradients hold dL/dz / n, so the row sums of |.| are per-sample means.
            Eigen::Map<Vector>(report.neuronGradients[l].data() + rows.begin, rows.size())
                = workspace.outputGradients[l]
                      .leftCols(n)
                      .middleRows(rows.begin, rows.size())
                      .cwiseAbs()
                      .rowwise()
                      .sum();
        }
    }

    // The serial rest of the visual data, after the parallel phase.
    void finishVisuals(const Network &network)
    {
        batch.denseSample(0, report.focusActivations[0].data());
        const int members = team.size();
        for (int l = 0; l < network.layerCount(); ++l) {
            const auto activations = workspace.activations[l];
            Eigen::Map<Vector>(report.focusActivations[l + 1].data(), activations.rows()) = activations.col(0);
            const std::vector<float> &gradients = report.neuronGradients[l];
            float sum = 0;
            for (float g : gradients)
                sum += g;
            report.layerGradients[l] = sum / float(gradients.size());
            WeightSummary total;
            for (int t = 0; t < members; ++t)
                total.merge(weightSummaries[std::size_t(t) * network.layerCount() + l]);
            report.weightStatistics[l]
                = {float(total.mean()), float(total.standardDeviation()), total.minimum, total.maximum};
        }
        Eigen::Index predicted = 0;
        workspace.activations.back().col(0).maxCoeff(&predicted);
        report.focusPrediction = int(predicted);
        report.focusLabel = batch.label(0);
    }

    // One training step over the team, in parallel phases where every member writes only
    // memory no other member touches in the same phase. The big first layer is split by input
    // pixels (columns of W): each member's block of W, its velocity and its gradient is one
    // contiguous piece of memory that stays in that core's cache from step to step. (Splitting
    // it by rows interleaves the members in memory; moving it between cores every step, as a
    // split by samples does, ran slower on two cores than on one.)
    //  1. by samples: gather;
    //  2. by pixels: each member's partial product of layer 0 (two or more members only);
    //  3. by samples: the rest of the forward pass and every dL/dZ (reads the weights);
    //  4. by weight columns: weight gradients and their update (writes the weights), bias rows,
    //     visual data.
    // Between 3 and 4, on one thread: the loss. Returns the batch result; the step is complete
    // (parameters updated) unless the loss is not finite, in which case nothing was updated.
    BatchResult trainStep(Network &network, const Dataset &train, const int *indices, int n, float learningRate)
    {
        const int members = team.size();
        const int layers = network.layerCount();
        const bool splitFirstLayer = members > 1 && layers > 1;
        batch.setSize(n);
        team.run([&](int t) {
            batch.gatherPart(t, train, indices);
            if (!splitFirstLayer)
                forwardAndBackward(network, t, n);
        });
        if (splitFirstLayer) {
            team.run([&](int t) {
                network.firstLayerPartial(batch, firstLayerPartials[t], splitRange(batch.inputSize(), t, members));
            });
            team.run([&](int t) { forwardAndBackward(network, t, n); });
        }
        const BatchResult result = network.evaluateOutput(batch, workspace);
        if (!std::isfinite(result.loss))
            return result;
        optimizer.beginStep();
        team.run([&](int t) {
            for (int l = 0; l < layers; ++l) {
                const DenseLayer &layer = network.layer(l);
                const IndexRange columns = splitRange(layer.inputSize(), t, members);
                network.weightGradientColumns(l, batch, workspace, columns);
                WeightSummary summary; // on this thread's stack: the members' summaries share cache lines
                optimizer.updateWeightColumns(network, l, columns, workspace.weightGradients[l], learningRate,
                                              &summary);
                weightSummaries[std::size_t(t) * layers + l] = summary;
                const IndexRange rows = splitRange(layer.outputSize(), t, members);
                network.biasGradientRows(l, batch, workspace, rows);
                optimizer.updateBias(network, l, rows, workspace.biasGradients[l], learningRate);
            }
            collectVisuals(network, t);
        });
        finishVisuals(network);
        return result;
    }

    // Member t's samples: forward (from the partial sums when layer 0 is split) and backward.
    void forwardAndBackward(const Network &network, int t, int n)
    {
        const IndexRange samples = batch.partSamples(t);
        if (samples.size() == 0)
            return;
        network.forwardSamples(batch, workspace, samples, firstLayerPartials.empty() ? nullptr : &firstLayerPartials);
        network.backwardSamples(batch, workspace, 1.0f / float(n), samples);
    }

    ThreadTeam team;
    std::vector<Matrix> firstLayerPartials; // per member when layer 0 is split by pixels: (units, batch)
    std::vector<WeightSummary> weightSummaries; // [member * layers + layer], the updated weights
    Batch batch;
    Workspace workspace;
    Optimizer optimizer;
    std::vector<int> order;
    std::mt19937_64 rng;
    BatchReport report;
};

Trainer::Trainer(Network &network, const MnistData &data, TrainerSettings settings, BatchGate *gate)
    : m_network(network), m_data(data), m_settings(settings), m_gate(gate ? *gate : m_ownGate),
      m_learningRate(settings.learningRate), m_batchDelayMs(settings.batchDelayMs)
{
    m_settings.batchSize = std::max(1, m_settings.batchSize);
    m_settings.epochs = std::max(1, m_settings.epochs);
    m_impl = std::make_unique<Impl>(network, m_settings, data.train.count());
    setPace(settings.batchesPerSecond);
}

Trainer::~Trainer() = default;

void Trainer::setLearningRate(float learningRate)
{
    m_learningRate = learningRate;
}

void Trainer::setBatchDelay(int milliseconds)
{
    const int previous = m_batchDelayMs.exchange(std::max(0, milliseconds));
    if (milliseconds < previous)
        m_gate.shorten(); // a sleeping batch delay ends now rather than at the old length
}

void Trainer::setPace(double batchesPerSecond)
{
    const long long interval
        = std::isfinite(batchesPerSecond) && batchesPerSecond > 0 ? std::llround(1e6 / batchesPerSecond) : 0;
    const long long previous = m_batchIntervalUs.exchange(interval);
    if (interval < previous)
        m_gate.shorten();
}

double Trainer::pace() const
{
    const long long interval = m_batchIntervalUs.load();
    return interval > 0 ? 1e6 / double(interval) : 0.0;
}

bool Trainer::waitAfterBatch(std::chrono::steady_clock::time_point batchStart)
{
    using namespace std::chrono;
    const auto batchEnd = steady_clock::now();
    for (;;) {
        const auto delayEnd = batchEnd + milliseconds(m_batchDelayMs.load());
        const auto paceEnd = batchStart + microseconds(m_batchIntervalUs.load());
        const auto now = steady_clock::now();
        const auto until = std::max(delayEnd, paceEnd);
        if (now >= until)
            return !m_gate.stopped();
        if (!m_gate.sleepFor(ceil<microseconds>(until - now)))
            return false;
    }
}

namespace {
// The new moments' timed pause: a little longer than the first three, whose cards are shorter.
constexpr double kJourneyPauseSeconds = 4;
// A confident mistake: the focus sample misread with at least this probability, after the first
// kMistakeAfterBatch batches (before that every guess is a shot in the dark).
constexpr float kMistakeConfidence = 0.9f;
constexpr long long kMistakeAfterBatch = 50;
// Dead units: a hidden layer where at least this share of the units never fired on the test set.
constexpr float kDeadFraction = 0.25f;

TeachingMoment makeMoment(TeachingMomentKind kind, const BatchReport &r, const Architecture &architecture)
{
    TeachingMoment moment;
    moment.kind = kind;
    moment.reason = teachingMomentReason(kind);
    moment.architecture = architecture.describe();
    moment.batchSize = r.batchSize;
    moment.globalBatch = r.globalBatch;
    moment.label = r.focusLabel;
    moment.guess = r.focusPrediction;
    const std::vector<float> &probabilities = r.focusActivations.back();
    if (moment.guess >= 0 && moment.guess < int(probabilities.size()))
        moment.confidence = probabilities[std::size_t(moment.guess)];
    moment.loss = r.loss;
    moment.accuracy = r.accuracy;
    moment.learningRate = r.learningRate;
    const auto strongest = std::max_element(r.layerGradients.begin(), r.layerGradients.end());
    if (strongest != r.layerGradients.end()) {
        moment.strongestLayer = int(strongest - r.layerGradients.begin()) + 1;
        moment.strongestGradient = *strongest;
    }
    // The focus sample's own output gradient: softmax + cross-entropy gives p - onehot(label).
    moment.focusOutputGradient = probabilities;
    if (moment.label >= 0 && moment.label < int(probabilities.size())) {
        moment.focusOutputGradient[std::size_t(moment.label)] -= 1.0f;
        moment.trueProbability = probabilities[std::size_t(moment.label)];
    }
    for (int digit = 0; digit < int(probabilities.size()); ++digit) {
        if (digit != moment.guess
            && (moment.runnerUp < 0 || probabilities[std::size_t(digit)] > moment.runnerUpProbability)) {
            moment.runnerUp = digit;
            moment.runnerUpProbability = probabilities[std::size_t(digit)];
        }
    }
    // How long the original paused at each of its moments; the journey's own get a little longer.
    switch (kind) {
    case TeachingMomentKind::FirstForward:
    case TeachingMomentKind::FirstBackward: moment.pauseSeconds = 3; break;
    case TeachingMomentKind::HighLoss: moment.pauseSeconds = 2; break;
    default: moment.pauseSeconds = kJourneyPauseSeconds; break;
    }
    return moment;
}

void setLossFigures(TeachingMoment &moment, const LossTracker &tracker)
{
    moment.minLoss = tracker.minimum();
    moment.minLossBatch = tracker.minimumBatch();
    moment.risingBatches = tracker.risingBatches();
    moment.lossBefore = tracker.smoothedWindowAgo();
    moment.windowBatches = LossTracker::kPlateauWindow;
}
} // namespace

FinishReport Trainer::run(TrainingObserver &observer)
{
    Impl &impl = *m_impl;
    FinishReport finish;
    finish.epochs = m_settings.epochs;
    const int trainCount = m_data.train.count();
    const int batchSize = m_settings.batchSize;
    const int batchesPerEpoch = (trainCount + batchSize - 1) / batchSize;
    bool sawFirstForward = false, sawFirstBackward = false, sawHighLoss = false;
    std::array<bool, teachingMomentKindCount> seen{}; // the journey's moments, once per run each
    const auto once = [&seen](TeachingMomentKind kind) {
        bool &flag = seen[std::size_t(kind)];
        return !flag && (flag = true);
    };
    const bool detect = m_settings.detectTeachingMoments;
    LossTracker tracker;
    float deadFraction = 0; // the last epoch end's, for the verdict
    const auto verdict = [&](bool nonFinite) {
        RunHistory history = tracker.history();
        history.testAccuracy = finish.finalTestAccuracy;
        history.deadFraction = deadFraction;
        history.nonFinite = nonFinite;
        history.stopped = finish.stopped && !nonFinite;
        return computeVerdict(history);
    };
    long long globalBatch = 0;
    BatchReport &report = impl.report;
    report.epochs = m_settings.epochs;
    report.batchesPerEpoch = batchesPerEpoch;

    for (int epoch = 1; epoch <= m_settings.epochs; ++epoch) {
        impl.shuffle();
        double epochSeconds = 0, epochLoss = 0;
        long long epochCorrect = 0, epochSamples = 0;
        for (int b = 0; b < batchesPerEpoch; ++b) {
            if (!m_gate.wait()) {
                finish.stopped = true;
                break;
            }
            const auto batchStart = Clock::now();
            const int n = std::min(batchSize, trainCount - b * batchSize);
            const float learningRate = m_learningRate.load();
            const BatchResult result = impl.trainStep(m_network, m_data.train,
                                                      impl.order.data() + std::size_t(b) * batchSize, n, learningRate);
            if (!std::isfinite(result.loss)) {
                if (detect && globalBatch > 0 && once(TeachingMomentKind::Divergence)) {
                    // The report still holds the last finite batch; the moment is about this one.
                    TeachingMoment moment
                        = makeMoment(TeachingMomentKind::Divergence, report, m_network.architecture());
                    setLossFigures(moment, tracker);
                    moment.globalBatch = globalBatch + 1;
                    moment.loss = result.loss;
                    moment.learningRate = learningRate;
                    moment.nonFinite = true;
                    observer.teachingMoment(moment, report);
                    m_gate.waitUntilPassable(); // the card shows before the run ends
                }
                observer.trainingFailed(
                    "Training stopped: the loss became " + std::string(std::isnan(result.loss) ? "NaN" : "infinite")
                    + " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(b + 1)
                    + ". The learning rate (" + formatNumber(learningRate, 4) + ") is probably too high.");
                finish.stopped = true;
                finish.finalLoss = result.loss;
                finish.verdict = verdict(true);
                return finish;
            }

            ++globalBatch;
            tracker.add(result.loss);
            report.epoch = epoch;
            report.batch = b + 1;
            report.globalBatch = globalBatch;
            report.batchSize = n;
            report.loss = result.loss;
            report.accuracy = float(result.correct) / float(n);
            report.learningRate = learningRate;
            report.momentFollows.reset();
            if (detect) {
                // As the original: after batch 1, after batch 2, and the first time the loss is > 1.5 after batch 10.
                // Then the journey's: the smoothed loss running away or standing still, and a
                // confident mistake on the focus sample. At most one moment per batch.
                const float confidence
                    = report.focusPrediction >= 0 ? report.focusActivations.back()[report.focusPrediction] : 0.0f;
                std::optional<TeachingMomentKind> kind;
                if (globalBatch == 1 && !sawFirstForward)
                    kind = TeachingMomentKind::FirstForward, sawFirstForward = true;
                else if (globalBatch == 2 && !sawFirstBackward)
                    kind = TeachingMomentKind::FirstBackward, sawFirstBackward = true;
                else if (globalBatch > 10 && result.loss > 1.5f && !sawHighLoss)
                    kind = TeachingMomentKind::HighLoss, sawHighLoss = true;
                else if (tracker.diverging() && once(TeachingMomentKind::Divergence))
                    kind = TeachingMomentKind::Divergence;
                else if (tracker.plateaued() && once(TeachingMomentKind::Plateau))
                    kind = TeachingMomentKind::Plateau;
                else if (globalBatch > kMistakeAfterBatch && report.focusPrediction != report.focusLabel
                         && confidence >= kMistakeConfidence && once(TeachingMomentKind::ConfidentMistake))
                    kind = TeachingMomentKind::ConfidentMistake;
                report.momentFollows = kind;
            }
            observer.batchFinished(report);
            epochSeconds += secondsSince(batchStart);

            epochLoss += result.loss;
            epochCorrect += result.correct;
            epochSamples += n;
            finish.samplesTrained += n;
            finish.finalLoss = result.loss;
            finish.finalAccuracy = report.accuracy;

            if (report.momentFollows) {
                TeachingMoment moment = makeMoment(*report.momentFollows, report, m_network.architecture());
                if (*report.momentFollows == TeachingMomentKind::Divergence
                    || *report.momentFollows == TeachingMomentKind::Plateau) {
                    setLossFigures(moment, tracker);
                    moment.loss = tracker.smoothed();
                }
                observer.teachingMoment(moment, report);
            }
            if (!waitAfterBatch(batchStart)) {
                finish.stopped = true;
                break;
            }
        }
        finish.trainSeconds += epochSeconds;
        if (finish.stopped)
            break;
        finish.epochsCompleted = epoch;

        EpochReport epochReport;
        epochReport.epoch = epoch;
        epochReport.epochs = m_settings.epochs;
        epochReport.trainLoss = float(epochLoss / batchesPerEpoch);
        epochReport.trainAccuracy = float(double(epochCorrect) / double(std::max(1LL, epochSamples)));
        epochReport.trainSeconds = epochSeconds;
        if (m_settings.evaluateEachEpoch && m_data.test.count() > 0) {
            const Evaluation evaluation = evaluate(m_network, m_data.test);
            epochReport.testLoss = evaluation.loss;
            epochReport.testAccuracy = evaluation.accuracy;
            epochReport.confusion = evaluation.confusion;
            epochReport.deadUnits = evaluation.deadUnits;
            for (int l = 0; l + 1 < m_network.layerCount(); ++l)
                epochReport.hiddenUnits.push_back(m_network.layer(l).outputSize());
            finish.finalTestAccuracy = evaluation.accuracy;
            finish.finalTestLoss = evaluation.loss;
        }
        // The hidden layer with the largest share of dead units.
        int deadLayer = -1;
        deadFraction = 0;
        for (std::size_t l = 0; l < epochReport.deadUnits.size(); ++l) {
            const float fraction = float(epochReport.deadUnits[l]) / float(std::max(1, epochReport.hiddenUnits[l]));
            if (fraction > deadFraction)
                deadFraction = fraction, deadLayer = int(l);
        }
        // End-of-epoch moments, one after the other: the first epoch's results, then dead units.
        std::vector<TeachingMomentKind> moments;
        if (detect && epoch == 1 && once(TeachingMomentKind::EpochEnd))
            moments.push_back(TeachingMomentKind::EpochEnd);
        if (detect && deadLayer >= 0 && deadFraction >= kDeadFraction && once(TeachingMomentKind::DeadUnits))
            moments.push_back(TeachingMomentKind::DeadUnits);
        if (!moments.empty())
            epochReport.momentFollows = moments.front();
        observer.epochFinished(epochReport);
        for (std::size_t i = 0; i < moments.size(); ++i) {
            TeachingMoment moment = makeMoment(moments[i], report, m_network.architecture());
            moment.epoch = epoch;
            moment.trainAccuracy = epochReport.trainAccuracy;
            moment.testAccuracy = epochReport.testAccuracy;
            moment.trainLoss = epochReport.trainLoss;
            moment.testLoss = epochReport.testLoss;
            if (moments[i] == TeachingMomentKind::DeadUnits) {
                moment.layer = deadLayer + 1;
                moment.dead = epochReport.deadUnits[std::size_t(deadLayer)];
                moment.units = epochReport.hiddenUnits[std::size_t(deadLayer)];
                moment.fraction = deadFraction;
            }
            observer.teachingMoment(moment, report);
            // The next batch's wait() holds the run during the card; with no batch next (another
            // card, or the run's end) the trainer holds here instead.
            if ((i + 1 < moments.size() || epoch == m_settings.epochs) && !m_gate.waitUntilPassable())
                break;
        }
    }
    finish.verdict = verdict(false);
    observer.trainingFinished(finish);
    return finish;
}

} // namespace core
