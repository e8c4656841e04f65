// The window's commands as QActions with their shortcuts, shared by the menus and the control
// bar so every shortcut is visible in a menu. State (checked, enabled, text) follows the
// session through setState(); triggering only emits, the window forwards to the session.
#pragma once

#include <QObject>

class QAction;
class QActionGroup;

class TrainingActions : public QObject
{
    Q_OBJECT
public:
    explicit TrainingActions(QObject *parent = nullptr);
    ~TrainingActions() override;

    enum class RunState { Idle, Running, Paused };
    void setRunState(RunState state);
    RunState runState() const { return m_state; }

    QAction *playPause; // Space
    QAction *step; // Right / S
    QAction *stop; // Ctrl+.
    QAction *teaching; // T (checkable)
    QAction *connections; // C (checkable)
    QAction *particles; // P (checkable)
    QAction *learningViews; // L (checkable): the learning views dock
    QAction *architecture; // Ctrl+Shift+A
    QAction *resetCamera; // Home
    QAction *clearDrawing; // Delete
    QAction *openModel; // Ctrl+O
    QAction *saveModel; // Ctrl+S
    QAction *exportImage; // Ctrl+E
    QAction *shareOnLan; // Ctrl+L (checkable)
    QAction *copyJoinUrl; // Ctrl+Shift+C
    QAction *downloadData;
    QAction *quit; // Ctrl+Q

private:
    RunState m_state = RunState::Idle;
};
