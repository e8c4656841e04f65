// The training loop on small synthetic data: the loss falls, reports carry the visual data in
// the drawn-layer shapes, teaching moments fire as the original's, and the batch gate (stop /
// close / single steps / open), live learning rate and batch delay behave; a non-finite loss
// ends the run.
#include "randomdataset.h"
#include "trainer.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <thread>

using namespace core;

namespace {

using fixtures::blocksDataset;

MnistData blocks(int train = 640, int test = 200, bool randomLabels = false)
{
    return {blocksDataset(train, 1, 0, randomLabels), blocksDataset(test, 2, 0, randomLabels)};
}

struct Recorder : TrainingObserver
{
    std::vector<BatchReport> batches;
    std::vector<EpochReport> epochs;
    std::vector<std::pair<std::string, long long>> moments;
    std::vector<std::string> failures;
    int finished = 0;
    std::function<void(const BatchReport &)> onBatch;

    void batchFinished(const BatchReport &report) override
    {
        batches.push_back(report);
        if (onBatch)
            onBatch(report);
    }
    void teachingMoment(const TeachingMoment &moment, const BatchReport &report) override
    {
        // The original's three moments; the journey's have their own test (tst_journeyengine).
        if (moment.kind != TeachingMomentKind::FirstForward && moment.kind != TeachingMomentKind::FirstBackward
            && moment.kind != TeachingMomentKind::HighLoss)
            return;
        moments.emplace_back(moment.reason, report.globalBatch);
        // The moment is data: its numbers are the batch's.
        QCOMPARE(moment.loss, report.loss);
        QCOMPARE(moment.globalBatch, report.globalBatch);
        QCOMPARE(moment.label, report.focusLabel);
        QVERIFY(moment.confidence > 0 && moment.confidence <= 1);
    }
    void epochFinished(const EpochReport &report) override { epochs.push_back(report); }
    void trainingFinished(const FinishReport &) override { ++finished; }
    void trainingFailed(const std::string &message) override { failures.push_back(message); }
};

TrainerSettings quickSettings(int epochs = 3)
{
    TrainerSettings settings;
    settings.epochs = epochs;
    settings.batchSize = 32;
    settings.learningRate = 0.05f;
    return settings;
}
} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT

private slots:
    void lossFallsAndReportsHaveDrawnLayerShapes()
    {
        const MnistData data = blocks();
        Network network(Architecture{}, 3);
        Trainer trainer(network, data, quickSettings());
        Recorder recorder;
        const FinishReport finish = trainer.run(recorder);

        QVERIFY(!finish.stopped);
        QCOMPARE(finish.epochsCompleted, 3);
        QCOMPARE(int(recorder.batches.size()), 3 * 20);
        QCOMPARE(recorder.finished, 1);
        QCOMPARE(int(recorder.epochs.size()), 3);
        QVERIFY2(recorder.epochs.back().trainLoss < 0.5f * recorder.epochs.front().trainLoss,
                 qPrintable(QStringLiteral("loss %1 -> %2")
                                .arg(recorder.epochs.front().trainLoss)
                                .arg(recorder.epochs.back().trainLoss)));
        QVERIFY(recorder.epochs.back().testAccuracy > 0.9f);
        QCOMPARE(finish.samplesTrained, 3LL * 640);
        QVERIFY(finish.trainSeconds > 0);

        const BatchReport &report = recorder.batches.back();
        QCOMPARE(report.epoch, 3);
        QCOMPARE(report.batch, 20);
        QCOMPARE(report.batchesPerEpoch, 20);
        const std::vector<std::size_t> shapes{784, 128, 64, 10};
        QCOMPARE(report.focusActivations.size(), shapes.size());
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            QCOMPARE(report.focusActivations[i].size(), shapes[i]);
            QCOMPARE(report.meanActivations[i].size(), shapes[i]);
        }
        QCOMPARE(report.neuronGradients.size(), std::size_t(3));
        QCOMPARE(report.neuronGradients[0].size(), std::size_t(128));
        QCOMPARE(report.weightStatistics.size(), std::size_t(3));
        float sum = 0;
        for (float p : report.focusActivations.back())
            sum += p;
        QVERIFY(std::abs(sum - 1.0f) < 1e-4f); // output probabilities
        QVERIFY(report.focusLabel >= 0 && report.focusLabel <= 9);
        QVERIFY(report.weightStatistics[0].standardDeviation > 0);
        QVERIFY(report.layerGradients[2] > 0);

        int confusionTotal = 0;
        for (const auto &row : recorder.epochs.back().confusion)
            for (int count : row)
                confusionTotal += count;
        QCOMPARE(confusionTotal, 200);
    }

    void visualDataMatchesDirectComputation_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("1 thread") << 1;
        QTest::newRow("2 threads") << 2;
    }

    void visualDataMatchesDirectComputation()
    {
        QFETCH(int, threads);
        const MnistData data = blocks();
        Network network(Architecture{}, 4);
        TrainerSettings settings = quickSettings(1);
        settings.threads = threads;
        Trainer trainer(network, data, settings);
        Recorder recorder;
        trainer.run(recorder);
        const BatchReport &report = recorder.batches.back(); // statistics are taken after the update
        for (int l = 0; l < network.layerCount(); ++l) {
            const auto w = network.layer(l).weights().array();
            const double mean = w.mean();
            const double deviation = std::sqrt((w - float(mean)).square().mean());
            QVERIFY(std::abs(report.weightStatistics[l].mean - mean) < 1e-5);
            QVERIFY(std::abs(report.weightStatistics[l].standardDeviation - deviation) < 1e-4 * deviation);
            QCOMPARE(report.weightStatistics[l].minimum, w.minCoeff());
            QCOMPARE(report.weightStatistics[l].maximum, w.maxCoeff());
        }
        for (std::size_t l = 1; l < report.meanActivations.size(); ++l)
            for (float v : report.meanActivations[l])
                QVERIFY(v >= 0.0f); // ReLU and softmax outputs

        // With one batch holding the whole training set, the input mean is the data set mean
        // whatever the shuffle, and the focus sample is one of its images.
        Network whole(Architecture{}, 4);
        settings.batchSize = data.train.count();
        Trainer single(whole, data, settings);
        Recorder one;
        single.run(one);
        QCOMPARE(int(one.batches.size()), 1);
        const BatchReport &full = one.batches.front();
        for (int p = 0; p < 784; p += 7) {
            double sum = 0;
            for (int i = 0; i < data.train.count(); ++i)
                sum += data.train.image(i)[p] / 255.0;
            QVERIFY(std::abs(full.meanActivations[0][p] - sum / data.train.count()) < 1e-5);
        }
        QVERIFY(full.focusLabel >= 0 && full.focusLabel <= 9);
        const auto &sample = full.focusActivations[0];
        bool found = false;
        for (int i = 0; i < data.train.count() && !found; ++i) {
            found = data.train.labels[i] == full.focusLabel;
            for (int p = 0; p < 784 && found; ++p)
                found = std::abs(sample[p] - data.train.image(i)[p] / 255.0f) < 1e-6f;
        }
        QVERIFY(found);
        // Mean activations of hidden layers: the row means of that batch, in [min, max] of the focus.
        QCOMPARE(full.meanActivations[1].size(), std::size_t(128));
    }

    void deterministicAndThreadCountIndependent()
    {
        const MnistData data = blocks();
        auto train = [&](int threads) {
            Network network(Architecture{}, 11);
            TrainerSettings settings = quickSettings(1);
            settings.threads = threads;
            Trainer trainer(network, data, settings);
            Recorder recorder;
            trainer.run(recorder);
            return network.layer(0).weights();
        };
        const Matrix first = train(1);
        QVERIFY(first == train(1));
        // Two threads sum the first layer's product in two partial sums and split the other
        // kernels, so the result is equal up to float rounding, not bit for bit.
        const Matrix second = train(2);
        QVERIFY(second == train(2));
        QVERIFY2((first - second).cwiseAbs().maxCoeff() < 1e-4f,
                 qPrintable(QString::number((first - second).cwiseAbs().maxCoeff())));
    }

    void teachingMomentsFireOnceEachAsTheSeed()
    {
        const MnistData data = blocks(640, 50, /*randomLabels=*/true); // loss stays ~2.3
        Network network(Architecture{}, 5);
        TrainerSettings settings = quickSettings(2);
        settings.learningRate = 0.001f;
        Trainer trainer(network, data, settings);
        Recorder recorder;
        trainer.run(recorder);
        QCOMPARE(int(recorder.moments.size()), 3);
        QCOMPARE(recorder.moments[0], std::make_pair(std::string("first_forward"), 1LL));
        QCOMPARE(recorder.moments[1], std::make_pair(std::string("first_backward"), 2LL));
        QCOMPARE(recorder.moments[2], std::make_pair(std::string("high_loss"), 11LL));
    }

    void noTeachingMomentsWhenDisabled()
    {
        const MnistData data = blocks(640, 50, true);
        Network network(Architecture{}, 5);
        TrainerSettings settings = quickSettings(1);
        settings.detectTeachingMoments = false;
        Trainer trainer(network, data, settings);
        Recorder recorder;
        trainer.run(recorder);
        QVERIFY(recorder.moments.empty());
    }

    void stopEndsWithinOneBatch()
    {
        const MnistData data = blocks();
        Network network(Architecture{}, 5);
        Trainer trainer(network, data, quickSettings());
        Recorder recorder;
        recorder.onBatch = [&](const BatchReport &report) {
            if (report.globalBatch == 5)
                trainer.gate().stop();
        };
        const FinishReport finish = trainer.run(recorder);
        QVERIFY(finish.stopped);
        QCOMPARE(int(recorder.batches.size()), 5);
        QCOMPARE(finish.samplesTrained, 5LL * 32);
        QVERIFY(recorder.epochs.empty());
    }

    void pauseStepResumeFromAnotherThread()
    {
        const MnistData data = blocks();
        Network network(Architecture{}, 5);
        Trainer trainer(network, data, quickSettings(1));
        Recorder recorder;
        std::atomic<long long> seen{0};
        recorder.onBatch = [&](const BatchReport &report) {
            seen = report.globalBatch;
            if (report.globalBatch == 3)
                trainer.gate().close(); // as a teaching moment does, from the trainer thread
        };
        std::thread worker([&] { trainer.run(recorder); });
        QTRY_VERIFY_WITH_TIMEOUT(!trainer.gate().isOpen() && seen == 3, 5000);
        QTest::qWait(50);
        QCOMPARE(seen.load(), 3LL); // really paused
        trainer.gate().allow(1);
        QTRY_COMPARE_WITH_TIMEOUT(seen.load(), 4LL, 5000);
        QTest::qWait(50);
        QCOMPARE(seen.load(), 4LL); // exactly one batch
        QVERIFY(!trainer.gate().isOpen());
        trainer.gate().open();
        worker.join();
        QCOMPARE(seen.load(), 20LL);
        QCOMPARE(recorder.finished, 1);
    }

    void stopWakesPausedAndDelayedRuns()
    {
        const MnistData data = blocks();
        Network network(Architecture{}, 5);
        TrainerSettings settings = quickSettings(1);
        settings.batchDelayMs = 10000;
        Trainer trainer(network, data, settings);
        Recorder recorder;
        std::atomic<int> batches{0}; // the recorder's vector is the trainer thread's until join()
        recorder.onBatch = [&](const BatchReport &) { ++batches; };
        std::thread worker([&] { trainer.run(recorder); });
        QTRY_VERIFY_WITH_TIMEOUT(batches.load() >= 1, 5000);
        const auto start = std::chrono::steady_clock::now();
        trainer.gate().stop();
        worker.join();
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
        QCOMPARE(int(recorder.batches.size()), 1);
    }

    void liveLearningRateAndDelay()
    {
        const MnistData data = blocks();
        Network network(Architecture{}, 5);
        Trainer trainer(network, data, quickSettings(1));
        Recorder recorder;
        recorder.onBatch = [&](const BatchReport &report) {
            if (report.globalBatch == 2)
                trainer.setLearningRate(0.02f);
        };
        trainer.run(recorder);
        QCOMPARE(recorder.batches[1].learningRate, 0.05f);
        QCOMPARE(recorder.batches[2].learningRate, 0.02f);
        trainer.setBatchDelay(-5);
        QCOMPARE(trainer.batchDelay(), 0);
    }

    // The pace is a floor on batch start-to-start time, so a run can never beat it; the upper
    // band only guards against a pace that stopped being applied after a change.
    void paceLimitsBatchesPerSecond()
    {
        const MnistData data = blocks(8 * 30); // 30 batches of 8
        Network network(Architecture{}, 5);
        TrainerSettings settings = quickSettings(1);
        settings.batchSize = 8;
        settings.batchesPerSecond = 20; // 50 ms per batch, well above a batch's compute time
        Trainer trainer(network, data, settings);
        QCOMPARE(trainer.pace(), 20.0);
        std::vector<std::chrono::steady_clock::time_point> starts;
        Recorder recorder;
        recorder.onBatch = [&](const BatchReport &report) {
            starts.push_back(std::chrono::steady_clock::now());
            if (report.globalBatch == 15)
                trainer.setPace(0); // unlimited from here on
        };
        trainer.run(recorder);
        QCOMPARE(int(starts.size()), 30);
        const auto paced = std::chrono::duration<double>(starts[14] - starts[0]).count();
        const auto free = std::chrono::duration<double>(starts[29] - starts[15]).count();
        // Never faster than the pace. The times are taken when batches END: the span 0..14 is the
        // starts' span (>= 14 x 50 ms) minus the first batch's compute time plus the last one's, and
        // under a sanitizer on a loaded machine the first can take several ms more than the last.
        QVERIFY2(paced >= 14 * 0.050 * 0.9, qPrintable(QString::number(paced)));
        QVERIFY2(free < paced, qPrintable(QStringLiteral("%1 vs %2").arg(free).arg(paced)));
        QCOMPARE(trainer.pace(), 0.0);
        trainer.setPace(-3);
        QCOMPARE(trainer.pace(), 0.0);
        trainer.setPace(std::numeric_limits<double>::infinity());
        QCOMPARE(trainer.pace(), 0.0);
    }

    // A slow pace set mid-run is left early when a faster pace arrives, and stop wakes it.
    void fasterPaceEndsTheWait()
    {
        const MnistData data = blocks();
        Network network(Architecture{}, 5);
        TrainerSettings settings = quickSettings(1);
        settings.batchesPerSecond = 0.05; // 20 s per batch
        Trainer trainer(network, data, settings);
        Recorder recorder;
        std::atomic<int> batches{0};
        recorder.onBatch = [&](const BatchReport &) { ++batches; };
        std::thread worker([&] { trainer.run(recorder); });
        QTRY_VERIFY_WITH_TIMEOUT(batches.load() >= 1, 5000);
        QTest::qWait(50);
        QCOMPARE(batches.load(), 1);
        trainer.setPace(0);
        QTRY_VERIFY_WITH_TIMEOUT(batches.load() >= 3, 5000);
        trainer.setPace(0.05);
        const int seen = batches.load();
        QTest::qWait(100);
        QVERIFY(batches.load() <= seen + 1);
        trainer.gate().stop();
        worker.join();
    }

    void nonFiniteLossEndsTheRunWithAnError()
    {
        const MnistData data = blocks();
        Network network(Architecture{}, 5);
        TrainerSettings settings = quickSettings(1);
        settings.learningRate = 1e30f;
        Trainer trainer(network, data, settings);
        Recorder recorder;
        const FinishReport finish = trainer.run(recorder);
        QVERIFY(finish.stopped);
        QCOMPARE(int(recorder.failures.size()), 1);
        QVERIFY2(recorder.failures[0].find("loss became") != std::string::npos, recorder.failures[0].c_str());
        QCOMPARE(recorder.finished, 0);
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
