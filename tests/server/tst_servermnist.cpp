// End to end on the real MNIST ($NNJ_MNIST_DIR; skipped when unset, failed when CI is set):
// one epoch through the HTTP API and a WebSocket client, teaching moments with the real
// numbers, test accuracy, /predict on real test digits, autosave and reload without retraining.
#include "serverfixtures.h"
#include "wsclient.h"

#include "idxreader.h"
#include "server.h"
#include "session.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

class TestServerMnist : public QObject
{
    Q_OBJECT

private slots:
    void oneEpochEndToEnd();

private:
    static QByteArray pixelsBody(const core::Dataset &data, int index)
    {
        QByteArray body = "{\"pixels\":[";
        const std::uint8_t *image = data.image(index);
        for (int i = 0; i < 784; ++i) {
            if (i)
                body += ',';
            body += QByteArray::number(image[i] / 255.0, 'g', 6);
        }
        return body + "]}";
    }
};

void TestServerMnist::oneEpochEndToEnd()
{
    const QString directory = qEnvironmentVariable("NNJ_MNIST_DIR");
    if (directory.isEmpty() || !core::mnistFilesPresent(directory.toStdString())) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("CI is set but NNJ_MNIST_DIR does not hold the MNIST files (scripts/fetch-mnist DIR)");
        QSKIP("set NNJ_MNIST_DIR to a folder with the MNIST files (scripts/fetch-mnist DIR)");
    }
    QTemporaryDir models;
    server::SessionOptions options;
    options.mnistDirectory = directory;
    options.modelPath = models.filePath(u"last.nnjmodel"_s);
    options.allowDownload = false;
    options.teachingPauseScale = 0.05;
    auto session = std::make_unique<server::Session>(options);
    QCOMPARE(session->execute(server::Command::epochs(1)).message, QString());
    auto httpServer = std::make_unique<server::Server>(*session, server::AccessSettings{});
    QVERIFY(httpServer->listen(QHostAddress::LocalHost, 0));
    const quint16 port = httpServer->port();

    WsClient client;
    QVERIFY(client.open(port));
    QCOMPARE(fixtures::post(port, "/start-training").json().value(u"status"_s).toString(), u"started"_s);
    QVERIFY(client.waitFor(u"training_complete"_s, 120000));

    // Teaching moment with the real numbers: an untrained 10-way classifier has loss ~ln 10.
    const QJsonObject forward = client.first(u"pause_moment"_s);
    QCOMPARE(forward.value(u"reason"_s).toString(), u"first_forward"_s);
    const double firstLoss = forward.value(u"stats"_s).toObject().value(u"loss"_s).toDouble();
    QVERIFY2(firstLoss > 1.8 && firstLoss < 3.0, qPrintable(QString::number(firstLoss)));
    QVERIFY(forward.value(u"message"_s).toString().contains(u"2.303"_s));
    QCOMPARE(forward.value(u"activations"_s).toArray()[0].toArray().size(), 784);

    const QJsonObject epoch = client.first(u"epoch_end"_s);
    const double testAccuracy = epoch.value(u"test_accuracy"_s).toDouble();
    qInfo("real MNIST, 1 epoch through the server: test accuracy %.4f", testAccuracy);
    QVERIFY2(testAccuracy >= 0.93, qPrintable(QString::number(testAccuracy)));
    int confusionTotal = 0, diagonal = 0;
    const QJsonArray confusion = epoch.value(u"confusion_matrix"_s).toArray();
    for (int row = 0; row < 10; ++row) {
        for (int column = 0; column < 10; ++column) {
            const int count = confusion[row].toArray()[column].toInt();
            confusionTotal += count;
            diagonal += row == column ? count : 0;
        }
    }
    QCOMPARE(confusionTotal, 10000);
    QCOMPARE(diagonal / 10000.0, testAccuracy);
    const QJsonObject finalStats = client.first(u"training_complete"_s).value(u"final_stats"_s).toObject();
    QCOMPARE(finalStats.value(u"epochs"_s).toInt(), 1);
    QCOMPARE(finalStats.value(u"test_accuracy"_s).toDouble(), testAccuracy);
    QCOMPARE(client.first(u"training_complete"_s).value(u"weights"_s).toArray().size(), 6);
    QCOMPARE(fixtures::get(port, "/api/state").json().value(u"history"_s).toObject().value(u"loss"_s).toArray().size(),
             938);

    // Real test digits through /predict.
    const core::MnistData data = core::loadMnist(directory.toStdString());
    QVector<int> predicted;
    int correct = 0;
    for (int i = 0; i < 50; ++i) {
        const auto response = fixtures::post(port, "/predict", pixelsBody(data.test, i));
        QCOMPARE(response.status, 200);
        const int digit = response.json().value(u"digit"_s).toInt();
        predicted << digit;
        correct += digit == data.test.labels[i];
    }
    QVERIFY2(correct >= 45, qPrintable(QString::number(correct)));

    // Restart: the autosaved model answers the same without retraining.
    httpServer.reset();
    session.reset();
    session = std::make_unique<server::Session>(options);
    QVERIFY(session->hasTrainedWeights());
    httpServer = std::make_unique<server::Server>(*session, server::AccessSettings{});
    QVERIFY(httpServer->listen(QHostAddress::LocalHost, 0));
    QCOMPARE(fixtures::get(httpServer->port(), "/get-weights").status, 200);
    for (int i = 0; i < 10; ++i) {
        const auto response = fixtures::post(httpServer->port(), "/predict", pixelsBody(data.test, i));
        QCOMPARE(response.json().value(u"digit"_s).toInt(), predicted[i]);
    }
}

QTEST_GUILESS_MAIN(TestServerMnist)
#include "tst_servermnist.moc"
