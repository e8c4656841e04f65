// The journey dock: the chapters as a path, each task a line that is ticked when the tracker
// says it is done (objectName = the task id, dynamic property `done`), the current chapter's
// hint, and the achievements earned so far. It only shows the JourneyTracker's state.
#pragma once

#include <QWidget>

class JourneyTracker;
class QLabel;

class JourneyPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JourneyPanel(JourneyTracker *tracker, QWidget *parent = nullptr);
    ~JourneyPanel() override;

    QString hintText() const;

public slots:
    void refresh();

protected:
    void changeEvent(QEvent *event) override; // a new theme: the ticks' colours follow it

private:
    JourneyTracker *m_tracker;
    QLabel *m_progress;
    QLabel *m_hint;
    QList<QLabel *> m_chapterTitles;
    QList<QLabel *> m_tasks;
    QList<QLabel *> m_achievements;
};
