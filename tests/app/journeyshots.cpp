// nnj-journey-shots DIR: screenshots of the journey in the real window (session + real MNIST
// from NNJ_MNIST_DIR, needs a display; Xvfb is fine): the first-launch tour, the teaching cards
// a real run meets, the journey dock in progress, a narration caption, the glossary, the light
// theme. For looking at, not a test: it prints what it saved and what never came.
#include "apptheme.h"
#include "captionstrip.h"
#include "glossarywindow.h"
#include "mainwindow.h"
#include "onboardingtour.h"
#include "session.h"
#include "sharecontrol.h"
#include "teachingpanel.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QTextStream>

namespace {

class NoShare : public ShareControl
{
public:
    bool isListening() const override { return false; }
    QString localUrl() const override { return {}; }
    bool isSharedOnLan() const override { return false; }
    QString joinUrl() const override { return {}; }
    int viewerCount() const override { return 0; }
    QString setSharedOnLan(bool) override { return {}; }
};

void settle(int milliseconds)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < milliseconds)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
}

bool waitFor(const std::function<bool()> &condition, int milliseconds)
{
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() > milliseconds)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

void shoot(QWidget *widget, const QString &path)
{
    settle(400);
    const QPixmap pixmap = widget->screen()->grabWindow(widget->winId());
    QTextStream(stdout) << (pixmap.save(path) ? "saved " : "FAILED ") << path << '\n';
}

} // namespace

int main(int argc, char **argv)
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("QT3D_RENDERER", "opengl");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("nnjourney-shots"));
    if (argc < 2) {
        QTextStream(stderr) << "usage: nnj-journey-shots DIR\n";
        return 2;
    }
    const QDir out(QString::fromLocal8Bit(argv[1]));
    QDir().mkpath(out.path());
    QSettings().clear();
    apptheme::apply(app, QStringLiteral("dark"));
    server::SessionOptions options;
    options.mnistDirectory = qEnvironmentVariable("NNJ_MNIST_DIR");
    options.allowDownload = false;
    server::Session session(options);
    NoShare share;
    MainWindow window(session, &share);
    window.resize(1400, 900);
    window.show();
    waitFor([&] { return window.tour()->step() == 0; }, 5000);
    shoot(&window, out.filePath(QStringLiteral("01-onboarding.png")));
    window.tour()->next();
    window.tour()->next();
    shoot(&window, out.filePath(QStringLiteral("02-onboarding-draw.png")));
    window.tour()->skip();

    // A real run, teaching on: shoot each card the run meets (Fast speed, cards held by pausing).
    session.execute(server::Command::speedMode(server::SpeedMode::Fast));
    session.execute(server::Command::epochs(2));
    QStringList seen;
    QObject::connect(&session, &server::Session::pauseMomentReached, &window,
                     [&](const server::PauseMoment &moment) { seen << moment.reason; });
    session.execute(server::Command::of(server::CommandKind::Start));
    int shot = 3;
    for (const char *reason : {"first_forward", "first_backward", "confident_mistake", "epoch_end", "dead_units"}) {
        const QString wanted = QString::fromLatin1(reason);
        if (!waitFor([&] { return window.teachingPanel()->reason() == wanted || !session.isTraining(); }, 120000)
            || window.teachingPanel()->reason() != wanted) {
            QTextStream(stdout) << "no " << wanted << " card came (seen: " << seen.join(u',') << ")\n";
            continue;
        }
        session.execute(server::Command::of(server::CommandKind::Pause)); // the card holds
        shoot(&window, out.filePath(QStringLiteral("%1-card-%2.png").arg(shot++, 2, 10, QLatin1Char('0')).arg(wanted)));
        session.execute(server::Command::of(server::CommandKind::Resume));
    }
    window.journeyDock()->show();
    window.journeyDock()->raise();
    // Narration speaks at real events: early in a fresh run the loss halves within seconds.
    session.execute(server::Command::of(server::CommandKind::Stop));
    waitFor([&] { return !session.isTraining(); }, 30000);
    session.execute(server::Command::teachingMode(false));
    session.execute(server::Command::speedMode(server::SpeedMode::Narrated));
    session.execute(server::Command::of(server::CommandKind::Start));
    if (waitFor([&] { return !window.captions()->captionText().isEmpty() || !session.isTraining(); }, 60000)
        && !window.captions()->captionText().isEmpty())
        shoot(&window, out.filePath(QStringLiteral("%1-caption-journey.png").arg(shot++, 2, 10, QLatin1Char('0'))));
    else
        QTextStream(stdout) << "no narration caption came\n";
    session.execute(server::Command::speedMode(server::SpeedMode::Fast));
    waitFor(
        [&] {
            if (!window.teachingPanel()->reason().isEmpty())
                session.execute(server::Command::of(server::CommandKind::Resume));
            return !session.isTraining();
        },
        300000);
    shoot(&window, out.filePath(QStringLiteral("%1-finished-verdict.png").arg(shot++, 2, 10, QLatin1Char('0'))));

    window.showGlossary(QStringLiteral("gradient"));
    window.glossary()->move(window.geometry().center() - QPoint(320, 210));
    shoot(window.glossary(), out.filePath(QStringLiteral("%1-glossary.png").arg(shot++, 2, 10, QLatin1Char('0'))));
    window.glossary()->hide();

    apptheme::apply(app, QStringLiteral("light"));
    shoot(&window, out.filePath(QStringLiteral("%1-light.png").arg(shot++, 2, 10, QLatin1Char('0'))));
    apptheme::apply(app, QStringLiteral("dark"));

    // Too large a learning rate: the divergence card and the verdict.
    session.execute(server::Command::learningRate(1.5));
    session.execute(server::Command::epochs(1));
    session.execute(server::Command::of(server::CommandKind::Start));
    if (waitFor(
            [&] { return window.teachingPanel()->reason() == QLatin1String("divergence") || !session.isTraining(); },
            120000)
        && window.teachingPanel()->reason() == QLatin1String("divergence")) {
        session.execute(server::Command::of(server::CommandKind::Pause));
        shoot(&window, out.filePath(QStringLiteral("%1-card-divergence.png").arg(shot++, 2, 10, QLatin1Char('0'))));
        session.execute(server::Command::of(server::CommandKind::Stop));
    } else {
        QTextStream(stdout) << "no divergence card came (seen: " << seen.join(u',') << ")\n";
    }
    waitFor([&] { return !session.isTraining(); }, 60000);
    window.journeyDock()->raise();
    shoot(&window, out.filePath(QStringLiteral("%1-journey-end.png").arg(shot++, 2, 10, QLatin1Char('0'))));
    return 0;
}
