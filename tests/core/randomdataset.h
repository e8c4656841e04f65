// Synthetic image sets for the core tests, the same for the same seed: random sparse images, and
// easily learnable blocks; and the first images of a set.
#pragma once

#include "dataset.h"

#include <cstddef>
#include <cstdint>
#include <random>

namespace fixtures {

inline core::Dataset randomDataset(int count, std::uint64_t seed)
{
    core::Dataset data;
    data.rows = data.columns = 28;
    std::mt19937_64 rng(seed);
    data.images.resize(std::size_t(count) * 784);
    for (auto &pixel : data.images)
        pixel = (rng() % 4 == 0) ? std::uint8_t(rng() % 256) : 0;
    for (int i = 0; i < count; ++i)
        data.labels.push_back(std::uint8_t(rng() % 10));
    return data;
}

// Label k lights a 4x4 block at a position that depends on k, plus noise: easily learnable.
// `labelShift` relabels every image (k + shift) mod 10; `randomLabels` makes it unlearnable.
inline core::Dataset blocksDataset(int count, std::uint64_t seed, int labelShift = 0, bool randomLabels = false)
{
    core::Dataset data;
    data.rows = data.columns = 28;
    data.images.assign(std::size_t(count) * 784, 0);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < count; ++i) {
        const int label = int(rng() % 10);
        std::uint8_t *image = data.images.data() + std::size_t(i) * 784;
        const int top = 2 + (label / 5) * 12, left = 2 + (label % 5) * 5;
        for (int y = top; y < top + 4; ++y)
            for (int x = left; x < left + 4; ++x)
                image[y * 28 + x] = std::uint8_t(180 + rng() % 76);
        for (int k = 0; k < 20; ++k)
            image[rng() % 784] = std::uint8_t(rng() % 256);
        data.labels.push_back(std::uint8_t(randomLabels ? rng() % 10 : std::uint64_t((label + labelShift) % 10)));
    }
    return data;
}

// The first `count` images of a set, in file order.
inline core::Dataset firstImages(const core::Dataset &data, int count)
{
    core::Dataset subset;
    subset.rows = data.rows;
    subset.columns = data.columns;
    subset.images.assign(data.images.begin(), data.images.begin() + std::ptrdiff_t(count) * data.pixelsPerImage());
    subset.labels.assign(data.labels.begin(), data.labels.begin() + count);
    return subset;
}

} // namespace fixtures
