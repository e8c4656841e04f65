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
#include <cmath>

namespace {

constexpr int kChartBuckets = 300; // the batch chart is ~600 px wide in the default window

// The batch axis ends at 10, 20, 40, 60, 80, 100, 200, ...: a growing run changes the axis (its
// labels, grid and layout) a few times per decade instead of at every refresh, and the five
// tick labels stay round.
double niceCeiling(double value)
{
    double decade = 10;
    while (true) {
        for (double step : {1.0, 2.0, 4.0, 6.0, 8.0})
            if (value <= step * decade)
                return step * decade;
        decade *= 10;
    }
}

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
    QFont font = axis->titleFont();
    font.setPointSizeF(font.pointSizeF() * 0.85); // short charts: a full-size title gets elided
    axis->setTitleFont(font);
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
      m_epochAccuracyAxis(makeAxis(tr("accuracy %"), QStringLiteral("%.1f"), colorscheme::green)),
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
    for (QAbstractSeries *series :
         {static_cast<QAbstractSeries *>(m_testAccuracy), static_cast<QAbstractSeries *>(m_testAccuracyPoints)}) {
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

QList<QPointF> ChartsPanel::envelope(const QVector<float> &values, int stride, double scale, int buckets)
{
    QList<QPointF> points;
    const qsizetype count = values.size();
    const qsizetype perBucket = std::max<qsizetype>(1, (count + buckets - 1) / buckets);
    points.reserve(perBucket == 1 ? count : 2 * ((count + perBucket - 1) / perBucket));
    for (qsizetype first = 0; first < count; first += perBucket) {
        const qsizetype end = std::min(count, first + perBucket);
        qsizetype low = -1, high = -1;
        for (qsizetype i = first; i < end; ++i) {
            if (!std::isfinite(values[i]))
                continue;
            if (low < 0 || values[i] < values[low])
                low = i;
            if (high < 0 || values[i] > values[high])
                high = i;
        }
        if (low < 0)
            continue;
        for (qsizetype i : {std::min(low, high), std::max(low, high)}) {
            points.append(QPointF(double(i) * stride, double(values[i]) * scale));
            if (low == high)
                break;
        }
    }
    return points;
}

void ChartsPanel::refresh()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    QList<QPointF> testAccuracy, testLoss;
    const int stride = std::max(1, m_history.stride);
    float largestLoss = 0.5f;
    for (float value : m_history.loss)
        largestLoss = std::max(largestLoss, std::isfinite(value) ? value : 0.0f);
    const QList<QPointF> loss = envelope(m_history.loss, stride, 1.0, kChartBuckets);
    const QList<QPointF> accuracy = envelope(m_history.accuracy, stride, 100.0, kChartBuckets);
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
    const double lastBatch = double(std::max<qsizetype>(0, m_history.loss.size() - 1)) * stride;
    m_batchAxis->setRange(0, niceCeiling(lastBatch));
    m_lossAxis->setRange(0, std::min(10.0, double(largestLoss) * 1.1));
    m_epochAxis->setRange(0, std::max<qsizetype>(3, testAccuracy.size()));
    m_epochAxis->setTickCount(int(std::max<qsizetype>(3, testAccuracy.size())) + 1);
    m_epochAccuracyAxis->setRange(std::clamp(std::floor((double(lowest) - 1.0) / 5.0) * 5.0, 0.0, 95.0), 100);
    m_epochLossAxis->setRange(0, double(largestTestLoss) * 1.2);
}

void ChartsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
    QWidget::changeEvent(event);
}

void ChartsPanel::applyPalette()
{
    // The dark theme keeps the web page's navy panels; the light one takes the palette's.
    const QPalette colors = palette();
    const bool light = colors.color(QPalette::Window).lightness() > 128;
    for (QChart *chart : {m_batchChart, m_epochChart}) {
        chart->setBackgroundBrush(light ? colors.color(QPalette::Base) : colorscheme::panel);
        chart->setTitleBrush(colors.color(QPalette::WindowText));
        for (QAbstractAxis *axis : chart->axes()) {
            axis->setLabelsColor(light ? colors.color(QPalette::WindowText) : colorscheme::mutedText);
            axis->setGridLineColor(light ? colors.color(QPalette::Midlight) : colorscheme::panelBorder);
        }
    }
    for (QChartView *view : findChildren<QChartView *>())
        view->setBackgroundBrush(colors.color(QPalette::Window));
}
