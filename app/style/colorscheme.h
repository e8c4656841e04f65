// The visual language shared with the web page: dark navy background; signed quantities
// (weights, gradients) orange when positive, blue when negative, grey at zero; activations as the
// brightness of one other hue, teal, never blue or orange.
#pragma once

#include <QColor>

#include <algorithm>
#include <cmath>

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
inline const QColor blue{0x60, 0xa5, 0xfa};
inline const QColor teal{0x2d, 0xd4, 0xbf};
inline const QColor zero{0x64, 0x74, 0x8b}; // a signed quantity at (or near) zero
inline const QColor &positive = orange; // a positive weight or gradient
inline const QColor &negative = blue; // a negative one

inline QColor mix(const QColor &a, const QColor &b, float t)
{
    t = std::clamp(t, 0.0f, 1.0f);
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

// A neuron's colour for a normalised activation in [-1, 1]: idle navy at 0, brighter teal the
// stronger it fires (white-hot at the very top). Activations are brightness of one hue, never
// the orange/blue of signed quantities; a tanh layer's negative values show by their size.
inline QColor activation(float value)
{
    const float strength = std::abs(value);
    if (strength < 0.75f)
        return mix(idle, teal, strength / 0.75f);
    return mix(teal, QColor(0xe6, 0xff, 0xfa), (strength - 0.75f) / 0.25f);
}

// A signed value normalised to [-1, 1] (weights, their changes, gradients): grey at 0, orange
// towards +1, blue towards -1, as the inspector's weight image and the 3D view's connections.
inline QColor signedValue(float value)
{
    const QColor neutral(0x2a, 0x31, 0x3c);
    return value >= 0 ? mix(neutral, positive, value) : mix(neutral, negative, -value);
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
