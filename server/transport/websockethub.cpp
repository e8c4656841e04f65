#include "websockethub.h"

#include "binarywire.h"
#include "clientmessage.h"
#include "command.h"
#include "jsonwriter.h"
#include "messages.h"
#include "qthttpcompat.h"
#include "session.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

#include <cmath>
#include <deque>
#include <optional>

using namespace Qt::StringLiterals;

namespace server {

namespace {
// A slow link's updates are spaced out up to this (2 a second); a fast one gets back to its rate.
constexpr int kMaxIntervalMs = 500;
const QByteArray kBinaryMagic(wire::kMagic, sizeof wire::kMagic);
} // namespace

struct WebSocketHub::Client
{
    QWebSocket *socket = nullptr;
    RequestInfo request;
    QString id;
    bool controller = false;
    quint64 sentSequence = 0;
    qint64 lastSendMs = -1000000;
    qint64 behindSinceMs = -1; // when it started being skipped, -1: not behind
    bool needsState = false; // missed events while skipped: send a snapshot when it recovers
    bool closing = false;
    bool binary = false; // asked for the binary wire (hello "wire":"binary")
    int baseIntervalMs = 0; // the least time between its live updates: the hub's, or its own max_rate
    int intervalMs = 0; // ... stretched while its link does not drain them (up to kMaxIntervalMs)
    std::deque<QByteArray> queue; // events waiting behind a large message
    bool largeInFlight = false; // a large message is still in this socket's buffer
    QString address; // what the per-address cap counts
    double messageTokens = 0; // the incoming-message bucket
    qint64 messageMs = 0;
    int droppedMessages = 0;
    qint64 lastRateWarningMs = -1000000;
};

WebSocketHub::WebSocketHub(Session &session, AccessPolicy &policy, HubLimits limits, QObject *parent)
    : QObject(parent), m_session(session), m_policy(policy), m_limits(limits),
      m_classroom([&session](const float *pixels) { return session.weights()->predict(pixels); })
{
    connect(&m_classroom, &Classroom::toAll, this, [this](const QByteArray &message) { broadcast(message); });
    connect(&m_classroom, &Classroom::toClient, this, &WebSocketHub::sendTo);
    m_clock.start();
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &WebSocketHub::flushUpdates);

    connect(&session, &Session::batchReported, this, &WebSocketHub::onUpdate);
    connect(&session, &Session::trainingStarted, this, [this] { broadcast(messages::trainingStarted(m_session)); });
    connect(&session, &Session::pauseMomentReached, this, [this](const PauseMoment &moment) {
        broadcast(messages::pauseMoment(moment),
                  [&moment] { return messages::pauseMoment(moment, messages::Wire::Binary); });
    });
    connect(&session, &Session::pauseMomentEnded, this,
            [this](const QString &reason) { broadcast(messages::pauseResumed(reason)); });
    connect(&session, &Session::runStateChanged, this, [this] { broadcast(messages::runState(m_session)); });
    connect(&session, &Session::trainingPaused, this, [this] { broadcast(messages::ofType("training_paused")); });
    connect(&session, &Session::trainingResumed, this, [this] { broadcast(messages::ofType("training_resumed")); });
    connect(&session, &Session::epochFinished, this,
            [this](const core::EpochReport &report) { broadcast(messages::epochEnd(report)); });
    connect(&session, &Session::narration, this,
            [this](const core::Caption &caption) { broadcast(messages::narration(caption)); });
    connect(&session, &Session::trainingFailed, this,
            [this](const QString &message) { broadcast(messages::error(message)); });
    connect(&session, &Session::trainingFinished, this, [this](const core::FinishReport &report) {
        if (report.stopped)
            broadcast(messages::ofType("training_stopped"));
        if (!m_clients.empty()) {
            const auto network = m_session.weights();
            broadcast(messages::trainingComplete(report, messages::weightsList(*network)),
                      [&] { return messages::trainingCompleteBinary(report, *network); });
        }
    });
    connect(&session, &Session::settingsChanged, this, [this] { broadcast(messages::settingsChanged(m_session)); });
    connect(&session, &Session::downloadProgress, this,
            [this](const QString &file, qint64 received, qint64 total, bool done) {
                const qint64 now = m_clock.elapsed();
                if (!done && now - m_lastDownloadEventMs < 100)
                    return; // ≤ 10 progress events per second
                m_lastDownloadEventMs = now;
                broadcast(messages::downloadProgress(file, received, total, done));
            });
    connect(&session, &Session::warning, this, [this](const QString &message) { broadcast(messages::error(message)); });
}

WebSocketHub::~WebSocketHub()
{
    for (auto &client : m_clients) {
        client->socket->disconnect(this);
        client->socket->abort();
        client->socket->deleteLater();
    }
}

void WebSocketHub::attach(QAbstractHttpServer &server)
{
    // Where Qt lets us (6.8+), a wrong path, Host or Origin is refused at the handshake with a
    // plain HTTP status, and only this verifier makes an upgrade happen at all. accept() checks
    // again in every version: before 6.8 it is the only check.
    compat::addWebSocketUpgradeVerifier(
        server, this, [this](const QHttpServerRequest &request) -> std::optional<compat::UpgradeRefusal> {
            const RequestInfo info = RequestInfo::fromHttp(request);
            if (request.url().path() != u"/ws"_s)
                return compat::UpgradeRefusal{404, "Unknown WebSocket path"};
            if (!m_policy.hostAllowed(info.host))
                return compat::UpgradeRefusal{403, "Host not allowed"};
            if (!m_policy.originAllowed(info.origin))
                return compat::UpgradeRefusal{403, "Origin not allowed"};
            return std::nullopt;
        });
    connect(&server, &QAbstractHttpServer::newWebSocketConnection, this, [this, &server] {
        while (server.hasPendingWebSocketConnections())
            accept(server.nextPendingWebSocketConnection().release());
    });
}

WebSocketHub::Client *WebSocketHub::find(QWebSocket *socket)
{
    for (auto &client : m_clients) {
        if (client->socket == socket)
            return client.get();
    }
    return nullptr;
}

bool WebSocketHub::admitMessage(Client &client)
{
    const qint64 now = m_clock.elapsed();
    client.messageTokens = std::min<double>(
        m_limits.messageBurst, client.messageTokens + (now - client.messageMs) * m_limits.messagesPerSecond / 1000.0);
    client.messageMs = now;
    if (client.messageTokens >= 1) {
        client.messageTokens -= 1;
        return true;
    }
    if (++client.droppedMessages > m_limits.maxDroppedMessages && !client.closing) {
        client.closing = true;
        client.socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"Too many messages"_s);
        return false;
    }
    if (now - client.lastRateWarningMs >= 1000) {
        client.lastRateWarningMs = now;
        reply(client,
              messages::error(u"Too many messages; slow down (at most %1 a second)"_s.arg(m_limits.messagesPerSecond)));
    }
    return false;
}

void WebSocketHub::accept(QWebSocket *socket)
{
    emit sessionOpened(socket->peerAddress(), socket->peerPort());
    socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxMessageBytes));
    const RequestInfo request = RequestInfo::fromWebSocket(socket->request(), socket->peerAddress());
    const auto refuse = [socket](const QString &reason) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
        QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(2000, socket, &QObject::deleteLater);
    };
    if (socket->requestUrl().path() != u"/ws"_s)
        return refuse(u"Unknown WebSocket path"_s);
    if (!m_policy.hostAllowed(request.host))
        return refuse(u"Host not allowed"_s);
    if (!m_policy.originAllowed(request.origin.isEmpty() ? socket->origin().toLatin1() : request.origin))
        return refuse(u"Origin not allowed"_s);

    const QString address = m_policy.clientAddress(request);
    const auto sessions = std::count_if(m_clients.cbegin(), m_clients.cend(),
                                        [&](const auto &other) { return other->address == address; });
    if (sessions >= m_limits.maxSessionsPerAddress)
        return refuse(u"Too many sessions from your address (at most %1)"_s.arg(m_limits.maxSessionsPerAddress));

    auto client = std::make_unique<Client>();
    client->socket = socket;
    client->request = request;
    client->address = address;
    client->messageTokens = m_limits.messageBurst;
    client->messageMs = m_clock.elapsed();
    client->id = QString::number(m_nextId++);
    client->baseIntervalMs = client->intervalMs = m_limits.minIntervalMs;
    const AccessPolicy::Decision decision = m_policy.controlDecision(request);
    client->controller = decision == AccessPolicy::Decision::Allowed;
    Client &ref = *client;
    m_clients.push_back(std::move(client));

    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &text) {
        if (Client *c = find(socket); c && admitMessage(*c))
            onMessage(*c, text);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
        if (Client *c = find(socket); c && admitMessage(*c))
            reply(*c, messages::error(u"Binary messages are not understood; send JSON text"_s));
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { remove(socket); });
    connect(socket, &QWebSocket::bytesWritten, this, [this, socket] {
        if (Client *c = find(socket))
            onBytesWritten(*c);
    });

    QJsonObject connected{{u"type"_s, u"connected"_s},
                          {u"status"_s, u"ready"_s},
                          {u"client_id"_s, ref.id},
                          {u"role"_s, ref.controller ? u"controller"_s : u"viewer"_s}};
    if (ref.controller && m_presenterLinks) {
        const QJsonObject links = m_presenterLinks();
        for (auto it = links.begin(); it != links.end(); ++it)
            connected.insert(it.key(), it.value());
    }
    send(ref, json::compact(connected));
    if (decision == AccessPolicy::Decision::WrongToken)
        send(ref, messages::error(u"The join token is not valid; you are watching as a viewer"_s));
    send(ref, messages::state(m_session, viewerCount(), true));
    if (const auto last = m_session.lastUpdate())
        ref.sentSequence = last->sequence; // the snapshot carries it
    broadcast(messages::viewers(viewerCount()));
    // A phone says so in its User-Agent until its hello says otherwise.
    const bool phone = socket->request().rawHeader("User-Agent").contains("Mobi");
    m_classroom.join(ref.id, ref.controller, phone ? DeviceKind::Phone : DeviceKind::Computer);
    for (const QByteArray &message : m_classroom.snapshot())
        send(ref, message);
    emit viewerCountChanged(viewerCount());
}

void WebSocketHub::remove(QWebSocket *socket)
{
    const auto it = std::find_if(m_clients.begin(), m_clients.end(),
                                 [socket](const auto &client) { return client->socket == socket; });
    if (it == m_clients.end())
        return;
    const bool freesSlot = (*it)->largeInFlight;
    if (freesSlot)
        --m_largeInFlight;
    const QString id = (*it)->id;
    m_clients.erase(it);
    m_classroom.leave(id);
    socket->disconnect(this);
    socket->deleteLater();
    broadcast(messages::viewers(viewerCount()));
    emit viewerCountChanged(viewerCount());
    if (freesSlot)
        pumpQueues();
}

void WebSocketHub::send(Client &client, const QByteArray &message)
{
    if (message.startsWith(kBinaryMagic))
        client.socket->sendBinaryMessage(message);
    else
        client.socket->sendTextMessage(QString::fromUtf8(message));
}

void WebSocketHub::sendTo(const QString &clientId, const QByteArray &message)
{
    for (auto &client : m_clients)
        if (client->id == clientId)
            return deliver(*client, message);
}

int WebSocketHub::updateIntervalMs(const QString &clientId) const
{
    for (const auto &client : m_clients)
        if (client->id == clientId)
            return client->intervalMs;
    return -1;
}

const QByteArray &WebSocketHub::latestUpdateFor(const Client &client)
{
    if (!client.binary || !m_latestUpdateSource)
        return m_latestUpdate;
    if (m_latestUpdateBinary.isEmpty())
        m_latestUpdateBinary = messages::update(*m_latestUpdateSource, messages::Wire::Binary);
    return m_latestUpdateBinary;
}

bool WebSocketHub::congested(Client &client)
{
    if (client.closing)
        return true;
    const qint64 pending = client.socket->bytesToWrite();
    const qint64 now = m_clock.elapsed();
    if (pending <= m_limits.skipBytes) {
        client.behindSinceMs = -1;
        return false;
    }
    if (client.behindSinceMs < 0)
        client.behindSinceMs = now;
    if (pending > m_limits.closeBytes || now - client.behindSinceMs > m_limits.maxBehindMs) {
        client.closing = true;
        ++m_dropped;
        // The close frame would queue behind megabytes; drop the connection instead.
        QTimer::singleShot(0, client.socket, [socket = client.socket] { socket->abort(); });
    }
    client.needsState = true;
    return true;
}

void WebSocketHub::catchUp(Client &client)
{
    // An event (epoch_end, training_complete, ...) must not overtake the last update of the
    // run: a client still owed the newest update gets it first, whatever the rate limit.
    if (client.needsState || client.sentSequence >= m_latestSequence || m_latestUpdate.isEmpty())
        return;
    const QByteArray &latest = latestUpdateFor(client);
    if (client.queue.empty() && !client.largeInFlight)
        send(client, latest);
    else
        client.queue.push_back(latest);
    client.sentSequence = m_latestSequence;
    client.lastSendMs = m_clock.elapsed();
}

void WebSocketHub::broadcast(const QByteArray &message, const std::function<QByteArray()> &makeBinary)
{
    if (m_clients.empty())
        return;
    QByteArray binary; // made once, for the first binary client
    QString text; // converted once for all JSON clients
    for (auto &client : m_clients) {
        const bool useBinary = client->binary && makeBinary;
        if (useBinary && binary.isEmpty())
            binary = makeBinary();
        const QByteArray &bytes = useBinary ? binary : message;
        if (bytes.size() >= m_limits.largeBytes) {
            if (!congested(*client))
                catchUp(*client);
            deliver(*client, bytes);
            continue;
        }
        if (congested(*client))
            continue;
        catchUp(*client);
        if (!client->queue.empty()) {
            client->queue.push_back(bytes);
        } else if (useBinary) {
            client->socket->sendBinaryMessage(bytes);
        } else {
            if (text.isEmpty())
                text = QString::fromUtf8(message);
            client->socket->sendTextMessage(text);
        }
    }
    if (!m_flushTimer.isActive())
        m_flushTimer.start(m_limits.minIntervalMs); // re-checks skipped clients
}

void WebSocketHub::deliver(Client &client, const QByteArray &message)
{
    if (congested(client))
        return;
    const bool large = message.size() >= m_limits.largeBytes;
    if (!client.queue.empty() || client.largeInFlight || (large && m_largeInFlight >= m_limits.maxParallelLarge)) {
        client.queue.push_back(message); // shares the bytes, no copy
        return;
    }
    write(client, message);
}

void WebSocketHub::write(Client &client, const QByteArray &message)
{
    if (message.size() >= m_limits.largeBytes) {
        client.largeInFlight = true;
        ++m_largeInFlight;
    }
    send(client, message);
}

void WebSocketHub::onBytesWritten(Client &client)
{
    if (!client.largeInFlight || client.socket->bytesToWrite() > 64 * 1024)
        return;
    client.largeInFlight = false;
    --m_largeInFlight;
    pumpQueues();
}

void WebSocketHub::pumpQueues()
{
    for (auto &client : m_clients) {
        while (!client->queue.empty() && !client->largeInFlight && !congested(*client)) {
            const QByteArray &next = client->queue.front();
            if (next.size() >= m_limits.largeBytes && m_largeInFlight >= m_limits.maxParallelLarge)
                return; // no free slot for anyone now
            const QByteArray message = next;
            client->queue.pop_front();
            write(*client, message);
        }
    }
}

void WebSocketHub::onUpdate(const BatchUpdate &update)
{
    if (m_clients.empty())
        return;
    m_latestUpdate = messages::update(update);
    m_latestUpdateSource = std::make_shared<const BatchUpdate>(update);
    m_latestUpdateBinary.clear();
    m_latestSequence = update.sequence;
    flushUpdates();
}

void WebSocketHub::flushUpdates()
{
    const qint64 now = m_clock.elapsed();
    qint64 nextDue = -1;
    QString text;
    for (auto &client : m_clients) {
        const bool behind = client->sentSequence < m_latestSequence || client->needsState;
        if (!behind)
            continue;
        if (!client->queue.empty() || client->largeInFlight) {
            nextDue = nextDue < 0 ? now + 100 : std::min(nextDue, now + 100); // busy with an event
            continue;
        }
        if (congested(*client)) {
            nextDue = nextDue < 0 ? now + 250 : std::min(nextDue, now + 250);
            continue;
        }
        if (now - client->lastSendMs < client->intervalMs) {
            const qint64 due = client->lastSendMs + client->intervalMs;
            nextDue = nextDue < 0 ? due : std::min(nextDue, due);
            continue;
        }
        if (client->needsState) {
            client->needsState = false;
            send(*client, messages::state(m_session, viewerCount(), true));
            client->sentSequence = m_latestSequence; // the snapshot holds the last update
        } else {
            // The link's pace: the last update still in the socket's buffer means this client
            // cannot take updates this often; space them out, and come back as it keeps up.
            client->intervalMs = client->socket->bytesToWrite() > 0
                                     ? std::min(kMaxIntervalMs, client->intervalMs * 3 / 2 + 1)
                                     : std::max(client->baseIntervalMs, client->intervalMs - 5);
            if (client->binary) {
                client->socket->sendBinaryMessage(latestUpdateFor(*client));
            } else {
                if (text.isEmpty())
                    text = QString::fromUtf8(m_latestUpdate);
                client->socket->sendTextMessage(text);
            }
            client->sentSequence = m_latestSequence;
        }
        client->lastSendMs = now;
    }
    if (nextDue >= 0)
        m_flushTimer.start(int(std::max<qint64>(1, nextDue - now)));
}

void WebSocketHub::reply(Client &client, const QByteArray &message)
{
    deliver(client, message);
}

void WebSocketHub::onMessage(Client &client, const QString &text)
{
    const ClientMessage message = parseClientMessage(text.toUtf8());
    switch (message.kind) {
    case ClientMessageKind::Invalid: return reply(client, messages::error(message.error));
    case ClientMessageKind::Ping: return reply(client, messages::ofType("pong"));
    case ClientMessageKind::GetState: return reply(client, messages::state(m_session, viewerCount(), true));
    case ClientMessageKind::Classroom: return onClassroomMessage(client, message.object);
    case ClientMessageKind::Command: break;
    }

    if (!client.controller && !m_classroom.isDriver(client.id)) {
        const QString &driver = m_classroom.participants().driver();
        const Participant *driving = driver.isEmpty() ? nullptr : m_classroom.participants().find(driver);
        return reply(
            client, messages::error(driving ? u"%1 drives the training now; raise your hand to ask the presenter"_s.arg(
                                        driving->name.isEmpty() ? u"Participant "_s + driver : driving->name)
                                            : u"Viewers cannot control the training; raise your hand to ask the "
                                              "presenter, or open the join link with the token"_s));
    }
    if (!m_policy.takeControlBudget(client.request))
        return reply(client, messages::error(u"Too many commands; slow down"_s));
    if (!message.runCommand)
        return reply(client, messages::error(message.error));
    const Command command = *message.runCommand == CommandKind::SetTeachingMoments
                                ? Command::teachingMoments(message.moments)
                                : Command::of(*message.runCommand);
    reply(client, messages::commandResult(message.command, m_session.execute(command)));
}

void WebSocketHub::onClassroomMessage(Client &client, const QJsonObject &message)
{
    // The hub's part of hello: this client's wire and update rate.
    if (message.value(u"type"_s).toString() == u"hello") {
        const QString wireName = message.value(u"wire"_s).toString();
        if (wireName == u"binary" || wireName == u"json") {
            client.binary = wireName == u"binary";
        } else if (message.contains(u"wire"_s)) {
            return reply(client, messages::error(u"wire: must be \"json\" or \"binary\""_s));
        }
        if (message.contains(u"max_rate"_s)) {
            const double rate = message.value(u"max_rate"_s).toDouble(-1);
            if (!(rate >= 1 && rate <= 1000.0 / m_limits.minIntervalMs))
                return reply(client, messages::error(u"max_rate: must be a number of updates per second in 1..%1"_s.arg(
                                         1000 / m_limits.minIntervalMs)));
            client.baseIntervalMs = std::max(m_limits.minIntervalMs, int(std::lround(1000.0 / rate)));
            client.intervalMs = client.baseIntervalMs;
        }
    }
    m_classroom.handle(client.id, message);
}

} // namespace server
