// The limits QHttpServer 6.4 lacks (it bounds no request line, header or body and has no timeouts,
// so one huge or half-sent request holds memory or a connection forever): a QTcpServer whose
// accepted sockets get a bounded read buffer, a cap on simultaneous connections, a cap on the
// bytes of one request (headers + body) answered with 413 and a close, a deadline to send a
// request and an idle timeout for kept-alive connections. WebSocket connections are left alone
// once upgraded.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QTcpServer>

#include <functional>

namespace server {

struct ConnectionLimits
{
    int maxConnections = 256;
    qint64 maxBodyBytes = 64 * 1024;
    qint64 maxHeaderBytes = 16 * 1024;
    int requestTimeoutMs = 10000; // from the first byte of a request to its response
    int idleTimeoutMs = 60000; // kept-alive connection without a request
};

// The request line and headers of one request, as the guard saw them (names lower-case).
struct RequestHead
{
    QByteArray method;
    QByteArray target; // path and query as sent
    QHash<QByteArray, QByteArray> headers;
    QHostAddress peer;

    static RequestHead parse(const QByteArray &text, const QHostAddress &peer); // text without the blank line
};

// Largest body allowed for this request (default: ConnectionLimits::maxBodyBytes).
using BodyLimit = std::function<qint64(const RequestHead &head)>;

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(ConnectionLimits limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    int connectionCount() const { return m_connections; }
    void setBodyLimit(BodyLimit limit) { m_bodyLimit = std::move(limit); }
    const ConnectionLimits &limits() const { return m_limits; }

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class ConnectionGuard;
    ConnectionLimits m_limits;
    BodyLimit m_bodyLimit;
    int m_connections = 0;
};

} // namespace server
