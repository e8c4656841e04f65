// nnj-journey-shots DIR: screenshots of the journey in the real window (session + real MNIST
// from NNJ_MNIST_DIR, needs a display; Xvfb is fine): the first-launch tour, the teaching cards
// a real run meets, the journey dock in progress, a narration caption, the trained network with a
// drawn digit, the inspector and every learning view, the glossary, the light theme. For looking
// at, not a test: it prints what it saved and what never came. scripts/screenshots makes the
// documentation's pictures from them.
#include "analysisworker.h"
#include "apptheme.h"
#include "captionstrip.h"
#include "comparisonview.h"
#include "drawingcanvas.h"
#include "drawpanel.h"
#include "featuresgallery.h"
#include "glossarywindow.h"
#include "histogramsview.h"
#include "landscapeview.h"
#include "learningviews.h"
#include "mainwindow.h"
#include "mistakesview.h"
#include "networkview.h"
#include "onboardingtour.h"
#include "randomstepsview.h"
#include "server.h"
#include "servershare.h"
#include "session.h"
#include "teachingpanel.h"
#include "trainingactions.h"
#include "weightpainterview.h"

#include "shotkit.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QTextStream>

namespace {

using shotkit::settle;
using shotkit::shoot;
using shotkit::waitFor;

// The trained network of the default run: a drawn 7, a first-layer neuron in the inspector, then
// every learning view, large (the tutorial's pictures).
void shootTrained(MainWindow &window, const QDir &out)
{
    if (auto *pad = window.findChild<QDockWidget *>(QStringLiteral("drawDock")))
        pad->raise();
    DrawingCanvas *canvas = window.drawPanel()->canvas();
    canvas->drawStroke({{70, 60}, {130, 58}, {200, 60}, {180, 110}, {150, 165}, {130, 225}});
    canvas->drawStroke({{110, 140}, {185, 140}});
    waitFor([&] { return window.drawPanel()->prediction().digit >= 0; }, 5000);
    settle(1500); // the forward sweep through the 3D view
    shoot(&window, out.filePath(QStringLiteral("trained-drawing.png")));
    window.networkView()->selectNeuron({1, 37}); // as a click on it does
    shoot(&window, out.filePath(QStringLiteral("trained-inspector.png")));
    if (auto *inspector = window.findChild<QDockWidget *>(QStringLiteral("inspectorDock")))
        inspector->hide();

    // The views alone, in a floating window of their own, large enough for every view's controls.
    LearningViews *learning = window.learningViews();
    window.actions()->learningViews->setChecked(true);
    QDockWidget *dock = window.learningDock();
    dock->setFloating(true);
    dock->resize(1000, 720);
    dock->move(window.geometry().topLeft() + QPoint(40, 40));
    settle(300);
    const auto idle = [&] { return waitFor([&] { return !learning->worker()->isBusy(); }, 120000); };
    const auto view = [&](QWidget *widget, const char *name) {
        learning->setCurrentWidget(widget);
        idle();
        shoot(dock, out.filePath(QStringLiteral("learning-%1.png").arg(QLatin1String(name))));
    };
    learning->setCurrentWidget(learning->gallery());
    learning->gallery()->setSort(FeaturesGallery::Sort::FiringRate);
    view(learning->gallery(), "features");
    view(learning->histograms(), "histograms");
    learning->setCurrentWidget(learning->mistakes());
    learning->mistakes()->showCell(9, 4); // the most common mistake of the default run
    view(learning->mistakes(), "mistakes");
    view(learning->comparison(), "compare");
    learning->setCurrentWidget(learning->randomSteps());
    learning->randomSteps()->start();
    waitFor([&] { return !learning->randomSteps()->isRunning(); }, 300000);
    view(learning->randomSteps(), "random-steps");
    learning->setCurrentWidget(learning->landscape());
    learning->landscape()->start(); // defaults: 31 x 31 points, span 1, 1000 images
    waitFor([&] { return !learning->landscape()->isRunning(); }, 300000);
    view(learning->landscape(), "landscape");
    learning->setCurrentWidget(learning->painter());
    learning->painter()->setNeuron(5);
    learning->painter()->setBrush(-1, 0.3f, 4);
    for (float x = 10; x < 20; x += 2)
        learning->painter()->paintAt(x, 8);
    view(learning->painter(), "painter");
    learning->painter()->reset();
    dock->setFloating(false);
    window.actions()->learningViews->setChecked(false);
    window.drawPanel()->clear();
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
    // The embedded server as the app runs it (its address in the status bar, as users see it).
    server::Server httpServer(session, server::AccessSettings{});
    if (!httpServer.listen(QHostAddress::LocalHost, 0)) {
        QTextStream(stderr) << "nnj-journey-shots: cannot listen: " << httpServer.errorString() << '\n';
        return 1;
    }
    ServerShare share(httpServer);
    MainWindow window(session, &share);
    window.resize(1400, 900);
    window.show();
    waitFor([&] { return window.tour()->step() == 0; }, 5000);
    settle(2500); // the 3D view's first frames, so the tour points at a drawn network
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
    // Each picture keeps its number whether or not the ones before it came, so the names are stable.
    for (const char *reason : {"first_forward", "first_backward", "confident_mistake", "epoch_end", "dead_units"}) {
        const QString wanted = QString::fromLatin1(reason);
        const int number = shot++;
        if (!waitFor([&] { return window.teachingPanel()->reason() == wanted || !session.isTraining(); }, 120000)
            || window.teachingPanel()->reason() != wanted) {
            QTextStream(stdout) << "no " << wanted << " card came (seen: " << seen.join(u',') << ")\n";
            continue;
        }
        session.execute(server::Command::of(server::CommandKind::Pause)); // the card holds
        shoot(&window, out.filePath(QStringLiteral("%1-card-%2.png").arg(number, 2, 10, QLatin1Char('0')).arg(wanted)));
        session.execute(server::Command::of(server::CommandKind::Resume));
    }
    window.journeyDock()->show();
    window.journeyDock()->raise();
    // Narration speaks at real events: early in a fresh run the loss halves within seconds.
    session.execute(server::Command::of(server::CommandKind::Stop));
    waitFor([&] { return !session.isTraining(); }, 30000);
    session.execute(server::Command::teachingMode(false));
    session.execute(server::Command::epochs(3)); // the default run, so the verdict shows its result
    session.execute(server::Command::speedMode(server::SpeedMode::Narrated));
    session.execute(server::Command::of(server::CommandKind::Start));
    const int captionNumber = shot++;
    if (waitFor([&] { return !window.captions()->captionText().isEmpty() || !session.isTraining(); }, 60000)
        && !window.captions()->captionText().isEmpty())
        shoot(&window,
              out.filePath(QStringLiteral("%1-caption-journey.png").arg(captionNumber, 2, 10, QLatin1Char('0'))));
    else
        QTextStream(stdout) << "no narration caption came\n";
    // The run at its default speed, a few hundred batches in: the charts have a shape.
    session.execute(server::Command::speedMode(server::SpeedMode::Normal));
    if (auto *draw = window.findChild<QDockWidget *>(QStringLiteral("drawDock")))
        draw->raise();
    waitFor([&] { return session.stats().globalBatch > 400 || !session.isTraining(); }, 120000);
    shoot(&window, out.filePath(QStringLiteral("training.png")));
    window.journeyDock()->raise();
    session.execute(server::Command::speedMode(server::SpeedMode::Fast));
    waitFor(
        [&] {
            if (!window.teachingPanel()->reason().isEmpty())
                session.execute(server::Command::of(server::CommandKind::Resume));
            return !session.isTraining();
        },
        300000);
    shoot(&window, out.filePath(QStringLiteral("%1-finished-verdict.png").arg(shot++, 2, 10, QLatin1Char('0'))));
    shootTrained(window, out);
    window.journeyDock()->raise();

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
    const int divergenceNumber = shot++;
    if (waitFor(
            [&] { return window.teachingPanel()->reason() == QLatin1String("divergence") || !session.isTraining(); },
            120000)
        && window.teachingPanel()->reason() == QLatin1String("divergence")) {
        session.execute(server::Command::of(server::CommandKind::Pause));
        shoot(&window,
              out.filePath(QStringLiteral("%1-card-divergence.png").arg(divergenceNumber, 2, 10, QLatin1Char('0'))));
        session.execute(server::Command::of(server::CommandKind::Stop));
    } else {
        QTextStream(stdout) << "no divergence card came (seen: " << seen.join(u',') << ")\n";
    }
    waitFor([&] { return !session.isTraining(); }, 60000);
    window.journeyDock()->raise();
    shoot(&window, out.filePath(QStringLiteral("%1-journey-end.png").arg(shot++, 2, 10, QLatin1Char('0'))));
    return 0;
}
