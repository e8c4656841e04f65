#include "chartspanel.h"

#include "colorscheme.h"
#include "confusionmatrixview.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>

namespace {

QChart *makeChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setBackgroundBrush(colorscheme::panel);
    chart->setBackgroundRoundness(6);
    chart->setTitleBrush(colorscheme::text);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setLabelColor(colorscheme::mutedText);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    return chart;
}

QValueAxis *makeAxis(const QString &title, const QString &format, const QColor &color)
{
    auto *axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(format);
    axis->setLabelsColor(colorscheme::mutedText);
    axis->setTitleBrush(color);
    axis->setGridLineColor(colorscheme::panelBorder);
    axis->setLinePenColor(colorscheme::panelBorder);
    axis->setTickCount(5);
    return axis;
}

QLineSeries *makeLine(const QString &name, const QColor &color)
{
    auto *series = new QLineSeries;
    series->setName(name);
    series->setPen(QPen(color, 1.6));
    return series;
}

QChartView *makeView(QChart *chart, QWidget *parent)
{
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(170);
    view->setBackgroundBrush(colorscheme::background);
    return view;
}

} // namespace

ChartsPanel::ChartsPanel(QWidget *parent)
    : QWidget(parent), m_batchChart(makeChart(tr("Training: loss and batch accuracy"))),
      m_epochChart(makeChart(tr("Test set per epoch"))), m_loss(makeLine(tr("Loss"), colorscheme::orange)),
      m_accuracy(makeLine(tr("Batch accuracy"), colorscheme::cyan)),
      m_testAccuracy(makeLine(tr("Test accuracy"), colorscheme::green)), m_testAccuracyPoints(new QScatterSeries),
      m_testLoss(makeLine(tr("Test loss"), colorscheme::orange)),
      m_batchAxis(makeAxis(tr("reported batch"), QStringLiteral("%d"), colorscheme::mutedText)),
      m_lossAxis(makeAxis(tr("loss"), QStringLiteral("%.2f"), colorscheme::orange)),
      m_accuracyAxis(makeAxis(tr("accuracy %"), QStringLiteral("%d"), colorscheme::cyan)),
      m_epochAxis(makeAxis(tr("epoch"), QStringLiteral("%d"), colorscheme::mutedText)),
      m_epochAccuracyAxis(makeAxis(tr("test accuracy %"), QStringLiteral("%.1f"), colorscheme::green)),
      m_epochLossAxis(makeAxis(tr("test loss"), QStringLiteral("%.3f"), colorscheme::orange)),
      m_confusion(new ConfusionMatrixView(this)), m_refresh(new QTimer(this))
{
    m_batchChart->addSeries(m_loss);
    m_batchChart->addSeries(m_accuracy);
    m_batchChart->addAxis(m_batchAxis, Qt::AlignBottom);
    m_batchChart->addAxis(m_lossAxis, Qt::AlignLeft);
    m_batchChart->addAxis(m_accuracyAxis, Qt::AlignRight);
    m_loss->attachAxis(m_batchAxis);
    m_loss->attachAxis(m_lossAxis);
    m_accuracy->attachAxis(m_batchAxis);
    m_accuracy->attachAxis(m_accuracyAxis);
    m_accuracyAxis->setRange(0, 100);
    m_lossAxis->setRange(0, 2.5);
    m_batchAxis->setRange(0, 10);

    m_testAccuracyPoints->setName(tr("Test accuracy"));
    m_testAccuracyPoints->setColor(colorscheme::green);
    m_testAccuracyPoints->setBorderColor(colorscheme::green);
    m_testAccuracyPoints->setMarkerSize(8);
    m_epochChart->addSeries(m_testAccuracy);
    m_epochChart->addSeries(m_testAccuracyPoints);
    m_epochChart->addSeries(m_testLoss);
    m_epochChart->addAxis(m_epochAxis, Qt::AlignBottom);
    m_epochChart->addAxis(m_epochAccuracyAxis, Qt::AlignLeft);
    m_epochChart->addAxis(m_epochLossAxis, Qt::AlignRight);
    for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(m_testAccuracy), static_cast<QAbstractSeries *>(m_testAccuracyPoints)}) {
        series->attachAxis(m_epochAxis);
        series->attachAxis(m_epochAccuracyAxis);
    }
    m_testLoss->attachAxis(m_epochAxis);
    m_testLoss->attachAxis(m_epochLossAxis);
    m_epochChart->legend()->markers(m_testAccuracyPoints).first()->setVisible(false);
    m_epochAxis->setRange(0, 3);
    m_epochAxis->setTickCount(4);
    m_epochAccuracyAxis->setRange(80, 100);
    m_epochLossAxis->setRange(0, 0.5);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(makeView(m_batchChart, this), 5);
    layout->addWidget(makeView(m_epochChart, this), 3);
    layout->addWidget(m_confusion, 2);

    m_refresh->setInterval(250);
    connect(m_refresh, &QTimer::timeout, this, &ChartsPanel::refresh);
    m_refresh->start();
}

ChartsPanel::~ChartsPanel() = default;

void ChartsPanel::setHistory(const server::TrainingHistory &history)
{
    m_history = history;
    m_dirty = true;
}

void ChartsPanel::setConfusion(const std::optional<core::ConfusionMatrix> &matrix)
{
    m_confusion->setMatrix(matrix);
}

void ChartsPanel::flush()
{
    m_dirty = true;
    refresh();
}

int ChartsPanel::lossPointCount() const
{
    return int(m_loss->count());
}

int ChartsPanel::testPointCount() const
{
    return int(m_testAccuracy->count());
}

void ChartsPanel::refresh()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    QList<QPointF> loss, accuracy, testAccuracy, testLoss;
    const int stride = std::max(1, m_history.stride);
    float largestLoss = 0.5f;
    for (int i = 0; i < m_history.loss.size(); ++i) {
        loss.append(QPointF(double(i) * stride, double(m_history.loss[i])));
        largestLoss = std::max(largestLoss, std::isfinite(m_history.loss[i]) ? m_history.loss[i] : 0.0f);
    }
    for (int i = 0; i < m_history.accuracy.size(); ++i)
        accuracy.append(QPointF(double(i) * stride, double(m_history.accuracy[i]) * 100.0));
    float lowest = 100, largestTestLoss = 0.05f;
    for (int i = 0; i < m_history.testAccuracy.size(); ++i) {
        testAccuracy.append(QPointF(i + 1, double(m_history.testAccuracy[i]) * 100.0));
        lowest = std::min(lowest, m_history.testAccuracy[i] * 100.0f);
    }
    for (int i = 0; i < m_history.testLoss.size(); ++i) {
        testLoss.append(QPointF(i + 1, double(m_history.testLoss[i])));
        largestTestLoss = std::max(largestTestLoss, m_history.testLoss[i]);
    }
    m_loss->replace(loss);
    m_accuracy->replace(accuracy);
    m_testAccuracy->replace(testAccuracy);
    m_testAccuracyPoints->replace(testAccuracy);
    m_testLoss->replace(testLoss);
    m_batchAxis->setRange(0, std::max(10.0, loss.isEmpty() ? 10.0 : loss.last().x()));
    m_lossAxis->setRange(0, std::min(10.0, double(largestLoss) * 1.1));
    m_epochAxis->setRange(0, std::max<qsizetype>(3, testAccuracy.size()));
    m_epochAxis->setTickCount(int(std::max<qsizetype>(3, testAccuracy.size())) + 1);
    m_epochAccuracyAxis->setRange(std::clamp(std::floor((double(lowest) - 1.0) / 5.0) * 5.0, 0.0, 95.0), 100);
    m_epochLossAxis->setRange(0, double(largestTestLoss) * 1.2);
}
