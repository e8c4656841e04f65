#include "server.h"

#include "analysisapi.h"
#include "session.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace server {

namespace {
bool isAnyAddress(const QHostAddress &address)
{
    return address == QHostAddress::Any || address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6;
}

QString urlHost(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString();
}
} // namespace

Server::Server(Session &session, AccessSettings access, ServerLimits limits, QObject *parent)
    : QObject(parent), m_session(session), m_limits(limits)
{
    if (access.token.isEmpty())
        access.token = AccessPolicy::generateToken();
    m_policy.setSettings(access);
    m_hub = new WebSocketHub(session, m_policy, limits.hub, this);
    m_api = new HttpApi(
        session, m_policy, [this] { return m_hub->viewerCount(); }, this);
    m_api->setDriverCheck([this](const QByteArray &key) { return m_hub->classroom().driverKeyValid(key); });
    m_api->registerRoutes(m_http);
    connect(m_api->findChild<AnalysisApi *>(), &AnalysisApi::broadcastRequested, m_hub, &WebSocketHub::broadcastEvent);
    m_hub->attach(m_http);
    m_hub->setPresenterLinks([this] {
        QJsonArray lan;
        for (const QString &url : urls()) {
            const QHostAddress host(QUrl(url).host());
            if (!host.isLoopback())
                lan.append(url);
        }
        return QJsonObject{{u"join_url"_s, joinUrl()}, {u"lan_urls"_s, lan}};
    });
    connect(m_hub, &WebSocketHub::sessionOpened, this, [this](const QHostAddress &peer, quint16 port) {
        if (m_listener && m_listener->adoptWebSocket(peer, port))
            return;
        for (const auto &old : std::as_const(m_retired)) {
            if (old && old->adoptWebSocket(peer, port))
                return;
        }
    });
}

Server::~Server() = default;

GuardedTcpServer *Server::makeListener()
{
    ConnectionLimits limits = m_limits.connections;
    limits.exemptAddresses += m_policy.settings().trustedProxies; // many clients behind one address
    auto *listener = new GuardedTcpServer(limits, this);
    // Qt's default backlog is 50: a client reconnecting in a loop (refused with 429) then fills
    // the kernel's accept queue and other clients' SYNs are dropped.
    listener->setListenBacklogSize(1024);
    // A model upload may be large, but only for someone allowed to make it.
    listener->setBodyLimit([this](const RequestHead &head) -> qint64 {
        const qint64 normal = m_limits.connections.maxBodyBytes;
        if (head.method != "POST" || head.target.split('?').first() != "/model")
            return normal;
        return m_policy.controlDecision(RequestInfo::fromHead(head)) == AccessPolicy::Decision::Allowed
                   ? HttpApi::kMaxModelBytes
                   : normal;
    });
    return listener;
}

bool Server::listen(const QHostAddress &address, quint16 port)
{
    auto *listener = makeListener();
    if (!listener->listen(address, port)) {
        m_error = u"Cannot listen on %1:%2: %3"_s.arg(urlHost(address)).arg(port).arg(listener->errorString());
        delete listener;
        return false;
    }
    if (m_listener) {
        m_listener->close();
        m_retired << m_listener;
    }
    m_http.bind(listener);
    m_listener = listener;
    m_address = address;
    m_port = listener->serverPort();
    m_policy.setListening(address, m_port);
    m_error.clear();
    return true;
}

bool Server::rebind(const QHostAddress &address)
{
    if (!m_listener)
        return false;
    if (address == m_address)
        return true;
    // Free the port first, then take it again on the new address; on failure, go back.
    const QHostAddress previous = m_address;
    const quint16 port = m_port;
    GuardedTcpServer *old = m_listener;
    old->close();
    auto *listener = makeListener();
    if (!listener->listen(address, port)) {
        m_error = u"Cannot listen on %1:%2: %3"_s.arg(urlHost(address)).arg(port).arg(listener->errorString());
        delete listener;
        old->listen(previous, port);
        return false;
    }
    m_retired << old;
    m_http.bind(listener);
    m_listener = listener;
    m_address = address;
    m_policy.setListening(address, m_port);
    return true;
}

QStringList Server::urls() const
{
    QStringList result;
    if (isAnyAddress(m_address) || m_address.isLoopback()) {
        result << u"http://127.0.0.1:%1/"_s.arg(m_port);
        if (!isAnyAddress(m_address) && m_address.protocol() == QAbstractSocket::IPv6Protocol)
            result = QStringList{u"http://[::1]:%1/"_s.arg(m_port)};
    } else {
        result << u"http://%1:%2/"_s.arg(urlHost(m_address)).arg(m_port);
    }
    if (isAnyAddress(m_address)) {
        for (const QHostAddress &local : QNetworkInterface::allAddresses()) {
            if (!local.isLoopback() && local.protocol() == QAbstractSocket::IPv4Protocol)
                result << u"http://%1:%2/"_s.arg(local.toString()).arg(m_port);
        }
    }
    return result;
}

QString Server::joinUrl() const
{
    if (m_address.isLoopback())
        return {};
    const QStringList all = urls();
    QString base = all.last();
    if (!isAnyAddress(m_address))
        base = all.first();
    else if (all.size() < 2)
        return {};
    return base + u"?token="_s + QString::fromLatin1(token());
}

int Server::connectionCount() const
{
    int count = m_listener ? m_listener->connectionCount() : 0;
    for (const auto &old : m_retired) {
        if (old)
            count += old->connectionCount();
    }
    return count;
}

} // namespace server
