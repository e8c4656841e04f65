// Startup of the desktop process: the server's own configuration (server::loadConfig: --port,
// --data-dir, --lan, --token, the environment and .env), the Session and the embedded Server
// built from it exactly as nnjourney-server builds them. `--headless` hands the whole process
// to nnjourney-server (same binary directory), so the headless mode IS the server.
#pragma once

#include "config.h"

#include <QString>

#include <memory>

namespace server {
class Server;
class Session;
} // namespace server

struct AppRuntime
{
    server::ServerConfig config;
    std::unique_ptr<server::Session> session;
    std::unique_ptr<server::Server> server;
    QString serverError; // why the server is not listening, if it is not
    ~AppRuntime();
};

// True when argv has --headless.
bool wantsHeadless(int argc, char **argv);
// Replaces this process by nnjourney-server with the other arguments; returns only on failure
// (after printing why), with the exit code to use.
int execHeadlessServer(int argc, char **argv);
// Builds session + server. `arguments` as QCoreApplication::arguments(). On Help/Error returns
// null with `message` set (exit code 0 for help, 2 for errors in `exitCode`).
std::unique_ptr<AppRuntime> startRuntime(const QStringList &arguments, QString *message, int *exitCode);
