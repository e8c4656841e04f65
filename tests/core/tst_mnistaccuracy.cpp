// Trains on the real MNIST (from $NNJ_MNIST_DIR) for one epoch and checks the test accuracy,
// then round-trips the trained model through a file and checks it predicts the same.
// Skips when the data is absent, except under CI (CI fetches the data): there it fails.
#include "evaluation.h"
#include "idxreader.h"
#include "modelfile.h"
#include "trainer.h"

#include <QTemporaryDir>
#include <QTest>

using namespace core;

class TestMnistAccuracy : public QObject
{
    Q_OBJECT

private slots:
    void oneEpochReaches95Percent()
    {
        const QByteArray directory = qgetenv("NNJ_MNIST_DIR");
        if (directory.isEmpty() || !mnistFilesPresent(directory.toStdString())) {
            if (!qEnvironmentVariableIsEmpty("CI"))
                QFAIL("CI is set but NNJ_MNIST_DIR does not hold the MNIST files (scripts/fetch-mnist DIR)");
            QSKIP("set NNJ_MNIST_DIR to a folder with the MNIST files (scripts/fetch-mnist DIR)");
        }
        const MnistData data = loadMnist(directory.toStdString());
        QCOMPARE(data.train.count(), 60000);
        QCOMPARE(data.test.count(), 10000);

        Network network(Architecture{}, 42);
        TrainerSettings settings;
        settings.epochs = 1;
        settings.learningRate = 0.05f; // SGD momentum 0.9, batch 64, 784-128-64-10
        settings.detectTeachingMoments = false;
        Trainer trainer(network, data, settings);
        TrainingObserver silent;
        const FinishReport finish = trainer.run(silent);
        QVERIFY(!finish.stopped);
        qInfo("1 epoch: test accuracy %.2f%%, loss %.4f, %.0f samples/s", 100.0 * finish.finalTestAccuracy,
              finish.finalTestLoss, finish.samplesTrained / finish.trainSeconds);
        QVERIFY2(finish.finalTestAccuracy >= 0.95f, qPrintable(QString::number(finish.finalTestAccuracy)));

        QTemporaryDir temporary;
        const std::string path = temporary.filePath(QStringLiteral("model.nnjmodel")).toStdString();
        saveModelFile(path, network, {1, finish.finalTestAccuracy});
        ModelMetadata metadata;
        const Network loaded = loadModelFile(path, &metadata);
        QCOMPARE(metadata.epochsTrained, 1);
        const Evaluation evaluation = evaluate(loaded, data.test);
        QCOMPARE(evaluation.accuracy, finish.finalTestAccuracy);
    }
};

QTEST_GUILESS_MAIN(TestMnistAccuracy)
#include "tst_mnistaccuracy.moc"
