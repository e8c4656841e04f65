// "Learning views": the features gallery, histograms, mistakes, trained vs untrained, gradient
// descent vs random steps, the loss landscape and the weight painter, as tabs. Owns two
// workers: a quick one for the views that follow training live (only the visible tab refreshes,
// at most twice a second) and one for the long jobs (landscape, random steps), so a long job
// never holds the live views back.
#pragma once

#include "analysissource.h"
#include "networklayout.h"

#include <QTabWidget>

#include <array>
#include <optional>

class AnalysisWorker;
class ComparisonView;
class FeaturesGallery;
class HistogramsView;
class LandscapeView;
class MistakesView;
class QTimer;
class RandomStepsView;
class WeightPainterView;

class LearningViews : public QTabWidget
{
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 500; // live refresh: at most 2 Hz

    explicit LearningViews(AnalysisSource source, QWidget *parent = nullptr);
    ~LearningViews() override;

    // The session's weights changed: the visible view refreshes (throttled).
    void weightsChanged();
    // A new epoch's confusion matrix.
    void confusionChanged();
    // The digit on the canvas (nullopt: empty canvas), for the comparison and the painter.
    void setDrawing(const std::optional<std::array<float, 784>> &pixels);
    // A neuron picked in the 3D view.
    void showNeuron(NeuronId id);

    FeaturesGallery *gallery() const { return m_gallery; }
    HistogramsView *histograms() const { return m_histograms; }
    MistakesView *mistakes() const { return m_mistakes; }
    ComparisonView *comparison() const { return m_comparison; }
    RandomStepsView *randomSteps() const { return m_randomSteps; }
    LandscapeView *landscape() const { return m_landscape; }
    WeightPainterView *painter() const { return m_painter; }
    AnalysisWorker *worker() const { return m_worker; }
    AnalysisWorker *jobs() const { return m_jobs; }
    int refreshes() const { return m_refreshes; } // live refreshes done (tests, bench)

signals:
    void neuronChosen(NeuronId id); // select it in 3D and the inspector
    void neuronsHighlighted(const std::vector<NeuronId> &neurons); // mark them in 3D
    void inputChosen(const std::vector<float> &pixels, const QString &caption); // make it the input

protected:
    void showEvent(QShowEvent *event) override;

private:
    void refreshVisible();

    AnalysisSource m_source;
    AnalysisWorker *m_worker;
    AnalysisWorker *m_jobs;
    FeaturesGallery *m_gallery;
    HistogramsView *m_histograms;
    MistakesView *m_mistakes;
    ComparisonView *m_comparison;
    RandomStepsView *m_randomSteps;
    LandscapeView *m_landscape;
    WeightPainterView *m_painter;
    QTimer *m_throttle;
    bool m_stale = true; // weights changed since the visible tab last refreshed
    int m_refreshes = 0;
};
