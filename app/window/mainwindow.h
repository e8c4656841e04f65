// The desktop window. It only assembles: the 3D view with its caption strip, the control bar, the
// draw, inspector, charts, journey and learning-views docks, the teaching panel, the glossary, the
// first-launch tour, menus and the status bar; SessionPresenter wires them to the shared
// server::Session and JourneyController ticks the journey. Remembers its layout and choices with
// QSettings.
#pragma once

#include <QMainWindow>

namespace server {
class Session;
}
class CaptionStrip;
class ClassGalleryPanel;
class ParticipantsPanel;
class PresenterViewSync;
class ChartsPanel;
class ControlBar;
class GlossaryWindow;
class JourneyController;
class JourneyPanel;
class JourneyTracker;
class OnboardingTour;
class Toast;
class DrawPanel;
class InspectorPanel;
class LearningViews;
class NetworkView;
class SessionPresenter;
class ShareControl;
class ShareStatus;
class TeachingPanel;
class TrainingActions;
class QLabel;
class QMenu;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(server::Session &session, ShareControl *share, QWidget *parent = nullptr);
    ~MainWindow() override;

    NetworkView *networkView() const { return m_view; }
    QWidget *viewContainer() const { return m_container; }
    TrainingActions *actions() const { return m_actions; }
    ControlBar *controlBar() const { return m_controls; }
    DrawPanel *drawPanel() const { return m_draw; }
    InspectorPanel *inspector() const { return m_inspector; }
    ChartsPanel *charts() const { return m_charts; }
    TeachingPanel *teachingPanel() const { return m_teaching; }
    ShareStatus *shareStatus() const { return m_share; }
    SessionPresenter *presenter() const { return m_presenter; }
    LearningViews *learningViews() const { return m_learning; }
    QDockWidget *learningDock() const { return m_learningDock; }
    QLabel *viewTitle() const { return m_viewTitle; }
    CaptionStrip *captions() const { return m_captions; }
    JourneyTracker *journey() const { return m_journey; }
    JourneyPanel *journeyPanel() const { return m_journeyPanel; }
    QDockWidget *journeyDock() const { return m_journeyDock; }
    OnboardingTour *tour() const { return m_tour; }
    Toast *toast() const { return m_toast; }
    GlossaryWindow *glossary(); // created on first use
    // The run's end in words (the verdict), shown above the 3D view until the next run.
    QLabel *verdictLabel() const { return m_verdict; }
    // The classroom (null without a server): who is connected and who drives, the class gallery,
    // the presenter's view sent to followers, and "Ada drives" in the status bar.
    ParticipantsPanel *participants() const { return m_participants; }
    QDockWidget *participantsDock() const { return m_participantsDock; }
    ClassGalleryPanel *classGallery() const { return m_classGallery; }
    QDockWidget *classGalleryDock() const { return m_classGalleryDock; }
    PresenterViewSync *presenterView() const { return m_presenterView; }
    QLabel *driverLabel() const { return m_driverLabel; }
    QAction *inviteAction() const { return m_invite; }

public slots:
    void showGlossary(const QString &termId = QString());
    void showTour();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *createCentralArea();
    void createDocks();
    void createClassroomDocks();
    void updatePresenterView();
    void createMenus();
    void createStatusBar(ShareControl *share);
    void createHelpMenu();
    void createMomentsMenu(QMenu *menu);
    void showShortcuts();
    void restoreSettings();
    void exportImage();

    server::Session &m_session;
    TrainingActions *m_actions;
    NetworkView *m_view;
    QWidget *m_container = nullptr;
    QLabel *m_viewTitle = nullptr;
    ControlBar *m_controls = nullptr;
    DrawPanel *m_draw = nullptr;
    InspectorPanel *m_inspector = nullptr;
    ChartsPanel *m_charts = nullptr;
    TeachingPanel *m_teaching = nullptr;
    ShareStatus *m_share = nullptr;
    SessionPresenter *m_presenter = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    LearningViews *m_learning = nullptr;
    QDockWidget *m_learningDock = nullptr;
    CaptionStrip *m_captions = nullptr;
    JourneyTracker *m_journey = nullptr;
    JourneyPanel *m_journeyPanel = nullptr;
    QDockWidget *m_journeyDock = nullptr;
    JourneyController *m_journeyController = nullptr;
    OnboardingTour *m_tour = nullptr;
    Toast *m_toast = nullptr;
    GlossaryWindow *m_glossary = nullptr;
    QLabel *m_verdict = nullptr;
    ShareControl *m_shareControl;
    ParticipantsPanel *m_participants = nullptr;
    QDockWidget *m_participantsDock = nullptr;
    ClassGalleryPanel *m_classGallery = nullptr;
    QDockWidget *m_classGalleryDock = nullptr;
    PresenterViewSync *m_presenterView = nullptr;
    QLabel *m_driverLabel = nullptr;
    QAction *m_invite = nullptr;
    bool m_classArrived = false; // the classroom docks opened once for the first participant
};
