// The desktop window. It only assembles: the 3D view, the control bar, the draw, inspector,
// charts and learning-views docks, the teaching panel, menus and the status bar; SessionPresenter wires them to
// the shared server::Session. Remembers its layout and choices with QSettings.
#pragma once

#include <QMainWindow>

namespace server {
class Session;
}
class ChartsPanel;
class ControlBar;
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

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *createCentralArea();
    void createDocks();
    void createMenus();
    void createStatusBar(ShareControl *share);
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
};
