// A gathered training/evaluation batch in the sparse forms the first dense layer consumes.
// MNIST digits are ~80% zero pixels, so the first layer's forward pass and weight gradient
// only touch the non-zero pixels of each sample (exact same maths as the dense product).
// Sample s's non-zero entries sit in a fixed slot [s*inputSize, columnEnd(s)), so parts of the
// batch can be gathered by different threads. Each part also keeps its entries grouped by pixel
// (for the weight gradient). Buffers are reserved once; gathering does not allocate.
#pragma once

#include "dataset.h"
#include "threadteam.h"

#include <cstdint>
#include <vector>

namespace core {

class Batch
{
public:
    explicit Batch(int capacity = 0, int inputSize = 784, int parts = 1);
    void reserve(int capacity, int inputSize, int parts = 1);

    // Serial: gathers samples `indices[0..count)` of `data`, pixel values scaled to [0, 1].
    void gather(const Dataset &data, const int *indices, int count);
    // Parallel: setSize(count) once, then gatherPart(p, ...) for every part p (any thread each).
    void setSize(int count);
    void gatherPart(int part, const Dataset &data, const int *indices);
    // One dense sample of `inputSize` floats in [0, 1] (drawn digits, /predict).
    void setSingle(const float *pixels, int label = -1);

    int size() const { return m_size; }
    int capacity() const { return m_capacity; }
    int inputSize() const { return m_inputSize; }
    int partCount() const { return int(m_parts.size()); }
    IndexRange partSamples(int part) const { return m_parts[part].samples; }

    // Sample-major: non-zero entries of sample s are [columnStart(s), columnEnd(s)).
    int columnStart(int sample) const { return sample * m_inputSize; }
    int columnEnd(int sample) const { return m_columnEnd[sample]; }
    int nonZeroCount(int sample) const { return m_columnEnd[sample] - sample * m_inputSize; }
    const int *pixelIndices() const { return m_pixelIndex.data(); }
    const float *pixelValues() const { return m_pixelValue.data(); }
    int label(int sample) const { return m_labels[sample]; }
    // Writes sample s as `inputSize` dense floats.
    void denseSample(int sample, float *out) const;

    // Pixel-major, per part: entries of pixel p in part q are [pixelStart(q, p), pixelStart(q, p+1))
    // in entrySamples(q) / entryValues(q).
    int pixelStart(int part, int pixel) const { return m_parts[part].pixelStart[pixel]; }
    const int *entrySamples(int part) const { return m_parts[part].entrySample.data(); }
    const float *entryValues(int part) const { return m_parts[part].entryValue.data(); }

private:
    struct Part
    {
        IndexRange samples;
        std::vector<int> pixelStart; // inputSize + 1
        std::vector<int> entrySample;
        std::vector<float> entryValue;
        std::vector<int> cursor; // inputSize, scratch for gatherPart
    };

    int m_size = 0;
    int m_capacity = 0;
    int m_inputSize = 0;
    std::vector<int> m_columnEnd; // capacity
    std::vector<int> m_pixelIndex; // capacity * inputSize
    std::vector<float> m_pixelValue;
    std::vector<int> m_labels;
    std::vector<Part> m_parts;

    void buildPixelMajor(Part &part);
};

} // namespace core
