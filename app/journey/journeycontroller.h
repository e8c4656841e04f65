// Feeds the JourneyTracker from the window's real events — teaching cards, the forward sweep,
// the inspector, drawings, the learning views, epochs and verdicts of the shared run — saves the
// progress after each change and toasts the achievements. Decides nothing itself.
#pragma once

#include "architecture.h"

#include <QObject>

namespace server {
class Session;
}
class MainWindow;

class JourneyController : public QObject
{
    Q_OBJECT
public:
    JourneyController(server::Session &session, MainWindow *window);
    ~JourneyController() override;

private:
    void connectSession();
    void connectWindow();
    void connectLearningViews();
    void save() const;

    server::Session &m_session;
    MainWindow *m_window;
    core::Architecture m_architecture; // the last one seen, to notice a change
};
