// The loss landscape around the current weights: the mean test loss over a plane of two random,
// filter-normalised directions, computed on the job worker (progress, Cancel), drawn as a shaded
// 3D surface coloured by loss that the mouse rotates, with the run's path projected onto the
// plane and the current weights (the centre) marked.
#pragma once

#include "analysis/landscape.h"
#include "analysissource.h"

#include <QWidget>

#include <optional>

class AnalysisWorker;
class JobControls;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

struct LandscapeResult
{
    core::LossLandscape landscape;
    core::Trajectory trajectory;
    float span = 1;
    bool cancelled = false;
};

class LandscapeView : public QWidget
{
    Q_OBJECT
public:
    LandscapeView(AnalysisSource source, AnalysisWorker *jobs, QWidget *parent = nullptr);
    ~LandscapeView() override;

    void setSettings(const core::LandscapeSettings &settings);
    void start();
    void cancel();
    bool isRunning() const;
    const std::optional<LandscapeResult> &result() const { return m_result; }
    QWidget *surface() const { return m_surface; }

signals:
    void finished(bool cancelled);

private:
    AnalysisSource m_source;
    AnalysisWorker *m_jobs;
    QSpinBox *m_grid;
    QDoubleSpinBox *m_span;
    QSpinBox *m_samples;
    JobControls *m_controls;
    QLabel *m_summary;
    QWidget *m_surface; // LandscapeSurface
    std::optional<LandscapeResult> m_result;
};
