#include "mainwindow.h"

#include "apptheme.h"
#include "chartspanel.h"
#include "controlbar.h"
#include "drawpanel.h"
#include "inspectorpanel.h"
#include "learningviews.h"
#include "networkview.h"
#include "session.h"
#include "sessionpresenter.h"
#include "sharestatus.h"
#include "teachingpanel.h"
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
    : QMainWindow(parent), m_session(session), m_actions(new TrainingActions(this)), m_view(new NetworkView)
{
    setWindowTitle(tr("Neural Network Journey"));
    setCentralWidget(createCentralArea());
    m_controls = new ControlBar(m_actions, this);
    addToolBar(Qt::TopToolBarArea, m_controls);
    createDocks();
    createStatusBar(share);
    createMenus();
    m_presenter = new SessionPresenter(session, this);
    restoreSettings();
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::createCentralArea()
{
    auto *area = new QWidget(this);
    m_teaching = new TeachingPanel(area);
    m_viewTitle = new OneLineLabel(area);
    m_viewTitle->setObjectName(QStringLiteral("viewTitle"));
    m_container = QWidget::createWindowContainer(m_view, area);
    m_container->setMinimumSize(480, 320);
    m_container->setFocusPolicy(Qt::StrongFocus);
    auto *layout = new QVBoxLayout(area);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->setSpacing(4);
    layout->addWidget(m_teaching);
    layout->addWidget(m_viewTitle);
    layout->addWidget(m_container, 1);
    return area;
}

void MainWindow::createDocks()
{
    setDockOptions(AnimatedDocks | AllowTabbedDocks);
    m_draw = new DrawPanel(this);
    auto *drawDock = new QDockWidget(tr("Draw & predict"), this);
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

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("About Neural Network Journey"), this, [this] {
        QMessageBox::about(
            this, tr("About Neural Network Journey"),
            tr("<b>Neural Network Journey</b> %1<br>Trains a real MNIST multi-layer perceptron and shows "
               "it learning in 3D. Browsers on the same network can watch and drive the same run.")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::createStatusBar(ShareControl *share)
{
    m_share = new ShareStatus(share, m_actions->shareOnLan, m_actions->copyJoinUrl, this);
    statusBar()->addPermanentWidget(m_share);
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
