#include "histogramsview.h"

#include "analysispaint.h"
#include "analysisworker.h"
#include "colorscheme.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

HistogramsView::HistogramsView(AnalysisSource source, AnalysisWorker *worker, QWidget *parent)
    : QWidget(parent), m_source(std::move(source)), m_worker(worker)
{
    setMinimumSize(480, 320);
    setMouseTracking(true);
    setToolTip(tr("Dead: a ReLU neuron that gives 0 for every one of the first %1 test images. Saturated: a sigmoid "
                  "or tanh neuron stuck at its limit on 90% of them. Click the count to mark them in the 3D view.")
                   .arg(kImages));
    refresh();
}

HistogramsView::~HistogramsView() = default;

void HistogramsView::refresh()
{
    const auto network = m_source.weights ? m_source.weights() : nullptr;
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    if (!network || !mnist) {
        m_message = tr("The histograms need MNIST, which loads when training starts: press Train once.");
        update();
        return;
    }
    if (m_pending) {
        m_again = true;
        return;
    }
    m_pending = true;
    m_worker->submit<std::vector<core::LayerHistograms>>(
        [network, mnist](const AnalysisWorker::Progress &) {
            return core::layerHistograms(*network, mnist->test, kImages, kBins);
        },
        [this](const std::vector<core::LayerHistograms> &layers) {
            m_pending = false;
            m_layers = layers;
            m_message.clear();
            update();
            emit histogramsReady();
            if (m_again) {
                m_again = false;
                refresh();
            }
        });
}

QRect HistogramsView::unitsLinkRect(int layerIndex) const
{
    return layerIndex >= 0 && layerIndex < int(m_links.size()) ? m_links[std::size_t(layerIndex)] : QRect();
}

void HistogramsView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QColor textColor = palette().color(QPalette::WindowText);
    painter.setPen(textColor);
    m_links.assign(m_layers.size(), QRect());
    if (m_layers.empty()) {
        analysispaint::centeredMessage(painter, rect(), m_message.isEmpty() ? tr("Computing…") : m_message);
        return;
    }
    QFont small = font();
    small.setPointSizeF(std::max(6.5, font().pointSizeF() * 0.85));
    painter.setFont(small);
    const QFontMetrics metrics(small);
    const int line = metrics.height();
    const int header = line + 6;
    painter.drawText(QRect(6, 0, width() - 12, header), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Bars: how many values fall in each range (square-root height so rare values show) · "
                        "activations and gradients on the first %1 test images")
                         .arg(kImages));
    const int rows = int(m_layers.size());
    const int columns = 4;
    const int labelWidth = 92;
    const qreal cellWidth = (width() - labelWidth - 8) / qreal(columns);
    const qreal cellHeight = (height() - header - 4) / qreal(rows);
    const QString kinds[] = {tr("weights"), tr("biases"), tr("activations"), tr("weight gradients")};
    const QLocale locale;
    for (int row = 0; row < rows; ++row) {
        const core::LayerHistograms &layer = m_layers[std::size_t(row)];
        const qreal top = header + row * cellHeight;
        painter.setPen(textColor);
        QString name = layer.hidden ? tr("Layer %1\nhidden").arg(row + 1) : tr("Layer %1\noutput").arg(row + 1);
        painter.drawText(QRectF(4, top + 4, labelWidth - 8, 2 * line + 4), Qt::AlignLeft | Qt::AlignTop, name);
        if (layer.hidden) {
            const bool relu = layer.activation == core::Activation::ReLU;
            const std::vector<int> &units = relu ? layer.deadUnits : layer.saturatedUnits;
            const QString text = relu ? tr("dead: %1").arg(units.size()) : tr("saturated: %1").arg(units.size());
            const QRect link(4, int(top + 2 * line + 10), labelWidth - 8, line + 4);
            painter.setPen(units.empty() ? colorscheme::mutedText : colorscheme::orange);
            QFont underlined = small;
            underlined.setUnderline(!units.empty());
            painter.setFont(underlined);
            painter.drawText(link, Qt::AlignLeft | Qt::AlignVCenter, text);
            painter.setFont(small);
            if (!units.empty())
                m_links[std::size_t(row)] = link;
        }
        const core::Histogram *histograms[]
            = {&layer.weights, &layer.biases, &layer.activations, &layer.weightGradients};
        for (int column = 0; column < columns; ++column) {
            const core::Histogram &h = *histograms[column];
            const QRectF cell(labelWidth + column * cellWidth, top, cellWidth - 8, cellHeight - 6);
            painter.setPen(colorscheme::panelBorder);
            painter.drawRect(cell);
            painter.setPen(textColor);
            painter.drawText(cell.adjusted(4, 2, -4, 0), Qt::AlignLeft | Qt::AlignTop,
                             tr("%1 · %2 values").arg(kinds[column], locale.toString(qlonglong(h.total()))));
            const QRectF plot = cell.adjusted(4, line + 4, -4, -line - 4);
            std::int64_t largest = 0;
            for (std::int64_t c : h.counts)
                largest = std::max(largest, c);
            if (largest > 0 && plot.height() > 4) {
                const qreal barWidth = plot.width() / qreal(h.counts.size());
                for (std::size_t b = 0; b < h.counts.size(); ++b) {
                    const qreal height = std::sqrt(double(h.counts[b]) / double(largest)) * plot.height();
                    // Bins below zero in blue, above in orange: the signed colours.
                    const float centre
                        = h.counts.size() == 1
                              ? h.minimum
                              : h.minimum + (h.maximum - h.minimum) * (float(b) + 0.5f) / float(h.counts.size());
                    painter.fillRect(
                        QRectF(plot.left() + b * barWidth, plot.bottom() - height, std::max(1.0, barWidth - 1), height),
                        centre < 0 ? colorscheme::negative : colorscheme::positive);
                }
            }
            painter.setPen(colorscheme::mutedText);
            const QRectF axis(plot.left(), plot.bottom() + 2, plot.width(), line);
            painter.drawText(axis, Qt::AlignLeft | Qt::AlignVCenter, QString::number(double(h.minimum), 'g', 3));
            painter.drawText(axis, Qt::AlignRight | Qt::AlignVCenter, QString::number(double(h.maximum), 'g', 3));
            if (h.nonFinite > 0)
                painter.drawText(axis, Qt::AlignCenter, tr("%1 not finite").arg(h.nonFinite));
        }
    }
}

void HistogramsView::mousePressEvent(QMouseEvent *event)
{
    for (std::size_t row = 0; row < m_links.size() && row < m_layers.size(); ++row) {
        if (!m_links[row].contains(event->position().toPoint()))
            continue;
        const core::LayerHistograms &layer = m_layers[row];
        const std::vector<int> &units
            = layer.activation == core::Activation::ReLU ? layer.deadUnits : layer.saturatedUnits;
        std::vector<NeuronId> ids;
        for (int unit : units)
            ids.push_back({layer.layerIndex + 1, unit});
        emit neuronsChosen(ids);
        return;
    }
}

void HistogramsView::mouseMoveEvent(QMouseEvent *event)
{
    const bool overLink = std::any_of(m_links.begin(), m_links.end(),
                                      [&](const QRect &link) { return link.contains(event->position().toPoint()); });
    setCursor(overLink ? Qt::PointingHandCursor : Qt::ArrowCursor);
}
