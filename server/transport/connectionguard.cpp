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

    // QHttpServer 6.4 reads a request inside a socket transaction: the whole request must fit in
    // the socket's read buffer. So the buffer size IS the request size limit; a request that does
    // not fit stalls and meets the request timeout. Content-Length is checked up front for a
    // clear 413. Only the head is peeked, never the body.
    qint64 defaultBuffer() const { return m_limits.maxHeaderBytes + m_limits.maxBodyBytes + 16 * 1024; }

    void onReadyRead()
    {
        if (upgraded() || !m_socket->isOpen())
            return;
        if (m_requestBytes == 0)
            m_timer.start(m_limits.requestTimeoutMs);
        m_requestBytes = std::max<qint64>(1, m_socket->bytesAvailable());
        if (m_headParsed)
            return;
        const QByteArray head = m_socket->peek(m_limits.maxHeaderBytes + 4);
        const qsizetype headerEnd = head.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            if (head.size() > m_limits.maxHeaderBytes)
                reject("431 Request Header Fields Too Large", "Request headers are larger than 16 KiB");
            return;
        }
        m_headParsed = true;
        const RequestHead parsed = RequestHead::parse(head.left(headerEnd), m_socket->peerAddress());
        if (parsed.headers.value("upgrade").toLower() == "websocket") {
            m_standDown = true; // QWebSocketServer has its own handshake timeout
            m_timer.stop();
            return;
        }
        const qint64 bodyLimit
            = m_server && m_server->m_bodyLimit ? m_server->m_bodyLimit(parsed) : m_limits.maxBodyBytes;
        bool ok = false;
        const qint64 contentLength = parsed.headers.value("content-length").trimmed().toLongLong(&ok);
        if (ok && contentLength > bodyLimit) {
            reject("413 Payload Too Large", "Request body is too large");
            return;
        }
        if (bodyLimit > m_limits.maxBodyBytes)
            m_socket->setReadBufferSize(m_limits.maxHeaderBytes + bodyLimit + 16 * 1024);
        if (parsed.headers.value("expect").toLower() == "100-continue") {
            // QHttpServer 6.4 ignores it and curl would wait a second.
            const QByteArray interim = "HTTP/1.1 100 Continue\r\n\r\n";
            m_interimBytes += interim.size();
            m_socket->write(interim);
        }
    }

    void onBytesWritten(qint64 bytes)
    {
        // A response went out: the next bytes belong to a new request.
        if (upgraded())
            return;
        if (m_interimBytes > 0) { // only our "100 Continue"
            const qint64 interim = std::min(bytes, m_interimBytes);
            m_interimBytes -= interim;
            if (bytes == interim)
                return;
        }
        m_requestBytes = 0;
        m_headParsed = false;
        m_socket->setReadBufferSize(defaultBuffer());
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
    bool m_headParsed = false;
    qint64 m_interimBytes = 0;
    bool m_standDown = false;
};

RequestHead RequestHead::parse(const QByteArray &text, const QHostAddress &peer)
{
    RequestHead head;
    head.peer = peer;
    const QList<QByteArray> lines = text.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    head.method = requestLine.value(0);
    head.target = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            head.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    return head;
}

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject *parent) : QTcpServer(parent), m_limits(limits)
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
    socket->setReadBufferSize(m_limits.maxHeaderBytes + m_limits.maxBodyBytes + 16 * 1024);
    new ConnectionGuard(this, socket);
    addPendingConnection(socket);
}

} // namespace server
