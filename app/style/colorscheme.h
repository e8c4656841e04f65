// The visual language shared with the web page: dark navy background, cyan for positive
// activity and weights, orange for negative weights and for gradients (backprop).
#pragma once

#include <QColor>

#include <algorithm>

namespace colorscheme {

inline const QColor background{0x0b, 0x10, 0x20};
inline const QColor panel{0x12, 0x1a, 0x2e};
inline const QColor panelBorder{0x23, 0x30, 0x4d};
inline const QColor text{0xe2, 0xe8, 0xf0};
inline const QColor mutedText{0x8b, 0x9b, 0xb4};
inline const QColor idle{0x1f, 0x2d, 0x48};
inline const QColor cyan{0x22, 0xd3, 0xee};
inline const QColor orange{0xfb, 0x92, 0x3c};
inline const QColor green{0x4a, 0xde, 0x80};
inline const QColor red{0xf8, 0x71, 0x71};

inline QColor mix(const QColor &a, const QColor &b, float t)
{
    t = std::clamp(t, 0.0f, 1.0f);
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

// A neuron's colour for a normalised activation in [-1, 1]: idle navy at 0, cyan towards +1
// (white-hot at the very top), orange towards -1 (tanh layers).
inline QColor activation(float value)
{
    if (value < 0)
        return mix(idle, orange, -value);
    if (value < 0.75f)
        return mix(idle, cyan, value / 0.75f);
    return mix(cyan, QColor(0xe6, 0xfc, 0xff), (value - 0.75f) / 0.25f);
}

} // namespace colorscheme
