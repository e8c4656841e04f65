// The limits QHttpServer 6.4 lacks (it bounds no request line, header or body, has no timeouts
// and answers malformed requests with silence or an empty 404): a QTcpServer whose accepted
// sockets get
// - a cap on simultaneous connections, in all and per client address;
// - a strict check of each request head (CRLF line endings, a known method, an origin-form
//   target, well-formed headers, one plain Content-Length, no Transfer-Encoding on a request
//   body) answered at once with a JSON 400/405/411/431;
// - a cap on the bytes of one request (headers + body) answered with 413 and a close;
// - a deadline to send a request (408) and an idle timeout for kept-alive connections;
// - `Connection: close` (and HTTP/1.0 without keep-alive) honoured after the response.
// A request asking for a WebSocket upgrade gets all of the above, and must have become a
// WebSocket session (adoptWebSocket(), called when the hub accepts it) within the request
// timeout, or it is closed; only then does the guard stand down (the hub bounds sessions itself).
#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QTcpServer>

#include <functional>
#include <optional>

namespace server {

class ConnectionGuard;

struct ConnectionLimits
{
    int maxConnections = 256;
    int maxConnectionsPerAddress = 32; // a browser opens ≤ 6 plus its WebSocket
    qint64 maxBodyBytes = 64 * 1024;
    qint64 maxHeaderBytes = 16 * 1024;
    int requestTimeoutMs = 10000; // from the first byte of a request to its response
    int idleTimeoutMs = 60000; // kept-alive connection without a request
    QList<QHostAddress> exemptAddresses; // trusted reverse proxies: no per-address cap
};

// The request line and headers of one request, as the guard saw them (names lower-case).
struct RequestHead
{
    QByteArray method;
    QByteArray target; // path and query as sent
    QByteArray version; // "HTTP/1.1"
    QHash<QByteArray, QByteArray> headers;
    QHostAddress peer;

    static RequestHead parse(const QByteArray &text, const QHostAddress &peer); // text without the blank line
    bool keepAlive() const; // false: the connection closes after the response
};

// Why a request head is refused: the status line's code and reason, the message for the JSON
// body, and header lines to add ("Allow: ...\r\n" for 405).
struct HeadProblem
{
    int status = 400;
    QByteArray reason = "Bad Request";
    QString message;
    QByteArray extraHeaders;
};

// Where the head of `data` ends (the index after its blank line, whether the lines end in CRLF
// or a bare LF), or -1 when the blank line has not arrived yet.
qsizetype requestHeadEnd(const QByteArray &data);
// Checks a complete request head (as sent, up to and including the blank line) against the
// HTTP/1.1 message grammar this server accepts. std::nullopt: acceptable.
std::optional<HeadProblem> checkRequestHead(const QByteArray &head);
// Checks a request that asks for a WebSocket upgrade (RFC 6455 opening handshake): GET /ws,
// Connection: Upgrade, Sec-WebSocket-Version 13, a 16-byte Sec-WebSocket-Key, no body. Refused
// handshakes get a JSON answer here instead of a silent close by the WebSocket server.
std::optional<HeadProblem> checkWebSocketHandshake(const RequestHead &head);
// The methods the server has routes for; others get 405.
bool knownMethod(const QByteArray &method);

// Largest body allowed for this request (default: ConnectionLimits::maxBodyBytes).
using BodyLimit = std::function<qint64(const RequestHead &head)>;

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(ConnectionLimits limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    int connectionCount() const { return m_connections; }
    int connectionCount(const QHostAddress &peer) const;
    void setBodyLimit(BodyLimit limit) { m_bodyLimit = std::move(limit); }
    const ConnectionLimits &limits() const { return m_limits; }

    // The key connections are counted under: the address without an IPv6 scope, IPv4-mapped
    // IPv6 as IPv4.
    static QString addressKey(const QHostAddress &address);

    // The connection from peer:port is now a WebSocket session: its guard stands down. False
    // when no connection of this server has that peer.
    bool adoptWebSocket(const QHostAddress &peer, quint16 port);

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class ConnectionGuard;
    void release(const QString &key, ConnectionGuard *guard);

    ConnectionLimits m_limits;
    BodyLimit m_bodyLimit;
    int m_connections = 0;
    QHash<QString, int> m_perAddress;
    QList<ConnectionGuard *> m_guards;
};

} // namespace server
