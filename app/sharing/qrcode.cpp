#include "qrcode.h"

#ifdef NNJ_HAVE_QRENCODE
#include <qrencode.h>
#endif

#include <QPainter>

namespace QrCode {

bool isAvailable()
{
#ifdef NNJ_HAVE_QRENCODE
    return true;
#else
    return false;
#endif
}

QImage encode(const QString &text, int scale)
{
#ifdef NNJ_HAVE_QRENCODE
    QRcode *code = QRcode_encodeString(text.toUtf8().constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code)
        return {};
    constexpr int quiet = 4;
    const int side = (code->width + 2 * quiet) * scale;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            if (code->data[y * code->width + x] & 1) // bit 0: dark module
                painter.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale, Qt::black);
    QRcode_free(code);
    return image;
#else
    Q_UNUSED(text);
    Q_UNUSED(scale);
    return {};
#endif
}

} // namespace QrCode
