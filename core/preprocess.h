// Turns a drawing into the 28x28 MNIST-style input the network expects (the original's algorithm):
// grayscale in; invert when the background is light; bounding box of the ink; scale the longer
// side to 20 px keeping the aspect ratio (area averaging); paste centred in 28x28; shift the
// centre of mass to the centre; scale to [0, 1]. Pure function. The web page has a JavaScript
// twin; tests/data/preprocess-golden.json proves both give the same 784 numbers.
#pragma once

#include <array>
#include <cstdint>

namespace core {

struct PreprocessedDrawing
{
    std::array<float, 784> pixels{}; // row-major 28x28, 0..1, ink high
    bool empty = true; // no ink found: pixels are all zero
};

// `gray` is width*height bytes, row-major, 0 = black .. 255 = white. Any size >= 1x1.
PreprocessedDrawing preprocessDrawing(const std::uint8_t *gray, int width, int height);

} // namespace core
