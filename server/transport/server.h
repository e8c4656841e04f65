// server::Server — one port for everything: the web page, the HTTP API and the WebSocket /ws,
// all wired to one Session. Used in-process by the desktop app and by nnjourney-server.
//
// API summary:
//   Server server(session, access);          // access: token, production, origins, public demo
//   if (!server.listen(QHostAddress::LocalHost, 8000)) error(server.errorString());
//   server.port();                           // the bound port (listen with port 0 in tests)
//   server.rebind(QHostAddress::Any);        // "Share on LAN": same port, all interfaces;
//                                            // open connections stay
//   server.urls(); server.joinUrl();         // what to print / show; joinUrl() carries the token
//   server.hub().viewerCount(); hub signal viewerCountChanged(int)
#pragma once

#include "connectionguard.h"
#include "httpapi.h"
#include "security.h"
#include "websockethub.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace server {

class Session;

struct ServerLimits
{
    ConnectionLimits connections;
    HubLimits hub;
};

class Server : public QObject
{
    Q_OBJECT
public:
    // An empty access.token gets a random one (AccessPolicy::generateToken()).
    Server(Session &session, AccessSettings access, ServerLimits limits = {}, QObject *parent = nullptr);
    ~Server() override;

    // Returns false with errorString() set when the address/port cannot be bound.
    bool listen(const QHostAddress &address, quint16 port);
    // Moves the listening socket to `address`, keeping the port; open connections stay.
    bool rebind(const QHostAddress &address);
    QString errorString() const { return m_error; }

    quint16 port() const { return m_port; }
    QHostAddress address() const { return m_address; }
    bool isListening() const { return m_listener && m_listener->isListening(); }
    QByteArray token() const { return m_policy.settings().token; }

    // URLs to open: loopback first, then (when listening on all interfaces) each LAN address.
    QStringList urls() const;
    // The URL for others on the LAN, with ?token=; empty when only loopback is bound.
    QString joinUrl() const;

    AccessPolicy &policy() { return m_policy; }
    WebSocketHub &hub() { return *m_hub; }
    int connectionCount() const;
    const GuardedTcpServer *listener() const { return m_listener; } // null before listen()

private:
    GuardedTcpServer *makeListener();

    Session &m_session;
    AccessPolicy m_policy;
    ServerLimits m_limits;
    QHttpServer m_http;
    HttpApi *m_api = nullptr;
    WebSocketHub *m_hub = nullptr;
    QPointer<GuardedTcpServer> m_listener;
    QList<QPointer<GuardedTcpServer>> m_retired; // closed listeners whose connections live on
    QHostAddress m_address;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace server
