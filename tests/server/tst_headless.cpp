// The nnjourney-server binary as a user runs it: prints the URL, answers the original's README curl
// examples unchanged, exits cleanly on SIGTERM, and fails with one clear line when the port is
// taken or the configuration is wrong.
#include "serverfixtures.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>

#include <csignal>

using namespace Qt::StringLiterals;

class TestHeadless : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void seedCurlExamples();
    void productionPrintsThePresenterLink();
    void missingDataWithoutDownloadSaysSo();
    void portInUseIsOneClearLine();
    void badConfigurationExitsWithUsageError();

private:
    // Starts the binary; returns its port (0 on failure). `output` gets what it printed.
    quint16 startServer(QProcess &process, const QStringList &arguments, QString *printed = nullptr);

    QTemporaryDir m_dataDir;
    QProcessEnvironment m_environment;
};

void TestHeadless::initTestCase()
{
    fixtures::writeMnist(m_dataDir.path(), 640, 100);
    m_environment = QProcessEnvironment::systemEnvironment();
    m_environment.remove(u"PORT"_s);
    m_environment.remove(u"ENVIRONMENT"_s);
    m_environment.remove(u"NNJ_TOKEN"_s);
    m_environment.insert(u"HOME"_s, m_dataDir.path()); // never touch the real per-user folder
    m_environment.insert(u"XDG_DATA_HOME"_s, m_dataDir.filePath(u"xdg"_s));
}

quint16 TestHeadless::startServer(QProcess &process, const QStringList &arguments, QString *printed)
{
    process.setProcessEnvironment(m_environment);
    process.setWorkingDirectory(m_dataDir.path());
    process.start(QStringLiteral(NNJ_SERVER_BINARY), arguments);
    if (!process.waitForStarted(5000))
        return 0;
    static const QRegularExpression openLine(u"Open http://127\\.0\\.0\\.1:(\\d+)/ in your browser"_s);
    QString output;
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && process.state() == QProcess::Running) {
        process.waitForReadyRead(100);
        output += QString::fromUtf8(process.readAllStandardOutput());
        const auto match = openLine.match(output);
        if (match.hasMatch() && output.contains(u"MNIST folder"_s)) { // the banner's last line
            if (printed)
                *printed = output;
            return quint16(match.captured(1).toUInt());
        }
    }
    qWarning().noquote() << output << process.readAllStandardError();
    return 0;
}

void TestHeadless::seedCurlExamples()
{
    QProcess process;
    const quint16 port = startServer(process, {u"--port"_s, u"0"_s, u"--data-dir"_s, m_dataDir.path()});
    QVERIFY(port != 0);

    // The original's README examples, as curl sends them.
    const QByteArray curl = "User-Agent: curl/7.88.1\r\nAccept: */*";
    QCOMPARE(fixtures::get(port, "/health", {curl}).json(), QJsonObject({{u"status"_s, u"ok"_s}}));
    QCOMPARE(fixtures::get(port, "/api/status", {curl}).json().value(u"status"_s).toString(), u"healthy"_s);
    QCOMPARE(fixtures::post(port, "/set-learning-rate?lr=0.01", {}, {curl}).json(),
             QJsonObject({{u"status"_s, u"updated"_s}, {u"lr"_s, 0.01}}));
    const auto architecture = fixtures::post(port, "/set-architecture", R"({"layers": [784, 256, 128, 10]})",
                                             {curl, "Content-Type: application/json"});
    QCOMPARE(architecture.json().value(u"status"_s).toString(), u"updated"_s);
    QCOMPARE(architecture.json().value(u"architecture"_s).toArray().size(), 4);
    QCOMPARE(fixtures::post(port, "/set-teaching-mode?enabled=false", {}, {curl}).status, 200);
    QCOMPARE(fixtures::post(port, "/start-training", {}, {curl}).json().value(u"status"_s).toString(), u"started"_s);
    QTRY_VERIFY_WITH_TIMEOUT(fixtures::get(port, "/status").json().value(u"epoch"_s).toInt() >= 1, 20000);
    QCOMPARE(fixtures::post(port, "/stop-training", {}, {curl}).json(), QJsonObject({{u"status"_s, u"stopped"_s}}));
    QTRY_COMPARE_WITH_TIMEOUT(fixtures::get(port, "/status").json().value(u"training"_s).toBool(), false, 10000);
    const auto weights = fixtures::get(port, "/get-weights", {curl});
    QCOMPARE(weights.json().value(u"status"_s).toString(), u"ok"_s);
    QCOMPARE(weights.json().value(u"weights"_s).toArray().first().toObject().value(u"outputSize"_s).toInt(), 256);
    QCOMPARE(fixtures::get(port, "/").status, 200);

    ::kill(pid_t(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

// In production even this machine needs the token, so the banner gives the presenter a link with
// it, as development does for the LAN; the students' address never carries it.
void TestHeadless::productionPrintsThePresenterLink()
{
    m_environment.insert(u"ENVIRONMENT"_s, u"production"_s);
    QProcess process;
    QString printed;
    const quint16 port = startServer(process,
                                     {u"--port"_s, u"0"_s, u"--data-dir"_s, m_dataDir.path(), u"--token"_s,
                                      u"classroom-token-123"_s, u"--no-download"_s},
                                     &printed);
    m_environment.remove(u"ENVIRONMENT"_s);
    QVERIFY(port != 0);
    QVERIFY2(printed.contains(u"(production)"_s), qPrintable(printed));
    QVERIFY2(
        printed.contains(
            u"Presenter link (gives control, keep it to yourself): http://127.0.0.1:%1/?token=classroom-token-123"_s
                .arg(port)),
        qPrintable(printed));
    // The link works: with it a start is accepted, without it refused.
    QCOMPARE(fixtures::post(port, "/start-training").status, 401);
    QCOMPARE(fixtures::post(port, "/stop-training", {}, {"Authorization: Bearer classroom-token-123"}).status, 200);
    ::kill(pid_t(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(10000));
}

void TestHeadless::missingDataWithoutDownloadSaysSo()
{
    QTemporaryDir empty;
    QProcess process;
    QString printed;
    QVERIFY(startServer(process, {u"--port"_s, u"0"_s, u"--data-dir"_s, empty.path(), u"--no-download"_s}, &printed));
    QVERIFY2(printed.contains(u"--no-download is set"_s), qPrintable(printed));
    QVERIFY(!printed.contains(u"downloaded on first start"_s));
    ::kill(pid_t(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(10000));
}

void TestHeadless::portInUseIsOneClearLine()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.setWorkingDirectory(m_dataDir.path());
    process.start(QStringLiteral(NNJ_SERVER_BINARY),
                  {u"--port"_s, QString::number(occupier.serverPort()), u"--data-dir"_s, m_dataDir.path()});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 1);
    const QString errors = QString::fromUtf8(process.readAllStandardError()).trimmed();
    const QStringList ours = errors.split(u'\n').filter(u"nnjourney-server:"_s);
    QCOMPARE(ours.size(), 1);
    QVERIFY2(ours.first().contains(QString::number(occupier.serverPort())), qPrintable(errors));
    QVERIFY2(ours.first().contains(u"in use"_s), qPrintable(errors));
}

void TestHeadless::badConfigurationExitsWithUsageError()
{
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.setWorkingDirectory(m_dataDir.path());
    process.start(QStringLiteral(NNJ_SERVER_BINARY), {u"--port"_s, u"eighty"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(u"Invalid port 'eighty'"_s));
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
