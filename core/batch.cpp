// Gathering samples into the sparse column form consumed by the first dense layer.
#include "batch.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace core {

Batch::Batch(int capacity, int inputSize)
{
    reserve(capacity, inputSize);
}

void Batch::reserve(int capacity, int inputSize)
{
    m_capacity = capacity;
    m_inputSize = inputSize;
    const std::size_t entries = std::size_t(capacity) * inputSize;
    m_columnStart.assign(std::size_t(capacity) + 1, 0);
    m_pixelIndex.assign(entries, 0);
    m_pixelValue.assign(entries, 0.0f);
    m_labels.assign(std::size_t(capacity), -1);
    m_pixelStart.assign(std::size_t(inputSize) + 1, 0);
    m_entrySample.assign(entries, 0);
    m_entryValue.assign(entries, 0.0f);
    m_size = 0;
}

void Batch::gather(const Dataset &data, const int *indices, int count)
{
    assert(count <= m_capacity && data.pixelsPerImage() == m_inputSize);
    constexpr float scale = 1.0f / 255.0f;
    int *index = m_pixelIndex.data();
    float *value = m_pixelValue.data();
    int used = 0;
    for (int s = 0; s < count; ++s) {
        m_columnStart[s] = used;
        const std::uint8_t *pixels = data.image(indices[s]);
        int p = 0;
        // Skip blank runs eight pixels at a time; digits are ~80% zeros, mostly in long runs.
        for (; p + 8 <= m_inputSize; p += 8) {
            std::uint64_t word;
            std::memcpy(&word, pixels + p, sizeof word);
            if (word == 0)
                continue;
            for (int q = p; q < p + 8; ++q) { // branch-free compaction of the eight
                index[used] = q;
                value[used] = float(pixels[q]) * scale;
                used += pixels[q] != 0;
            }
        }
        for (; p < m_inputSize; ++p) {
            index[used] = p;
            value[used] = float(pixels[p]) * scale;
            used += pixels[p] != 0;
        }
        m_labels[s] = data.labels[indices[s]];
    }
    m_columnStart[count] = used;
    m_size = count;
    buildPixelMajor();
}

void Batch::setSingle(const float *pixels, int label)
{
    assert(m_capacity >= 1);
    int used = 0;
    for (int p = 0; p < m_inputSize; ++p) {
        if (pixels[p] != 0.0f) {
            m_pixelIndex[used] = p;
            m_pixelValue[used] = pixels[p];
            ++used;
        }
    }
    m_columnStart[0] = 0;
    m_columnStart[1] = used;
    m_labels[0] = label;
    m_size = 1;
    buildPixelMajor();
}

// Counting sort of the (sample, pixel, value) entries by pixel.
void Batch::buildPixelMajor()
{
    int *start = m_pixelStart.data();
    std::fill(start, start + m_inputSize + 1, 0);
    const int total = m_columnStart[m_size];
    for (int k = 0; k < total; ++k)
        ++start[m_pixelIndex[k] + 1];
    for (int p = 0; p < m_inputSize; ++p)
        start[p + 1] += start[p];
    // Fill using start[p] as a cursor, then shift the cursors back into starts.
    for (int s = 0; s < m_size; ++s) {
        for (int k = m_columnStart[s]; k < m_columnStart[s + 1]; ++k) {
            const int slot = start[m_pixelIndex[k]]++;
            m_entrySample[slot] = s;
            m_entryValue[slot] = m_pixelValue[k];
        }
    }
    for (int p = m_inputSize; p > 0; --p)
        start[p] = start[p - 1];
    start[0] = 0;
}

void Batch::denseSample(int sample, float *out) const
{
    std::fill(out, out + m_inputSize, 0.0f);
    for (int k = m_columnStart[sample]; k < m_columnStart[sample + 1]; ++k)
        out[m_pixelIndex[k]] = m_pixelValue[k];
}

} // namespace core
