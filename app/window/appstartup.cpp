#include "appstartup.h"

#include "server.h"
#include "session.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <cstring>

bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--headless") == 0)
            return true;
    return false;
}

int runHeadless(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nnjourney"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QStringList arguments = QCoreApplication::arguments();
    arguments.removeAll(QStringLiteral("--headless"));
    return server::runHeadless(app, arguments, QStringLiteral("nnjourney"));
}

std::unique_ptr<AppRuntime> startRuntime(const QStringList &arguments, QString *message, int *exitCode)
{
    const server::ConfigResult loaded = server::loadConfig(arguments, QProcessEnvironment::systemEnvironment());
    if (loaded.status != server::ConfigResult::Status::Ok) {
        *message = loaded.text;
        *exitCode = loaded.status == server::ConfigResult::Status::Help ? 0 : 2;
        return nullptr;
    }
    const QHostAddress address = server::listenAddress(loaded.config);
    if (address.isNull()) {
        *message = QObject::tr("--host '%1' is not an IP address").arg(loaded.config.host);
        *exitCode = 2;
        return nullptr;
    }
    auto runtime = std::make_unique<AppRuntime>();
    server::buildRuntime(*runtime, loaded.config);
    server::Server &httpServer = *runtime->server;
    if (!httpServer.listen(address, loaded.config.port)) {
        // The desktop still works without its server (another instance may hold the port).
        runtime->serverError = QObject::tr("The web server could not listen on port %1: %2. "
                                           "Start with --port to choose another port.")
                                   .arg(loaded.config.port)
                                   .arg(httpServer.errorString());
    }
    return runtime;
}
