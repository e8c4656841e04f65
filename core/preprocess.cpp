// Drawing -> 28x28 MNIST-style input (the original's algorithm, made exact). The JavaScript twin in
// the web page must produce the same 784 numbers; tests/data/preprocess-golden.json holds the
// same algorithm text (its "algorithm" field) and reference vectors. Keep the two texts identical.
//
// ALGORITHM (every rounding rule; integers are exact, only step 8 divides in floating point)
// Input: width W >= 1, height H >= 1, gray[y*W + x] integers 0..255 (0 black .. 255 white).
// 1. Background: B = sum of the border pixels (x == 0 or x == W-1 or y == 0 or y == H-1, each
//    pixel counted once), n = their count. If B > 127*n (border mean > 127) the background is
//    light: invert every pixel, v = 255 - v.
// 2. Ink: a pixel is ink when v > 25. Bounding box x0..x1, y0..y1 (inclusive) of the ink pixels.
//    No ink: the result is 784 zeros and empty = true; stop.
// 3. Crop: w = x1 - x0 + 1, h = y1 - y0 + 1, p(x, y) = v(x0 + x, y0 + y); L = max(w, h).
// 4. Target size (round half up of w*20/L, so the longer side becomes exactly 20):
//    nw = max(1, floor((40*w + L) / (2*L))), nh = max(1, floor((40*h + L) / (2*L))).
// 5. Area averaging, exact: measure source x in units of 1/nw and y in units of 1/nh so that every
//    boundary is an integer. Destination column i (0..nw-1) covers [i*w, (i+1)*w), source column c
//    covers [c*nw, (c+1)*nw); their overlap is ox(i, c) = max(0, min((i+1)*w, (c+1)*nw) -
//    max(i*w, c*nw)); likewise oy(j, r) with h and nh for rows. S(i, j) = sum over c, r of
//    p(c, r) * ox(i, c) * oy(j, r). The destination pixel is the coverage-weighted mean
//    S(i, j) / D with the common denominator D = w*h; we keep the integer S until step 8.
// 6. Paste centred: px = floor((28 - nw) / 2), py = floor((28 - nh) / 2); the 28x28 canvas N has
//    N(px + i, py + j) = S(i, j) and 0 elsewhere.
// 7. Centre of mass (x = column, y = row, 0..27): M = sum of N (> 0), X = sum of x*N(x, y),
//    Y = sum of y*N(x, y); cx = X/M, cy = Y/M. Shift dx = floor(13.5 - cx + 0.5) =
//    floor((14*M - X) / M) as an exact integer floor division (rounds toward minus infinity);
//    dy = floor((14*M - Y) / M). Output cell (x, y) takes N(x - dx, y - dy) when that cell is inside
//    the canvas, else 0 (pixels shifted out are dropped).
// 8. Scale: value(x, y) = (N / D) / 255, two double-precision divisions in that order.
// Magnitudes: S <= 255*D and X, Y <= 27*M, all below 2^53 for canvases up to 4096x4096, so a
// JavaScript implementation with plain Numbers is exact too (Math.floor((14*M - X) / M) included:
// a non-integer quotient is at least 1/M away from an integer, far more than the rounding error).
#include "preprocess.h"

#include <algorithm>
#include <vector>

namespace core {

namespace {

constexpr int kSide = 28;
constexpr int kTargetSide = 20;
constexpr int kInkThreshold = 25;
constexpr int kLightBackgroundMean = 127;

// Floor of numerator / denominator for denominator > 0 (C++ division truncates toward zero).
std::int64_t floorDivide(std::int64_t numerator, std::int64_t denominator)
{
    std::int64_t quotient = numerator / denominator;
    if (numerator % denominator != 0 && numerator < 0)
        --quotient;
    return quotient;
}

// Step 1: true when the mean of the border pixels is above 127.
bool hasLightBackground(const std::uint8_t *gray, int width, int height)
{
    std::int64_t sum = 0;
    std::int64_t count = 0;
    for (int y = 0; y < height; ++y) {
        const std::uint8_t *row = gray + std::size_t(y) * width;
        if (y == 0 || y == height - 1) {
            for (int x = 0; x < width; ++x)
                sum += row[x];
            count += width;
        } else {
            sum += row[0];
            ++count;
            if (width > 1) {
                sum += row[width - 1];
                ++count;
            }
        }
    }
    return sum > kLightBackgroundMean * count;
}

// Step 5 along one axis: overlap of destination cell `index` with each source cell, in units
// where the source has `sourceSize` cells of width `targetSize` and the destination `targetSize`
// cells of width `sourceSize`. Returns the first source cell and the overlaps.
struct Footprint
{
    int first = 0;
    std::vector<std::int64_t> overlaps;
};

std::vector<Footprint> footprints(int sourceSize, int targetSize)
{
    std::vector<Footprint> result(targetSize);
    for (int index = 0; index < targetSize; ++index) {
        const std::int64_t begin = std::int64_t(index) * sourceSize;
        const std::int64_t end = begin + sourceSize;
        Footprint &footprint = result[index];
        footprint.first = int(begin / targetSize);
        for (std::int64_t cell = footprint.first; cell * targetSize < end; ++cell) {
            const std::int64_t overlap = std::min(end, (cell + 1) * targetSize) - std::max(begin, cell * targetSize);
            footprint.overlaps.push_back(std::max<std::int64_t>(0, overlap));
        }
    }
    return result;
}

} // namespace

PreprocessedDrawing preprocessDrawing(const std::uint8_t *gray, int width, int height)
{
    PreprocessedDrawing result;
    if (!gray || width < 1 || height < 1)
        return result; // nothing to read: empty

    // Steps 1-2: optional inversion, bounding box of the ink.
    const bool invert = hasLightBackground(gray, width, height);
    auto value = [&](int x, int y) {
        const int v = gray[std::size_t(y) * width + x];
        return invert ? 255 - v : v;
    };
    int x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            if (value(x, y) > kInkThreshold) {
                x0 = std::min(x0, x);
                x1 = std::max(x1, x);
                y0 = std::min(y0, y);
                y1 = std::max(y1, y);
            }
        }
    }
    if (x1 < 0)
        return result;

    // Steps 3-4: crop size and target size.
    const int w = x1 - x0 + 1;
    const int h = y1 - y0 + 1;
    const std::int64_t longer = std::max(w, h);
    const int nw = int(std::max<std::int64_t>(1, (2 * kTargetSide * std::int64_t(w) + longer) / (2 * longer)));
    const int nh = int(std::max<std::int64_t>(1, (2 * kTargetSide * std::int64_t(h) + longer) / (2 * longer)));

    // Step 5, separable: rows first (T(i, r) = sum_c p(c, r) * ox(i, c)), then columns.
    const std::vector<Footprint> columnsOf = footprints(w, nw);
    const std::vector<Footprint> rowsOf = footprints(h, nh);
    std::vector<std::int64_t> rowSums(std::size_t(nw) * h); // (h rows, nw columns)
    for (int r = 0; r < h; ++r) {
        for (int i = 0; i < nw; ++i) {
            const Footprint &footprint = columnsOf[i];
            std::int64_t sum = 0;
            for (std::size_t k = 0; k < footprint.overlaps.size(); ++k)
                sum += value(x0 + footprint.first + int(k), y0 + r) * footprint.overlaps[k];
            rowSums[std::size_t(r) * nw + i] = sum;
        }
    }

    // Step 6: paste the numerators S centred into the 28x28 canvas.
    std::array<std::int64_t, kSide * kSide> canvas{};
    const int px = (kSide - nw) / 2;
    const int py = (kSide - nh) / 2;
    for (int j = 0; j < nh; ++j) {
        const Footprint &footprint = rowsOf[j];
        for (int i = 0; i < nw; ++i) {
            std::int64_t sum = 0;
            for (std::size_t k = 0; k < footprint.overlaps.size(); ++k)
                sum += rowSums[(footprint.first + k) * nw + i] * footprint.overlaps[k];
            canvas[(py + j) * kSide + px + i] = sum;
        }
    }

    // Step 7: integer centre-of-mass shift.
    std::int64_t mass = 0, momentX = 0, momentY = 0;
    for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
            const std::int64_t n = canvas[y * kSide + x];
            mass += n;
            momentX += x * n;
            momentY += y * n;
        }
    }
    // mass > 0: the crop holds at least one ink pixel (> 25) and every source pixel has positive
    // coverage in some destination pixel.
    const std::int64_t dx = floorDivide(14 * mass - momentX, mass);
    const std::int64_t dy = floorDivide(14 * mass - momentY, mass);

    // Step 8: shift, drop what falls outside, scale to [0, 1].
    const double denominator = double(std::int64_t(w) * h);
    for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
            const std::int64_t sourceX = x - dx;
            const std::int64_t sourceY = y - dy;
            if (sourceX < 0 || sourceX >= kSide || sourceY < 0 || sourceY >= kSide)
                continue;
            const double n = double(canvas[sourceY * kSide + sourceX]);
            result.pixels[y * kSide + x] = float(n / denominator / 255.0);
        }
    }
    result.empty = false;
    return result;
}

} // namespace core
