// The headless server and the runtime both programs build from the configuration.
#include "headless.h"

#include "mnistdownloader.h"
#include "server.h"
#include "session.h"

#include <QCoreApplication>
#include <QDir>
#include <QSocketNotifier>
#include <QTextStream>

#ifdef Q_OS_WIN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace server {

namespace {
#ifdef Q_OS_WIN
// Ctrl+C, Ctrl+Break and closing the console window: the handler runs on a thread of its own,
// so it only queues the quit.
BOOL WINAPI onConsoleEvent(DWORD event)
{
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && event != CTRL_CLOSE_EVENT)
        return FALSE;
    QMetaObject::invokeMethod(QCoreApplication::instance(), &QCoreApplication::quit, Qt::QueuedConnection);
    return TRUE;
}

void installSignalHandlers(QCoreApplication &)
{
    SetConsoleCtrlHandler(onConsoleEvent, TRUE);
}
#else
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

// Quits the event loop on SIGINT/SIGTERM so the session stops and joins its thread cleanly. A
// signal handler may only write to a descriptor; the notifier turns that into a quit on the
// main thread.
void installSignalHandlers(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&app] {
        char byte;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        app.quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}
#endif
} // namespace

Runtime::~Runtime()
{
    server.reset();
    session.reset();
}

void buildRuntime(Runtime &runtime, const ServerConfig &config)
{
    runtime.config = config;
    SessionOptions options;
    options.mnistDirectory = config.mnistDirectory();
    options.modelPath = config.modelPath();
    options.allowDownload = config.allowDownload;
    options.fetcher = [] { return std::unique_ptr<DataFetcher>(std::make_unique<MnistDownloader>()); };
    runtime.session = std::make_unique<Session>(options);
    AccessSettings access;
    access.production = config.production;
    access.publicDemo = config.publicDemo;
    access.token = config.token.toUtf8();
    access.allowedOrigins = config.allowedOrigins;
    access.allowedHosts = config.allowedHosts;
    for (const QString &proxy : config.trustedProxies)
        access.trustedProxies << QHostAddress(proxy);
    ServerLimits limits;
    limits.connections.maxConnectionsPerAddress = config.maxConnectionsPerAddress;
    limits.connections.maxConnections = config.maxConnections;
    runtime.server = std::make_unique<Server>(*runtime.session, access, limits);
}

QHostAddress listenAddress(const ServerConfig &config)
{
    return config.lan ? QHostAddress(QHostAddress::Any) : QHostAddress(config.host);
}

int runHeadless(QCoreApplication &app, const QStringList &arguments, const QString &program)
{
    const QString prefix = program + u": "_s;
    QTextStream out(stdout);
    QTextStream err(stderr);

    const ConfigResult loaded = loadConfig(arguments, QProcessEnvironment::systemEnvironment());
    if (loaded.status == ConfigResult::Status::Version) {
        out << program << ' ' << loaded.text << '\n';
        return 0;
    }
    if (loaded.status == ConfigResult::Status::Help) {
        out << loaded.text;
        return 0;
    }
    if (loaded.status == ConfigResult::Status::Error) {
        err << prefix << loaded.text << '\n';
        return 2;
    }
    Runtime runtime;
    buildRuntime(runtime, loaded.config);
    const ServerConfig &config = runtime.config;
    Session &session = *runtime.session;
    Server &httpServer = *runtime.server;
    for (const QString &problem : session.startupWarnings())
        err << prefix << problem << '\n';
    const QHostAddress address = listenAddress(config);
    if (address.isNull()) {
        err << prefix << "--host '" << config.host << "' is not an IP address\n";
        return 2;
    }
    if (!httpServer.listen(address, config.port)) {
        err << prefix << httpServer.errorString() << " (is another server running? choose another port with --port)\n";
        return 1;
    }
    installSignalHandlers(app);
    // Operator log: what happens to the one shared run (never a token or a request).
    QObject::connect(&session, &Session::trainingStarted, &app, [&err, prefix] {
        err << prefix << "training started\n";
        err.flush();
    });
    QObject::connect(&session, &Session::epochFinished, &app, [&err, prefix](const core::EpochReport &report) {
        err << prefix << "epoch " << report.epoch << '/' << report.epochs << ": test accuracy "
            << QString::number(100.0 * report.testAccuracy, 'f', 2) << " %, test loss "
            << QString::number(report.testLoss, 'f', 4) << '\n';
        err.flush();
    });
    QObject::connect(&session, &Session::trainingFinished, &app, [&err, prefix](const core::FinishReport &report) {
        err << prefix << "training " << (report.stopped ? "stopped" : "finished") << " after " << report.samplesTrained
            << " samples\n";
        err.flush();
    });
    QObject::connect(&session, &Session::trainingFailed, &app, [&err, prefix](const QString &message) {
        err << prefix << "training failed: " << message << '\n';
        err.flush();
    });
    QObject::connect(&session, &Session::warning, &app, [&err, prefix](const QString &message) {
        err << prefix << message << '\n';
        err.flush();
    });

    out << "Neural Network Journey server (" << config.environmentName() << ")\n";
    const QStringList urls = httpServer.urls();
    out << "Open " << urls.first() << " in your browser\n";
    const QString join = httpServer.joinUrl();
    if (!join.isEmpty()) {
        // Students join without the token and watch; the presenter hands one of them control.
        out << "Students join at: " << QString(join).section(u'?', 0, 0) << '\n';
        out << "Join from the LAN (gives control, keep it to yourself): " << join << '\n';
        for (qsizetype i = 2; i < urls.size(); ++i)
            out << "  also reachable at " << urls[i] << '\n';
    } else if (config.production) {
        // Production needs the token even on this machine (and behind a proxy, use its address).
        out << "Presenter link (gives control, keep it to yourself): " << urls.first()
            << "?token=" << QString::fromLatin1(httpServer.token()) << '\n';
    }
    if (!config.lan && !address.isLoopback() && join.isEmpty())
        out << "Control token: " << httpServer.token() << '\n';
    out << "MNIST folder: " << QDir::toNativeSeparators(config.mnistDirectory())
        << (session.dataStatus().ready ? ""
            : config.allowDownload     ? " (missing: downloaded on first start)"
                                       : " (missing, and --no-download is set: put the four MNIST files there)")
        << '\n';
    if (session.hasTrainedWeights())
        out << "Loaded the saved model " << QDir::toNativeSeparators(config.modelPath()) << '\n';
    out.flush();

    return app.exec();
}

} // namespace server
