// One command path: every run command in every run state gives the same status and message on
// every surface — HTTP (a real server on a real port), WebSocket (a real client) and the desktop
// window's presenter — and HTTP's status code follows the one error-kind table. Also checks the
// state each command leads to.
#include "mainwindow.h"
#include "server.h"
#include "session.h"
#include "sessionpresenter.h"
#include "sharecontrol.h"

#include "../server/serverfixtures.h"
#include "../server/wsclient.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using server::CommandKind;
using server::RunState;

namespace {

class FakeShare : public ShareControl
{
public:
    bool isListening() const override { return true; }
    QString localUrl() const override { return QStringLiteral("http://127.0.0.1/"); }
    bool isSharedOnLan() const override { return false; }
    QString joinUrl() const override { return {}; }
    int viewerCount() const override { return 0; }
    QString setSharedOnLan(bool) override { return {}; }
};

enum class Surface { Http, WebSocket, Presenter };

QString surfaceName(Surface surface)
{
    return surface == Surface::Http ? u"http"_s : surface == Surface::WebSocket ? u"websocket"_s : u"presenter"_s;
}

// What a surface answered: the status word, the message, and (HTTP only) the status code.
struct Answer
{
    QString status;
    QString message;
    int httpCode = 200;
};

struct Expected
{
    const char *status;
    const char *message;
    int httpCode;
    RunState next; // the state right after the command
};

} // namespace

class TestCommandPath : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void everyCommandEveryStateEverySurface_data();
    void everyCommandEveryStateEverySurface();

private:
    void reach(RunState state);
    Answer give(Surface surface, CommandKind command);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<server::Session> m_session;
    std::unique_ptr<server::Server> m_server;
    std::unique_ptr<MainWindow> m_window;
    FakeShare m_share;
    quint16 m_port = 0;
    QByteArray m_token = "cmd-token-0123456789abcdef";
};

void TestCommandPath::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    server::SessionOptions options = fixtures::offlineOptions(m_dir->filePath(u"mnist"_s), 640, 100);
    options.teachingPauseScale = 100; // teaching pauses last minutes unless ended
    m_session = std::make_unique<server::Session>(options);
    server::AccessSettings access;
    access.token = m_token;
    m_server = std::make_unique<server::Server>(*m_session, access);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_port = m_server->port();
    m_window = std::make_unique<MainWindow>(*m_session, &m_share);
}

void TestCommandPath::cleanup()
{
    m_window.reset();
    m_server.reset();
    m_session.reset();
    m_dir.reset();
}

// Puts the run into `state` through the session's own command path.
void TestCommandPath::reach(RunState state)
{
    using server::Command;
    if (state == RunState::Idle)
        return;
    m_session->execute(Command::teachingMode(state == RunState::TeachingPause));
    m_session->execute(Command::epochs(100));
    m_session->execute(Command::batchDelay(state == RunState::TeachingPause ? 0 : 20));
    QCOMPARE(m_session->execute(Command::of(CommandKind::Start)).status, u"started"_s);
    const RunState settled = state == RunState::TeachingPause ? RunState::TeachingPause : RunState::Running;
    QTRY_COMPARE_WITH_TIMEOUT(m_session->runState(), settled, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(m_session->stats().globalBatch >= 1, 20000);
    if (state == RunState::Paused) {
        QCOMPARE(m_session->execute(Command::of(CommandKind::Pause)).status, u"paused"_s);
        QCOMPARE(m_session->runState(), RunState::Paused);
    }
}

Answer TestCommandPath::give(Surface surface, CommandKind command)
{
    const QString name = server::commandName(command);
    switch (surface) {
    case Surface::Http: {
        const QByteArray path = '/' + name.toLatin1() + "-training";
        const auto response = fixtures::post(m_port, path);
        return {response.json().value(u"status"_s).toString(), response.json().value(u"message"_s).toString(),
                response.status};
    }
    case Surface::WebSocket: {
        WsClient client;
        if (!client.open(m_port, "?token=" + m_token))
            return {u"(no connection)"_s, {}, 0};
        client.waitFor(u"state"_s);
        const int from = client.messages.size();
        client.send({{u"type"_s, u"command"_s}, {u"command"_s, name}});
        if (!client.waitFor(u"command_result"_s, 10000, from))
            return {u"(no answer)"_s, {}, 0};
        const QJsonObject result = client.messages.value(client.indexOf(u"command_result"_s, from));
        return {result.value(u"status"_s).toString(), result.value(u"message"_s).toString(), 200};
    }
    case Surface::Presenter: {
        const server::CommandResult result = m_window->presenter()->execute(server::Command::of(command));
        return {result.status, result.message, 200};
    }
    }
    return {};
}

void TestCommandPath::everyCommandEveryStateEverySurface_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<int>("command");
    QTest::addColumn<int>("surface");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("httpCode");
    QTest::addColumn<int>("next");

    const char *noRun = "No training in progress";
    const char *busy = "Training already in progress";
    // state -> command -> the answer every surface gives, and the state it leads to.
    const QList<std::tuple<RunState, CommandKind, Expected>> table{
        {RunState::Idle, CommandKind::Start, {"started", "", 200, RunState::LoadingData}},
        {RunState::Idle, CommandKind::Stop, {"stopped", "", 200, RunState::Idle}},
        {RunState::Idle, CommandKind::Pause, {"error", noRun, 409, RunState::Idle}},
        {RunState::Idle, CommandKind::Resume, {"error", noRun, 409, RunState::Idle}},
        {RunState::Idle, CommandKind::Step, {"stepped", "", 200, RunState::LoadingData}},
        {RunState::Running, CommandKind::Start, {"busy", busy, 200, RunState::Running}},
        {RunState::Running, CommandKind::Stop, {"stopped", "", 200, RunState::Stopping}},
        {RunState::Running, CommandKind::Pause, {"paused", "", 200, RunState::Paused}},
        {RunState::Running, CommandKind::Resume, {"resumed", "", 200, RunState::Running}},
        {RunState::Running, CommandKind::Step, {"stepped", "", 200, RunState::Paused}},
        {RunState::Paused, CommandKind::Start, {"busy", busy, 200, RunState::Paused}},
        {RunState::Paused, CommandKind::Stop, {"stopped", "", 200, RunState::Stopping}},
        {RunState::Paused, CommandKind::Pause, {"paused", "", 200, RunState::Paused}},
        {RunState::Paused, CommandKind::Resume, {"resumed", "", 200, RunState::Running}},
        {RunState::Paused, CommandKind::Step, {"stepped", "", 200, RunState::Paused}},
        {RunState::TeachingPause, CommandKind::Start, {"busy", busy, 200, RunState::TeachingPause}},
        {RunState::TeachingPause, CommandKind::Stop, {"stopped", "", 200, RunState::Stopping}},
        {RunState::TeachingPause, CommandKind::Pause, {"paused", "", 200, RunState::Paused}},
        {RunState::TeachingPause, CommandKind::Resume, {"resumed", "", 200, RunState::Running}},
        {RunState::TeachingPause, CommandKind::Step, {"stepped", "", 200, RunState::Paused}},
    };
    for (const auto &[state, command, expected] : table) {
        for (Surface surface : {Surface::Http, Surface::WebSocket, Surface::Presenter}) {
            const QString tag
                = u"%1 %2 %3"_s.arg(server::runStateName(state), server::commandName(command), surfaceName(surface));
            QTest::newRow(qPrintable(tag))
                << int(state) << int(command) << int(surface) << QString::fromLatin1(expected.status)
                << QString::fromLatin1(expected.message) << expected.httpCode << int(expected.next);
        }
    }
}

void TestCommandPath::everyCommandEveryStateEverySurface()
{
    QFETCH(int, state);
    QFETCH(int, command);
    QFETCH(int, surface);
    QFETCH(QString, status);
    QFETCH(QString, message);
    QFETCH(int, httpCode);
    QFETCH(int, next);

    reach(RunState(state));
    if (QTest::currentTestFailed())
        return;
    const Answer answer = give(Surface(surface), CommandKind(command));
    QCOMPARE(answer.status, status);
    QCOMPARE(answer.message, message);
    if (Surface(surface) == Surface::Http)
        QCOMPARE(answer.httpCode, httpCode);
    // The presenter is synchronous: the state right after the command is visible. HTTP and
    // WebSocket helpers spin the event loop, so a transient state (loading data, stopping)
    // may already have moved on; there the command's lasting effect is checked instead.
    // A running run may meet its next teaching moment meanwhile, too.
    const RunState after = m_session->runState();
    if (Surface(surface) == Surface::Presenter)
        QCOMPARE(after, RunState(next));
    else if (RunState(next) == RunState::Stopping)
        QTRY_COMPARE_WITH_TIMEOUT(m_session->runState(), RunState::Idle, 5000);
    else if (RunState(next) == RunState::Paused || RunState(next) == RunState::Idle)
        QCOMPARE(after, RunState(next));
    else if (RunState(next) == RunState::LoadingData)
        QVERIFY(after != RunState::Idle); // loading, or already running / paused after a step
    else
        QVERIFY(after != RunState::Idle && after != RunState::Paused);
}

QTEST_MAIN(TestCommandPath)
#include "tst_commandpath.moc"
