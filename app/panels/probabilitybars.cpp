#include "probabilitybars.h"

#include "colorscheme.h"

#include <QPainter>

#include <algorithm>

ProbabilityBars::ProbabilityBars(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(150);
}

ProbabilityBars::~ProbabilityBars() = default;

void ProbabilityBars::setProbabilities(const std::array<float, 10> &probabilities)
{
    m_probabilities = probabilities;
    m_empty = false;
    update();
}

void ProbabilityBars::clear()
{
    m_probabilities.fill(0);
    m_empty = true;
    update();
}

void ProbabilityBars::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int best
        = m_empty ? -1
                  : int(std::max_element(m_probabilities.begin(), m_probabilities.end()) - m_probabilities.begin());
    const qreal rowHeight = height() / 10.0;
    const QFontMetrics metrics(font());
    const int labelWidth = metrics.horizontalAdvance(QStringLiteral("0")) + 8;
    const int valueWidth = metrics.horizontalAdvance(QStringLiteral("100.0%")) + 6;
    const qreal barWidth = std::max(10, width() - labelWidth - valueWidth);
    for (int digit = 0; digit < 10; ++digit) {
        const QRectF row(0, digit * rowHeight, width(), rowHeight);
        const QRectF track(labelWidth, row.top() + rowHeight * 0.2, barWidth, rowHeight * 0.6);
        painter.setPen(digit == best ? colorscheme::orange : colorscheme::text);
        painter.drawText(QRectF(0, row.top(), labelWidth - 6, rowHeight), Qt::AlignRight | Qt::AlignVCenter,
                         QString::number(digit));
        painter.setPen(Qt::NoPen);
        painter.setBrush(colorscheme::idle);
        painter.drawRoundedRect(track, 3, 3);
        const float p = std::clamp(m_probabilities[digit], 0.0f, 1.0f);
        if (p > 0) {
            painter.setBrush(digit == best ? colorscheme::orange : colorscheme::cyan);
            painter.drawRoundedRect(QRectF(track.topLeft(), QSizeF(std::max(2.0, track.width() * p), track.height())),
                                    3, 3);
        }
        painter.setPen(colorscheme::mutedText);
        painter.drawText(QRectF(track.right() + 4, row.top(), valueWidth, rowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         m_empty ? QStringLiteral("–") : QStringLiteral("%1%").arg(double(p) * 100.0, 0, 'f', 1));
    }
}
