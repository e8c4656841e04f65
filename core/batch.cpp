// Gathering samples into the sparse forms consumed by the first dense layer.
#include "batch.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#if defined(_MSC_VER) && !defined(__clang__) && (defined(_M_X64) || defined(_M_IX86))
#include <xmmintrin.h>
#endif

namespace core {

namespace {
// A read prefetch kept in the outer cache levels (GCC/Clang locality 2 is SSE's T1 hint).
// MSVC has no __builtin_prefetch; other compilers and CPUs simply do without.
inline void prefetchForRead(const std::uint8_t *address)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 2);
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
    _mm_prefetch(reinterpret_cast<const char *>(address), _MM_HINT_T1);
#else
    (void)address;
#endif
}
} // namespace

Batch::Batch(int capacity, int inputSize, int parts)
{
    reserve(capacity, inputSize, parts);
}

void Batch::reserve(int capacity, int inputSize, int parts)
{
    m_capacity = capacity;
    m_inputSize = inputSize;
    const std::size_t entries = std::size_t(capacity) * inputSize;
    m_columnEnd.assign(std::size_t(capacity), 0);
    m_pixelIndex.assign(entries, 0);
    m_pixelValue.assign(entries, 0.0f);
    m_labels.assign(std::size_t(capacity), -1);
    m_parts.assign(std::size_t(std::max(1, parts)), {});
    for (Part &part : m_parts) {
        part.pixelStart.assign(std::size_t(inputSize) + 1, 0);
        part.entrySample.assign(entries, 0);
        part.entryValue.assign(entries, 0.0f);
        part.cursor.assign(std::size_t(inputSize), 0);
    }
    setSize(0);
}

void Batch::setSize(int count)
{
    assert(count <= m_capacity);
    m_size = count;
    for (int p = 0; p < partCount(); ++p)
        m_parts[p].samples = splitRange(count, p, partCount());
}

void Batch::gather(const Dataset &data, const int *indices, int count)
{
    setSize(count);
    for (int p = 0; p < partCount(); ++p)
        gatherPart(p, data, indices);
}

void Batch::gatherPart(int partIndex, const Dataset &data, const int *indices)
{
    assert(data.pixelsPerImage() == m_inputSize);
    Part &part = m_parts[partIndex];
    const int inputSize = m_inputSize; // a local: the stores below cannot alias it, so loops vectorise
    // The part's images are scattered over the whole dataset (shuffled order): request all
    // their cache lines up front so the memory fetches overlap instead of following one another.
    const std::size_t imageBytes = std::size_t(inputSize);
    for (int s = part.samples.begin; s < part.samples.end; ++s) {
        const std::uint8_t *pixels = data.image(indices[s]);
        for (std::size_t offset = 0; offset < imageBytes; offset += 64)
            prefetchForRead(pixels + offset);
        prefetchForRead(pixels + imageBytes - 1);
    }
    // Pass 1: lit pixels per pixel over the part's samples (a vectorised byte compare), so
    // pass 3 can scatter the pixel-major lists directly.
    int *start = part.pixelStart.data();
    std::fill(start, start + inputSize + 1, 0);
    for (int s = part.samples.begin; s < part.samples.end; ++s) {
        const std::uint8_t *pixels = data.image(indices[s]);
        for (int p = 0; p < inputSize; ++p)
            start[p + 1] += pixels[p] != 0;
    }
    for (int p = 0; p < inputSize; ++p)
        start[p + 1] += start[p];
    int *cursor = part.cursor.data();
    std::copy(start, start + inputSize, cursor);

    // Pass 2: compact each sample (sample-major), branch-free within non-blank words.
    constexpr float scale = 1.0f / 255.0f;
    for (int s = part.samples.begin; s < part.samples.end; ++s) {
        int *index = m_pixelIndex.data() + columnStart(s);
        float *value = m_pixelValue.data() + columnStart(s);
        const std::uint8_t *pixels = data.image(indices[s]);
        int used = 0, p = 0;
        for (; p + 8 <= inputSize; p += 8) {
            std::uint64_t word;
            std::memcpy(&word, pixels + p, sizeof word);
            if (word == 0) // skip blank runs eight pixels at a time (digits are ~80% zeros)
                continue;
            for (int q = p; q < p + 8; ++q) { // always write, advance only past lit pixels
                index[used] = q;
                value[used] = float(pixels[q]) * scale;
                used += pixels[q] != 0;
            }
        }
        for (; p < inputSize; ++p) {
            index[used] = p;
            value[used] = float(pixels[p]) * scale;
            used += pixels[p] != 0;
        }
        m_columnEnd[s] = columnStart(s) + used;
        m_labels[s] = data.labels[indices[s]];
        // Pass 3 (per sample, while its entries are in cache): scatter them pixel-major.
        for (int k = 0; k < used; ++k) {
            const int slot = cursor[index[k]]++;
            part.entrySample[slot] = s;
            part.entryValue[slot] = value[k];
        }
    }
}

void Batch::setSingle(const float *pixels, int label)
{
    assert(m_capacity >= 1);
    setSize(1);
    int used = 0;
    for (int p = 0; p < m_inputSize; ++p) {
        if (pixels[p] != 0.0f) {
            m_pixelIndex[used] = p;
            m_pixelValue[used] = pixels[p];
            ++used;
        }
    }
    m_columnEnd[0] = used;
    m_labels[0] = label;
    for (Part &part : m_parts)
        buildPixelMajor(part);
}

// Counting sort of the part's (sample, pixel, value) entries by pixel.
void Batch::buildPixelMajor(Part &part)
{
    int *start = part.pixelStart.data();
    std::fill(start, start + m_inputSize + 1, 0);
    for (int s = part.samples.begin; s < part.samples.end; ++s)
        for (int k = columnStart(s); k < m_columnEnd[s]; ++k)
            ++start[m_pixelIndex[k] + 1];
    for (int p = 0; p < m_inputSize; ++p)
        start[p + 1] += start[p];
    // Fill using start[p] as a cursor, then shift the cursors back into starts.
    for (int s = part.samples.begin; s < part.samples.end; ++s) {
        for (int k = columnStart(s); k < m_columnEnd[s]; ++k) {
            const int slot = start[m_pixelIndex[k]]++;
            part.entrySample[slot] = s;
            part.entryValue[slot] = m_pixelValue[k];
        }
    }
    for (int p = m_inputSize; p > 0; --p)
        start[p] = start[p - 1];
    start[0] = 0;
}

void Batch::denseSample(int sample, float *out) const
{
    std::fill(out, out + m_inputSize, 0.0f);
    for (int k = columnStart(sample); k < m_columnEnd[sample]; ++k)
        out[m_pixelIndex[k]] = m_pixelValue[k];
}

} // namespace core
