// The limits QHttpServer 6.4 lacks (PLATFORM-NOTES §8): a QTcpServer whose accepted sockets get a
// bounded read buffer, a cap on simultaneous connections, a cap on the bytes of one request
// (headers + body) answered with 413 and a close, a deadline to send a request and an idle
// timeout for kept-alive connections. WebSocket connections are left alone once upgraded.
#pragma once

#include <QTcpServer>

namespace server {

struct ConnectionLimits
{
    int maxConnections = 256;
    qint64 maxBodyBytes = 64 * 1024;
    qint64 maxHeaderBytes = 16 * 1024;
    int requestTimeoutMs = 10000; // from the first byte of a request to its response
    int idleTimeoutMs = 60000;    // kept-alive connection without a request
};

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(ConnectionLimits limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    int connectionCount() const { return m_connections; }
    const ConnectionLimits &limits() const { return m_limits; }

protected:
    void incomingConnection(qintptr handle) override;

private:
    friend class ConnectionGuard;
    ConnectionLimits m_limits;
    int m_connections = 0;
};

} // namespace server
