#include "journeycontroller.h"

#include "drawingcanvas.h"
#include "drawpanel.h"
#include "featuresgallery.h"
#include "forwardsweep.h"
#include "histogramsview.h"
#include "journeytext.h"
#include "journeytracker.h"
#include "landscapeview.h"
#include "learningviews.h"
#include "mainwindow.h"
#include "networkview.h"
#include "session.h"
#include "sessionpresenter.h"
#include "toast.h"

#include <QDockWidget>
#include <QSettings>

JourneyController::JourneyController(server::Session &session, MainWindow *window)
    : QObject(window), m_session(session), m_window(window), m_architecture(session.settings().architecture)
{
    QSettings settings;
    JourneyTracker *tracker = window->journey();
    tracker->load(settings);
    connect(tracker, &JourneyTracker::changed, this, &JourneyController::save);
    connect(tracker, &JourneyTracker::achievementEarned, this, [this](const QString &id) {
        m_window->toast()->showText(
            tr("★ Achievement: %1\n%2")
                .arg(JourneyText::achievementTitle(id), JourneyText::achievementDescription(id)));
    });
    connectSession();
    connectWindow();
    connectLearningViews();
}

JourneyController::~JourneyController() = default;

void JourneyController::save() const
{
    QSettings settings;
    m_window->journey()->save(settings);
}

void JourneyController::connectSession()
{
    using server::Session;
    JourneyTracker *tracker = m_window->journey();
    connect(&m_session, &Session::pauseMomentReached, tracker, [tracker](const server::PauseMoment &moment) {
        tracker->teachingCardShown(moment.reason, double(moment.moment.learningRate));
    });
    connect(&m_session, &Session::epochFinished, tracker, [this, tracker](const core::EpochReport &report) {
        const core::Architecture architecture = m_session.settings().architecture;
        const QString activation = architecture.activations.empty()
                                       ? QString()
                                       : QString::fromStdString(core::activationName(architecture.activations[0]));
        tracker->epochEnded(double(report.testAccuracy), activation, QString::fromStdString(architecture.describe()));
    });
    connect(&m_session, &Session::settingsChanged, tracker, [this, tracker] {
        const core::Architecture architecture = m_session.settings().architecture;
        if (!(architecture == m_architecture)) {
            m_architecture = architecture;
            tracker->architectureChanged();
        }
    });
}

void JourneyController::connectWindow()
{
    JourneyTracker *tracker = m_window->journey();
    SessionPresenter *presenter = m_window->presenter();
    connect(presenter->forwardSweep(), &ForwardSweep::finished, tracker, [presenter, tracker] {
        if (presenter->source() == SessionPresenter::Source::Drawing)
            tracker->forwardSweepFinished(presenter->sweepShowsDrawing() ? JourneyTracker::SweepInput::Drawing
                                                                         : JourneyTracker::SweepInput::DatasetImage);
    });
    DrawPanel *draw = m_window->drawPanel();
    connect(draw, &DrawPanel::predictionReady, tracker, [draw, tracker] {
        if (!draw->canvas()->isEmpty()) // drawn by the person, not a chosen test image
            tracker->drawingPredicted();
    });
    NetworkView *view = m_window->networkView();
    connect(view, &NetworkView::neuronClicked, tracker, [tracker](NeuronId id) {
        if (id.isValid())
            tracker->neuronInspected(id.layer);
    });
}

void JourneyController::connectLearningViews()
{
    JourneyTracker *tracker = m_window->journey();
    LearningViews *learning = m_window->learningViews();
    auto opened = [learning, tracker] {
        if (learning->isVisible() && learning->currentWidget())
            tracker->learningViewOpened(QString::number(learning->currentIndex())); // one tab per view
    };
    connect(learning, &QTabWidget::currentChanged, tracker, opened);
    connect(m_window->learningDock(), &QDockWidget::visibilityChanged, tracker, opened);
    connect(learning->gallery(), &FeaturesGallery::statisticsReady, tracker, [learning, tracker] {
        if (learning->gallery()->isVisible())
            tracker->featuresShown(learning->gallery()->tileCount());
    });
    connect(learning->histograms(), &HistogramsView::neuronsChosen, tracker,
            [tracker](const std::vector<NeuronId> &neurons) {
                if (!neurons.empty())
                    tracker->deadUnitsHighlighted();
            });
    connect(learning->landscape(), &LandscapeView::finished, tracker, [tracker](bool cancelled) {
        if (!cancelled)
            tracker->landscapeShown();
    });
    connect(learning, &LearningViews::neuronChosen, tracker, [tracker](NeuronId id) {
        if (id.isValid())
            tracker->neuronInspected(id.layer);
    });
}
