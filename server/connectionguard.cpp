#include "connectionguard.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace server {

// Lives as a child of one accepted socket. Its readyRead slot is connected BEFORE the HTTP
// server's, so it sees each chunk of a request first (peek, no consumption). QHttpServer 6.4
// disconnects everything from the socket when it upgrades it to a WebSocket; the guard notices
// that its connection is gone (or sees the Upgrade header) and stands down.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(GuardedTcpServer *server, QTcpSocket *socket)
        : QObject(socket), m_server(server), m_socket(socket), m_limits(server->limits())
    {
        ++m_server->m_connections;
        m_read = connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
        m_written = connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::onBytesWritten);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
        m_timer.start(m_limits.idleTimeoutMs);
    }
    ~ConnectionGuard() override
    {
        if (m_server)
            --m_server->m_connections;
    }

private:
    bool upgraded() const { return m_standDown || !m_read; }

    void onReadyRead()
    {
        if (upgraded())
            return;
        const QByteArray chunk = m_socket->peek(m_socket->bytesAvailable());
        if (m_requestBytes == 0)
            m_timer.start(m_limits.requestTimeoutMs);
        m_requestBytes += chunk.size();
        m_head += chunk.left(std::max<qint64>(0, m_limits.maxHeaderBytes + 4 - m_head.size()));
        const qsizetype headerEnd = m_head.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            if (m_head.size() > m_limits.maxHeaderBytes)
                reject("431 Request Header Fields Too Large", "Request headers are larger than 16 KiB");
            return;
        }
        const QByteArray head = m_head.left(headerEnd).toLower();
        if (head.contains("\nupgrade: websocket") || head.contains("\nupgrade:websocket")) {
            m_standDown = true; // QWebSocketServer has its own handshake timeout
            m_timer.stop();
            return;
        }
        qint64 contentLength = 0;
        const qsizetype at = head.indexOf("\ncontent-length:");
        if (at >= 0) {
            const qsizetype lineEnd = head.indexOf('\n', at + 1);
            bool ok = false;
            contentLength = head.mid(at + 16, lineEnd < 0 ? -1 : lineEnd - at - 16).trimmed().toLongLong(&ok);
            if (!ok)
                contentLength = 0;
        }
        if (contentLength > m_limits.maxBodyBytes
            || m_requestBytes > m_limits.maxBodyBytes + m_limits.maxHeaderBytes)
            reject("413 Payload Too Large", "Request body is larger than 64 KiB");
    }

    void onBytesWritten()
    {
        // A response went out: the next bytes belong to a new request.
        if (upgraded())
            return;
        m_requestBytes = 0;
        m_head.clear();
        m_timer.start(m_limits.idleTimeoutMs);
    }

    void onTimeout()
    {
        if (upgraded())
            return;
        if (m_requestBytes > 0)
            reject("408 Request Timeout", "The request was not sent within 10 s");
        else
            m_socket->abort();
    }

    void reject(const char *status, const char *message)
    {
        const QByteArray body = QByteArray("{\"status\":\"error\",\"message\":\"") + message + "\"}";
        m_standDown = true;
        m_timer.stop();
        disconnect(m_read);
        disconnect(m_written);
        m_socket->write(QByteArray("HTTP/1.1 ") + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        m_socket->disconnectFromHost();
        // Whatever QHttpServer still parses from this socket is dropped with it.
        QTimer::singleShot(2000, m_socket, [socket = m_socket] { socket->abort(); });
    }

    QPointer<GuardedTcpServer> m_server;
    QTcpSocket *m_socket;
    ConnectionLimits m_limits;
    QMetaObject::Connection m_read;
    QMetaObject::Connection m_written;
    QTimer m_timer;
    qint64 m_requestBytes = 0;
    QByteArray m_head;
    bool m_standDown = false;
};

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject *parent)
    : QTcpServer(parent), m_limits(limits)
{
}

GuardedTcpServer::~GuardedTcpServer() = default;

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    if (m_connections >= m_limits.maxConnections) {
        const QByteArray body = "{\"status\":\"error\",\"message\":\"Too many connections\"}";
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(1000, socket, &QObject::deleteLater);
        return;
    }
    socket->setReadBufferSize(256 * 1024);
    new ConnectionGuard(this, socket);
    addPendingConnection(socket);
}

} // namespace server
