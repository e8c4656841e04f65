// Startup of the desktop process: the server's own configuration (server::loadConfig: --port,
// --data-dir, --lan, --token, the environment and .env), and the Session and embedded Server
// built from it by server::buildRuntime(), exactly as the headless server builds them.
// `--headless` runs server::runHeadless() in this process, so the headless mode IS the server.
#pragma once

#include "headless.h"

#include <QString>

#include <memory>

struct AppRuntime : server::Runtime
{
    QString serverError; // why the server is not listening, if it is not
};

// True when argv has --headless.
bool wantsHeadless(int argc, char **argv);
// Runs the headless server in this process (no display, no Gui); returns the exit code.
int runHeadless(int argc, char **argv);
// Builds session + server. `arguments` as QCoreApplication::arguments(). On Help/Error returns
// null with `message` set (exit code 0 for help, 2 for errors in `exitCode`).
std::unique_ptr<AppRuntime> startRuntime(const QStringList &arguments, QString *message, int *exitCode);
