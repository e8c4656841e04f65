// The WebSocket side of the session: every /ws client gets `connected`, then a `state`
// snapshot, then the live events (docs/protocol.md). Live updates are coalesced per client:
// at most one per minIntervalMs, always the newest; a client whose unsent bytes exceed
// skipBytes gets nothing new (and a fresh `state` when it catches up), one past closeBytes or
// skipped for maxBehindMs is closed. Each message is serialised once for all clients, on the
// main thread: the trainer thread never waits for a client.
#pragma once

#include "classroom.h"
#include "security.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

class QAbstractHttpServer;
class QWebSocket;

namespace server {

class Session;
struct BatchUpdate;

struct HubLimits
{
    int minIntervalMs = 30; // ≤ ~30 updates per second per client
    qint64 skipBytes = 1024 * 1024; // unsent bytes above which a client is skipped
    qint64 closeBytes = 8 * 1024 * 1024; // ... and closed
    int maxBehindMs = 10000; // skipped this long: closed
    qint64 maxMessageBytes = 64 * 1024; // incoming message / frame size
    qint64 largeBytes = 256 * 1024; // messages this big (training_complete with weights) ...
    int maxParallelLarge = 4; // ... are written to at most this many clients at a time
    int maxSessionsPerAddress = 16; // WebSocket sessions from one client address
    double messagesPerSecond = 20; // incoming messages per client, sustained ...
    int messageBurst = 40; // ... and in a burst; more are dropped with one warning a second
    int maxDroppedMessages = 400; // a client that keeps flooding is closed
};

class WebSocketHub : public QObject
{
    Q_OBJECT
public:
    WebSocketHub(Session &session, AccessPolicy &policy, HubLimits limits = {}, QObject *parent = nullptr);
    ~WebSocketHub() override;

    // Takes the upgraded connections of `server` (only path /ws is accepted).
    void attach(QAbstractHttpServer &server);
    int viewerCount() const { return int(m_clients.size()); }
    quint64 droppedClients() const { return m_dropped; } // closed for being too slow
    // Sends an event (a whole JSON message) to every client, like the session's own events
    // (never coalesced, skipped for congested clients). Main thread.
    void broadcastEvent(const QByteArray &message) { broadcast(message); }
    // Participants, control and the class gallery of the connected clients (docs/protocol.md
    // "Classroom"); the desktop app uses it as the presenter without a connection.
    // Members added to a presenter's `connected` message: where the class joins ("join_url" with
    // the token, "lan_urls" without it), known to the listening server only.
    void setPresenterLinks(std::function<QJsonObject()> links) { m_presenterLinks = std::move(links); }

    Classroom &classroom() { return m_classroom; }
    const Classroom &classroom() const { return m_classroom; }
    // The interval the hub now keeps between live updates for client `clientId` (its chosen rate,
    // stretched while its link does not drain them), -1 if unknown. For tests.
    int updateIntervalMs(const QString &clientId) const;

signals:
    void viewerCountChanged(int count);
    // A connection became a WebSocket session (before the hub's own checks): the connection
    // guard of peer:port stands down.
    void sessionOpened(const QHostAddress &peer, quint16 port);

private:
    struct Client;

    void accept(QWebSocket *socket);
    void remove(QWebSocket *socket);
    void catchUp(Client &client); // sends the newest update first if the client is owed it
    // Events: never coalesced, skipped when congested. `binary` makes the binary-wire variant,
    // at most once per event and only when a binary client is there.
    void broadcast(const QByteArray &message, const std::function<QByteArray()> &binary = {});
    void sendTo(const QString &clientId, const QByteArray &message);
    void onClassroomMessage(Client &client, const QJsonObject &message);
    const QByteArray &latestUpdateFor(const Client &client);
    void send(Client &client, const QByteArray &message);
    // Events keep their order per client; large ones wait for a free slot (bounded memory).
    void deliver(Client &client, const QByteArray &message);
    void write(Client &client, const QByteArray &message);
    void onBytesWritten(Client &client);
    void pumpQueues();
    bool congested(Client &client); // applies the close rules; true when the client is skipped
    void onUpdate(const BatchUpdate &update);
    void flushUpdates();
    bool admitMessage(Client &client); // the per-client message rate limit
    void onMessage(Client &client, const QString &text);
    void reply(Client &client, const QByteArray &message);
    Client *find(QWebSocket *socket);

    Session &m_session;
    AccessPolicy &m_policy;
    HubLimits m_limits;
    std::vector<std::unique_ptr<Client>> m_clients;
    QByteArray m_latestUpdate;
    std::shared_ptr<const BatchUpdate> m_latestUpdateSource; // for the binary variant, made on demand
    QByteArray m_latestUpdateBinary;
    Classroom m_classroom;
    std::function<QJsonObject()> m_presenterLinks;
    quint64 m_latestSequence = 0;
    QTimer m_flushTimer;
    QElapsedTimer m_clock;
    quint64 m_nextId = 1;
    quint64 m_dropped = 0;
    int m_largeInFlight = 0;
    qint64 m_lastDownloadEventMs = -1000;
};

} // namespace server
