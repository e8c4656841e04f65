#include "threadteam.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNJ_PAUSE() _mm_pause()
#else
#define NNJ_PAUSE() std::this_thread::yield()
#endif

namespace core {

namespace {
// How long a waiting member spins before it sleeps. Waking a sleeping thread costs tens of
// microseconds (more in a VM), longer than the serial parts between two phases of a training
// step, so spin through those; an idle team (between runs, during batch delays) still sleeps.
constexpr auto kSpinTime = std::chrono::microseconds(300);

// Calls `done()` until it returns true, spinning up to kSpinTime, then `sleep()` each time.
template <typename Done, typename Sleep>
void spinThenSleep(Done &&done, Sleep &&sleep)
{
    const auto start = std::chrono::steady_clock::now();
    for (int spin = 0; !done(); ++spin) {
        NNJ_PAUSE();
        if ((spin & 63) == 63 && std::chrono::steady_clock::now() - start > kSpinTime) {
            while (!done())
                sleep();
            return;
        }
    }
}
} // namespace

IndexRange splitRange(int count, int index, int members)
{
    // Shares are whole 64-byte cache lines (16 floats; core's matrices are 64-byte aligned), so
    // two members never write the same line. Too small to split: member 0 takes it all.
    constexpr int kLineFloats = 16;
    if (members <= 1 || count < kLineFloats * members)
        return index == 0 ? IndexRange{0, count} : IndexRange{count, count};
    int share = (count + members - 1) / members;
    share = (share + kLineFloats - 1) / kLineFloats * kLineFloats;
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
    spinThenSleep([this] { return m_pending.load(std::memory_order_acquire) == 0; },
                  [this] {
                      const int pending = m_pending.load(std::memory_order_acquire);
                      if (pending != 0)
                          m_pending.wait(pending, std::memory_order_acquire);
                  });
}

void ThreadTeam::workerLoop(int index)
{
    std::uint64_t seen = 0;
    for (;;) {
        spinThenSleep([&] { return m_generation.load(std::memory_order_acquire) != seen; },
                      [&] { m_generation.wait(seen, std::memory_order_acquire); });
        seen = m_generation.load(std::memory_order_acquire);
        if (m_quit.load())
            return;
        m_invoke(m_task, index);
        if (m_pending.fetch_sub(1, std::memory_order_acq_rel) == 1)
            m_pending.notify_one();
    }
}

} // namespace core
