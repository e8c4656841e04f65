// nnjourney: the desktop app — the window, the shared training session and the embedded web
// server in one process. `--headless` runs only the server, in this process (no display needed).
#include "appstartup.h"
#include "apptheme.h"
#include "mainwindow.h"
#include "server.h"
#include "servershare.h"
#include "session.h"
#include "sessionpresenter.h"

#include <QApplication>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QSettings>
#include <QStatusBar>
#include <QTextStream>

int main(int argc, char **argv)
{
    if (wantsHeadless(argc, argv))
        return runHeadless(argc, argv);
    // --help and bad options are answered before any display is needed.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const server::ConfigResult checked = server::loadConfig(arguments, QProcessEnvironment::systemEnvironment());
    if (checked.status == server::ConfigResult::Status::Version) {
        QTextStream(stdout) << "nnjourney " << checked.text << '\n';
        return 0;
    }
    if (checked.status != server::ConfigResult::Status::Ok) {
        const bool help = checked.status == server::ConfigResult::Status::Help;
        QString text = checked.text;
        if (help) {
            // The shared parser describes the headless server and, with no application object
            // yet, cannot know the program's name: the first two lines are this program's own.
            QStringList lines = text.split(QLatin1Char('\n'));
            if (lines.size() > 1) {
                lines[0] = QStringLiteral("Usage: nnjourney [options]");
                lines[1] = QStringLiteral("Neural Network Journey: train an MNIST network and watch it learn in 3D; "
                                          "also serves the web page, the HTTP API and the WebSocket /ws on one port.");
            }
            text = lines.join(QLatin1Char('\n'));
        }
        QTextStream(help ? stdout : stderr)
            << (help ? QString() : QStringLiteral("nnjourney: ")) << text
            << (help ? QStringLiteral(
                    "\n  --headless      Run only the server (as nnjourney-server), no display needed.\n")
                     : QStringLiteral("\n"));
        return help ? 0 : 2;
    }
#ifdef Q_OS_LINUX
    // Without a display Qt aborts with a message about reinstalling the application: say what
    // to do instead. (An explicit platform, e.g. offscreen or -platform, is left to Qt.)
    bool platformGiven = qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
    for (int i = 1; i < argc; ++i)
        platformGiven = platformGiven || qstrcmp(argv[i], "-platform") == 0 || qstrcmp(argv[i], "--platform") == 0;
    if (!platformGiven && qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        QTextStream(stderr) << "nnjourney: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not "
                               "set).\nRun the server alone with `nnjourney --headless` and open the page in a "
                               "browser, or start the app from a desktop session.\n";
        return 1;
    }
#endif
    // The Qt 3D OpenGL renderer with MSAA off renders this scene faster than the RHI default
    // on software GL (bench/app_bench); an explicit QT3D_RENDERER wins.
    if (!qEnvironmentVariableIsSet("QT3D_RENDERER"))
        qputenv("QT3D_RENDERER", "opengl");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("nnjourney"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setApplicationDisplayName(QStringLiteral("Neural Network Journey"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.nnjourney"));

    QString message;
    int exitCode = 0;
    std::unique_ptr<AppRuntime> runtime = startRuntime(QApplication::arguments(), &message, &exitCode);
    if (!runtime) {
        QTextStream(exitCode == 0 ? stdout : stderr)
            << (exitCode == 0 ? QString() : QStringLiteral("nnjourney: ")) << message << '\n';
        return exitCode;
    }
    apptheme::apply(app, QSettings().value(QStringLiteral("theme"), QStringLiteral("dark")).toString());
    ServerShare share(*runtime->server);
    MainWindow window(*runtime->session, &share);
    window.show();
    if (!runtime->serverError.isEmpty())
        window.statusBar()->showMessage(runtime->serverError, 30000);
    else
        QTextStream(stdout) << "Neural Network Journey: open " << share.localUrl() << " in a browser\n";
    if (!runtime->session->dataStatus().ready)
        QMetaObject::invokeMethod(window.presenter(), &SessionPresenter::showDataDialog, Qt::QueuedConnection);
    return app.exec();
}
