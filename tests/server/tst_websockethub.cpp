// WebSocket /ws: the message flow of a run (connected -> state -> training_started -> update ->
// pause_moment -> pause_resumed -> epoch_end -> training_complete), shared runs, late joiners,
// roles, commands, bad messages, Origin refusal, and flow control for a client that never reads.
#include "serverfixtures.h"
#include "wsclient.h"

#include "server.h"
#include "session.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;

class TestWebSocketHub : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void fullRunFlow();
    void teachingPauseReallyPauses();
    void resumeEndsTeachingPauseEarly();
    void joinDuringTeachingPause();
    void refusedCommandSaysWhy();
    void twoClientsAndLateJoiner();
    void rolesAndCommands();
    void badMessages();
    void foreignOriginIsRefused();
    void sessionsPerAddressAreCapped();
    void messageFloodIsLimited();
    void settingsAndViewersAreBroadcast();
    void stalledClientIsDroppedWithoutSlowingOthers();
    void rebindKeepsConnections();
    void momentsCarryDataAndTheFocusGradient();
    void setTeachingMomentsCommand();
    void pauseHoldsTheCardForEveryClient();

private:
    void makeServer(double teachingScale, server::HubLimits hub = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<server::Session> m_session;
    std::unique_ptr<server::Server> m_server;
    quint16 m_port = 0;
};

void TestWebSocketHub::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    fixtures::writeMnist(m_dir->filePath(u"mnist"_s), 640, 100);
    makeServer(0.05);
}

void TestWebSocketHub::cleanup()
{
    m_server.reset();
    m_session.reset();
}

void TestWebSocketHub::makeServer(double teachingScale, server::HubLimits hub)
{
    m_server.reset();
    m_session.reset();
    server::SessionOptions options;
    options.mnistDirectory = m_dir->filePath(u"mnist"_s);
    options.allowDownload = false;
    options.teachingPauseScale = teachingScale;
    m_session = std::make_unique<server::Session>(options);
    server::AccessSettings access;
    access.token = "ws-token-0123456789abcdef";
    server::ServerLimits limits;
    limits.hub = hub;
    m_server = std::make_unique<server::Server>(*m_session, access, limits);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_port = m_server->port();
}

void TestWebSocketHub::fullRunFlow()
{
    m_session->execute(server::Command::batchDelay(5));
    WsClient client;
    QVERIFY(client.open(m_port));
    QVERIFY(client.waitFor(u"state"_s));
    QCOMPARE(client.messages[0].value(u"type"_s).toString(), u"connected"_s);
    QCOMPARE(client.messages[0].value(u"status"_s).toString(), u"ready"_s);
    QCOMPARE(client.messages[0].value(u"role"_s).toString(), u"controller"_s);
    QCOMPARE(client.messages[1].value(u"type"_s).toString(), u"state"_s);
    QCOMPARE(client.messages[1].value(u"training"_s).toBool(), false);

    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"start"_s}});
    QVERIFY(client.waitFor(u"training_complete"_s, 30000));
    QCOMPARE(client.first(u"command_result"_s).value(u"status"_s).toString(), u"started"_s);

    const int started = client.indexOf(u"training_started"_s);
    const int firstUpdate = client.indexOf(u"update"_s);
    const int forward = client.indexOf(u"pause_moment"_s);
    const int epochEnd = client.indexOf(u"epoch_end"_s);
    const int complete = client.indexOf(u"training_complete"_s);
    QVERIFY(started > 1);
    QVERIFY(firstUpdate > started);
    QVERIFY(forward > firstUpdate);
    QVERIFY(epochEnd > forward);
    QVERIFY(complete > epochEnd);
    QCOMPARE(client.count(u"epoch_end"_s), 3);

    // update: the original's fields plus the visual data, one full-length array per drawn layer.
    const QJsonObject update = client.messages[firstUpdate];
    const QJsonObject stats = update.value(u"stats"_s).toObject();
    for (const char *key : {"epoch", "batch", "loss", "accuracy", "batches_per_epoch", "epochs", "learning_rate"})
        QVERIFY2(stats.value(QLatin1StringView(key)).isDouble(), key);
    const QJsonArray activations = update.value(u"activations"_s).toArray();
    QCOMPARE(activations.size(), 4);
    QCOMPARE(activations[0].toArray().size(), 784);
    QCOMPARE(activations[1].toArray().size(), 128);
    QCOMPARE(activations[2].toArray().size(), 64);
    QCOMPARE(activations[3].toArray().size(), 10);
    QCOMPARE(update.value(u"mean_activations"_s).toArray().size(), 4);
    const QJsonArray gradients = update.value(u"gradients"_s).toArray();
    QCOMPARE(gradients.size(), 3);
    QCOMPARE(gradients[2].toArray().size(), 10);
    QCOMPARE(update.value(u"layer_gradients"_s).toArray().size(), 3);
    QCOMPARE(update.value(u"weight_stats"_s).toArray().size(), 3);
    QVERIFY(update.value(u"label"_s).toInt() >= 0 && update.value(u"label"_s).toInt() <= 9);
    QVERIFY(update.value(u"prediction"_s).toInt() >= 0);
    const double serverTime = update.value(u"server_time"_s).toDouble();
    QVERIFY(std::abs(serverTime - double(QDateTime::currentMSecsSinceEpoch())) < 60000);
    double probabilitySum = 0;
    for (const auto &p : activations[3].toArray())
        probabilitySum += p.toDouble();
    QVERIFY(std::abs(probabilitySum - 1) < 0.01);
    // seq grows.
    qint64 previous = 0;
    for (const auto &message : std::as_const(client.messages)) {
        if (message.value(u"type"_s).toString() != u"update"_s)
            continue;
        QVERIFY(message.value(u"seq"_s).toInteger() > previous);
        previous = message.value(u"seq"_s).toInteger();
    }

    // pause_moment with the real data of that moment.
    const QJsonObject moment = client.messages[forward];
    QCOMPARE(moment.value(u"reason"_s).toString(), u"first_forward"_s);
    // The server words the moment's numbers: the batch's loss and the focus sample's digit.
    const QString words = moment.value(u"message"_s).toString();
    QVERIFY2(words.startsWith(u"First forward pass: "_s), qPrintable(words));
    const QJsonObject atMoment = moment.value(u"stats"_s).toObject();
    QVERIFY2(words.contains(u"Batch loss %1"_s.arg(atMoment.value(u"loss"_s).toDouble(), 0, 'f', 3)),
             qPrintable(words));
    QVERIFY2(words.contains(u"For this %1 "_s.arg(moment.value(u"label"_s).toInt())), qPrintable(words));
    QCOMPARE(moment.value(u"duration"_s).toDouble(), 3.0);
    QCOMPARE(moment.value(u"stats"_s).toObject().value(u"batch"_s).toInt(), 1);
    QCOMPARE(moment.value(u"activations"_s).toArray().size(), 4);
    QCOMPARE(client.indexOf(u"pause_moment"_s, forward + 1) > forward, true);
    QCOMPARE(client.messages[client.indexOf(u"pause_moment"_s, forward + 1)].value(u"reason"_s).toString(),
             u"first_backward"_s);
    QVERIFY(client.indexOf(u"pause_resumed"_s) > forward);

    const QJsonObject epoch = client.messages[epochEnd];
    QCOMPARE(epoch.value(u"epoch"_s).toInt(), 1);
    QCOMPARE(epoch.value(u"confusion_matrix"_s).toArray().size(), 10);
    QCOMPARE(epoch.value(u"confusion_matrix"_s).toArray()[0].toArray().size(), 10);
    QVERIFY(epoch.value(u"test_accuracy"_s).toDouble() >= 0);

    const QJsonObject done = client.messages[complete];
    QCOMPARE(done.value(u"message"_s).toString(), u"Training completed!"_s);
    QCOMPARE(done.value(u"stopped"_s).toBool(), false);
    const QJsonObject finalStats = done.value(u"final_stats"_s).toObject();
    QCOMPARE(finalStats.value(u"epochs"_s).toInt(), 3);
    QVERIFY(finalStats.value(u"final_loss"_s).isDouble());
    QVERIFY(finalStats.value(u"final_accuracy"_s).isDouble());
    QVERIFY(client.last(u"epoch_end"_s).value(u"test_accuracy"_s).toDouble() > 0.5); // it learned
    const QJsonArray weights = done.value(u"weights"_s).toArray();
    QCOMPARE(weights.size(), 6);
    QCOMPARE(weights[0].toObject().value(u"weights"_s).toArray().size(), 784);
    QCOMPARE(weights[5].toObject().value(u"type"_s).toString(), u"Softmax"_s);
}

void TestWebSocketHub::teachingPauseReallyPauses()
{
    makeServer(0.2); // first_forward pauses 600 ms
    WsClient client;
    QVERIFY(client.open(m_port));
    QSignalSpy reached(m_session.get(), &server::Session::pauseMomentReached);
    QSignalSpy ended(m_session.get(), &server::Session::pauseMomentEnded);
    QCOMPARE(m_session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(reached.wait(10000));
    QElapsedTimer timer;
    timer.start();
    const long long batchAtPause = m_session->stats().globalBatch;
    QCOMPARE(batchAtPause, 1LL);
    QVERIFY(m_session->isPaused());
    QCOMPARE(m_session->pauseReason(), u"first_forward"_s);
    QTest::qWait(300);
    QCOMPARE(m_session->stats().globalBatch, batchAtPause); // really paused
    QVERIFY(client.waitFor(u"pause_moment"_s));
    QCOMPARE(client.first(u"state"_s).value(u"type"_s).toString(), u"state"_s);
    QVERIFY(ended.wait(5000));
    QVERIFY2(timer.elapsed() >= 250, "the pause lasted its (scaled) duration");
    QVERIFY(client.waitFor(u"pause_resumed"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_session->stats().globalBatch > batchAtPause, 5000);
    m_session->execute(server::Command::teachingMode(false));
    m_session->execute(server::Command::of(server::CommandKind::Stop));
}

// A browser that joins during a teaching pause gets the card and the run state with its
// snapshot, and follows the run when the pause ends (it used to stay on "Paused" for good).
void TestWebSocketHub::joinDuringTeachingPause()
{
    makeServer(100); // 300 s pauses unless resumed
    QCOMPARE(m_session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->runState(), server::RunState::TeachingPause, 20000);
    WsClient late;
    QVERIFY(late.open(m_port));
    QVERIFY(late.waitFor(u"state"_s));
    const QJsonObject snapshot = late.first(u"state"_s);
    QCOMPARE(snapshot.value(u"run_state"_s).toString(), u"teaching_pause"_s);
    QCOMPARE(snapshot.value(u"paused"_s).toBool(), true);
    const QJsonObject card = snapshot.value(u"pause_moment"_s).toObject();
    QCOMPARE(card.value(u"reason"_s).toString(), u"first_forward"_s);
    QVERIFY(card.value(u"duration"_s).toDouble() > 0); // what is left of the pause
    QVERIFY(!card.value(u"message"_s).toString().isEmpty());

    const int from = late.messages.size();
    QCOMPARE(m_session->execute(server::Command::of(server::CommandKind::Resume)).status, u"resumed"_s);
    QVERIFY(late.waitFor(u"pause_resumed"_s, 5000, from));
    QVERIFY(late.waitFor(u"run_state"_s, 5000, from));
    const QJsonObject running = late.messages.value(late.indexOf(u"run_state"_s, from));
    QCOMPARE(running.value(u"state"_s).toString(), u"running"_s);
    QCOMPARE(running.value(u"paused"_s).toBool(), false);
    m_session->execute(server::Command::of(server::CommandKind::Stop));
    QTRY_COMPARE_WITH_TIMEOUT(m_session->runState(), server::RunState::Idle, 5000);
}

// A refused command answers on the WebSocket with the same status and message as on HTTP.
void TestWebSocketHub::refusedCommandSaysWhy()
{
    WsClient client;
    QVERIFY(client.open(m_port));
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"pause"_s}});
    QVERIFY(client.waitFor(u"command_result"_s));
    const QJsonObject result = client.first(u"command_result"_s);
    QCOMPARE(result.value(u"status"_s).toString(), u"error"_s);
    QCOMPARE(result.value(u"error"_s).toString(), u"conflict"_s);
    QCOMPARE(result.value(u"message"_s).toString(), u"No training in progress"_s);
}

void TestWebSocketHub::resumeEndsTeachingPauseEarly()
{
    makeServer(100); // 300 s pauses unless resumed
    WsClient client;
    QVERIFY(client.open(m_port));
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"start"_s}});
    QVERIFY(client.waitFor(u"pause_moment"_s));
    QElapsedTimer timer;
    timer.start();
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"resume"_s}});
    QVERIFY(client.waitFor(u"pause_resumed"_s, 5000));
    QVERIFY(timer.elapsed() < 5000);
    // The second moment (first_backward) comes next; stop ends it too.
    QVERIFY(client.waitFor(u"pause_moment"_s, 5000, client.indexOf(u"pause_resumed"_s)));
    QSignalSpy finished(m_session.get(), &server::Session::trainingFinished);
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"stop"_s}});
    QVERIFY(finished.wait(5000));
    QVERIFY(client.waitFor(u"training_stopped"_s));
    QVERIFY(client.waitFor(u"training_complete"_s));
    QCOMPARE(client.last(u"training_complete"_s).value(u"stopped"_s).toBool(), true);
}

void TestWebSocketHub::twoClientsAndLateJoiner()
{
    m_session->execute(server::Command::teachingMode(false));
    WsClient first, second;
    QVERIFY(first.open(m_port));
    QVERIFY(second.open(m_port));
    QCOMPARE(m_server->hub().viewerCount(), 2);
    QCOMPARE(fixtures::post(m_port, "/start-training").json().value(u"status"_s).toString(), u"started"_s);
    QVERIFY(first.waitFor(u"training_complete"_s, 30000));
    QVERIFY(second.waitFor(u"training_complete"_s, 30000));
    QCOMPARE(first.count(u"epoch_end"_s), 3);
    QCOMPARE(second.count(u"epoch_end"_s), 3);
    QCOMPARE(first.last(u"epoch_end"_s).value(u"test_accuracy"_s),
             second.last(u"epoch_end"_s).value(u"test_accuracy"_s));
    QCOMPARE(first.last(u"update"_s).value(u"seq"_s), second.last(u"update"_s).value(u"seq"_s));

    WsClient late;
    QVERIFY(late.open(m_port));
    QVERIFY(late.waitFor(u"state"_s));
    const QJsonObject state = late.first(u"state"_s);
    QCOMPARE(state.value(u"has_weights"_s).toBool(), true);
    QCOMPARE(state.value(u"viewers"_s).toInt(), 3);
    QCOMPARE(state.value(u"history"_s).toObject().value(u"loss"_s).toArray().size(), 30);
    QCOMPARE(state.value(u"history"_s).toObject().value(u"test_accuracy"_s).toArray().size(), 3);
    QCOMPARE(state.value(u"last_update"_s).toObject().value(u"seq"_s), first.last(u"update"_s).value(u"seq"_s));
    QCOMPARE(state.value(u"confusion_matrix"_s).toArray().size(), 10);
    QCOMPARE(state.value(u"stats"_s).toObject().value(u"epoch"_s).toInt(), 3);
}

void TestWebSocketHub::rolesAndCommands()
{
    WsClient viewer;
    QVERIFY(viewer.open(m_port, {}, {{"X-Forwarded-For", "203.0.113.9"}}));
    QVERIFY(viewer.waitFor(u"state"_s));
    QCOMPARE(viewer.first(u"connected"_s).value(u"role"_s).toString(), u"viewer"_s);
    viewer.send({{u"type"_s, u"command"_s}, {u"command"_s, u"start"_s}});
    QVERIFY(viewer.waitFor(u"error"_s));
    QVERIFY(viewer.first(u"error"_s).value(u"message"_s).toString().contains(u"Viewers"_s));
    QVERIFY(!m_session->isTraining());

    WsClient withToken;
    QVERIFY(withToken.open(m_port, "?token=ws-token-0123456789abcdef", {{"X-Forwarded-For", "203.0.113.9"}}));
    QVERIFY(withToken.waitFor(u"state"_s));
    QCOMPARE(withToken.first(u"connected"_s).value(u"role"_s).toString(), u"controller"_s);

    WsClient wrongToken;
    QVERIFY(wrongToken.open(m_port, "?token=nope-nope-nope-nope"));
    QVERIFY(wrongToken.waitFor(u"state"_s));
    QCOMPARE(wrongToken.first(u"connected"_s).value(u"role"_s).toString(), u"viewer"_s);
    QVERIFY(wrongToken.indexOf(u"error"_s) >= 0);

    m_session->execute(server::Command::teachingMode(false));
    m_session->execute(server::Command::batchDelay(20));
    withToken.send({{u"type"_s, u"command"_s}, {u"command"_s, u"start"_s}});
    QVERIFY(withToken.waitFor(u"command_result"_s));
    QCOMPARE(withToken.first(u"command_result"_s).value(u"status"_s).toString(), u"started"_s);
    withToken.send({{u"type"_s, u"command"_s}, {u"command"_s, u"start"_s}});
    QTRY_COMPARE(withToken.count(u"command_result"_s), 2);
    QCOMPARE(withToken.last(u"command_result"_s).value(u"status"_s).toString(), u"busy"_s);
    withToken.send({{u"type"_s, u"command"_s}, {u"command"_s, u"pause"_s}});
    QVERIFY(viewer.waitFor(u"training_paused"_s));
    withToken.send({{u"type"_s, u"command"_s}, {u"command"_s, u"resume"_s}});
    QVERIFY(viewer.waitFor(u"training_resumed"_s));
    withToken.send({{u"type"_s, u"command"_s}, {u"command"_s, u"stop"_s}});
    QVERIFY(viewer.waitFor(u"training_stopped"_s));
    withToken.send({{u"type"_s, u"command"_s}, {u"command"_s, u"explode"_s}});
    QTRY_VERIFY(withToken.indexOf(u"error"_s) >= 0);
    QVERIFY(withToken.first(u"error"_s).value(u"message"_s).toString().contains(u"explode"_s));
}

void TestWebSocketHub::badMessages()
{
    WsClient client;
    QVERIFY(client.open(m_port));
    QVERIFY(client.waitFor(u"state"_s));
    client.send({{u"type"_s, u"ping"_s}});
    QVERIFY(client.waitFor(u"pong"_s));
    client.send({{u"type"_s, u"get_state"_s}});
    QTRY_COMPARE(client.count(u"state"_s), 2);
    client.socket.sendTextMessage(u"not json"_s);
    QTRY_COMPARE(client.count(u"error"_s), 1);
    client.send({{u"type"_s, u"dance"_s}});
    QTRY_COMPARE(client.count(u"error"_s), 2);
    QVERIFY(client.last(u"error"_s).value(u"message"_s).toString().contains(u"dance"_s));
    client.socket.sendBinaryMessage("\x01\x02");
    QTRY_COMPARE(client.count(u"error"_s), 3);
    // A message over 64 KiB closes the connection (1009).
    client.socket.sendTextMessage(QString(70 * 1024, u'x'));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, 5000);
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    QTRY_COMPARE(m_server->hub().viewerCount(), 0);
}

void TestWebSocketHub::sessionsPerAddressAreCapped()
{
    server::HubLimits hub;
    hub.maxSessionsPerAddress = 2;
    makeServer(0.05, hub);
    WsClient first, second, third;
    QVERIFY(first.open(m_port));
    QVERIFY(second.open(m_port));
    QVERIFY(first.waitFor(u"state"_s));
    QVERIFY(second.waitFor(u"state"_s));
    third.open(m_port);
    QTRY_VERIFY_WITH_TIMEOUT(third.closed, 5000);
    QCOMPARE(third.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(third.socket.closeReason().contains(u"your address"_s));
    QCOMPARE(m_server->hub().viewerCount(), 2);
    // A place frees up when one leaves.
    first.socket.close();
    QTRY_COMPARE(m_server->hub().viewerCount(), 1);
    WsClient fourth;
    QVERIFY(fourth.open(m_port));
    QVERIFY(fourth.waitFor(u"state"_s));
}

void TestWebSocketHub::messageFloodIsLimited()
{
    // The reported flood: 10,000 pings, each answered. Now a burst is answered, the rest is
    // dropped with one warning a second, and a client that keeps on is closed.
    server::HubLimits hub;
    hub.messageBurst = 40;
    hub.messagesPerSecond = 20;
    hub.maxDroppedMessages = 5000;
    makeServer(0.05, hub);
    WsClient client;
    QVERIFY(client.open(m_port));
    QVERIFY(client.waitFor(u"state"_s));
    for (int i = 0; i < 2000; ++i)
        client.send({{u"type"_s, u"ping"_s}});
    QTest::qWait(500);
    const int pongs = client.count(u"pong"_s);
    QVERIFY2(pongs >= 40 && pongs <= 60, qPrintable(QString::number(pongs)));
    QVERIFY(client.count(u"error"_s) >= 1 && client.count(u"error"_s) <= 2);
    QVERIFY(client.last(u"error"_s).value(u"message"_s).toString().contains(u"slow down"_s));
    QVERIFY(!client.closed);
    for (int i = 0; i < 4000; ++i)
        client.send({{u"type"_s, u"ping"_s}});
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, 5000);
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

void TestWebSocketHub::foreignOriginIsRefused()
{
    WsClient evil(u"http://evil.example"_s);
    evil.open(m_port);
    QTRY_VERIFY_WITH_TIMEOUT(evil.closed, 5000);
    QCOMPARE(evil.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(evil.count(u"state"_s), 0);
    QCOMPARE(m_server->hub().viewerCount(), 0);

    WsClient own(u"http://127.0.0.1:%1"_s.arg(m_port));
    QVERIFY(own.open(m_port));
    QVERIFY(own.waitFor(u"state"_s));

    // Host check (DNS rebinding) on the upgrade too.
    WsClient rebound;
    rebound.open(m_port, {}, {{"Host", "evil.example"}});
    QTRY_VERIFY_WITH_TIMEOUT(rebound.closed, 5000);
    QCOMPARE(rebound.count(u"state"_s), 0);
}

void TestWebSocketHub::settingsAndViewersAreBroadcast()
{
    WsClient first;
    QVERIFY(first.open(m_port));
    QVERIFY(first.waitFor(u"viewers"_s));
    WsClient second;
    QVERIFY(second.open(m_port));
    QTRY_VERIFY(first.last(u"viewers"_s).value(u"count"_s).toInt() == 2);
    QCOMPARE(fixtures::post(m_port, "/set-learning-rate?lr=0.05").status, 200);
    QVERIFY(second.waitFor(u"settings"_s));
    QCOMPARE(second.last(u"settings"_s).value(u"settings"_s).toObject().value(u"learning_rate"_s).toDouble(), 0.05);
    QCOMPARE(fixtures::post(m_port, "/set-speed?mode=narrated").status, 200);
    QTRY_COMPARE(second.last(u"settings"_s).value(u"settings"_s).toObject().value(u"speed"_s).toString(),
                 u"narrated"_s);
    QCOMPARE(second.last(u"settings"_s).value(u"settings"_s).toObject().value(u"pace"_s).toDouble(), 5.0);
    second.socket.close();
    QTRY_VERIFY(first.last(u"viewers"_s).value(u"count"_s).toInt() == 1);
}

void TestWebSocketHub::stalledClientIsDroppedWithoutSlowingOthers()
{
    server::HubLimits limits;
    limits.skipBytes = 64 * 1024;
    limits.closeBytes = 512 * 1024;
    limits.maxBehindMs = 2000;
    makeServer(0.01, limits);
    m_session->execute(server::Command::teachingMode(false));
    QCOMPARE(m_session->execute(server::Command::epochs(100)).message, QString());
    m_session->execute(server::Command::batchDelay(2));
    // Big layers make big updates (~80 KB each) so the socket buffers fill quickly.
    core::Architecture wide;
    wide.sizes = {784, 4096, 10};
    wide.activations = {core::Activation::ReLU};
    QCOMPARE(m_session->execute(server::Command::setArchitecture(wide)).message, QString());

    QTcpSocket stalled;
    stalled.setReadBufferSize(1);
    stalled.connectToHost(u"127.0.0.1"_s, m_port);
    QVERIFY(stalled.waitForConnected(5000));
    stalled.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    stalled.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    WsClient reader;
    QVERIFY(reader.open(m_port));
    QTRY_COMPARE(m_server->hub().viewerCount(), 2);

    QCOMPARE(m_session->execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->hub().droppedClients(), quint64(1), 60000); // 4x slower under TSan
    QTRY_COMPARE(m_server->hub().viewerCount(), 1);
    // The reading client kept receiving fresh updates throughout.
    const int updatesBefore = reader.count(u"update"_s);
    QVERIFY(updatesBefore > 10);
    QTRY_VERIFY_WITH_TIMEOUT(reader.count(u"update"_s) > updatesBefore + 5, 30000); // 4096-wide steps crawl under TSan
    m_session->execute(server::Command::of(server::CommandKind::Stop));
}

void TestWebSocketHub::rebindKeepsConnections()
{
    WsClient client;
    QVERIFY(client.open(m_port));
    QVERIFY(client.waitFor(u"state"_s));
    QVERIFY(m_server->joinUrl().isEmpty()); // loopback only: nothing to share
    QCOMPARE(m_server->urls(), QStringList{u"http://127.0.0.1:%1/"_s.arg(m_port)});

    // "Share on LAN": all interfaces, same port; the open connection stays.
    QVERIFY(m_server->rebind(QHostAddress::Any));
    QCOMPARE(m_server->port(), m_port);
    QCOMPARE(m_server->address(), QHostAddress(QHostAddress::Any));
    client.send({{u"type"_s, u"ping"_s}});
    QVERIFY(client.waitFor(u"pong"_s));
    QCOMPARE(fixtures::get(m_port, "/health").status, 200);
    WsClient second;
    QVERIFY(second.open(m_port));
    const QString join = m_server->joinUrl();
    if (m_server->urls().size() > 1) // the machine has a LAN address
        QVERIFY2(join.endsWith(u"?token=ws-token-0123456789abcdef"_s), qPrintable(join));

    QVERIFY(m_server->rebind(QHostAddress::LocalHost));
    QVERIFY(m_server->joinUrl().isEmpty());
    client.send({{u"type"_s, u"ping"_s}});
    QTRY_COMPARE(client.count(u"pong"_s), 2);
    QCOMPARE(fixtures::get(m_port, "/health").status, 200);
    QCOMPARE(m_server->hub().viewerCount(), 2);
}

// Every pause_moment has its numbers in "data" and the focus sample's own output gradient,
// p - onehot(label) from the message's own output probabilities; training_complete has the verdict.
void TestWebSocketHub::momentsCarryDataAndTheFocusGradient()
{
    WsClient client;
    QVERIFY(client.open(m_port));
    QVERIFY(client.waitFor(u"state"_s));
    QCOMPARE(client.first(u"state"_s).value(u"settings"_s).toObject().value(u"teaching_moments"_s).toObject().size(),
             8);
    QVERIFY(client.first(u"state"_s).value(u"verdict"_s).isNull());
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"start"_s}});
    QVERIFY(client.waitFor(u"training_complete"_s, 60000));
    QStringList reasons;
    for (const QJsonObject &message : std::as_const(client.messages)) {
        if (message.value(u"type"_s).toString() != u"pause_moment"_s)
            continue;
        const QString reason = message.value(u"reason"_s).toString();
        reasons << reason;
        const QJsonObject data = message.value(u"data"_s).toObject();
        QVERIFY2(!data.isEmpty(), qPrintable(reason));
        const QJsonArray probabilities = message.value(u"activations"_s).toArray().last().toArray();
        const QJsonArray gradient = message.value(u"focus_output_gradient"_s).toArray();
        const int label = message.value(u"label"_s).toInt();
        QCOMPARE(gradient.size(), 10);
        for (int k = 0; k < 10; ++k) {
            const double expected = probabilities[k].toDouble() - (k == label ? 1.0 : 0.0);
            QVERIFY2(std::abs(gradient[k].toDouble() - expected) < 1e-3,
                     qPrintable(u"%1: %2 vs %3"_s.arg(reason).arg(gradient[k].toDouble()).arg(expected)));
        }
        if (reason == u"first_forward"_s) {
            for (const QString &key :
                 {u"label"_s, u"guess"_s, u"confidence"_s, u"loss"_s, u"accuracy"_s, u"learning_rate"_s,
                  u"batch_size"_s, u"global_batch"_s, u"strongest_layer"_s, u"strongest_gradient"_s})
                QVERIFY2(data.contains(key), qPrintable(key));
            QCOMPARE(data.value(u"label"_s).toInt(), label);
            QCOMPARE(data.value(u"guess"_s).toInt(), message.value(u"prediction"_s).toInt());
            QCOMPARE(data.value(u"loss"_s).toDouble(),
                     message.value(u"stats"_s).toObject().value(u"loss"_s).toDouble());
        } else if (reason == u"epoch_end"_s) {
            const QJsonObject epoch = client.first(u"epoch_end"_s);
            QCOMPARE(data.value(u"epoch"_s).toInt(), 1);
            QCOMPARE(data.value(u"test_accuracy"_s).toDouble(), epoch.value(u"test_accuracy"_s).toDouble());
            QCOMPARE(data.value(u"train_accuracy"_s).toDouble(), epoch.value(u"train_accuracy"_s).toDouble());
            QCOMPARE(data.value(u"test_loss"_s).toDouble(), epoch.value(u"test_loss"_s).toDouble());
            QCOMPARE(data.value(u"train_loss"_s).toDouble(), epoch.value(u"train_loss"_s).toDouble());
            QCOMPARE(message.value(u"duration"_s).toDouble(), 4.0); // unscaled, as the first three
            const QString words = message.value(u"message"_s).toString();
            QVERIFY2(words.contains(u"%1%"_s.arg(100 * data.value(u"test_accuracy"_s).toDouble(), 0, 'f', 1)),
                     qPrintable(words));
        }
    }
    QVERIFY2(reasons.contains(u"first_forward"_s) && reasons.contains(u"epoch_end"_s), qPrintable(reasons.join(u',')));
    const QJsonObject verdict = client.last(u"training_complete"_s).value(u"verdict"_s).toObject();
    QCOMPARE(verdict.value(u"outcome"_s).toString(), u"learned"_s);
    QCOMPARE(verdict.value(u"test_accuracy"_s).toDouble(),
             client.last(u"epoch_end"_s).value(u"test_accuracy"_s).toDouble());
    QVERIFY(!verdict.value(u"reason"_s).toString().isEmpty());
    for (const QString &key : {u"initial_loss"_s, u"final_loss"_s, u"dead_fraction"_s})
        QVERIFY2(verdict.value(key).isDouble(), qPrintable(key));
    // The idle run_state and a fresh state carry it too.
    QCOMPARE(client.last(u"run_state"_s).value(u"verdict"_s).toObject(), verdict);
    const int from = client.messages.size();
    client.send({{u"type"_s, u"get_state"_s}});
    QVERIFY(client.waitFor(u"state"_s, 5000, from));
    QCOMPARE(client.messages[client.indexOf(u"state"_s, from)].value(u"verdict"_s).toObject(), verdict);
}

void TestWebSocketHub::setTeachingMomentsCommand()
{
    WsClient client;
    QVERIFY(client.open(m_port));
    QVERIFY(client.waitFor(u"state"_s));
    client.send({{u"type"_s, u"command"_s},
                 {u"command"_s, u"set_teaching_moments"_s},
                 {u"moments"_s, QJsonObject{{u"plateau"_s, false}, {u"dead_units"_s, false}}}});
    QVERIFY(client.waitFor(u"command_result"_s));
    QCOMPARE(client.first(u"command_result"_s).value(u"status"_s).toString(), u"updated"_s);
    QVERIFY(client.waitFor(u"settings"_s));
    const QJsonObject moments
        = client.last(u"settings"_s).value(u"settings"_s).toObject().value(u"teaching_moments"_s).toObject();
    QCOMPARE(moments.value(u"plateau"_s).toBool(), false);
    QCOMPARE(moments.value(u"dead_units"_s).toBool(), false);
    QCOMPARE(moments.value(u"divergence"_s).toBool(), true);
    QVERIFY(!m_session->teachingMomentEnabled(core::TeachingMomentKind::Plateau));

    const auto refused = [&](const QJsonObject &message, const QString &words) {
        const int from = client.messages.size();
        client.send(message);
        QVERIFY(client.waitFor(u"error"_s, 5000, from));
        const QString text = client.messages[client.indexOf(u"error"_s, from)].value(u"message"_s).toString();
        QVERIFY2(text.contains(words), qPrintable(text));
    };
    refused({{u"type"_s, u"command"_s},
             {u"command"_s, u"set_teaching_moments"_s},
             {u"moments"_s, QJsonObject{{u"boredom"_s, false}}}},
            u"'boredom'"_s);
    refused({{u"type"_s, u"command"_s},
             {u"command"_s, u"set_teaching_moments"_s},
             {u"moments"_s, QJsonObject{{u"plateau"_s, u"off"_s}}}},
            u"moments.plateau must be true or false"_s);
    refused({{u"type"_s, u"command"_s}, {u"command"_s, u"set_teaching_moments"_s}}, u"\"moments\""_s);
    QVERIFY(!m_session->teachingMomentEnabled(core::TeachingMomentKind::Plateau)); // unchanged
}

// Pause during a teaching pause: every client sees run_state paused with the reason still set,
// and the state snapshot still has the card (without a deadline).
void TestWebSocketHub::pauseHoldsTheCardForEveryClient()
{
    makeServer(100);
    WsClient client;
    QVERIFY(client.open(m_port));
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"start"_s}});
    QVERIFY(client.waitFor(u"pause_moment"_s, 20000));
    int from = client.messages.size();
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"pause"_s}});
    QVERIFY(client.waitFor(u"training_paused"_s, 5000, from));
    const QJsonObject runState = client.messages[client.indexOf(u"run_state"_s, from)];
    QCOMPARE(runState.value(u"state"_s).toString(), u"paused"_s);
    QCOMPARE(runState.value(u"pause_reason"_s).toString(), u"first_forward"_s);
    QVERIFY(runState.value(u"verdict"_s).isNull());
    QCOMPARE(client.indexOf(u"pause_resumed"_s, from), -1);
    from = client.messages.size();
    client.send({{u"type"_s, u"get_state"_s}});
    QVERIFY(client.waitFor(u"state"_s, 5000, from));
    const QJsonObject card = client.messages[client.indexOf(u"state"_s, from)].value(u"pause_moment"_s).toObject();
    QCOMPARE(card.value(u"reason"_s).toString(), u"first_forward"_s);
    QCOMPARE(card.value(u"deadline_ms"_s).toDouble(), 0.0);
    QCOMPARE(m_session->stats().globalBatch, 1LL);
    from = client.messages.size();
    client.send({{u"type"_s, u"command"_s}, {u"command"_s, u"resume"_s}});
    QVERIFY(client.waitFor(u"pause_resumed"_s, 5000, from));
    m_session->execute(server::Command::of(server::CommandKind::Stop));
    QTRY_COMPARE_WITH_TIMEOUT(m_session->runState(), server::RunState::Idle, 5000);
}

QTEST_GUILESS_MAIN(TestWebSocketHub)
#include "tst_websockethub.moc"
