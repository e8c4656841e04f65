#include "appstartup.h"

#include "server.h"
#include "session.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <vector>

AppRuntime::~AppRuntime()
{
    server.reset(); // the server refers to the session
    session.reset();
}

bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--headless") == 0)
            return true;
    return false;
}

int execHeadlessServer(int argc, char **argv)
{
    // Next to this binary when installed (bin/), or in the sibling build folder (build/server).
    const QString self = QFileInfo(QString::fromLocal8Bit(argv[0])).absolutePath();
    const QString realSelf = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    QStringList candidates;
    for (const QString &dir : {self, QFileInfo(realSelf).absolutePath()})
        candidates << dir + QStringLiteral("/nnjourney-server") << dir + QStringLiteral("/../server/nnjourney-server");
    for (const QString &candidate : std::as_const(candidates)) {
        if (!QFileInfo(candidate).isExecutable())
            continue;
        const QByteArray program = QDir::cleanPath(candidate).toLocal8Bit();
        std::vector<char *> arguments{const_cast<char *>(program.constData())};
        for (int i = 1; i < argc; ++i)
            if (std::strcmp(argv[i], "--headless") != 0)
                arguments.push_back(argv[i]);
        arguments.push_back(nullptr);
        ::execv(program.constData(), arguments.data());
        std::fprintf(stderr, "nnjourney: cannot start %s: %s\n", program.constData(), std::strerror(errno));
        return 1;
    }
    std::fprintf(stderr, "nnjourney: --headless needs nnjourney-server next to nnjourney (looked in %s)\n",
                 qPrintable(candidates.join(QStringLiteral(", "))));
    return 1;
}

std::unique_ptr<AppRuntime> startRuntime(const QStringList &arguments, QString *message, int *exitCode)
{
    const server::ConfigResult loaded = server::loadConfig(arguments, QProcessEnvironment::systemEnvironment());
    if (loaded.status != server::ConfigResult::Status::Ok) {
        *message = loaded.text;
        *exitCode = loaded.status == server::ConfigResult::Status::Help ? 0 : 2;
        return nullptr;
    }
    auto runtime = std::make_unique<AppRuntime>();
    runtime->config = loaded.config;
    const server::ServerConfig &config = runtime->config;

    server::SessionOptions options;
    options.mnistDirectory = config.mnistDirectory();
    options.modelPath = config.modelPath();
    options.allowDownload = config.allowDownload;
    runtime->session = std::make_unique<server::Session>(options);

    server::AccessSettings access;
    access.production = config.production;
    access.publicDemo = config.publicDemo;
    access.token = config.token.toUtf8();
    access.allowedOrigins = config.allowedOrigins;
    access.allowedHosts = config.allowedHosts;
    runtime->server = std::make_unique<server::Server>(*runtime->session, access);
    const QHostAddress address = config.lan ? QHostAddress(QHostAddress::Any) : QHostAddress(config.host);
    if (address.isNull()) {
        *message = QObject::tr("--host '%1' is not an IP address").arg(config.host);
        *exitCode = 2;
        return nullptr;
    }
    if (!runtime->server->listen(address, config.port)) {
        // The desktop still works without its server (another instance may hold the port).
        runtime->serverError = QObject::tr("The web server could not listen on port %1: %2. "
                                           "Start with --port to choose another port.")
                                   .arg(config.port)
                                   .arg(runtime->server->errorString());
    }
    return runtime;
}
