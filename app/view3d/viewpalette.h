// The 3D view's colours for the dark and the light window theme, the same as the web page's two
// scene themes: activations are the brightness of teal (towards white on navy, towards deep teal
// on white), positive weights orange, negative blue. On a light background additive blending
// would wash every line out to white, so the light theme blends connections normally.
#pragma once

#include "colorscheme.h"

#include <QColor>

#include <algorithm>
#include <array>
#include <cmath>

struct ViewPalette
{
    bool light = false;
    QColor background = colorscheme::background;
    QColor idle = colorscheme::idle;
    QColor positive = colorscheme::positive;
    QColor negative = colorscheme::negative;
    QColor label = colorscheme::text;
    QColor mutedLabel = colorscheme::mutedText;
    QColor highlight = colorscheme::red;
    QColor particle = colorscheme::orange;
    bool additiveLines = true;

    static ViewPalette darkTheme() { return {}; }
    static ViewPalette lightTheme()
    {
        ViewPalette p;
        p.light = true;
        p.background = QColor(0xf4, 0xf6, 0xfb);
        p.idle = QColor(0xd3, 0xdd, 0xe3);
        p.positive = QColor(0xea, 0x58, 0x0c);
        p.negative = QColor(0x02, 0x84, 0xc7);
        p.label = QColor(0x1f, 0x29, 0x37);
        p.mutedLabel = QColor(0x47, 0x55, 0x69);
        p.highlight = QColor(0xdc, 0x26, 0x26);
        p.particle = QColor(0xc2, 0x41, 0x0c);
        p.additiveLines = false;
        return p;
    }
    static ViewPalette forWindowColor(const QColor &window)
    {
        return window.lightness() > 128 ? lightTheme() : darkTheme();
    }

    // A neuron's colour for a normalised activation in [-1, 1] (its size: a tanh layer's negative
    // values show by their magnitude).
    QColor activation(float value) const
    {
        if (!light)
            return colorscheme::activation(value);
        // The web page's light ramp: idle grey-green, through teal, to deep teal.
        static const std::array<QColor, 4> ramp{QColor(0x99, 0xe6, 0xda), QColor(0x14, 0xb8, 0xa6),
                                                QColor(0x0f, 0x76, 0x6e), QColor(0x05, 0x3d, 0x38)};
        const float x = std::clamp(std::abs(value), 0.0f, 1.0f) * 4.0f; // 0 = idle, 4 = the last stop
        const int i = std::min(3, int(x));
        const QColor from = i == 0 ? idle : ramp[std::size_t(i - 1)];
        return colorscheme::mix(from, ramp[std::size_t(i)], x - float(i));
    }
};
