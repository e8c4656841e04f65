#include "randomstepsview.h"

#include "analysisworker.h"
#include "colorscheme.h"
#include "jobcontrols.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

RandomStepsView::RandomStepsView(AnalysisSource source, AnalysisWorker *jobs, QWidget *parent)
    : QWidget(parent), m_source(std::move(source)), m_jobs(jobs), m_steps(new QSpinBox(this)),
      m_controls(new JobControls(tr("Run"), {m_steps}, jobs, this)), m_summary(new QLabel(this)), m_chart(new QChart),
      m_sgd(new QLineSeries), m_random(new QLineSeries), m_x(new QValueAxis), m_y(new QValueAxis)
{
    m_steps->setRange(1, 2000);
    m_steps->setValue(100);
    m_steps->setPrefix(tr("steps: "));
    connect(m_controls, &JobControls::runClicked, this, &RandomStepsView::start);
    connect(m_controls, &JobControls::cancelClicked, this, &RandomStepsView::cancel);
    m_summary->setWordWrap(true);
    m_summary->setText(tr("Does the gradient matter? Both start from the run's starting weights and see the same "
                          "training batches; every random step is exactly as long as the gradient step, only its "
                          "direction is random."));

    m_chart->setBackgroundBrush(colorscheme::panel);
    m_chart->setTitleBrush(colorscheme::text);
    m_chart->legend()->setLabelColor(colorscheme::mutedText);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setTitle(tr("Loss on each training batch, before the step"));
    m_sgd->setName(tr("gradient descent (SGD)"));
    m_sgd->setPen(QPen(colorscheme::cyan, 1.8));
    m_random->setName(tr("random direction, same step length"));
    m_random->setPen(QPen(colorscheme::orange, 1.8));
    m_chart->addSeries(m_sgd);
    m_chart->addSeries(m_random);
    for (QValueAxis *axis : {m_x, m_y}) {
        axis->setLabelsColor(colorscheme::mutedText);
        axis->setGridLineColor(colorscheme::panelBorder);
        axis->setLinePenColor(colorscheme::panelBorder);
        axis->setTitleBrush(colorscheme::mutedText);
    }
    m_x->setTitleText(tr("step"));
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_y->setTitleText(tr("loss (cross-entropy)"));
    m_y->setLabelFormat(QStringLiteral("%.2f"));
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    for (QLineSeries *series : {m_sgd, m_random}) {
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    }
    auto *view = new QChartView(m_chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setBackgroundBrush(colorscheme::background);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_controls);
    layout->addWidget(view, 1);
}

RandomStepsView::~RandomStepsView() = default;

void RandomStepsView::setSteps(int steps)
{
    m_steps->setValue(steps);
}

bool RandomStepsView::isRunning() const
{
    return m_controls->isRunning();
}

void RandomStepsView::start()
{
    const auto initial = m_source.initialWeights ? m_source.initialWeights() : nullptr;
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    if (isRunning())
        return;
    if (!initial || !mnist) {
        m_summary->setText(tr("This needs the MNIST training images, which load when training starts: press Train "
                              "once."));
        return;
    }
    core::RandomStepsSettings settings;
    settings.steps = m_steps->value();
    settings.learningRate = m_source.learningRate ? m_source.learningRate() : 0.01f;
    settings.batchSize = m_source.batchSize ? m_source.batchSize() : 64;
    m_controls->setRunning(true);
    m_jobs->submit<core::RandomStepsResult>(
        [initial, mnist, settings](const AnalysisWorker::Progress &progress) {
            return core::compareRandomSteps(*initial, mnist->train, settings, progress);
        },
        [this, settings](const core::RandomStepsResult &result) {
            m_controls->setRunning(false);
            if (result.cancelled) {
                m_summary->setText(tr("Cancelled."));
                emit finished(true);
                return;
            }
            QList<QPointF> sgd, random;
            float high = 0;
            for (int k = 0; k < result.stepsTaken; ++k) {
                sgd.append(QPointF(k, double(result.sgdLoss[std::size_t(k)])));
                random.append(QPointF(k, double(result.randomLoss[std::size_t(k)])));
                for (float v : {result.sgdLoss[std::size_t(k)], result.randomLoss[std::size_t(k)]})
                    if (std::isfinite(v))
                        high = std::max(high, v);
            }
            m_sgd->replace(sgd);
            m_random->replace(random);
            m_x->setRange(0, std::max(1, result.stepsTaken - 1));
            m_y->setRange(0, high > 0 ? double(high) * 1.05 : 1.0);
            if (result.stepsTaken > 0)
                m_summary->setText(tr("After %1 steps (learning rate %2, batches of %3): SGD's batch loss went from "
                                      "<b>%4</b> to <b>%5</b>, the random walk's to <b>%6</b>.")
                                       .arg(result.stepsTaken)
                                       .arg(double(settings.learningRate))
                                       .arg(settings.batchSize)
                                       .arg(double(result.sgdLoss.front()), 0, 'f', 3)
                                       .arg(double(result.sgdLoss.back()), 0, 'f', 3)
                                       .arg(double(result.randomLoss.back()), 0, 'f', 3));
            emit finished(false);
        });
}

void RandomStepsView::cancel()
{
    if (!isRunning())
        return;
    m_jobs->cancel(); // its result is dropped: the view is free again now
    m_controls->setRunning(false);
    m_summary->setText(tr("Cancelled."));
    emit finished(true);
}
