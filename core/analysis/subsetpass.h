// The analysis subset (the first N images of a dataset, in file order: for the learning views,
// the first N of the MNIST test set) streamed through a network chunk by chunk, with one Batch
// and one Workspace allocated up front. Shared by the analysis functions of this folder.
#pragma once

#include "dataset.h"
#include "network.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <vector>

namespace core {

// Progress of a long analysis (it runs on a worker thread): called with the units of work done
// so far and the total. Return false to cancel; the analysis then stops at the next unit and
// says so in its result (`cancelled`).
using AnalysisProgress = std::function<bool(int done, int total)>;

// The number of subset images really used: `count` clamped to [0, data.count()].
int subsetSize(const Dataset &data, int count);

// Cross-entropy of one sample from its predicted probability of the true label, clipped as
// Network::evaluateOutput clips it (a confident mistake costs at most ~27.6).
double sampleLoss(float probabilityOfLabel);

class SubsetPass
{
public:
    static constexpr int kDefaultChunk = 500;

    // `shape`: any network of the shape the passes will run (only its sizes are used).
    SubsetPass(const Network &shape, const Dataset &data, int count, int chunkSize = kDefaultChunk);

    int size() const { return m_count; }
    const Dataset &data() const { return *m_data; }
    Workspace &workspace() { return m_workspace; }

    // network.forward() over the subset, chunk by chunk; after each chunk's forward pass calls
    // visit(first, batch, workspace): the chunk holds subset images [first, first + batch.size()),
    // their values in the workspace's first batch.size() columns.
    template <typename Visit>
    void forward(const Network &network, Visit &&visit)
    {
        for (int first = 0; first < m_count; first += m_chunk) {
            const int n = std::min(m_chunk, m_count - first);
            std::iota(m_indices.begin(), m_indices.begin() + n, first);
            m_batch.gather(*m_data, m_indices.data(), n);
            network.forward(m_batch, m_workspace);
            visit(first, static_cast<const Batch &>(m_batch), m_workspace);
        }
    }

private:
    const Dataset *m_data;
    int m_count;
    int m_chunk;
    std::vector<int> m_indices;
    Batch m_batch;
    Workspace m_workspace;
};

} // namespace core
