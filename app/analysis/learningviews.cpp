#include "learningviews.h"

#include "analysisworker.h"
#include "comparisonview.h"
#include "featuresgallery.h"
#include "histogramsview.h"
#include "landscapeview.h"
#include "mistakesview.h"
#include "randomstepsview.h"
#include "weightpainterview.h"

#include <QTimer>

LearningViews::LearningViews(AnalysisSource source, QWidget *parent)
    : QTabWidget(parent), m_source(std::move(source)), m_worker(new AnalysisWorker(this)),
      m_jobs(new AnalysisWorker(this)), m_gallery(new FeaturesGallery(m_source, m_worker, this)),
      m_histograms(new HistogramsView(m_source, m_worker, this)),
      m_mistakes(new MistakesView(m_source, m_worker, this)),
      m_comparison(new ComparisonView(m_source, m_worker, this)),
      m_randomSteps(new RandomStepsView(m_source, m_jobs, this)),
      m_landscape(new LandscapeView(m_source, m_jobs, this)), m_painter(new WeightPainterView(m_source, this)),
      m_throttle(new QTimer(this))
{
    setObjectName(QStringLiteral("learningViews"));
    addTab(m_gallery, tr("Features"));
    addTab(m_histograms, tr("Histograms"));
    addTab(m_mistakes, tr("Mistakes"));
    addTab(m_comparison, tr("Trained vs untrained"));
    addTab(m_randomSteps, tr("Gradient vs random"));
    addTab(m_landscape, tr("Loss landscape"));
    addTab(m_painter, tr("Weight painter"));
    setDocumentMode(true);

    m_throttle->setSingleShot(true);
    m_throttle->setInterval(kRefreshMs);
    connect(m_throttle, &QTimer::timeout, this, &LearningViews::refreshVisible);
    connect(this, &QTabWidget::currentChanged, this, [this] {
        m_stale = true;
        refreshVisible();
    });
    connect(m_gallery, &FeaturesGallery::neuronChosen, this, &LearningViews::neuronChosen);
    connect(m_histograms, &HistogramsView::neuronsChosen, this, &LearningViews::neuronsHighlighted);
    connect(m_mistakes, &MistakesView::imageChosen, this, &LearningViews::inputChosen);
}

LearningViews::~LearningViews()
{
    // The workers join before the views their results would go to are gone.
    m_worker->cancel();
    m_jobs->cancel();
    delete m_worker;
    delete m_jobs;
    m_worker = m_jobs = nullptr;
}

void LearningViews::weightsChanged()
{
    m_stale = true;
    if (isVisible() && !m_throttle->isActive())
        m_throttle->start();
}

void LearningViews::confusionChanged()
{
    m_mistakes->refresh();
}

void LearningViews::setDrawing(const std::optional<std::array<float, 784>> &pixels)
{
    m_comparison->setDrawing(pixels);
    m_painter->setDrawing(pixels);
}

void LearningViews::showNeuron(NeuronId id)
{
    m_gallery->showNeuron(id);
    if (id.layer == 1)
        m_painter->setNeuron(id.index);
}

void LearningViews::showEvent(QShowEvent *event)
{
    QTabWidget::showEvent(event);
    refreshVisible();
}

void LearningViews::refreshVisible()
{
    // Hidden views cost nothing: they catch up when shown. A view whose computation is still
    // running skips this turn (its own "again" flag takes the newest weights afterwards).
    if (!m_stale || !isVisible())
        return;
    m_stale = false;
    ++m_refreshes;
    QWidget *current = currentWidget();
    if (current == m_gallery)
        m_gallery->refresh();
    else if (current == m_histograms)
        m_histograms->refresh();
    else if (current == m_mistakes)
        m_mistakes->refresh();
    else if (current == m_comparison)
        m_comparison->refresh();
    else if (current == m_painter)
        m_painter->refresh();
}
