// A gathered training/evaluation batch in the sparse form the first dense layer consumes.
// MNIST digits are ~80% zero pixels, so the first layer's forward pass and weight gradient
// only touch the non-zero pixels of each sample (exact same maths as the dense product).
// Buffers are reserved once for the capacity; gather() does not allocate.
#pragma once

#include "dataset.h"

#include <cstdint>
#include <vector>

namespace core {

class Batch
{
public:
    explicit Batch(int capacity = 0, int inputSize = 784);
    void reserve(int capacity, int inputSize);

    // Gathers samples `indices[0..count)` of `data`, pixel values scaled to [0, 1].
    void gather(const Dataset &data, const int *indices, int count);
    // One dense sample of `inputSize` floats in [0, 1] (drawn digits, /predict).
    void setSingle(const float *pixels, int label = -1);

    int size() const { return m_size; }
    int capacity() const { return m_capacity; }
    int inputSize() const { return m_inputSize; }
    // Non-zero entries of sample s are [columnStart(s), columnStart(s+1)).
    int columnStart(int sample) const { return m_columnStart[sample]; }
    const int *pixelIndices() const { return m_pixelIndex.data(); }
    const float *pixelValues() const { return m_pixelValue.data(); }
    int label(int sample) const { return m_labels[sample]; }
    const int *labels() const { return m_labels.data(); }
    // Writes sample s as `inputSize` dense floats.
    void denseSample(int sample, float *out) const;

    // The same entries grouped by pixel (for the first layer's weight gradient): entries of
    // pixel p are [pixelStart(p), pixelStart(p+1)) in entrySamples()/entryValues().
    int pixelStart(int pixel) const { return m_pixelStart[pixel]; }
    const int *entrySamples() const { return m_entrySample.data(); }
    const float *entryValues() const { return m_entryValue.data(); }

private:
    int m_size = 0;
    int m_capacity = 0;
    int m_inputSize = 0;
    std::vector<int> m_columnStart; // capacity + 1
    std::vector<int> m_pixelIndex;  // capacity * inputSize
    std::vector<float> m_pixelValue;
    std::vector<int> m_labels;
    std::vector<int> m_pixelStart; // inputSize + 1
    std::vector<int> m_entrySample;
    std::vector<float> m_entryValue;

    void buildPixelMajor();
};

} // namespace core
