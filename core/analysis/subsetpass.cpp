// The analysis subset streamed through a network in preallocated chunks.
#include "subsetpass.h"

#include <cmath>

namespace core {

int subsetSize(const Dataset &data, int count)
{
    return std::clamp(count, 0, data.count());
}

double sampleLoss(float probabilityOfLabel)
{
    return -double(std::log(std::max(probabilityOfLabel, 1e-12f))); // as Network::evaluateOutput
}

SubsetPass::SubsetPass(const Network &shape, const Dataset &data, int count, int chunkSize)
    : m_data(&data), m_count(subsetSize(data, count)), m_chunk(std::max(1, std::min(chunkSize, std::max(1, m_count)))),
      m_indices(std::size_t(m_chunk)), m_batch(m_chunk, shape.architecture().sizes.front()), m_workspace(shape, m_chunk)
{
}

} // namespace core
