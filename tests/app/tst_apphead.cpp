// `nnjourney --headless` runs the server in its own process without any display: it prints its
// URL and serves /health; bad options fail with a message and exit code 2.
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

class TestAppHeadless : public QObject
{
    Q_OBJECT
private slots:
    void servesWithoutDisplay();
    void badOptionFails();
    void helpNeedsNoDisplay();
};

void TestAppHeadless::servesWithoutDisplay()
{
    QTemporaryDir data;
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    // A copy of the binary alone in a folder: the server runs in this process, with no
    // nnjourney-server next to it to hand over to.
    QTemporaryDir alone;
    const QString binary = alone.filePath(QStringLiteral("nnjourney"));
    QVERIFY(QFile::copy(QStringLiteral(NNJ_APP_BINARY), binary));
    QVERIFY(QFile::setPermissions(binary, QFile::permissions(binary) | QFile::ExeOwner));
    process.start(binary, {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                           QStringLiteral("--data-dir"), data.path(), QStringLiteral("--no-download")});
    QVERIFY(process.waitForStarted(10000));
    QString output;
    QRegularExpressionMatch match;
    const QRegularExpression url(QStringLiteral("(http://127\\.0\\.0\\.1:\\d+/)"));
    QTRY_VERIFY_WITH_TIMEOUT((output += QString::fromUtf8(process.readAll()), match = url.match(output)).hasMatch(),
                             20000);
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(match.captured(1) + QStringLiteral("health"))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QVERIFY(reply->readAll().contains("\"ok\""));
    reply->deleteLater();
    process.terminate();
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
}

void TestAppHeadless::badOptionFails()
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(NNJ_APP_BINARY),
                  {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("seventy")});
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAll().contains("seventy"));
}

void TestAppHeadless::helpNeedsNoDisplay()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(NNJ_APP_BINARY), {QStringLiteral("--help")});
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray output = process.readAllStandardOutput();
    QVERIFY(output.contains("--headless"));
    QVERIFY(output.contains("--port"));
    // The program's own name and purpose, not the headless server's or a placeholder.
    QVERIFY2(output.startsWith("Usage: nnjourney [options]\n"), output.left(80).constData());
    QVERIFY(!output.contains("<executable_name>"));
    QVERIFY(!output.contains("headless server:"));
    // Without a display the window cannot open: one clear line that says what to do, no abort.
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(NNJ_APP_BINARY), {QStringLiteral("--port"), QStringLiteral("0")});
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains("nnjourney --headless"));
    process.start(QStringLiteral(NNJ_APP_BINARY), {QStringLiteral("--port"), QStringLiteral("70000")});
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardError().contains("70000"));
}

QTEST_GUILESS_MAIN(TestAppHeadless)
#include "tst_apphead.moc"
