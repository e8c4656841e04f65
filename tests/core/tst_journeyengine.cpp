// The journey's engine: the loss tracker and the verdict as pure functions, the dead-unit count
// of the evaluation, and each new teaching moment on a run built to trigger it — and none of them
// (but epoch_end) on a normal run of real MNIST; the verdict of a real diverged and a real stuck
// run. The real-MNIST cases read NNJ_MNIST_DIR (skipped without it, failed under CI).
#include "evaluation.h"
#include "idxreader.h"
#include "journey/losstracker.h"
#include "journey/verdict.h"
#include "randomdataset.h"
#include "trainer.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

using namespace core;

namespace {

using fixtures::blocksDataset;
using fixtures::firstImages;

MnistData blocks(int train, int test, int labelShift = 0)
{
    return {blocksDataset(train, 1, labelShift), blocksDataset(test, 2, labelShift)};
}

struct Recorder : TrainingObserver
{
    std::vector<TeachingMoment> moments;
    std::vector<long long> momentBatches; // the report's batch at each moment
    std::vector<BatchReport> batchesWithMoment; // reports whose momentFollows is set
    std::vector<EpochReport> epochs;
    std::vector<std::string> failures;
    FinishReport finish;
    bool finished = false;

    LossTracker tracker; // the same figures, kept from the reports

    void batchFinished(const BatchReport &report) override
    {
        tracker.add(report.loss);
        if (report.momentFollows)
            batchesWithMoment.push_back(report);
    }
    void teachingMoment(const TeachingMoment &moment, const BatchReport &report) override
    {
        moments.push_back(moment);
        momentBatches.push_back(report.globalBatch);
        // Every moment carries the focus sample's own p - onehot(label) at the output.
        const std::vector<float> &p = report.focusActivations.back();
        QCOMPARE(int(moment.focusOutputGradient.size()), 10);
        for (int k = 0; k < 10; ++k)
            QCOMPARE(moment.focusOutputGradient[k], p[k] - (k == report.focusLabel ? 1.0f : 0.0f));
        QCOMPARE(moment.reason, teachingMomentReason(moment.kind));
    }
    void epochFinished(const EpochReport &report) override { epochs.push_back(report); }
    void trainingFinished(const FinishReport &report) override
    {
        finish = report;
        finished = true;
    }
    void trainingFailed(const std::string &message) override { failures.push_back(message); }

    std::map<std::string, int> counts() const
    {
        std::map<std::string, int> result;
        for (const TeachingMoment &moment : moments)
            ++result[moment.reason];
        return result;
    }
    const TeachingMoment *find(TeachingMomentKind kind) const
    {
        for (const TeachingMoment &moment : moments)
            if (moment.kind == kind)
                return &moment;
        return nullptr;
    }
};

TrainerSettings settings(int epochs, int batchSize, float learningRate)
{
    TrainerSettings result;
    result.epochs = epochs;
    result.batchSize = batchSize;
    result.learningRate = learningRate;
    return result;
}

Architecture sigmoid()
{
    Architecture architecture;
    architecture.activations = {Activation::Sigmoid, Activation::Sigmoid};
    return architecture;
}

QString describe(const Recorder &recorder)
{
    QStringList parts;
    for (std::size_t i = 0; i < recorder.moments.size(); ++i)
        parts << QStringLiteral("%1@%2")
                     .arg(QString::fromStdString(recorder.moments[i].reason))
                     .arg(recorder.momentBatches[i]);
    return parts.join(u", ");
}

// Real MNIST, once per test process.
const MnistData *realMnist()
{
    static const std::unique_ptr<MnistData> data = []() -> std::unique_ptr<MnistData> {
        const QByteArray directory = qgetenv("NNJ_MNIST_DIR");
        if (directory.isEmpty() || !mnistFilesPresent(directory.toStdString()))
            return nullptr;
        return std::make_unique<MnistData>(loadMnist(directory.toStdString()));
    }();
    return data.get();
}

RunHistory history(float initial, float final, float testAccuracy, float peak = -1, float minimum = -1)
{
    RunHistory h;
    h.batches = 500;
    h.initialLoss = initial;
    h.finalLoss = final;
    h.testAccuracy = testAccuracy;
    h.peakLoss = peak >= 0 ? peak : std::max(initial, final);
    h.minimumLoss = minimum >= 0 ? minimum : std::min(initial, final);
    return h;
}
} // namespace

Q_DECLARE_METATYPE(core::RunHistory)

#define REQUIRE_MNIST()                                                                                                \
    do {                                                                                                               \
        if (!realMnist()) {                                                                                            \
            if (qEnvironmentVariableIsSet("CI"))                                                                       \
                QFAIL("CI is set but NNJ_MNIST_DIR does not hold the MNIST files (scripts/fetch-mnist DIR)");          \
            QSKIP("set NNJ_MNIST_DIR to a folder with the MNIST files (scripts/fetch-mnist DIR)");                     \
        }                                                                                                              \
    } while (false)

class TestJourneyEngine : public QObject
{
    Q_OBJECT

private slots:
    void lossTrackerSmoothsAndCounts()
    {
        LossTracker tracker;
        tracker.add(2.0f);
        QCOMPARE(tracker.smoothed(), 2.0f);
        tracker.add(1.0f);
        QCOMPARE(tracker.smoothed(), 1.9f); // 2 + 0.1 * (1 - 2)
        QCOMPARE(tracker.minimum(), 1.9f);
        QCOMPARE(tracker.minimumBatch(), 2LL);
        QCOMPARE(tracker.risingBatches(), 0);
        tracker.add(4.0f);
        QCOMPARE(tracker.risingBatches(), 1);
        QCOMPARE(tracker.initialLoss(), (2.0f + 1.0f + 4.0f) / 3);
        for (int i = 0; i < 20; ++i)
            tracker.add(100.0f);
        QCOMPARE(tracker.initialLoss(), float((2.0 + 1.0 + 4.0 + 7 * 100.0) / 10)); // the first 10 only
        QCOMPARE(tracker.risingBatches(), 21);
        QVERIFY(tracker.diverging());
        QCOMPARE(tracker.minimumBatch(), 2LL);
    }

    void lossTrackerNeedsTwentyRisesAndHalfAgainTheMinimum()
    {
        LossTracker slow; // rises 20 times, but only by 10% in all
        for (int i = 0; i < 50; ++i)
            slow.add(1.0f);
        for (int i = 0; i < 30; ++i)
            slow.add(1.1f);
        QVERIFY(slow.risingBatches() >= 20);
        QVERIFY(!slow.diverging());

        LossTracker bumpy; // far above the minimum, but the rise is broken every 10 batches
        for (int i = 0; i < 50; ++i)
            bumpy.add(1.0f);
        for (int i = 0; i < 200; ++i)
            bumpy.add(i % 10 == 9 ? 0.0f : 3.0f);
        QVERIFY(bumpy.smoothed() > 1.5f * bumpy.minimum());
        QVERIFY(!bumpy.diverging());
    }

    void lossTrackerSeesABlowUp()
    {
        // Too high a learning rate: the loss jumps far above guessing level in a few batches,
        // then sits flat (dead units) — it never rises 20 batches in a row.
        LossTracker blowUp;
        for (int i = 0; i < 5; ++i)
            blowUp.add(2.3f);
        QVERIFY(!blowUp.diverging());
        blowUp.add(29.0f); // the smoothed loss: 2.3 + 0.1 * (29 - 2.3) = 4.97
        QVERIFY(blowUp.smoothed() > LossTracker::kBlowUpLoss);
        QVERIFY(blowUp.risingBatches() < LossTracker::kRisingBatches);
        QVERIFY(blowUp.diverging());

        LossTracker start; // a first batch high by itself is no blow-up: it is its own minimum
        start.add(6.0f);
        QVERIFY(!start.diverging());
    }

    void lossTrackerPlateau()
    {
        LossTracker flat;
        for (int i = 0; i < 200; ++i) {
            flat.add(2.3f);
            QVERIFY(!flat.plateaued()); // never before batch 201
        }
        flat.add(2.3f);
        QVERIFY(flat.plateaued());
        QCOMPARE(flat.smoothedWindowAgo(), 2.3f);

        LossTracker low; // flat but already low: a finished run, not a plateau
        for (int i = 0; i < 400; ++i)
            low.add(0.3f);
        QVERIFY(!low.plateaued());

        LossTracker falling; // falls 2% over the window: learning, slowly
        for (int i = 0; i < 400; ++i)
            falling.add(2.3f * std::pow(0.9999f, float(i)));
        QVERIFY(!falling.plateaued());
    }

    void verdictRules_data()
    {
        QTest::addColumn<int>("outcome");
        QTest::addColumn<RunHistory>("input");
        QTest::addColumn<QString>("reasonHas");
        QTest::newRow("learned") << int(VerdictOutcome::Learned) << history(2.3f, 0.12f, 0.967f) << "96.7%";
        QTest::newRow("learned, untested") << int(VerdictOutcome::Learned) << history(2.3f, 0.5f, -1) << "0.50";
        QTest::newRow("loss ended higher") << int(VerdictOutcome::Diverged) << history(2.3f, 2.9f, 0.6f) << "2.90";
        QTest::newRow("ended 4% higher: noise, stuck")
            << int(VerdictOutcome::Stuck) << history(2.3f, 2.39f, 0.3f) << "fell only 0%";
        QTest::newRow("swung up, now guessing")
            << int(VerdictOutcome::Diverged) << history(5.6f, 2.33f, 0.089f, 8.9f, 2.31f) << "8.90";
        QTest::newRow("flat at guessing: stuck")
            << int(VerdictOutcome::Stuck) << history(2.36f, 2.31f, 0.097f, 2.357f, 2.30f) << "9.7%";
        QTest::newRow("low accuracy, loss below 2: stuck")
            << int(VerdictOutcome::Stuck) << history(2.3f, 1.95f, 0.18f) << "15%";
        QTest::newRow("stuck") << int(VerdictOutcome::Stuck) << history(2.3f, 2.1f, 0.35f) << "35.0%";
        QTest::newRow("slow but fell 30%: learned")
            << int(VerdictOutcome::Learned) << history(2.3f, 1.6f, 0.45f) << "45.0%";
        QTest::newRow("fell little but accurate: learned")
            << int(VerdictOutcome::Learned) << history(0.4f, 0.35f, 0.9f) << "90.0%";
        RunHistory nonFinite = history(2.3f, 1.0f, 0.5f);
        nonFinite.nonFinite = true;
        QTest::newRow("non-finite") << int(VerdictOutcome::Diverged) << nonFinite << "NaN";
        RunHistory stopped = history(2.3f, 3.0f, 0.1f);
        stopped.stopped = true;
        QTest::newRow("stopped wins over diverged") << int(VerdictOutcome::Stopped) << stopped << "500 batches";
        RunHistory failed;
        failed.failed = true;
        failed.failure = "MNIST data not found";
        QTest::newRow("failed") << int(VerdictOutcome::Failed) << failed << "MNIST data not found";
    }

    void verdictRules()
    {
        QFETCH(int, outcome);
        QFETCH(RunHistory, input);
        QFETCH(QString, reasonHas);
        const Verdict verdict = computeVerdict(input);
        QCOMPARE(verdictOutcomeName(verdict.outcome), verdictOutcomeName(VerdictOutcome(outcome)));
        QVERIFY2(QString::fromStdString(verdict.reason).contains(reasonHas), verdict.reason.c_str());
        QCOMPARE(verdict.initialLoss, input.initialLoss);
        QCOMPARE(verdict.finalLoss, input.finalLoss);
        QCOMPARE(verdict.testAccuracy, input.testAccuracy);
    }

    void evaluationCountsDeadUnits()
    {
        const MnistData data = blocks(64, 300);
        Network network(Architecture{}, 3);
        for (int unit = 0; unit < 40; ++unit) // 40 of layer 1's 128 units can never fire
            network.layer(0).bias()[unit] = -1e4f;
        const Evaluation evaluation = evaluate(network, data.test);
        QCOMPARE(int(evaluation.deadUnits.size()), 2);
        QVERIFY2(evaluation.deadUnits[0] >= 40, qPrintable(QString::number(evaluation.deadUnits[0])));
        QVERIFY(evaluation.deadUnits[0] < 50);

        Network smooth(sigmoid(), 3);
        smooth.layer(0).bias().setConstant(-1e4f);
        const Evaluation sigmoidEvaluation = evaluate(smooth, data.test);
        QCOMPARE(sigmoidEvaluation.deadUnits, (std::vector<int>{0, 0})); // only ReLU units are dead
    }

    void nonFiniteLossIsADivergenceMomentThenTheFailure()
    {
        const MnistData data = blocks(640, 100);
        Network network(Architecture{}, 5);
        Trainer trainer(network, data, settings(1, 32, 5e30f));
        Recorder recorder;
        const FinishReport finish = trainer.run(recorder);
        const TeachingMoment *moment = recorder.find(TeachingMomentKind::Divergence);
        QVERIFY2(moment, qPrintable(describe(recorder)));
        QCOMPARE(recorder.counts()["divergence"], 1);
        QVERIFY(moment->nonFinite);
        QVERIFY(!std::isfinite(moment->loss));
        QCOMPARE(moment->learningRate, 5e30f);
        QCOMPARE(moment->pauseSeconds, 4.0);
        QCOMPARE(int(recorder.failures.size()), 1);
        QCOMPARE(finish.verdict.outcome, VerdictOutcome::Diverged);
        QVERIFY(finish.stopped);
    }

    void reluAtLearningRateFiveIsADivergenceMoment()
    {
        REQUIRE_MNIST();
        // What a student tries: the default ReLU network at lr 5. The loss is thrown up within a
        // few batches, then stays flat near 2.3 with the units dead: seen as a blow-up.
        const MnistData data{firstImages(realMnist()->train, 300 * 64), firstImages(realMnist()->test, 500)};
        Network network(Architecture{}, 42);
        Trainer trainer(network, data, settings(1, 64, 5.0f));
        Recorder recorder;
        trainer.run(recorder);
        const TeachingMoment *moment = recorder.find(TeachingMomentKind::Divergence);
        QVERIFY2(moment, qPrintable(describe(recorder)));
        QVERIFY(moment->globalBatch < 50);
        QVERIFY(moment->loss > LossTracker::kBlowUpLoss);
        QVERIFY(moment->loss > 2 * moment->minLoss);
        QCOMPARE(recorder.counts()["divergence"], 1);
    }

    void risingLossIsADivergenceMoment()
    {
        REQUIRE_MNIST();
        // A sigmoid network learns at lr 0.5 for 100 batches, then the rate jumps to 8: its
        // bounded units never overflow, the loss climbs steadily instead.
        const MnistData data{firstImages(realMnist()->train, 200 * 64), firstImages(realMnist()->test, 500)};
        Network network(sigmoid(), 42);
        Trainer trainer(network, data, settings(1, 64, 0.5f));
        struct RateJump : Recorder
        {
            Trainer *trainer = nullptr;
            void batchFinished(const BatchReport &report) override
            {
                Recorder::batchFinished(report);
                if (report.globalBatch == 100)
                    trainer->setLearningRate(8.0f);
            }
        } recorder;
        recorder.trainer = &trainer;
        trainer.run(recorder);
        const TeachingMoment *moment = recorder.find(TeachingMomentKind::Divergence);
        QVERIFY2(moment, qPrintable(describe(recorder)));
        QCOMPARE(recorder.counts()["divergence"], 1);
        QVERIFY(!moment->nonFinite);
        // The first batch either rule can see it: 20 rises and 1.5 x the lowest, or a blow-up.
        QVERIFY(moment->risingBatches <= LossTracker::kRisingBatches);
        QVERIFY((moment->risingBatches == LossTracker::kRisingBatches && moment->loss > 1.5f * moment->minLoss)
                || (moment->loss > LossTracker::kBlowUpLoss && moment->loss > 2 * moment->minLoss));
        QVERIFY(moment->minLossBatch <= 101);
        QVERIFY(moment->globalBatch > 100 && moment->globalBatch < 140);
        QCOMPARE(moment->learningRate, 8.0f);
        QCOMPARE(moment->pauseSeconds, 4.0);
    }

    void plateauOnATinyLearningRate()
    {
        const MnistData data = blocks(6400, 100); // 200 batches of 32 per epoch
        Network network(sigmoid(), 5);
        Trainer trainer(network, data, settings(2, 32, 1e-6f));
        Recorder recorder;
        trainer.run(recorder);
        const TeachingMoment *moment = recorder.find(TeachingMomentKind::Plateau);
        QVERIFY2(moment, qPrintable(describe(recorder)));
        QCOMPARE(recorder.counts()["plateau"], 1);
        QVERIFY(moment->globalBatch > 200); // the first batch it can be seen is 201
        QCOMPARE(moment->windowBatches, 200);
        QVERIFY(moment->loss > 0.5f);
        QVERIFY(std::fabs(moment->loss - moment->lossBefore) < 0.01f * moment->lossBefore);
        QCOMPARE(recorder.finish.verdict.outcome, VerdictOutcome::Stuck);
    }

    void epochEndAfterTheFirstEpochOnly()
    {
        const MnistData data = blocks(640, 200);
        Network network(Architecture{}, 5);
        Trainer trainer(network, data, settings(3, 32, 0.05f));
        Recorder recorder;
        trainer.run(recorder);
        QCOMPARE(recorder.counts()["epoch_end"], 1);
        const TeachingMoment *moment = recorder.find(TeachingMomentKind::EpochEnd);
        QVERIFY(moment);
        QCOMPARE(moment->epoch, 1);
        QCOMPARE(moment->testAccuracy, recorder.epochs[0].testAccuracy);
        QCOMPARE(moment->trainAccuracy, recorder.epochs[0].trainAccuracy);
        QCOMPARE(moment->testLoss, recorder.epochs[0].testLoss);
        QCOMPARE(moment->trainLoss, recorder.epochs[0].trainLoss);
        QCOMPARE(moment->globalBatch, 20LL); // the epoch's last batch
        QVERIFY(recorder.epochs[0].momentFollows == TeachingMomentKind::EpochEnd);
        QVERIFY(!recorder.epochs[1].momentFollows);
        QCOMPARE(recorder.finish.verdict.outcome, VerdictOutcome::Learned);
    }

    void deadUnitsWhenAQuarterNeverFire()
    {
        const MnistData data = blocks(640, 200);
        Network network(Architecture{}, 5);
        for (int unit = 0; unit < 64; ++unit) // half of layer 1: a dead ReLU gets no gradient
            network.layer(0).bias()[unit] = -1e4f;
        Trainer trainer(network, data, settings(2, 32, 0.01f));
        Recorder recorder;
        trainer.run(recorder);
        const TeachingMoment *moment = recorder.find(TeachingMomentKind::DeadUnits);
        QVERIFY2(moment, qPrintable(describe(recorder)));
        QCOMPARE(recorder.counts()["dead_units"], 1);
        QCOMPARE(moment->layer, 1);
        QCOMPARE(moment->units, 128);
        QCOMPARE(moment->dead, recorder.epochs[0].deadUnits[0]);
        QVERIFY(moment->dead >= 64);
        QCOMPARE(moment->fraction, float(moment->dead) / 128);
        // After the first epoch's epoch_end card, in the same epoch end.
        QCOMPARE(recorder.moments.back().kind, TeachingMomentKind::DeadUnits);
        QCOMPARE(recorder.moments[recorder.moments.size() - 2].kind, TeachingMomentKind::EpochEnd);
        QCOMPARE(recorder.finish.verdict.deadFraction, float(recorder.epochs[1].deadUnits[0]) / 128);
    }

    void confidentMistakeOnAPretrainedNetwork()
    {
        Network network(Architecture{}, 5);
        { // Pre-train on the blocks until the network is sure of them.
            const MnistData data = blocks(1280, 50);
            TrainerSettings quiet = settings(4, 32, 0.05f);
            quiet.detectTeachingMoments = false;
            Trainer trainer(network, data, quiet);
            Recorder recorder;
            trainer.run(recorder);
            QVERIFY(recorder.epochs.back().testAccuracy > 0.95f);
        }
        // Now every label is shifted by one: the sure guesses are wrong, and a tiny rate keeps them.
        const MnistData shifted = blocks(3200, 50, 1);
        Trainer trainer(network, shifted, settings(1, 32, 1e-7f));
        Recorder recorder;
        trainer.run(recorder);
        const TeachingMoment *moment = recorder.find(TeachingMomentKind::ConfidentMistake);
        QVERIFY2(moment, qPrintable(describe(recorder)));
        QCOMPARE(recorder.counts()["confident_mistake"], 1);
        QCOMPARE(moment->globalBatch, 51LL);
        QVERIFY(moment->guess != moment->label);
        QVERIFY(moment->confidence >= 0.9f);
        QVERIFY(moment->runnerUp != moment->guess);
        QVERIFY(moment->runnerUpProbability <= moment->confidence);
        QVERIFY(moment->trueProbability <= moment->runnerUpProbability);
        QVERIFY(moment->runnerUpProbability + moment->confidence <= 1.0001f);
    }

    void reportsSayWhichMomentFollows()
    {
        const MnistData data = blocks(640, 100);
        Network network(Architecture{}, 5);
        Trainer trainer(network, data, settings(1, 32, 0.05f));
        Recorder recorder;
        trainer.run(recorder);
        std::size_t batchMoments = 0;
        for (const TeachingMoment &moment : recorder.moments)
            batchMoments += moment.kind != TeachingMomentKind::EpochEnd && moment.kind != TeachingMomentKind::DeadUnits;
        QCOMPARE(recorder.batchesWithMoment.size(), batchMoments);
        for (std::size_t i = 0; i < recorder.batchesWithMoment.size(); ++i)
            QCOMPARE(*recorder.batchesWithMoment[i].momentFollows, recorder.moments[i].kind);
    }

    void noJourneyMomentsWhenTeachingIsOff()
    {
        const MnistData data = blocks(640, 100);
        Network network(Architecture{}, 5);
        for (int unit = 0; unit < 64; ++unit)
            network.layer(0).bias()[unit] = -1e4f;
        TrainerSettings quiet = settings(2, 32, 0.05f);
        quiet.detectTeachingMoments = false;
        Trainer trainer(network, data, quiet);
        Recorder recorder;
        trainer.run(recorder);
        QVERIFY(recorder.moments.empty());
        QCOMPARE(recorder.finish.verdict.outcome, VerdictOutcome::Learned); // the verdict is always there
    }

    void normalRealRunHasOnlyTheExpectedMoments()
    {
        REQUIRE_MNIST();
        // Default settings (784-128-64-10 ReLU, SGD momentum 0.9, lr 0.01, batches of 64) on
        // 400 batches of real MNIST.
        const MnistData data{firstImages(realMnist()->train, 400 * 64), firstImages(realMnist()->test, 2000)};
        Network network(Architecture{}, 42);
        Trainer trainer(network, data, settings(1, 64, 0.01f));
        Recorder recorder;
        trainer.run(recorder);
        const auto counts = recorder.counts();
        qInfo().noquote() << "normal run moments:" << describe(recorder) << "test accuracy"
                          << recorder.epochs.back().testAccuracy << "verdict"
                          << QString::fromStdString(recorder.finish.verdict.reason);
        QCOMPARE(counts.count("epoch_end"), std::size_t(1));
        QCOMPARE(counts.count("divergence"), std::size_t(0));
        QCOMPARE(counts.count("plateau"), std::size_t(0));
        QCOMPARE(counts.count("dead_units"), std::size_t(0));
        QCOMPARE(counts.count("confident_mistake"), std::size_t(0));
        QCOMPARE(recorder.finish.verdict.outcome, VerdictOutcome::Learned);
        QVERIFY(recorder.finish.verdict.testAccuracy > 0.85f);
    }

    void realDivergedAndStuckRuns_data()
    {
        QTest::addColumn<int>("activation");
        QTest::addColumn<float>("learningRate");
        QTest::addColumn<int>("outcome");
        QTest::newRow("relu lr 1: diverged") << int(Activation::ReLU) << 1.0f << int(VerdictOutcome::Diverged);
        QTest::newRow("sigmoid lr 1e-4: stuck") << int(Activation::Sigmoid) << 1e-4f << int(VerdictOutcome::Stuck);
    }

    void realDivergedAndStuckRuns()
    {
        REQUIRE_MNIST();
        QFETCH(int, activation);
        QFETCH(float, learningRate);
        QFETCH(int, outcome);
        const MnistData data{firstImages(realMnist()->train, 400 * 64), firstImages(realMnist()->test, 2000)};
        Architecture architecture;
        architecture.activations = {Activation(activation), Activation(activation)};
        Network network(architecture, 42);
        Trainer trainer(network, data, settings(1, 64, learningRate));
        Recorder recorder;
        const FinishReport finish = trainer.run(recorder);
        qInfo().noquote() << "initial" << finish.verdict.initialLoss << "final" << finish.verdict.finalLoss << "peak"
                          << recorder.tracker.peak() << "min" << recorder.tracker.minimum() << "at"
                          << recorder.tracker.minimumBatch();
        qInfo().noquote() << QString::fromStdString(verdictOutcomeName(finish.verdict.outcome)) << "-"
                          << QString::fromStdString(finish.verdict.reason) << "moments:" << describe(recorder);
        QCOMPARE(verdictOutcomeName(finish.verdict.outcome), verdictOutcomeName(VerdictOutcome(outcome)));
    }
};

QTEST_GUILESS_MAIN(TestJourneyEngine)
#include "tst_journeyengine.moc"
