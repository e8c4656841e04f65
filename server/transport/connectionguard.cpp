#include "connectionguard.h"

#include "qthttpcompat.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cstring>

using namespace Qt::StringLiterals;

namespace server {

namespace {
// RFC 9110 token characters (method and header names).
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isDigits(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

HeadProblem badRequest(const QString &message)
{
    return HeadProblem{400, "Bad Request", message, {}};
}

QByteArray statusLine(int status, const QByteArray &reason)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
}

QByteArray jsonError(const QString &message)
{
    QString escaped;
    for (const QChar c : message) {
        if (c == u'"' || c == u'\\')
            escaped += u'\\';
        escaped += c.unicode() < 0x20 ? u' ' : c;
    }
    return "{\"status\":\"error\",\"message\":\"" + escaped.toUtf8() + "\"}";
}

// A complete error response that closes the connection.
QByteArray closingResponse(int status, const QByteArray &reason, const QString &message,
                           const QByteArray &extraHeaders = {})
{
    const QByteArray body = jsonError(message);
    return statusLine(status, reason)
           + "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
           + "\r\nCache-Control: no-store\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body;
}
} // namespace

bool knownMethod(const QByteArray &method)
{
    static const QByteArray known[] = {"GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"};
    return std::find(std::begin(known), std::end(known), method) != std::end(known);
}

qsizetype requestHeadEnd(const QByteArray &data)
{
    // The blank line: an empty line after a line break, whichever line endings were used.
    for (qsizetype i = data.indexOf('\n'); i >= 0; i = data.indexOf('\n', i + 1)) {
        if (i + 1 < data.size() && data[i + 1] == '\n')
            return i + 2;
        if (i + 2 < data.size() && data[i + 1] == '\r' && data[i + 2] == '\n')
            return i + 3;
    }
    return -1;
}

std::optional<HeadProblem> checkRequestHead(const QByteArray &head)
{
    // Line endings: CRLF only (a bare LF or CR is how requests are smuggled past proxies).
    for (qsizetype i = 0; i < head.size(); ++i) {
        const char c = head[i];
        if (c == '\n' && (i == 0 || head[i - 1] != '\r'))
            return badRequest(u"Request lines must end with CRLF"_s);
        if (c == '\r' && (i + 1 >= head.size() || head[i + 1] != '\n'))
            return badRequest(u"A bare CR in the request head"_s);
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f)
            return badRequest(u"A control character in the request head"_s);
    }
    const QList<QByteArray> lines = head.chopped(std::min<qsizetype>(head.size(), 4)).split('\n');
    // Request line: method SP origin-form SP HTTP/1.x.
    const QByteArray requestLine = lines.value(0).chopped(lines.value(0).endsWith('\r') ? 1 : 0);
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || parts[1].isEmpty())
        return badRequest(u"The request line must be: METHOD /path HTTP/1.1"_s);
    if (!isToken(parts[0]))
        return badRequest(u"The method is not a valid token"_s);
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")
        return badRequest(u"Only HTTP/1.1 and HTTP/1.0 are served"_s);
    if (!parts[1].startsWith('/'))
        return badRequest(u"The request target must be a path starting with '/'"_s);
    for (const char c : parts[1]) {
        if (static_cast<unsigned char>(c) > 0x7e)
            return badRequest(u"The request target must be percent-encoded ASCII"_s);
    }
    if (!knownMethod(parts[0]))
        return HeadProblem{405, "Method Not Allowed",
                           u"Method '%1' is not supported; use GET, HEAD, POST or OPTIONS"_s.arg(
                               QString::fromLatin1(parts[0].left(20))),
                           "Allow: GET, HEAD, POST, OPTIONS\r\n"};
    int hosts = 0, lengths = 0;
    bool chunked = false, otherCoding = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].chopped(lines[i].endsWith('\r') ? 1 : 0);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return badRequest(u"Folded header lines are not accepted"_s);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return badRequest(u"Header line %1 is not 'Name: value'"_s.arg(i));
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "host") {
            if (++hosts > 1)
                return badRequest(u"More than one Host header"_s);
        } else if (name == "content-length") {
            if (++lengths > 1)
                return badRequest(u"More than one Content-Length header"_s);
            if (!isDigits(value))
                return badRequest(u"Content-Length must be a decimal number"_s);
        } else if (name == "transfer-encoding") {
            if (value.compare("chunked", Qt::CaseInsensitive) == 0)
                chunked = true;
            else
                otherCoding = true;
        }
    }
    if (parts[2] == "HTTP/1.1" && hosts == 0)
        return badRequest(u"HTTP/1.1 requests need a Host header"_s);
    if ((chunked || otherCoding) && lengths > 0)
        return badRequest(u"Content-Length and Transfer-Encoding together are not accepted"_s);
    if (otherCoding)
        return badRequest(u"Transfer-Encoding must be chunked, if given"_s);
    if (chunked)
        return HeadProblem{411,
                           "Length Required",
                           u"Send the body with a Content-Length; chunked request bodies are not accepted"_s,
                           {}};
    return std::nullopt;
}

std::optional<HeadProblem> checkWebSocketHandshake(const RequestHead &head)
{
    if (head.method != "GET")
        return badRequest(u"A WebSocket upgrade must be a GET request"_s);
    if (head.target.split('?').constFirst() != "/ws")
        return HeadProblem{404, "Not Found", u"WebSocket connections are served at /ws only"_s, {}};
    bool connectionUpgrade = false;
    for (const QByteArray &option : head.headers.value("connection").split(','))
        connectionUpgrade = connectionUpgrade || option.trimmed().compare("upgrade", Qt::CaseInsensitive) == 0;
    if (!connectionUpgrade)
        return badRequest(u"A WebSocket upgrade needs 'Connection: Upgrade'"_s);
    if (head.headers.value("sec-websocket-version") != "13")
        return HeadProblem{426, "Upgrade Required", u"Only WebSocket version 13 is served"_s,
                           "Sec-WebSocket-Version: 13\r\n"};
    const auto key = QByteArray::fromBase64Encoding(head.headers.value("sec-websocket-key"),
                                                    QByteArray::AbortOnBase64DecodingErrors);
    if (!key || key.decoded.size() != 16)
        return badRequest(u"A WebSocket upgrade needs a Sec-WebSocket-Key of 16 bytes in base64"_s);
    if (head.headers.value("content-length", "0") != "0")
        return badRequest(u"A WebSocket upgrade has no body"_s);
    return std::nullopt;
}

// Lives as a child of one accepted socket. Its readyRead slot is connected BEFORE the HTTP
// server's, so it sees each chunk of a request first (peek, no consumption). A request that asks
// for a WebSocket upgrade keeps its request timeout until the hub adopts the connection.
class ConnectionGuard : public QObject
{
public:
    QTcpSocket *socket() const { return m_socket; }

    void standDown()
    {
        m_done = true;
        m_timer.stop();
        disconnect(m_read);
        disconnect(m_written);
    }

    ConnectionGuard(GuardedTcpServer *server, QTcpSocket *socket, QString key)
        : QObject(socket), m_server(server), m_socket(socket), m_limits(server->limits()), m_key(std::move(key))
    {
        m_read = connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
        m_written = connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::onBytesWritten);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
        m_timer.start(m_limits.idleTimeoutMs);
    }
    ~ConnectionGuard() override
    {
        if (m_server)
            m_server->release(m_key, this);
    }

private:
    // QHttpServer 6.4 reads a request inside a socket transaction: the whole request must fit in
    // the socket's read buffer. So the buffer size IS the request size limit; a request that does
    // not fit stalls and meets the request timeout. Content-Length is checked up front for a
    // clear 413. Only the head is peeked, never the body.
    qint64 defaultBuffer() const { return m_limits.maxHeaderBytes + m_limits.maxBodyBytes + 16 * 1024; }

    void onReadyRead()
    {
        if (m_done || !m_socket->isOpen())
            return;
        if (m_requestBytes == 0)
            m_timer.start(m_limits.requestTimeoutMs);
        m_requestBytes = std::max<qint64>(1, m_socket->bytesAvailable());
        if (m_headParsed)
            return; // the body, or WebSocket frames after an upgrade the hub has not adopted yet
        const QByteArray data = m_socket->peek(m_limits.maxHeaderBytes + 4);
        const qsizetype headEnd = requestHeadEnd(data);
        if (headEnd < 0) {
            if (data.size() > m_limits.maxHeaderBytes)
                reject(431, "Request Header Fields Too Large",
                       u"Request headers are larger than %1 KiB"_s.arg(m_limits.maxHeaderBytes / 1024));
            return;
        }
        const QByteArray head = data.left(headEnd);
        if (const auto problem = checkRequestHead(head)) {
            reject(problem->status, problem->reason, problem->message, problem->extraHeaders);
            return;
        }
        m_headParsed = true;
        const RequestHead parsed = RequestHead::parse(head.chopped(4), m_socket->peerAddress());
        m_keepAlive = parsed.keepAlive();
        m_upgrade = parsed.headers.contains("upgrade");
        if (m_upgrade) {
            const auto problem = parsed.headers.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0
                                     ? checkWebSocketHandshake(parsed)
                                     : HeadProblem{400, "Bad Request", u"Only 'Upgrade: websocket' is served"_s, {}};
            if (problem) {
                reject(problem->status, problem->reason, problem->message, problem->extraHeaders);
                return;
            }
        }
        const qint64 bodyLimit
            = m_server && m_server->m_bodyLimit ? m_server->m_bodyLimit(parsed) : m_limits.maxBodyBytes;
        const qint64 contentLength = parsed.headers.value("content-length", "0").toLongLong();
        if (contentLength > bodyLimit) {
            reject(413, "Payload Too Large", u"Request body is larger than %1 KiB"_s.arg(bodyLimit / 1024));
            return;
        }
        if (bodyLimit > m_limits.maxBodyBytes)
            m_socket->setReadBufferSize(m_limits.maxHeaderBytes + bodyLimit + 16 * 1024);
        if (parsed.headers.value("expect").toLower() == "100-continue") {
            // Exactly one interim answer goes out, and onBytesWritten must not take it for the
            // response: QHttpServer 6.5+ writes it itself (a second one would be read as the
            // final answer and the body reset); 6.4 ignores it and curl would wait a second.
            m_interimBytes += compat::kContinueResponse.size();
            if (!compat::kServerAnswersExpectContinue)
                m_socket->write(compat::kContinueResponse.data(), compat::kContinueResponse.size());
        }
    }

    void onBytesWritten(qint64 bytes)
    {
        // A WebSocket handshake's answer is written, and the hub adopts the connection, in one go
        // before this signal arrives: an upgrade request still here got a plain HTTP answer.
        if (m_done)
            return;
        if (m_interimBytes > 0) { // the "100 Continue", ours or QHttpServer's
            const qint64 interim = std::min(bytes, m_interimBytes);
            m_interimBytes -= interim;
            if (bytes == interim)
                return;
        }
        // A response went out: the next bytes belong to a new request, unless the client asked
        // to close.
        if (!m_keepAlive) {
            m_done = true;
            m_timer.stop();
            m_socket->disconnectFromHost();
            return;
        }
        m_requestBytes = 0;
        m_headParsed = false;
        m_socket->setReadBufferSize(defaultBuffer());
        m_timer.start(m_limits.idleTimeoutMs);
    }

    void onTimeout()
    {
        if (m_done)
            return;
        if (m_upgrade || m_requestBytes == 0)
            m_socket->abort(); // an upgrade the hub never adopted, or an idle keep-alive
        else
            reject(408, "Request Timeout",
                   u"The request was not sent within %1 s"_s.arg(m_limits.requestTimeoutMs / 1000.0));
    }

    void reject(int status, const QByteArray &reason, const QString &message, const QByteArray &extraHeaders = {})
    {
        m_done = true;
        m_timer.stop();
        disconnect(m_read);
        disconnect(m_written);
        // Drop what the client sent so QHttpServer (whose slot runs next) never sees a complete
        // request on this connection.
        m_socket->skip(m_socket->bytesAvailable());
        m_socket->write(closingResponse(status, reason, message, extraHeaders));
        m_socket->disconnectFromHost();
        QTimer::singleShot(2000, m_socket, [socket = m_socket] { socket->abort(); });
    }

    QPointer<GuardedTcpServer> m_server;
    QTcpSocket *m_socket;
    ConnectionLimits m_limits;
    QString m_key;
    QMetaObject::Connection m_read;
    QMetaObject::Connection m_written;
    QTimer m_timer;
    qint64 m_requestBytes = 0;
    bool m_headParsed = false;
    bool m_keepAlive = true;
    qint64 m_interimBytes = 0;
    bool m_upgrade = false; // the request asked for a WebSocket
    bool m_done = false; // rejected, closing, or a WebSocket now
};

RequestHead RequestHead::parse(const QByteArray &text, const QHostAddress &peer)
{
    RequestHead head;
    head.peer = peer;
    const QList<QByteArray> lines = text.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    head.method = requestLine.value(0);
    head.target = requestLine.value(1);
    head.version = requestLine.value(2);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            head.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    return head;
}

bool RequestHead::keepAlive() const
{
    const QByteArray connection = headers.value("connection").toLower();
    const auto has = [&](QByteArrayView option) {
        for (const QByteArray &part : connection.split(','))
            if (part.trimmed() == option)
                return true;
        return false;
    };
    if (has("close"))
        return false;
    return version != "HTTP/1.0" || has("keep-alive");
}

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject *parent) : QTcpServer(parent), m_limits(limits)
{
}

GuardedTcpServer::~GuardedTcpServer() = default;

QString GuardedTcpServer::addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    QHostAddress plain = address;
    plain.setScopeId(QString());
    return plain.toString();
}

int GuardedTcpServer::connectionCount(const QHostAddress &peer) const
{
    return m_perAddress.value(addressKey(peer));
}

bool GuardedTcpServer::adoptWebSocket(const QHostAddress &peer, quint16 port)
{
    for (ConnectionGuard *guard : std::as_const(m_guards)) {
        if (guard->socket()->peerPort() == port && guard->socket()->peerAddress() == peer) {
            guard->standDown();
            return true;
        }
    }
    return false;
}

void GuardedTcpServer::release(const QString &key, ConnectionGuard *guard)
{
    m_guards.removeOne(guard);
    --m_connections;
    auto it = m_perAddress.find(key);
    if (it != m_perAddress.end() && --*it <= 0)
        m_perAddress.erase(it);
}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    const QHostAddress peer = socket->peerAddress();
    const QString key = addressKey(peer);
    const bool exempt = std::any_of(m_limits.exemptAddresses.cbegin(), m_limits.exemptAddresses.cend(),
                                    [&](const QHostAddress &address) { return addressKey(address) == key; });
    QByteArray refusal;
    if (m_connections >= m_limits.maxConnections)
        refusal = closingResponse(503, "Service Unavailable", u"Too many connections"_s, "Retry-After: 5\r\n");
    else if (!exempt && m_perAddress.value(key) >= m_limits.maxConnectionsPerAddress)
        refusal = closingResponse(
            429, "Too Many Requests",
            u"Too many connections from your address (at most %1)"_s.arg(m_limits.maxConnectionsPerAddress),
            "Retry-After: 5\r\n");
    if (!refusal.isEmpty()) {
        socket->write(refusal);
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(1000, socket, &QObject::deleteLater);
        return;
    }
    ++m_connections;
    ++m_perAddress[key];
    socket->setReadBufferSize(m_limits.maxHeaderBytes + m_limits.maxBodyBytes + 16 * 1024);
    m_guards << new ConnectionGuard(this, socket, key);
    addPendingConnection(socket);
}

} // namespace server
