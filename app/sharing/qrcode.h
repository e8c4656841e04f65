// QR code of a URL as a QImage, through libqrencode when it was found at build time.
#pragma once

#include <QImage>
#include <QString>

namespace QrCode {
bool isAvailable();
// Black modules on white with a 4-module quiet zone, each module `scale` pixels; null image
// when libqrencode is absent or the text does not fit.
QImage encode(const QString &text, int scale = 6);
} // namespace QrCode
