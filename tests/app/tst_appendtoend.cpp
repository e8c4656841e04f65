// End to end on real MNIST: the desktop window (session + embedded server in-process) trains,
// and a WebSocket client — what a browser uses — sees the same run: the same start, the same
// batches (same sequence number, same activations), and its commands drive the window's run.
// Needs $NNJ_MNIST_DIR; skips without it unless $CI is set (then it fails).
#include "appstartup.h"
#include "mainwindow.h"
#include "networkview.h"
#include "server.h"
#include "servershare.h"
#include "session.h"
#include "sessionpresenter.h"
#include "sharestatus.h"
#include "trainingactions.h"

#include <QAction>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

class TestAppEndToEnd : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void windowAndBrowserShareOneRun();

private:
    QString m_mnist;
};

void TestAppEndToEnd::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_mnist = qEnvironmentVariable("NNJ_MNIST_DIR");
    if (m_mnist.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("NNJ_MNIST_DIR is not set (CI must provide real MNIST)");
        QSKIP("NNJ_MNIST_DIR is not set");
    }
}

void TestAppEndToEnd::windowAndBrowserShareOneRun()
{
    QTemporaryDir data;
    QVERIFY(QFile::link(QFileInfo(m_mnist).absoluteFilePath(), data.filePath(QStringLiteral("mnist"))));
    QString message;
    int exitCode = 0;
    auto runtime = startRuntime({QStringLiteral("nnjourney"), QStringLiteral("--port"), QStringLiteral("0"),
                                 QStringLiteral("--data-dir"), data.path()},
                                &message, &exitCode);
    QVERIFY2(runtime, qPrintable(message));
    QVERIFY2(runtime->serverError.isEmpty(), qPrintable(runtime->serverError));
    server::Session &session = *runtime->session;
    QVERIFY(session.dataStatus().ready);
    ServerShare share(*runtime->server);
    MainWindow window(session, &share);
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // The "browser".
    QList<QJsonObject> messages;
    QWebSocket socket;
    connect(&socket, &QWebSocket::textMessageReceived, this,
            [&](const QString &text) { messages.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
    socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(runtime->server->port())));
    auto count = [&](const QString &type) {
        return std::count_if(messages.begin(), messages.end(),
                             [&](const QJsonObject &m) { return m.value(QStringLiteral("type")).toString() == type; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("state")) >= 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.shareStatus()->viewersText().contains(QLatin1Char('1')), true, 5000);

    // Space in the 3D view starts training (shortcuts work with the focus in the embedded
    // Qt 3D window); the browser sees the start and the batches.
    window.actions()->teaching->setChecked(false);
    window.activateWindow();
    window.networkView()->requestActivate();
    QTRY_VERIFY_WITH_TIMEOUT(QGuiApplication::focusWindow() == window.networkView(), 5000);
    QTest::keyClick(window.networkView(), Qt::Key_Space);
    QVERIFY2(session.isTraining(), qPrintable(session.lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("training_started")) == 1, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("update")) >= 5, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(window.presenter()->batchesSeen() >= 5, 10000);

    // Pause from the window; the last batch the window shows is the one the browser gets.
    window.actions()->playPause->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(session.isPaused(), 10000);
    QCOMPARE(window.actions()->runState(), TrainingActions::RunState::Paused);
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("training_paused")) >= 1, 10000);
    const auto last = session.lastUpdate();
    QVERIFY(last && last->report);
    QJsonObject update;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QJsonObject &m : std::as_const(messages))
                if (m.value(QStringLiteral("type")).toString() == QLatin1String("update")
                    && quint64(m.value(QStringLiteral("seq")).toDouble()) == last->sequence)
                    update = m;
            return !update.isEmpty();
        }(),
        10000);
    QCOMPARE(update.value(QStringLiteral("label")).toInt(), last->report->focusLabel);
    QCOMPARE(update.value(QStringLiteral("prediction")).toInt(), last->report->focusPrediction);
    QCOMPARE(update.value(QStringLiteral("stats")).toObject().value(QStringLiteral("batch")).toInt(),
             last->report->batch);
    const QJsonArray input = update.value(QStringLiteral("activations")).toArray().at(0).toArray();
    const std::vector<std::vector<float>> &shown = window.presenter()->shownActivations();
    QCOMPARE(shown.size(), std::size_t(4));
    QCOMPARE(input.size(), qsizetype(shown[0].size()));
    for (int i = 0; i < input.size(); ++i)
        QVERIFY2(qAbs(input[i].toDouble() - double(shown[0][i])) < 2e-3, qPrintable(QString::number(i)));

    // The browser drives: resume reaches the window's run.
    socket.sendTextMessage(QStringLiteral(R"({"type":"command","command":"resume"})"));
    QTRY_VERIFY_WITH_TIMEOUT(!session.isPaused(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.actions()->runState(), TrainingActions::RunState::Running, 5000);

    // Stop from the window; the browser hears it.
    window.actions()->stop->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isTraining(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(
        count(QStringLiteral("training_stopped")) + count(QStringLiteral("training_complete")) >= 1, 10000);
    QCOMPARE(window.actions()->runState(), TrainingActions::RunState::Idle);
    socket.close();
}

QTEST_MAIN(TestAppEndToEnd)
#include "tst_appendtoend.moc"
