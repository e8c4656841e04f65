// The nnj-train command line: a tiny run on IDX fixtures written here prints the documented
// JSON line and saves a loadable model; missing or corrupt data and bad options exit with 2
// and a message naming the problem.
#include "modelfile.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runTrainer(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(NNJ_TRAIN_BINARY), arguments);
    if (!process.waitForFinished(120000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

// Big-endian IDX files: images (magic 0x803) with a bright 6x6 block whose position encodes the label.
void writeIdx(const QString &directory, const QString &prefix, int count)
{
    QFile images(directory + u'/' + prefix + QStringLiteral("-images-idx3-ubyte"));
    QFile labels(directory + u'/' + prefix + QStringLiteral("-labels-idx1-ubyte"));
    QVERIFY(images.open(QIODevice::WriteOnly) && labels.open(QIODevice::WriteOnly));
    QDataStream imageStream(&images), labelStream(&labels);
    imageStream << quint32(0x803) << quint32(count) << quint32(28) << quint32(28);
    labelStream << quint32(0x801) << quint32(count);
    for (int i = 0; i < count; ++i) {
        const int label = i % 10;
        QByteArray pixels(784, 0);
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 6; ++x)
                pixels[(2 + (label / 5) * 12 + y) * 28 + 2 + (label % 5) * 5 + x] = char(200);
        imageStream.writeRawData(pixels.constData(), 784);
        labelStream << quint8(label);
    }
}
} // namespace

class TestNnjTrain : public QObject
{
    Q_OBJECT

private slots:
    void trainsOnFixtureAndPrintsJson()
    {
        QTemporaryDir directory;
        writeIdx(directory.path(), QStringLiteral("train"), 200);
        writeIdx(directory.path(), QStringLiteral("t10k"), 50);
        const QString model = directory.filePath(QStringLiteral("out.nnjmodel"));
        const Result result = runTrainer(
            {QStringLiteral("--data"), directory.path(), QStringLiteral("--epochs"), QStringLiteral("2"),
             QStringLiteral("--batch"), QStringLiteral("20"), QStringLiteral("--layers"), QStringLiteral("784,32,10"),
             QStringLiteral("--lr"), QStringLiteral("0.1"), QStringLiteral("--threads"), QStringLiteral("2"),
             QStringLiteral("--save"), model, QStringLiteral("--json")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        QVERIFY(result.err.contains("epoch 1/2"));
        QVERIFY(result.err.contains("epoch 2/2"));
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const QJsonObject json = QJsonDocument::fromJson(lines.front()).object();
        for (const char *key : {"samples_per_second", "train_seconds", "test_accuracy", "test_loss", "epochs", "batch",
                                "layers", "threads", "peak_rss_mb"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        QCOMPARE(json.value(u"epochs").toInt(), 2);
        QCOMPARE(json.value(u"batch").toInt(), 20);
        QCOMPARE(json.value(u"threads").toInt(), 2);
        QVERIFY(json.value(u"samples_per_second").toDouble() > 0);
        QVERIFY(json.value(u"test_accuracy").toDouble() > 0.9); // the fixture is easy
        QVERIFY(json.value(u"peak_rss_mb").toDouble() > 1);
        QCOMPARE(json.value(u"layers").toVariant().toList().size(), 3);
        core::ModelMetadata metadata;
        const core::Network network = core::loadModelFile(model.toStdString(), &metadata);
        QCOMPARE(network.architecture().sizes, (std::vector<int>{784, 32, 10}));
        QCOMPARE(metadata.epochsTrained, 2);
    }

    void badInputExitsWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("corruptData");
        QTest::newRow("missing --data") << QStringList{} << "--data DIR is required" << false;
        QTest::newRow("missing files") << QStringList{QStringLiteral("--data"), QStringLiteral("/nonexistent/mnist")}
                                       << "/nonexistent/mnist" << false;
        QTest::newRow("corrupt file") << QStringList{} << "train-images-idx3-ubyte" << true;
        QTest::newRow("bad lr") << QStringList{QStringLiteral("--data"), QStringLiteral("."), QStringLiteral("--lr"),
                                               QStringLiteral("nan")}
                                << "--lr" << false;
        QTest::newRow("bad layers") << QStringList{QStringLiteral("--data"), QStringLiteral("."),
                                                   QStringLiteral("--layers"), QStringLiteral("784,10,9")}
                                    << "start with 784 and end with 10" << false;
        QTest::newRow("bad activation") << QStringList{QStringLiteral("--data"), QStringLiteral("."),
                                                       QStringLiteral("--activation"), QStringLiteral("gelu")}
                                        << "--activation" << false;
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--data"), QStringLiteral("."),
                                                       QStringLiteral("--frobnicate"), QStringLiteral("1")}
                                        << "unknown option --frobnicate" << false;
        QTest::newRow("bad epochs") << QStringList{QStringLiteral("--data"), QStringLiteral("."),
                                                   QStringLiteral("--epochs"), QStringLiteral("0")}
                                    << "--epochs" << false;
    }

    void badInputExitsWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QFETCH(bool, corruptData);
        QTemporaryDir directory;
        if (corruptData) {
            writeIdx(directory.path(), QStringLiteral("train"), 20);
            writeIdx(directory.path(), QStringLiteral("t10k"), 5);
            QFile images(directory.filePath(QStringLiteral("train-images-idx3-ubyte")));
            QVERIFY(images.resize(images.size() - 100)); // truncated
            arguments = QStringList{QStringLiteral("--data"), directory.path()};
        }
        const Result result = runTrainer(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
        QVERIFY(result.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestNnjTrain)
#include "tst_nnjtrain.moc"
