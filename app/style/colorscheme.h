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

// A signed value normalised to [-1, 1] (weights, their changes): the background at 0, cyan
// towards +1, orange towards -1, as the inspector's weight image and the 3D view's connections.
inline QColor signedValue(float value)
{
    return value >= 0 ? mix(background, cyan, value) : mix(background, orange, -value);
}

// A quantity where only "low" and "high" matter (a loss): cyan at 0, through a pale midpoint,
// to orange at 1, so the 3D landscape reads low-is-good like the charts.
inline QColor sequential(float value)
{
    value = std::clamp(value, 0.0f, 1.0f);
    const QColor middle(0xe2, 0xe8, 0xf0);
    return value < 0.5f ? mix(QColor(0x0e, 0x74, 0x90), middle, value * 2.0f)
                        : mix(middle, orange, (value - 0.5f) * 2.0f);
}

} // namespace colorscheme
