// An in-memory image classification set. Images stay uint8 (one byte per pixel, row-major,
// `pixelsPerImage` bytes per image, images back to back); they are converted to float per batch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace core {

struct Dataset
{
    int rows = 0;
    int columns = 0;
    std::vector<std::uint8_t> images; // count * rows * columns bytes
    std::vector<std::uint8_t> labels; // count bytes, each 0..9

    int count() const { return int(labels.size()); }
    int pixelsPerImage() const { return rows * columns; }
    const std::uint8_t *image(int index) const { return images.data() + std::size_t(index) * pixelsPerImage(); }
};

struct MnistData
{
    Dataset train; // 60,000
    Dataset test; // 10,000
};

} // namespace core
