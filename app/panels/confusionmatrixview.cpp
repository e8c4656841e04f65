#include "confusionmatrixview.h"

#include "colorscheme.h"

#include <QMouseEvent>
#include <QPainter>

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(200, 180);
    setToolTip(tr("Rows: true digit · columns: predicted digit (test set, last epoch)"));
}

ConfusionMatrixView::~ConfusionMatrixView() = default;

void ConfusionMatrixView::setMatrix(const std::optional<core::ConfusionMatrix> &matrix)
{
    m_matrix = matrix;
    update();
}

void ConfusionMatrixView::setSelectedCell(int trueLabel, int predicted)
{
    m_selectedRow = trueLabel;
    m_selectedColumn = predicted;
    update();
}

QRectF ConfusionMatrixView::cellRect(int trueLabel, int predicted) const
{
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.8));
    const QFontMetrics metrics(small);
    const int title = metrics.height() + 4;
    const int margin = metrics.horizontalAdvance(QStringLiteral("0")) + 10;
    const qreal cell = std::max(4.0, std::min((width() - margin - 4) / 10.0, (height() - margin - title - 4) / 10.0));
    return {margin + predicted * cell, margin + title + trueLabel * cell, cell - 1, cell - 1};
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent *event)
{
    if (!m_clickable || !m_matrix)
        return QWidget::mousePressEvent(event);
    for (int row = 0; row < 10; ++row)
        for (int column = 0; column < 10; ++column)
            if (cellRect(row, column).contains(event->position())) {
                setSelectedCell(row, column);
                emit cellClicked(row, column);
                return;
            }
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.8));
    painter.setFont(small);
    const QFontMetrics metrics(small);
    const int title = metrics.height() + 4;
    const int margin = metrics.horizontalAdvance(QStringLiteral("0")) + 10;
    const qreal cell = cellRect(0, 1).left() - cellRect(0, 0).left();
    const QPointF origin(margin, margin + title);
    // The light theme (as the charts and the drawing pad): light empty cells and dark text.
    const bool light = palette().color(QPalette::Window).lightness() > 128;
    const QColor empty = light ? QColor(0xe2, 0xe8, 0xf0) : colorscheme::idle;
    const QColor text = light ? palette().color(QPalette::WindowText) : colorscheme::text;
    const QColor muted = light ? QColor(0x47, 0x55, 0x69) : colorscheme::mutedText;
    painter.setPen(muted);
    painter.drawText(QRectF(0, 0, width(), title), Qt::AlignLeft | Qt::AlignVCenter,
                     m_matrix ? tr("Confusion matrix (test set) · rows true, columns predicted")
                              : tr("Confusion matrix: after the first epoch"));
    for (int i = 0; i < 10; ++i) {
        painter.setPen(muted);
        painter.drawText(QRectF(origin.x() + i * cell, title, cell, margin), Qt::AlignCenter, QString::number(i));
        painter.drawText(QRectF(0, origin.y() + i * cell, margin - 4, cell), Qt::AlignRight | Qt::AlignVCenter,
                         QString::number(i));
    }
    for (int row = 0; row < 10; ++row) {
        long long total = 0;
        if (m_matrix)
            for (int column = 0; column < 10; ++column)
                total += (*m_matrix)[row][column];
        for (int column = 0; column < 10; ++column) {
            const QRectF r(origin.x() + column * cell, origin.y() + row * cell, cell - 1, cell - 1);
            const int count = m_matrix ? (*m_matrix)[row][column] : 0;
            const float share = total > 0 ? float(count) / float(total) : 0.0f;
            const QColor hot = row == column ? colorscheme::teal : colorscheme::orange;
            // Off-diagonal errors are rare; a square-root scale keeps them visible.
            const float shade = row == column ? share : std::min(1.0f, std::sqrt(share) * 1.6f);
            painter.fillRect(r, colorscheme::mix(empty, hot, shade));
            if (m_matrix && cell >= 22) {
                painter.setPen(shade > 0.55f ? colorscheme::background : text);
                painter.drawText(r, Qt::AlignCenter, QString::number(count));
            }
            if (row == m_selectedRow && column == m_selectedColumn) {
                painter.setPen(QPen(text, 2));
                painter.drawRect(r.adjusted(1, 1, -1, -1));
            }
        }
    }
}
