// Standard normal numbers for the analysis folder's random directions: Box-Muller on the raw
// 64-bit generator (as the layers' initialisation), so a seed gives the same numbers everywhere.
#pragma once

#include <cmath>
#include <random>

namespace core {

inline float standardNormalSample(std::mt19937_64 &rng)
{
    constexpr double twoPi = 6.283185307179586476925286766559;
    const double u1 = (double(rng() >> 11) + 1.0) * 0x1.0p-53; // (0, 1]
    const double u2 = double(rng() >> 11) * 0x1.0p-53; // [0, 1)
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(twoPi * u2));
}

} // namespace core
