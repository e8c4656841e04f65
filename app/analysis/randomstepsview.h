// Gradient descent versus random steps: from the run's starting weights, on the same training
// batches, plain SGD against a walk whose every step is as long as SGD's but points in a random
// direction. Runs on the job worker with progress and Cancel; both loss curves in one chart.
#pragma once

#include "analysis/randomsteps.h"
#include "analysissource.h"

#include <QWidget>

class AnalysisWorker;
class JobControls;
class QChart;
class QLabel;
class QLineSeries;
class QSpinBox;
class QValueAxis;

class RandomStepsView : public QWidget
{
    Q_OBJECT
public:
    RandomStepsView(AnalysisSource source, AnalysisWorker *jobs, QWidget *parent = nullptr);
    ~RandomStepsView() override;

    void setSteps(int steps);
    void start();
    void cancel();
    bool isRunning() const;
    const QLineSeries *sgdSeries() const { return m_sgd; }
    const QLineSeries *randomSeries() const { return m_random; }

signals:
    void finished(bool cancelled);

private:
    AnalysisSource m_source;
    AnalysisWorker *m_jobs;
    QSpinBox *m_steps;
    JobControls *m_controls;
    QLabel *m_summary;
    QChart *m_chart;
    QLineSeries *m_sgd;
    QLineSeries *m_random;
    QValueAxis *m_x;
    QValueAxis *m_y;
};
