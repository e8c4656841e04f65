// The first-launch tour: a few short steps, each pointing at a real widget of the window (the 3D
// view, the controls, the drawing pad, the charts, the journey) with a ring around it and a note
// beside it. Next, Skip and Escape; finishing or skipping marks it seen in QSettings
// (`onboarding/done`), and Help → "Show the tour again" starts it anew.
#pragma once

#include "journeytext.h"

#include <QFrame>

class QLabel;
class QPushButton;
class QSettings;

class OnboardingTour : public QFrame
{
    Q_OBJECT
public:
    explicit OnboardingTour(QWidget *window);
    ~OnboardingTour() override;

    static bool wasSeen(QSettings &settings);
    void start();
    void next();
    void skip(); // also Escape
    int step() const { return m_step; } // -1 when not running
    int stepCount() const { return int(m_steps.size()); }
    QString targetName() const; // the objectName the current step points at
    QWidget *highlight() const { return m_ring; }
    QPushButton *nextButton() const { return m_next; }
    QPushButton *skipButton() const { return m_skip; }

signals:
    void ended();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void showStep();
    void place();
    void end();

    QWidget *m_window;
    QVector<JourneyText::TourStep> m_steps;
    int m_step = -1;
    QFrame *m_ring;
    QLabel *m_counter;
    QLabel *m_title;
    QLabel *m_text;
    QPushButton *m_next;
    QPushButton *m_skip;
};
