// Drawing helpers shared by the learning views: signed 28x28 images and colour legends.
#pragma once

#include <QImage>
#include <QRectF>
#include <QString>

#include <functional>

class QPainter;

namespace analysispaint {

// side x side values (row-major) as an image: signed colours, divided by `scale` (> 0).
QImage signedImage(const float *values, int side, float scale);
// side x side values in 0..1 as a grey image (an input image).
QImage grayImage(const float *values, int side);
QImage grayImage(const unsigned char *pixels, int side);
// A horizontal colour bar from `colorAt(0)` to `colorAt(1)`, labelled with the two end values
// and a caption above it.
void legend(QPainter &painter, const QRectF &rect, const std::function<QColor(float)> &colorAt, const QString &low,
            const QString &high, const QString &caption);
// Text in the middle of a widget (an empty view says why).
void centeredMessage(QPainter &painter, const QRectF &rect, const QString &text);

} // namespace analysispaint
