#include "comparisonview.h"

#include "analysisworker.h"
#include "probabilitybars.h"

#include <QGridLayout>
#include <QLabel>

namespace {

QString metricsText(const QString &title, const core::SubsetMetrics &m)
{
    return QObject::tr("<b>%1</b><br>accuracy <b>%2%</b><br>loss (cross-entropy) <b>%3</b><br>mean confidence "
                       "<b>%4%</b>")
        .arg(title)
        .arg(double(m.accuracy) * 100, 0, 'f', 1)
        .arg(double(m.loss), 0, 'f', 3)
        .arg(double(m.meanConfidence) * 100, 0, 'f', 1);
}

} // namespace

ComparisonView::ComparisonView(AnalysisSource source, AnalysisWorker *worker, QWidget *parent)
    : QWidget(parent), m_source(std::move(source)), m_worker(worker), m_initialText(new QLabel(this)),
      m_currentText(new QLabel(this)), m_drawingText(new QLabel(this)), m_initialBars(new ProbabilityBars(this)),
      m_currentBars(new ProbabilityBars(this))
{
    auto *intro = new QLabel(tr("The same network before training (its starting weights) and now, on the first %1 "
                                "test images. Mean confidence: the average probability it gives its own answer.")
                                 .arg(kImages),
                             this);
    intro->setWordWrap(true);
    intro->setObjectName(QStringLiteral("caption"));
    m_drawingText->setWordWrap(true);
    auto *layout = new QGridLayout(this);
    layout->addWidget(intro, 0, 0, 1, 2);
    layout->addWidget(m_initialText, 1, 0);
    layout->addWidget(m_currentText, 1, 1);
    layout->addWidget(m_drawingText, 2, 0, 1, 2);
    layout->addWidget(m_initialBars, 3, 0);
    layout->addWidget(m_currentBars, 3, 1);
    layout->setRowStretch(3, 1);
    refresh();
    showDrawing();
}

ComparisonView::~ComparisonView() = default;

void ComparisonView::refresh()
{
    const auto initial = m_source.initialWeights ? m_source.initialWeights() : nullptr;
    const auto current = m_source.weights ? m_source.weights() : nullptr;
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    showDrawing();
    if (!initial || !current || !mnist) {
        m_initialText->setText(tr("<b>Untrained</b><br>needs MNIST: it loads when training starts."));
        m_currentText->setText(tr("<b>Current</b>"));
        return;
    }
    if (m_pending) {
        m_again = true;
        return;
    }
    m_pending = true;
    m_worker->submit<core::NetworkComparison>(
        [initial, current, mnist](const AnalysisWorker::Progress &) {
            return core::compareNetworks(*initial, *current, mnist->test, core::subsetSize(mnist->test, kImages));
        },
        [this](const core::NetworkComparison &comparison) {
            m_pending = false;
            m_comparison = comparison;
            m_initialText->setText(metricsText(tr("Untrained (starting weights)"), comparison.initial));
            m_currentText->setText(metricsText(tr("Current network"), comparison.current));
            emit comparisonReady();
            if (m_again) {
                m_again = false;
                refresh();
            }
        });
}

void ComparisonView::setDrawing(const std::optional<std::array<float, 784>> &pixels)
{
    m_drawing = pixels;
    showDrawing();
}

void ComparisonView::showDrawing()
{
    const auto initial = m_source.initialWeights ? m_source.initialWeights() : nullptr;
    const auto current = m_source.weights ? m_source.weights() : nullptr;
    if (!m_drawing || !initial || !current) {
        m_drawingText->setText(tr("Draw a digit (Draw & predict) to see both networks' probabilities for it."));
        m_initialBars->clear();
        m_currentBars->clear();
        return;
    }
    // One image through two small networks: as cheap as the drawing panel's own prediction.
    const core::Prediction before = initial->predict(m_drawing->data());
    const core::Prediction now = current->predict(m_drawing->data());
    m_initialBars->setProbabilities(before.probabilities);
    m_currentBars->setProbabilities(now.probabilities);
    m_drawingText->setText(tr("Your drawing: the untrained network says <b>%1</b> (%2%), the current one <b>%3</b> "
                              "(%4%). Bars: probability of each digit.")
                               .arg(before.digit)
                               .arg(double(before.probabilities[std::size_t(before.digit)]) * 100, 0, 'f', 0)
                               .arg(now.digit)
                               .arg(double(now.probabilities[std::size_t(now.digit)]) * 100, 0, 'f', 0));
}
