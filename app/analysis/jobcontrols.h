// The row of controls a learning view's background job has: its parameters, a Run button, Cancel
// and a progress bar fed by the job worker. The parameters and Run are disabled while the job runs,
// Cancel only works then, and the bar shows progress only for this view's job (the worker is shared).
#pragma once

#include <QList>
#include <QWidget>

class AnalysisWorker;
class QProgressBar;
class QPushButton;

class JobControls : public QWidget
{
    Q_OBJECT
public:
    JobControls(const QString &runText, const QList<QWidget *> &parameters, AnalysisWorker *jobs,
                QWidget *parent = nullptr);

    void setRunning(bool running);
    bool isRunning() const { return m_running; }

signals:
    void runClicked();
    void cancelClicked();

private:
    QList<QWidget *> m_parameters;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    bool m_running = false;
};
