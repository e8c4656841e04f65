#include "analysispaint.h"

#include "colorscheme.h"

#include <QPainter>

#include <cmath>

namespace analysispaint {

QImage signedImage(const float *values, int side, float scale)
{
    QImage image(side, side, QImage::Format_RGB32);
    const float inverse = scale > 0 ? 1.0f / scale : 1.0f;
    for (int y = 0; y < side; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < side; ++x) {
            const float v = values[y * side + x];
            line[x] = colorscheme::signedValue(std::isfinite(v) ? std::clamp(v * inverse, -1.0f, 1.0f) : 0.0f).rgb();
        }
    }
    return image;
}

QImage grayImage(const float *values, int side)
{
    QImage image(side, side, QImage::Format_RGB32);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int g = int(std::clamp(values[y * side + x], 0.0f, 1.0f) * 255.0f + 0.5f);
            image.setPixel(x, y, qRgb(g, g, g));
        }
    return image;
}

QImage grayImage(const unsigned char *pixels, int side)
{
    QImage image(side, side, QImage::Format_RGB32);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int g = pixels[y * side + x];
            image.setPixel(x, y, qRgb(g, g, g));
        }
    return image;
}

void legend(QPainter &painter, const QRectF &rect, const std::function<QColor(float)> &colorAt, const QString &low,
            const QString &high, const QString &caption)
{
    const QFontMetricsF metrics(painter.font());
    const qreal line = metrics.height();
    const QRectF bar(rect.left(), rect.top() + line + 2, rect.width(), std::max(6.0, rect.height() - 2 * line - 4));
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 10; ++i)
        gradient.setColorAt(i / 10.0, colorAt(float(i) / 10.0f));
    painter.fillRect(bar, gradient);
    painter.setPen(painter.pen().color());
    const QColor textColor = painter.pen().color();
    painter.setPen(textColor);
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line), Qt::AlignLeft | Qt::AlignVCenter, caption);
    painter.drawText(QRectF(rect.left(), bar.bottom() + 2, rect.width(), line), Qt::AlignLeft | Qt::AlignVCenter, low);
    painter.drawText(QRectF(rect.left(), bar.bottom() + 2, rect.width(), line), Qt::AlignRight | Qt::AlignVCenter,
                     high);
}

void centeredMessage(QPainter &painter, const QRectF &rect, const QString &text)
{
    painter.drawText(rect.adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, text);
}

} // namespace analysispaint
