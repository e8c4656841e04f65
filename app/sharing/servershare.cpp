#include "servershare.h"

#include "server.h"

ServerShare::ServerShare(server::Server &server, QObject *parent) : ShareControl(parent), m_server(server)
{
    connect(&m_server.hub(), &server::WebSocketHub::viewerCountChanged, this, &ShareControl::viewerCountChanged);
}

ServerShare::~ServerShare() = default;

bool ServerShare::isListening() const
{
    return m_server.isListening();
}

QString ServerShare::localUrl() const
{
    const QStringList urls = m_server.urls();
    return urls.isEmpty() ? QString() : urls.first();
}

bool ServerShare::isSharedOnLan() const
{
    return m_server.isListening() && !m_server.address().isLoopback();
}

QString ServerShare::joinUrl() const
{
    return m_server.joinUrl();
}

int ServerShare::viewerCount() const
{
    return m_server.hub().viewerCount();
}

QString ServerShare::setSharedOnLan(bool shared)
{
    if (shared == isSharedOnLan())
        return {};
    if (!m_server.rebind(shared ? QHostAddress(QHostAddress::Any) : QHostAddress(QHostAddress::LocalHost)))
        return tr("Could not %1: %2")
            .arg(shared ? tr("share on the LAN") : tr("return to this computer only"), m_server.errorString());
    emit bindingChanged();
    return {};
}

server::Classroom *ServerShare::classroom() const
{
    return &m_server.hub().classroom();
}
