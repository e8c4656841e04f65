// The narrator against hand-built batch reports and a fake clock: each caption carries the numbers
// of the state it describes, captions keep their minimum gap whatever the batch rate, epoch results
// and learning-rate changes are held until they can be said, and a plain steady run says nothing
// it should not.
#include "narrator.h"

#include <QTest>

#include <optional>
#include <vector>

using namespace core;

namespace {

BatchReport report(long long batch, float loss, int label = 3, int prediction = 3)
{
    BatchReport r;
    r.epoch = 1;
    r.globalBatch = batch;
    r.batch = int(batch);
    r.loss = loss;
    r.focusLabel = label;
    r.focusPrediction = prediction;
    std::vector<float> probabilities(10, 0.02f);
    probabilities[std::size_t(prediction)] = 0.7f;
    if (label != prediction)
        probabilities[std::size_t(label)] = 0.12f;
    r.focusActivations = {std::vector<float>(784, 0.0f), probabilities};
    return r;
}

} // namespace

class TestNarrator : public QObject
{
    Q_OBJECT

private slots:
    void lossHalvedCarriesItsNumbers()
    {
        Narrator narrator(3.0);
        std::vector<Caption> captions;
        // Loss 2.0 for 20 batches (the first full window: the reference at batch 20), then 0.8.
        for (long long b = 1; b <= 60; ++b) {
            const float loss = b <= 20 ? 2.0f : 0.8f;
            if (auto caption = narrator.batchFinished(report(b, loss), 100.0 + double(b)))
                captions.push_back(*caption);
        }
        QCOMPARE(int(captions.size()), 1);
        const Caption &halved = captions[0];
        QCOMPARE(halved.kind, CaptionKind::LossHalved);
        QCOMPARE(halved.sinceBatch, 20LL);
        QCOMPARE(halved.previous, 2.0f);
        // Halved once the running mean of 20 reaches <= 1.0: 2.0 * (20 - k) / 20 + 0.8 * k / 20 <= 1 at k = 17.
        QCOMPARE(halved.globalBatch, 37LL);
        QVERIFY(std::abs(halved.value - (2.0f * 3 + 0.8f * 17) / 20) < 1e-5f);
        QVERIFY(halved.value <= halved.previous / 2);
    }

    void gapHoldsWhateverTheBatchRate()
    {
        // 1,000 batches per second of a loss falling fast and a focus sample always misread: the
        // captions still come at least 3 s apart (mistakes 6 s).
        Narrator narrator(3.0);
        std::vector<std::pair<double, Caption>> shown;
        float loss = 2.3f;
        for (long long b = 1; b <= 20000; ++b) {
            loss *= 0.9995f;
            const double now = double(b) / 1000.0;
            if (auto caption = narrator.batchFinished(report(b, loss, 4, 9), now))
                shown.emplace_back(now, *caption);
        }
        QVERIFY(shown.size() >= 3);
        for (std::size_t i = 1; i < shown.size(); ++i)
            QVERIFY2(shown[i].first - shown[i - 1].first >= 3.0 - 1e-9, qPrintable(QString::number(shown[i].first)));
        bool sawMistake = false, sawHalved = false;
        for (const auto &[time, caption] : shown) {
            if (caption.kind == CaptionKind::FocusMistake) {
                sawMistake = true;
                QCOMPARE(caption.label, 4);
                QCOMPARE(caption.guess, 9);
                QCOMPARE(caption.confidence, 0.7f);
                QCOMPARE(caption.labelProbability, 0.12f);
            }
            sawHalved |= caption.kind == CaptionKind::LossHalved;
        }
        QVERIFY(sawMistake);
        QVERIFY(sawHalved);
    }

    void epochAndLearningRateAreHeldNotLost()
    {
        Narrator narrator(3.0);
        // A mistake is said at t = 10 (the first caption needs no silence before it).
        QVERIFY(narrator.batchFinished(report(1, 2.0f, 1, 7), 10.0).has_value());
        // The learning rate changes 1 s later: held, not lost.
        QVERIFY(!narrator.learningRateChanged(0.01f, 0.5f, 2, 11.0));
        QVERIFY(!narrator.tick(12.5));
        const auto rate = narrator.tick(13.0);
        QVERIFY(rate.has_value());
        QCOMPARE(rate->kind, CaptionKind::LearningRateChanged);
        QCOMPARE(rate->previous, 0.01f);
        QCOMPARE(rate->value, 0.5f);
        QCOMPARE(rate->globalBatch, 2LL);
        // An epoch result 1 s after that is held and comes out with the next batch after the gap,
        // before any batch caption.
        EpochReport epoch;
        epoch.epoch = 1;
        epoch.testAccuracy = 0.912f;
        epoch.trainAccuracy = 0.887f;
        QVERIFY(!narrator.epochFinished(epoch, 938, 14.0));
        QVERIFY(!narrator.batchFinished(report(939, 0.3f, 1, 7), 15.0));
        const auto result = narrator.batchFinished(report(940, 0.3f, 1, 7), 16.5);
        QVERIFY(result.has_value());
        QCOMPARE(result->kind, CaptionKind::EpochResult);
        QCOMPARE(result->value, 0.912f);
        QCOMPARE(result->previous, 0.887f);
        QCOMPARE(result->globalBatch, 938LL);
        QCOMPARE(result->epoch, 1);
        QVERIFY(!narrator.tick(100.0)); // nothing else was held
    }

    void cardTakesTheScreenAndItsEventIsNotSaidTwice()
    {
        Narrator narrator(3.0);
        QVERIFY(narrator.batchFinished(report(1, 2.0f, 1, 7), 10.0).has_value());
        // An epoch result too soon is held; the epoch_end card then shows it: dropped, not said.
        EpochReport epoch;
        epoch.epoch = 1;
        epoch.testAccuracy = 0.9f;
        QVERIFY(!narrator.epochFinished(epoch, 938, 11.0));
        narrator.cardShown(11.0, CaptionKind::EpochResult);
        QVERIFY(!narrator.tick(13.5)); // the gap counts from the card
        QVERIFY(!narrator.tick(100.0)); // and the result was not kept
        // A held learning-rate change is another event: the card only delays it.
        QVERIFY(narrator.batchFinished(report(939, 2.0f, 1, 7), 200.0).has_value());
        QVERIFY(!narrator.learningRateChanged(0.01f, 0.5f, 940, 201.0));
        narrator.cardShown(202.0, CaptionKind::EpochResult);
        QVERIFY(!narrator.tick(204.0));
        const auto rate = narrator.tick(205.0);
        QVERIFY(rate.has_value());
        QCOMPARE(rate->kind, CaptionKind::LearningRateChanged);
    }

    void learningRateChangeSeenInTheReports()
    {
        Narrator narrator(3.0);
        BatchReport first = report(1, 2.0f);
        first.learningRate = 0.01f;
        QVERIFY(!narrator.batchFinished(first, 1.0));
        BatchReport second = report(2, 2.0f);
        second.learningRate = 0.2f;
        const auto caption = narrator.batchFinished(second, 2.0);
        QVERIFY(caption.has_value());
        QCOMPARE(caption->kind, CaptionKind::LearningRateChanged);
        QCOMPARE(caption->previous, 0.01f);
        QCOMPARE(caption->value, 0.2f);
        QCOMPARE(caption->globalBatch, 2LL);
    }

    void risingLossIsSaid()
    {
        Narrator narrator(3.0);
        std::optional<Caption> rising;
        // 100 batches at 0.5, then the loss climbs to 1.5 (a learning rate too high).
        for (long long b = 1; b <= 200 && !rising; ++b) {
            const float loss = b <= 100 ? 0.5f : 1.5f;
            auto caption = narrator.batchFinished(report(b, loss), double(b));
            if (caption && caption->kind == CaptionKind::LossRising)
                rising = caption;
        }
        QVERIFY(rising.has_value());
        QCOMPARE(rising->previous, 0.5f);
        QVERIFY(rising->value > 0.5f * (1 + Narrator::kRisingFraction));
        QVERIFY(rising->sinceBatch <= 100);
        QVERIFY(rising->globalBatch > 100);
    }

    void steadyCorrectRunSaysNothing()
    {
        Narrator narrator(3.0);
        for (long long b = 1; b <= 2000; ++b)
            QVERIFY(!narrator.batchFinished(report(b, 0.4f + 0.01f * float(b % 3)), double(b)));
        narrator.reset();
        QVERIFY(!narrator.tick(1e9));
    }
};

QTEST_GUILESS_MAIN(TestNarrator)
#include "tst_narrator.moc"
