// ShareControl over the embedded server::Server: its URLs, the WebSocket hub's viewer count,
// and "Share on LAN" as a rebind between loopback and all interfaces on the same port.
#pragma once

#include "sharecontrol.h"

namespace server {
class Server;
}

class ServerShare : public ShareControl
{
    Q_OBJECT
public:
    explicit ServerShare(server::Server &server, QObject *parent = nullptr);
    ~ServerShare() override;

    bool isListening() const override;
    QString localUrl() const override;
    bool isSharedOnLan() const override;
    QString joinUrl() const override;
    int viewerCount() const override;
    QString setSharedOnLan(bool shared) override;
    server::Classroom *classroom() const override;

private:
    server::Server &m_server;
};
