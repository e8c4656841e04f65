// The server side of a process, built once from the configuration for both programs that run
// it: the desktop app (which adds its window) and the headless server (`nnjourney-server`, and
// `nnjourney --headless`, which runs the same code in-process). runHeadless() is the whole of
// the headless program: it prints the URLs and serves until SIGINT/SIGTERM.
#pragma once

#include "config.h"

#include <QHostAddress>
#include <QString>

#include <memory>

class QCoreApplication;

namespace server {

class Server;
class Session;

struct Runtime
{
    ServerConfig config;
    std::unique_ptr<Session> session;
    std::unique_ptr<Server> server; // not listening yet
    ~Runtime(); // the server refers to the session: it goes first
};

// Fills `runtime` with the Session and the Server the configuration describes.
void buildRuntime(Runtime &runtime, const ServerConfig &config);
// Where to listen: any address with --lan, else --host; null when --host is not an address.
QHostAddress listenAddress(const ServerConfig &config);

// Runs the headless server on `arguments` (QCoreApplication::arguments() without --headless).
// `program` prefixes its messages ("nnjourney-server"). Returns the process exit code: 0, 1
// (cannot listen), 2 (bad option).
int runHeadless(QCoreApplication &app, const QStringList &arguments, const QString &program);

} // namespace server
