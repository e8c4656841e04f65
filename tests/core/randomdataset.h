// A synthetic image set for the core tests: 28x28 images, sparse like MNIST (three pixels in four
// are 0), random labels 0-9, the same for the same seed.
#pragma once

#include "dataset.h"

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

} // namespace fixtures
