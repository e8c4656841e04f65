// nnj-app-bench: drives the real nnjourney window (session + embedded server in-process) under
// a display (Xvfb is fine) and reports figures or takes screenshots.
//   --bench [--seconds N]   3D frame rate while training streams (default network, connections
//                           and particles on) and the GUI event-loop latency (p50/p99/max of a
//                           10 ms precise timer's lateness); one JSON line on stdout.
//                           NNJ_BENCH_SLOW=MS lists (stderr) the GUI-thread event handlers that
//                           took longer than MS: receiver class (timers: their parent's), event type.
//   --tour DIR              screenshots of the whole window: idle, training, teaching pause,
//                           drawing, inspector, stopped, a held moment while stepping, then
//                           every learning view, in the dark and the light theme
//                           (QScreen::grabWindow: includes the 3D view).
//   --learning-bench [--seconds N]  event-loop latency (p99 of the 10 ms timer's lateness)
//                           while training, with the learning views closed, open on the
//                           features gallery, open on the histograms: rounds of the three,
//                           interleaved, N seconds each; the median of 3 rounds and the ratio
//                           to "closed", one JSON line on stdout.
// MNIST from --mnist DIR or NNJ_MNIST_DIR. Settings go to a throw-away QStandardPaths test mode.
#include "analysisworker.h"
#include "appstartup.h"
#include "apptheme.h"
#include "comparisonview.h"
#include "confusionmatrixview.h"
#include "drawingcanvas.h"
#include "drawpanel.h"
#include "featuresgallery.h"
#include "histogramsview.h"
#include "landscapeview.h"
#include "learningviews.h"
#include "mainwindow.h"
#include "mistakesview.h"
#include "networkview.h"
#include "randomstepsview.h"
#include "server.h"
#include "servershare.h"
#include "session.h"
#include "sessionpresenter.h"
#include "teachingpanel.h"
#include "trainingactions.h"
#include "weightpainterview.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace {

// Times the outermost event handlers of the GUI thread (NNJ_BENCH_SLOW=MS).
class BenchApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        // notify() runs on every thread that delivers events: time the GUI thread's only.
        if (m_slowMs <= 0 || m_depth > 0 || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        ++m_depth;
        QElapsedTimer clock;
        clock.start();
        const bool result = QApplication::notify(receiver, event);
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        --m_depth;
        if (ms > m_slowMs && m_recording) {
            const QObject *named = receiver;
            if (qobject_cast<QTimer *>(receiver) && receiver->parent())
                named = receiver->parent();
            const QString key = QStringLiteral("%1/%2")
                                    .arg(QString::fromLatin1(named->metaObject()->className()))
                                    .arg(int(event->type()));
            Slow &slow = m_slow[key];
            ++slow.count;
            slow.max = std::max(slow.max, ms);
        }
        return result;
    }
    void record(bool on) { m_recording = on; }
    void report() const
    {
        for (const auto &[key, slow] : m_slow)
            QTextStream(stderr) << "slow handler " << key << ": " << slow.count << " x, max " << slow.max << " ms\n";
    }

private:
    struct Slow
    {
        int count = 0;
        double max = 0;
    };
    double m_slowMs = qEnvironmentVariableIntValue("NNJ_BENCH_SLOW");
    int m_depth = 0;
    bool m_recording = false;
    std::map<QString, Slow> m_slow;
};

void wait(int milliseconds)
{
    QEventLoop loop;
    QTimer::singleShot(milliseconds, &loop, &QEventLoop::quit);
    loop.exec();
}

// Waits until `condition` holds (true) or the timeout passes (false).
bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        wait(20);
    }
    return true;
}

void shoot(MainWindow &window, const QString &path)
{
    wait(400); // let the 3D view render the latest state
    const QPixmap pixmap = window.screen()->grabWindow(0, window.geometry().x(), window.geometry().y(),
                                                       window.frameGeometry().width(), window.frameGeometry().height());
    pixmap.save(path);
    QTextStream(stdout) << "saved " << path << '\n';
}

void drawSeven(DrawingCanvas *canvas)
{
    canvas->drawStroke({{70, 60}, {130, 58}, {200, 60}, {180, 110}, {150, 165}, {130, 225}});
    canvas->drawStroke({{110, 140}, {185, 140}});
}

int tour(MainWindow &window, server::Session &session, const QString &directory)
{
    QDir().mkpath(directory);
    waitFor([] { return false; }, 2500);
    shoot(window, directory + QStringLiteral("/1-idle.png"));

    session.execute(server::Command::teachingMode(true));
    window.actions()->playPause->trigger();
    if (!waitFor([&] { return window.teachingPanel()->isVisible(); }, 60000))
        QTextStream(stderr) << "no teaching moment came\n";
    shoot(window, directory + QStringLiteral("/2-teaching.png"));
    session.execute(server::Command::teachingMode(false));
    session.execute(server::Command::of(server::CommandKind::Resume));
    waitFor([&] { return session.stats().globalBatch > 300; }, 60000);
    shoot(window, directory + QStringLiteral("/3-training.png"));

    drawSeven(window.drawPanel()->canvas());
    waitFor([&] { return window.drawPanel()->prediction().digit >= 0; }, 5000);
    shoot(window, directory + QStringLiteral("/4-drawing.png"));

    window.networkView()->selectNeuron({1, 37}); // as a click on it does
    shoot(window, directory + QStringLiteral("/5-inspector.png"));
    session.execute(server::Command::of(server::CommandKind::Stop));
    waitFor([&] { return !session.isTraining(); }, 10000);
    shoot(window, directory + QStringLiteral("/6-stopped.png"));

    // The learning views, after a run (MNIST loaded, a trajectory recorded), in both themes.
    LearningViews *learning = window.learningViews();
    window.actions()->learningViews->setChecked(true);
    window.resizeDocks({window.learningDock()}, {760}, Qt::Horizontal);
    drawSeven(window.drawPanel()->canvas());
    const auto idle = [&] { return waitFor([&] { return !learning->worker()->isBusy(); }, 60000); };
    learning->setCurrentWidget(learning->landscape());
    learning->landscape()->start(); // defaults: 31 x 31 points, span 1, 1000 images
    waitFor([&] { return !learning->landscape()->isRunning(); }, 300000);
    learning->setCurrentWidget(learning->randomSteps());
    learning->randomSteps()->start();
    waitFor([&] { return !learning->randomSteps()->isRunning(); }, 300000);
    for (const QString &theme : {QStringLiteral("dark"), QStringLiteral("light")}) {
        apptheme::apply(*qApp, theme);
        learning->setCurrentWidget(learning->gallery());
        learning->gallery()->setSort(FeaturesGallery::Sort::FiringRate);
        idle();
        shoot(window, directory + QStringLiteral("/8-gallery-%1.png").arg(theme));
        learning->setCurrentWidget(learning->histograms());
        idle();
        shoot(window, directory + QStringLiteral("/9-histograms-%1.png").arg(theme));
        learning->setCurrentWidget(learning->mistakes());
        learning->mistakes()->showCell(4, 9);
        idle();
        shoot(window, directory + QStringLiteral("/10-mistakes-%1.png").arg(theme));
        learning->setCurrentWidget(learning->comparison());
        idle();
        shoot(window, directory + QStringLiteral("/11-comparison-%1.png").arg(theme));
        learning->setCurrentWidget(learning->randomSteps());
        shoot(window, directory + QStringLiteral("/12-random-steps-%1.png").arg(theme));
        learning->setCurrentWidget(learning->landscape());
        shoot(window, directory + QStringLiteral("/13-landscape-%1.png").arg(theme));
        learning->setCurrentWidget(learning->painter());
        learning->painter()->setNeuron(5);
        learning->painter()->setBrush(-1, 0.3f, 4);
        for (float x = 10; x < 20; x += 2)
            learning->painter()->paintAt(x, 8);
        shoot(window, directory + QStringLiteral("/14-painter-%1.png").arg(theme));
        learning->painter()->reset();
    }
    // A mistake sent through the network: the forward sweep half way, then done.
    apptheme::apply(*qApp, QStringLiteral("dark"));
    learning->setCurrentWidget(learning->mistakes());
    if (!learning->mistakes()->mistakes().items.empty()) {
        const auto &item = learning->mistakes()->mistakes().items.front();
        std::vector<float> pixels(784);
        const core::Dataset &test = session.data()->test;
        for (int p = 0; p < 784; ++p)
            pixels[std::size_t(p)] = float(test.image(item.index)[p]) / 255.0f;
        emit learning->inputChosen(pixels, QStringLiteral("test image %1").arg(item.index));
        wait(450);
        const QPixmap half
            = window.screen()->grabWindow(0, window.geometry().x(), window.geometry().y(),
                                          window.frameGeometry().width(), window.frameGeometry().height());
        half.save(directory + QStringLiteral("/15-sweep-half.png"));
        QTextStream(stdout) << "saved " << directory << "/15-sweep-half.png\n";
        shoot(window, directory + QStringLiteral("/16-sweep-done.png"));
    }
    window.actions()->learningViews->setChecked(false);
    window.drawPanel()->clear();
    // Stepping from idle with teaching on: the first moment shows and holds, the run paused.
    session.execute(server::Command::teachingMode(true));
    window.actions()->step->trigger();
    if (!waitFor([&] { return window.teachingPanel()->isVisible(); }, 60000))
        QTextStream(stderr) << "no teaching moment came while stepping\n";
    waitFor([] { return false; }, 500);
    shoot(window, directory + QStringLiteral("/7-stepped.png"));
    session.execute(server::Command::of(server::CommandKind::Stop));
    waitFor([&] { return !session.isTraining(); }, 10000);

    return 0;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(p / 100.0 * double(values.size())))];
}

int bench(MainWindow &window, server::Session &session, int seconds)
{
    session.execute(server::Command::teachingMode(false));
    session.execute(server::Command::epochs(100)); // keep the stream going for the whole measurement
    for (const QString &name : qEnvironmentVariable("NNJ_BENCH_HIDE").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (name == QLatin1String("lines"))
            window.actions()->connections->setChecked(false);
        if (name == QLatin1String("particles"))
            window.actions()->particles->setChecked(false);
        if (name == QLatin1String("labels"))
            window.networkView()->scene()->setLabelsVisible(false);
    }
    waitFor([] { return false; }, 1500);
    const bool train = !qEnvironmentVariableIsSet("NNJ_BENCH_NOTRAIN");
    if (!train) {
        // Render-only baseline: the default network lit by synthetic activations and gradients.
        NetworkScene *scene = window.networkView()->scene();
        const std::vector<int> &sizes = scene->layout().sizes();
        std::vector<std::vector<float>> activations, gradients;
        for (std::size_t l = 0; l < sizes.size(); ++l) {
            activations.emplace_back(sizes[l]);
            for (int i = 0; i < sizes[l]; ++i)
                activations.back()[i] = float((i * 7919 + int(l) * 31) % 100) / 100.0f;
            if (l > 0)
                gradients.emplace_back(sizes[l], 0.01f * float(l));
        }
        scene->setActivations(activations);
        scene->setGradients(gradients, {0.01f, 0.02f, 0.03f});
        window.networkView()->updateRenderPolicy();
    } else
        window.actions()->playPause->trigger();
    if (train && !waitFor([&] { return session.stats().globalBatch > 20; }, 60000)) {
        QTextStream(stderr) << "training did not start: " << session.lastError() << '\n';
        return 1;
    }
    NetworkView *view = window.networkView();
    // --capacity: render continuously to measure how many frames the renderer can make;
    // default: the product's setting (animation capped at 30 Hz, rendering on demand).
    if (qEnvironmentVariableIsSet("NNJ_BENCH_CAPACITY"))
        view->setAnimationRate(0);
    else if (qEnvironmentVariableIntValue("NNJ_BENCH_HZ") > 0)
        view->setAnimationRate(qEnvironmentVariableIntValue("NNJ_BENCH_HZ"));
    std::vector<double> lateness;
    QElapsedTimer tick;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        lateness.push_back(std::max(0.0, double(tick.nsecsElapsed()) / 1e6 - 10.0));
        tick.restart();
    });
    const long long frames0 = view->framesRendered();
    const long long batches0 = session.stats().globalBatch;
    QElapsedTimer clock;
    clock.start();
    tick.start();
    probe.start();
    static_cast<BenchApplication *>(qApp)->record(true);
    wait(seconds * 1000);
    static_cast<BenchApplication *>(qApp)->record(false);
    probe.stop();
    const double elapsed = double(clock.nsecsElapsed()) / 1e9;
    const double fps = double(view->framesRendered() - frames0) / elapsed;
    const double batchesPerSecond = double(session.stats().globalBatch - batches0) / elapsed;
    const int lines = view->scene()->lineCount();
    const int particles = view->scene()->particleCount();
    session.execute(server::Command::of(server::CommandKind::Stop));
    waitFor([&] { return !session.isTraining(); }, 10000);
    QJsonObject result{{"fps", std::round(fps * 10) / 10},
                       {"event_loop_latency_p50_ms", percentile(lateness, 50)},
                       {"event_loop_latency_p99_ms", percentile(lateness, 99)},
                       {"event_loop_latency_max_ms", percentile(lateness, 100)},
                       {"latency_samples", int(lateness.size())},
                       {"training_batches_per_second", std::round(batchesPerSecond)},
                       {"seconds", elapsed},
                       {"lines", lines},
                       {"particles", particles},
                       {"neurons", view->scene()->layout().neuronCount()},
                       {"viewport", QStringLiteral("%1x%2").arg(view->width()).arg(view->height())},
                       {"renderer", qEnvironmentVariable("QT3D_RENDERER")},
                       {"gl_renderer", qEnvironmentVariable("NNJ_GL_NAME")}};
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << '\n';
    static_cast<BenchApplication *>(qApp)->report();
    return 0;
}

// p99 of a 10 ms precise timer's lateness over `seconds`: how late the GUI thread gets to its
// events. The same probe as bench().
double latencyP99(int seconds)
{
    std::vector<double> lateness;
    QElapsedTimer tick;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        lateness.push_back(std::max(0.0, double(tick.nsecsElapsed()) / 1e6 - 10.0));
        tick.restart();
    });
    tick.start();
    probe.start();
    wait(seconds * 1000);
    probe.stop();
    return percentile(lateness, 99);
}

int learningBench(MainWindow &window, server::Session &session, int seconds)
{
    session.execute(server::Command::teachingMode(false));
    session.execute(server::Command::epochs(100));
    window.actions()->playPause->trigger();
    if (!waitFor([&] { return session.stats().globalBatch > 20; }, 60000)) {
        QTextStream(stderr) << "training did not start: " << session.lastError() << '\n';
        return 1;
    }
    LearningViews *learning = window.learningViews();
    enum Condition { Closed, Gallery, Histograms };
    const char *names[] = {"closed", "gallery", "histograms"};
    std::vector<double> p99[3];
    const int refreshes0 = learning->refreshes();
    for (int round = 0; round < 3; ++round) {
        for (int condition : {Closed, Gallery, Histograms}) {
            window.actions()->learningViews->setChecked(condition != Closed);
            if (condition == Gallery)
                learning->setCurrentWidget(learning->gallery());
            if (condition == Histograms)
                learning->setCurrentWidget(learning->histograms());
            wait(1000); // the dock's layout and the first computation settle
            p99[condition].push_back(latencyP99(seconds));
            QTextStream(stderr) << "round " << round + 1 << ' ' << names[condition] << " p99 " << p99[condition].back()
                                << " ms\n";
        }
    }
    const long long batches = session.stats().globalBatch;
    session.execute(server::Command::of(server::CommandKind::Stop));
    waitFor([&] { return !session.isTraining(); }, 10000);
    const auto median = [](std::vector<double> values) { return percentile(std::move(values), 50); };
    const double closed = median(p99[Closed]);
    QJsonObject result{{"closed_p99_ms", closed},
                       {"gallery_p99_ms", median(p99[Gallery])},
                       {"histograms_p99_ms", median(p99[Histograms])},
                       {"gallery_vs_closed", closed > 0 ? median(p99[Gallery]) / closed : 0.0},
                       {"histograms_vs_closed", closed > 0 ? median(p99[Histograms]) / closed : 0.0},
                       {"target_ms", 16},
                       {"rounds", 3},
                       {"seconds_each", seconds},
                       {"live_refreshes", learning->refreshes() - refreshes0},
                       {"training_batches", batches}};
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT3D_RENDERER"))
        qputenv("QT3D_RENDERER", "opengl");
    BenchApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("nnjourney"));
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("mnist"), QStringLiteral("MNIST folder"), QStringLiteral("dir"),
                      qEnvironmentVariable("NNJ_MNIST_DIR")});
    parser.addOption({QStringLiteral("tour"), QStringLiteral("Save screenshots into DIR"), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("bench"), QStringLiteral("Measure fps and event-loop latency")});
    parser.addOption({QStringLiteral("learning-bench"),
                      QStringLiteral("Event-loop latency with the learning views closed and open, interleaved")});
    parser.addOption(
        {QStringLiteral("seconds"), QStringLiteral("Benchmark duration"), QStringLiteral("s"), QStringLiteral("20")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Window size WxH"), QStringLiteral("size"),
                      QStringLiteral("1600x1000")});
    parser.process(app);
    const QString mnist = parser.value(QStringLiteral("mnist"));
    if (mnist.isEmpty() || !QFile::exists(mnist)) {
        QTextStream(stderr) << "nnj-app-bench: give --mnist DIR or set NNJ_MNIST_DIR\n";
        return 2;
    }
    QTemporaryDir data;
    QFile::link(QFileInfo(mnist).absoluteFilePath(), data.filePath(QStringLiteral("mnist")));
    QString message;
    int exitCode = 0;
    auto runtime = startRuntime({QStringLiteral("nnj-app-bench"), QStringLiteral("--port"), QStringLiteral("0"),
                                 QStringLiteral("--data-dir"), data.path()},
                                &message, &exitCode);
    if (!runtime) {
        QTextStream(stderr) << message << '\n';
        return exitCode;
    }
    apptheme::apply(app, QStringLiteral("dark"));
    // Measure and photograph the working window, not the first-launch tour over it.
    QSettings().setValue(QStringLiteral("onboarding/done"), true);
    ServerShare share(*runtime->server);
    MainWindow window(*runtime->session, &share);
    const QStringList size = parser.value(QStringLiteral("size")).split(QLatin1Char('x'));
    window.resize(size.value(0).toInt(), size.value(1).toInt());
    window.move(0, 0);
    window.show();
    // Isolation switches for profiling: hide parts of the window to see what they cost.
    for (const QString &name : qEnvironmentVariable("NNJ_BENCH_HIDE").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (auto *dock = window.findChild<QDockWidget *>(name))
            dock->hide();
        if (name == QLatin1String("3d"))
            window.viewContainer()->hide();
    }
    if (parser.isSet(QStringLiteral("tour")))
        return tour(window, *runtime->session, parser.value(QStringLiteral("tour")));
    if (parser.isSet(QStringLiteral("learning-bench")))
        return learningBench(window, *runtime->session, parser.value(QStringLiteral("seconds")).toInt());
    return bench(window, *runtime->session, parser.value(QStringLiteral("seconds")).toInt());
}
