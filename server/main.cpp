// nnjourney-server: the headless server (QCoreApplication; no Gui). Reads the configuration,
// creates the one Session and the Server around it, prints the URLs and runs until SIGINT/SIGTERM.
#include "config.h"
#include "server.h"
#include "session.h"

#include <QCoreApplication>
#include <QDir>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

// Quits the event loop on SIGINT/SIGTERM so the session stops and joins its thread cleanly.
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
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"nnjourney"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
    QTextStream out(stdout);
    QTextStream err(stderr);

    const server::ConfigResult loaded = server::loadConfig(app.arguments(), QProcessEnvironment::systemEnvironment());
    if (loaded.status == server::ConfigResult::Status::Help) {
        out << loaded.text;
        return 0;
    }
    if (loaded.status == server::ConfigResult::Status::Error) {
        err << "nnjourney-server: " << loaded.text << '\n';
        return 2;
    }
    const server::ServerConfig &config = loaded.config;

    server::SessionOptions options;
    options.mnistDirectory = config.mnistDirectory();
    options.modelPath = config.modelPath();
    options.allowDownload = config.allowDownload;
    server::Session session(options);
    for (const QString &problem : session.startupWarnings())
        err << "nnjourney-server: " << problem << '\n';

    server::AccessSettings access;
    access.production = config.production;
    access.publicDemo = config.publicDemo;
    access.token = config.token.toUtf8();
    access.allowedOrigins = config.allowedOrigins;
    access.allowedHosts = config.allowedHosts;
    server::Server httpServer(session, access);
    const QHostAddress address = config.lan ? QHostAddress(QHostAddress::Any) : QHostAddress(config.host);
    if (address.isNull()) {
        err << "nnjourney-server: --host '" << config.host << "' is not an IP address\n";
        return 2;
    }
    if (!httpServer.listen(address, config.port)) {
        err << "nnjourney-server: " << httpServer.errorString()
            << " (is another server running? choose another port with --port)\n";
        return 1;
    }
    installSignalHandlers(app);
    // Operator log: what happens to the one shared run (never a token or a request).
    QObject::connect(&session, &server::Session::trainingStarted, &app, [&err] {
        err << "nnjourney-server: training started\n";
        err.flush();
    });
    QObject::connect(&session, &server::Session::epochFinished, &app, [&err](const core::EpochReport &report) {
        err << "nnjourney-server: epoch " << report.epoch << '/' << report.epochs << ": test accuracy "
            << QString::number(100.0 * report.testAccuracy, 'f', 2) << " %, test loss "
            << QString::number(report.testLoss, 'f', 4) << '\n';
        err.flush();
    });
    QObject::connect(&session, &server::Session::trainingFinished, &app, [&err](const core::FinishReport &report) {
        err << "nnjourney-server: training " << (report.stopped ? "stopped" : "finished") << " after "
            << report.samplesTrained << " samples\n";
        err.flush();
    });
    QObject::connect(&session, &server::Session::trainingFailed, &app, [&err](const QString &message) {
        err << "nnjourney-server: training failed: " << message << '\n';
        err.flush();
    });
    QObject::connect(&session, &server::Session::warning, &app, [&err](const QString &message) {
        err << "nnjourney-server: " << message << '\n';
        err.flush();
    });

    out << "Neural Network Journey server (" << config.environmentName() << ")\n";
    const QStringList urls = httpServer.urls();
    out << "Open " << urls.first() << " in your browser\n";
    const QString join = httpServer.joinUrl();
    if (!join.isEmpty()) {
        out << "Join from the LAN: " << join << '\n';
        for (qsizetype i = 2; i < urls.size(); ++i)
            out << "  also reachable at " << urls[i] << '\n';
    }
    if (!config.lan && !address.isLoopback() && join.isEmpty())
        out << "Control token: " << httpServer.token() << '\n';
    out << "MNIST folder: " << QDir::toNativeSeparators(options.mnistDirectory)
        << (session.dataStatus().ready ? "" : " (missing: downloaded on first start)") << '\n';
    if (session.hasTrainedWeights())
        out << "Loaded the saved model " << QDir::toNativeSeparators(options.modelPath) << '\n';
    out.flush();

    return app.exec();
}
