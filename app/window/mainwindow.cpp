#include "mainwindow.h"

#include "apptheme.h"
#include "captionstrip.h"
#include "chartspanel.h"
#include "classgallerypanel.h"
#include "classroom.h"
#include "colorscheme.h"
#include "controlbar.h"
#include "drawpanel.h"
#include "glossarywindow.h"
#include "inspectorpanel.h"
#include "journeycontroller.h"
#include "journeypanel.h"
#include "journeytracker.h"
#include "learningviews.h"
#include "networkview.h"
#include "onboardingtour.h"
#include "participantspanel.h"
#include "presenterviewsync.h"
#include "session.h"
#include "sessionpresenter.h"
#include "sharecontrol.h"
#include "sharestatus.h"
#include "teachingpanel.h"
#include "toast.h"
#include "trainingactions.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

namespace {

// The title above the 3D view changes with every training update (~30 a second). A QLabel asks
// its layout to recompute after each change, and for rich text that means laying the document
// out once more just to learn its size; this one is always one line high, so a new text costs
// only its repaint.
class OneLineLabel : public QLabel
{
public:
    using QLabel::QLabel;
    QSize sizeHint() const override { return {200, lineHeight()}; }
    QSize minimumSizeHint() const override { return {0, lineHeight()}; }

protected:
    void changeEvent(QEvent *event) override
    {
        if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
            m_lineHeight = 0;
        QLabel::changeEvent(event);
    }

private:
    int lineHeight() const
    {
        if (m_lineHeight == 0) // any one line of text is as high as this one
            m_lineHeight = QLabel::sizeHint().height();
        return m_lineHeight;
    }
    mutable int m_lineHeight = 0;
};

} // namespace

MainWindow::MainWindow(server::Session &session, ShareControl *share, QWidget *parent)
    : QMainWindow(parent), m_session(session), m_actions(new TrainingActions(this)), m_view(new NetworkView),
      m_shareControl(share)
{
    setWindowTitle(tr("Neural Network Journey"));
    setCentralWidget(createCentralArea());
    m_controls = new ControlBar(m_actions, this);
    addToolBar(Qt::TopToolBarArea, m_controls);
    createDocks();
    createStatusBar(share);
    createMenus();
    m_presenter = new SessionPresenter(session, this);
    m_journeyController = new JourneyController(session, this);
    m_toast = new Toast(this);
    m_tour = new OnboardingTour(this);
    restoreSettings();
    QSettings settings;
    if (!OnboardingTour::wasSeen(settings)) // the first launch: after the window has its layout
        QTimer::singleShot(0, m_tour, &OnboardingTour::start);
}

MainWindow::~MainWindow()
{
    delete m_presenterView; // before the docks it listens to go
}

QWidget *MainWindow::createCentralArea()
{
    auto *area = new QWidget(this);
    m_teaching = new TeachingPanel(area);
    m_viewTitle = new OneLineLabel(area);
    m_viewTitle->setObjectName(QStringLiteral("viewTitle"));
    m_captions = new CaptionStrip(area);
    connect(m_captions, &CaptionStrip::glossaryRequested, this, &MainWindow::showGlossary);
    m_container = QWidget::createWindowContainer(m_view, area);
    m_container->setObjectName(QStringLiteral("networkContainer"));
    m_container->setMinimumSize(480, 320);
    m_container->setFocusPolicy(Qt::StrongFocus);
    auto *layout = new QVBoxLayout(area);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->setSpacing(4);
    layout->addWidget(m_teaching);
    layout->addWidget(m_viewTitle);
    // The run's verdict stays above the view until the next run (a status message would go).
    m_verdict = new QLabel(area);
    m_verdict->setObjectName(QStringLiteral("verdict"));
    m_verdict->setWordWrap(true);
    m_verdict->hide();
    layout->addWidget(m_verdict);
    layout->addWidget(m_captions);
    layout->addWidget(m_container, 1);
    auto *legend = new QLabel(area);
    legend->setObjectName(QStringLiteral("viewLegend"));
    legend->setTextFormat(Qt::RichText);
    legend->setText(tr("<span style='color:%1'>●</span> activation: brighter fires more · "
                       "<span style='color:%2'>━</span> positive weight · "
                       "<span style='color:%3'>━</span> negative weight · "
                       "<span style='color:%4'>●</span> marked neurons · moving dots: gradients flowing back")
                        .arg(colorscheme::teal.name(), colorscheme::positive.name(), colorscheme::negative.name(),
                             colorscheme::red.name()));
    layout->addWidget(legend);
    return area;
}

void MainWindow::createDocks()
{
    setDockOptions(AnimatedDocks | AllowTabbedDocks);
    m_draw = new DrawPanel(this);
    // "Draw and predict", not "&": the dock's title is also its View-menu action's text.
    auto *drawDock = new QDockWidget(tr("Draw and predict"), this);
    drawDock->setObjectName(QStringLiteral("drawDock"));
    drawDock->setWidget(m_draw);
    addDockWidget(Qt::RightDockWidgetArea, drawDock);

    m_inspector = new InspectorPanel(this);
    m_inspectorDock = new QDockWidget(tr("Neuron inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectorDock->setWidget(m_inspector);
    addDockWidget(Qt::LeftDockWidgetArea, m_inspectorDock);
    m_inspectorDock->hide();
    connect(m_view, &NetworkView::neuronClicked, m_inspectorDock, [this](NeuronId id) {
        if (id.isValid())
            m_inspectorDock->show();
    });

    m_charts = new ChartsPanel(this);
    auto *chartsDock = new QDockWidget(tr("Charts"), this);
    chartsDock->setObjectName(QStringLiteral("chartsDock"));
    chartsDock->setWidget(m_charts);
    addDockWidget(Qt::BottomDockWidgetArea, chartsDock);
    // The learning views analyse the session's snapshots (never the network being trained).
    AnalysisSource source;
    source.weights = [this] { return m_session.weights(); };
    source.initialWeights = [this] { return m_session.initialWeights(); };
    source.trajectory = [this] { return m_session.trajectory(); };
    source.data = [this] { return m_session.data(); };
    source.confusion = [this] { return m_session.confusion(); };
    source.learningRate = [this] { return m_session.settings().learningRate; };
    source.batchSize = [this] { return m_session.settings().batchSize; };
    m_learning = new LearningViews(source, this);
    m_learningDock = new QDockWidget(tr("Learning views"), this);
    m_learningDock->setObjectName(QStringLiteral("learningDock"));
    // In a scroll area, so the views' own minimum sizes (a histogram grid, the landscape) never
    // push the window past the screen: a small dock scrolls instead.
    auto *learningScroll = new QScrollArea(m_learningDock);
    learningScroll->setWidgetResizable(true);
    learningScroll->setFrameShape(QFrame::NoFrame);
    learningScroll->setWidget(m_learning);
    m_learningDock->setWidget(learningScroll);
    addDockWidget(Qt::LeftDockWidgetArea, m_learningDock);
    m_learningDock->hide();
    connect(m_actions->learningViews, &QAction::toggled, m_learningDock, &QDockWidget::setVisible);
    // Context: the action, so that the docks hiding while the window is destroyed call nothing.
    connect(m_learningDock, &QDockWidget::visibilityChanged, m_actions->learningViews,
            [action = m_actions->learningViews, dock = m_learningDock] { action->setChecked(dock->isVisible()); });

    QString journeyError;
    m_journey = new JourneyTracker(JourneyPlan::fromResource(&journeyError), this);
    m_journey->setProperty("loadError", journeyError);
    m_journeyPanel = new JourneyPanel(m_journey, this);
    m_journeyDock = new QDockWidget(tr("Journey"), this);
    m_journeyDock->setObjectName(QStringLiteral("journeyDock"));
    auto *journeyScroll = new QScrollArea(m_journeyDock);
    journeyScroll->setWidgetResizable(true);
    journeyScroll->setFrameShape(QFrame::NoFrame);
    journeyScroll->setWidget(m_journeyPanel);
    m_journeyDock->setWidget(journeyScroll);
    addDockWidget(Qt::RightDockWidgetArea, m_journeyDock);
    tabifyDockWidget(drawDock, m_journeyDock);
    if (m_shareControl && m_shareControl->classroom())
        createClassroomDocks();
    drawDock->raise();

    resizeDocks({drawDock}, {330}, Qt::Horizontal);
    resizeDocks({m_learningDock}, {600}, Qt::Horizontal);
    resizeDocks({chartsDock}, {230}, Qt::Vertical);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_actions->openModel);
    file->addAction(m_actions->saveModel);
    file->addAction(m_actions->exportImage);
    file->addSeparator();
    file->addAction(m_actions->downloadData);
    file->addSeparator();
    file->addAction(m_actions->quit);
    connect(m_actions->quit, &QAction::triggered, this, &QWidget::close);
    connect(m_actions->exportImage, &QAction::triggered, this, &MainWindow::exportImage);

    QMenu *training = menuBar()->addMenu(tr("&Training"));
    for (QAction *action : {m_actions->playPause, m_actions->step, m_actions->stop})
        training->addAction(action);
    training->addSeparator();
    training->addAction(m_actions->teaching);
    createMomentsMenu(training->addMenu(tr("Teaching moments")));
    training->addAction(m_actions->architecture);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_actions->connections);
    view->addAction(m_actions->particles);
    view->addAction(m_actions->resetCamera);
    view->addAction(m_actions->clearDrawing);
    view->addSeparator();
    view->addAction(m_actions->learningViews);
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        if (dock != m_learningDock)
            view->addAction(dock->toggleViewAction());
    view->addSeparator();
    QMenu *theme = view->addMenu(tr("Theme"));
    auto *themes = new QActionGroup(this);
    for (const auto &[name, label] :
         {std::pair{QStringLiteral("dark"), tr("Dark")}, std::pair{QStringLiteral("light"), tr("Light")}}) {
        QAction *action = theme->addAction(label);
        action->setCheckable(true);
        action->setData(name);
        action->setChecked(QSettings().value(QStringLiteral("theme"), QStringLiteral("dark")).toString() == name);
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [name] {
            QSettings().setValue(QStringLiteral("theme"), name);
            apptheme::apply(*qApp, name);
        });
    }

    QMenu *share = menuBar()->addMenu(tr("&Share"));
    share->addAction(m_actions->shareOnLan);
    share->addAction(m_actions->copyJoinUrl);
    if (m_invite) {
        share->addAction(m_invite);
        share->addSeparator();
        share->addAction(m_participantsDock->toggleViewAction());
        share->addAction(m_classGalleryDock->toggleViewAction());
    }

    createHelpMenu();
}

void MainWindow::createMomentsMenu(QMenu *menu)
{
    // One switch per kind, through the one command path; the session's settings tick them, so a
    // browser's change shows here too.
    for (const core::TeachingMomentKind kind : core::allTeachingMomentKinds()) {
        QAction *action = menu->addAction(TeachingPanel::kindName(kind));
        action->setObjectName(QStringLiteral("moment-") + QString::fromStdString(core::teachingMomentReason(kind)));
        action->setCheckable(true);
        connect(action, &QAction::triggered, this, [this, kind](bool on) {
            const server::CommandResult result = m_session.execute(server::Command::teachingMoments({{kind, on}}));
            if (!result.ok())
                statusBar()->showMessage(result.message, 10000);
        });
    }
    auto sync = [this, menu] {
        const server::SessionSettings settings = m_session.settings();
        for (QAction *action : menu->actions()) {
            core::TeachingMomentKind kind;
            if (core::teachingMomentKindFromReason(action->objectName().mid(7).toStdString(), &kind))
                action->setChecked(settings.teachingMoments[std::size_t(kind)]);
        }
    };
    connect(&m_session, &server::Session::settingsChanged, menu, sync);
    sync();
}

void MainWindow::createHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Show the tour again"), this, &MainWindow::showTour);
    help->addAction(m_journeyDock->toggleViewAction());
    m_journeyDock->toggleViewAction()->setText(tr("Journey"));
    QAction *glossary = help->addAction(tr("Glossary"), this, [this] { showGlossary(); });
    glossary->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    help->addSeparator();
    help->addAction(tr("About Neural Network Journey"), this, [this] {
        QMessageBox::about(this, tr("About Neural Network Journey"),
                           tr("<b>Neural Network Journey</b> %1<br>Trains a real MNIST network (784 → 128 → 64 → "
                              "10, ReLU, by default) and shows it learning in 3D. Browsers on the same network can "
                              "watch and drive the same run.")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::showShortcuts()
{
    QStringList rows;
    for (QAction *action : findChildren<QAction *>())
        if (!action->shortcut().isEmpty())
            rows << QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                        .arg(action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                             action->text().remove(QLatin1Char('&')).toHtmlEscaped());
    rows.sort();
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"),
                    QStringLiteral("<table cellspacing=6>%1</table>").arg(rows.join(QString())), QMessageBox::Close,
                    this);
    box.exec();
}

GlossaryWindow *MainWindow::glossary()
{
    if (!m_glossary) {
        QString error;
        m_glossary = new GlossaryWindow(Glossary::fromResource(&error), this);
        if (!error.isEmpty())
            statusBar()->showMessage(error, 15000);
        connect(m_glossary, &GlossaryWindow::entryOpened, m_journey, &JourneyTracker::glossaryEntryOpened);
    }
    return m_glossary;
}

void MainWindow::showGlossary(const QString &termId)
{
    GlossaryWindow *window = glossary();
    window->show();
    window->raise();
    window->activateWindow();
    if (!termId.isEmpty())
        window->showTerm(termId);
}

void MainWindow::showTour()
{
    m_tour->start();
}

void MainWindow::createStatusBar(ShareControl *share)
{
    m_share = new ShareStatus(share, m_actions->shareOnLan, m_actions->copyJoinUrl, this);
    if (m_participants) {
        m_driverLabel = new QLabel(this);
        m_driverLabel->setObjectName(QStringLiteral("driverLabel"));
        m_driverLabel->setTextFormat(Qt::PlainText); // holds a participant's name
        m_driverLabel->setToolTip(tr("Who runs the training now: you, or the participant you gave control to"));
        const auto showDriver = [this](const QString &text) {
            m_driverLabel->setText(text);
            const bool you = m_shareControl->classroom()->participants().driver().isEmpty();
            m_driverLabel->setStyleSheet(QStringLiteral("color:%1; font-weight:bold; padding: 0 8px")
                                             .arg((you ? colorscheme::mutedText : colorscheme::green).name()));
        };
        connect(m_participants, &ParticipantsPanel::driverChanged, this, showDriver);
        showDriver(m_participants->driverText());
        statusBar()->addPermanentWidget(m_driverLabel);
    }
    statusBar()->addPermanentWidget(m_share);
    if (m_invite)
        connect(m_invite, &QAction::triggered, m_share, &ShareStatus::showInvite);
}

void MainWindow::createClassroomDocks()
{
    server::Classroom &classroom = *m_shareControl->classroom();
    m_invite = new QAction(tr("Invite the class…"), this);
    m_invite->setToolTip(tr("Show the link and QR code students open to join"));
    m_invite->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));

    m_participants = new ParticipantsPanel(classroom, this);
    m_participantsDock = new QDockWidget(tr("Participants"), this);
    m_participantsDock->setObjectName(QStringLiteral("participantsDock"));
    m_participantsDock->setWidget(m_participants);
    addDockWidget(Qt::LeftDockWidgetArea, m_participantsDock);

    m_classGallery = new ClassGalleryPanel(classroom, this);
    m_classGalleryDock = new QDockWidget(tr("Class gallery"), this);
    m_classGalleryDock->setObjectName(QStringLiteral("classGalleryDock"));
    m_classGalleryDock->setWidget(m_classGallery);
    addDockWidget(Qt::LeftDockWidgetArea, m_classGalleryDock);
    tabifyDockWidget(m_participantsDock, m_classGalleryDock);
    resizeDocks({m_participantsDock}, {340}, Qt::Horizontal);
    // Out of the way until the class arrives: the first participant opens them (the Share menu
    // does at any time).
    m_participantsDock->hide();
    m_classGalleryDock->hide();
    connect(&classroom, &server::Classroom::participantsChanged, this, [this, &classroom] {
        if (m_classArrived || classroom.participants().all().empty())
            return;
        m_classArrived = true;
        m_classGalleryDock->show();
        m_participantsDock->show();
        m_participantsDock->raise();
    });
    // A drawing shown to the class goes through this window's network too: the 3D view lights up.
    connect(m_classGallery, &ClassGalleryPanel::showInNetwork, m_draw, &DrawPanel::setInputImage);

    // What the class follows: the camera, the selected neuron and the open view.
    m_presenterView
        = new PresenterViewSync([&classroom](const QJsonObject &view) { classroom.setPresenterView(view); }, this);
    connect(m_view, &NetworkView::neuronClicked, m_presenterView, &PresenterViewSync::setSelected);
    const auto camera = [this] {
        const NetworkView::Orbit orbit = m_view->orbitFromHome();
        m_presenterView->setCamera(
            {m_view->cameraPosition(), m_view->cameraTarget(), orbit.yaw, orbit.pitch, orbit.zoom});
    };
    connect(m_view, &NetworkView::cameraChanged, m_presenterView, camera);
    camera();
    // Context: the sync, deleted first in ~MainWindow, so the docks hiding while the window is
    // destroyed call nothing.
    for (QDockWidget *dock : {m_learningDock, m_inspectorDock})
        connect(dock, &QDockWidget::visibilityChanged, m_presenterView, [this] { updatePresenterView(); });
    connect(m_learning, &QTabWidget::currentChanged, m_presenterView, [this] { updatePresenterView(); });
}

void MainWindow::updatePresenterView()
{
    QString view;
    if (m_learningDock->isVisibleTo(this))
        view = PresenterViewSync::learningViewName(m_learning->currentIndex());
    else if (m_inspectorDock->isVisibleTo(this))
        view = QStringLiteral("inspector");
    m_presenterView->setView(view);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1400, 900);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_inspectorDock->hide(); // shown again by the next click on a neuron
    m_actions->learningViews->setChecked(m_learningDock->isVisible());
    m_actions->connections->setChecked(settings.value(QStringLiteral("view/connections"), true).toBool());
    m_actions->particles->setChecked(settings.value(QStringLiteral("view/particles"), true).toBool());
    m_presenter->restoreSettings(settings);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("view/connections"), m_actions->connections->isChecked());
    settings.setValue(QStringLiteral("view/particles"), m_actions->particles->isChecked());
    m_presenter->saveSettings(settings);
    event->accept();
}

void MainWindow::exportImage()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export 3D view"), folder + QStringLiteral("/network.png"), tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    m_view->capture([this, path](const QImage &image) {
        if (image.isNull() || !image.save(path, "PNG"))
            QMessageBox::warning(this, tr("Export 3D view"), tr("Could not write %1.").arg(path));
        else
            statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    });
}
