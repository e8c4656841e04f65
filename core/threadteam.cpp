#include "threadteam.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNJ_PAUSE() _mm_pause()
#else
#define NNJ_PAUSE() std::this_thread::yield()
#endif

namespace core {

namespace {
constexpr int kSpinIterations = 1000; // tens of microseconds of pause instructions, then sleep
}

RowRange splitRange(int count, int index, int members)
{
    if (members <= 1)
        return {0, count};
    int share = (count + members - 1) / members;
    if (count >= 8 * members)
        share = (share + 7) / 8 * 8;
    const int begin = std::min(count, index * share);
    const int end = index == members - 1 ? count : std::min(count, begin + share);
    return {begin, end};
}

ThreadTeam::ThreadTeam(int members) : m_members(std::max(1, members))
{
    for (int i = 1; i < m_members; ++i)
        m_workers.emplace_back([this, i] { workerLoop(i); });
}

ThreadTeam::~ThreadTeam()
{
    m_quit = true;
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
}

void ThreadTeam::dispatch()
{
    m_pending.store(m_members - 1, std::memory_order_relaxed);
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    m_invoke(m_task, 0);
    for (int spin = 0; m_pending.load(std::memory_order_acquire) != 0; ++spin) {
        if (spin < kSpinIterations) {
            NNJ_PAUSE();
        } else {
            const int pending = m_pending.load(std::memory_order_acquire);
            if (pending != 0)
                m_pending.wait(pending, std::memory_order_acquire);
        }
    }
}

void ThreadTeam::workerLoop(int index)
{
    std::uint64_t seen = 0;
    for (;;) {
        std::uint64_t generation = m_generation.load(std::memory_order_acquire);
        for (int spin = 0; generation == seen; ++spin) {
            if (spin < kSpinIterations)
                NNJ_PAUSE();
            else
                m_generation.wait(generation, std::memory_order_acquire);
            generation = m_generation.load(std::memory_order_acquire);
        }
        seen = generation;
        if (m_quit.load())
            return;
        m_invoke(m_task, index);
        if (m_pending.fetch_sub(1, std::memory_order_acq_rel) == 1)
            m_pending.notify_one();
    }
}

} // namespace core
