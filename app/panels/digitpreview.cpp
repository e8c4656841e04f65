#include "digitpreview.h"

#include "colorscheme.h"

#include <QPainter>

#include <cmath>

DigitPreview::DigitPreview(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(84, 84);
    setValues(std::vector<float>(784, 0.0f));
}

DigitPreview::~DigitPreview() = default;

void DigitPreview::setValues(const std::vector<float> &values, int side, Scale scale)
{
    if (side <= 0 || int(values.size()) < side * side)
        return;
    m_image = QImage(side, side, QImage::Format_RGB32);
    float largest = 1.0f;
    if (scale == Scale::Signed) {
        largest = 0;
        for (float v : values)
            largest = std::max(largest, std::isfinite(v) ? std::abs(v) : 0.0f);
        largest = largest > 0 ? largest : 1.0f;
    }
    for (int y = 0; y < side; ++y) {
        for (int x = 0; x < side; ++x) {
            const float v = values[std::size_t(y) * side + x];
            const float value = std::isfinite(v) ? v / largest : 0.0f;
            QColor c;
            if (scale == Scale::Unsigned)
                c = colorscheme::mix(Qt::black, Qt::white, value);
            else
                c = colorscheme::signedValue(value);
            m_image.setPixel(x, y, c.rgb());
        }
    }
    update();
}

void DigitPreview::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const int side = std::min(width(), height());
    const QRect target((width() - side) / 2, (height() - side) / 2, side, side);
    painter.drawImage(target, m_image); // nearest neighbour: every input pixel stays visible
    painter.setPen(QPen(colorscheme::panelBorder, 1));
    painter.drawRect(target.adjusted(0, 0, -1, -1));
}
