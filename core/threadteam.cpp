#include "threadteam.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

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

// Sleeps until `value` may no longer hold `old`. On Linux std::atomic::wait is a futex. GCC 12's
// libstdc++ emulates it elsewhere (mingw-w64: a table of proxy condition variables) and loses
// wake-ups there: `nnj-train --threads 2` hung in about half of its runs under Windows (wine).
// So elsewhere the sleeper polls every millisecond instead: a sleeping member is an idle team
// (the busy phases are covered by the spin above), where a millisecond's latency costs nothing.
template <typename T>
void sleepWhileEqual(const std::atomic<T> &value, T old)
{
#if defined(__linux__)
    value.wait(old, std::memory_order_acquire);
#else
    if (value.load(std::memory_order_acquire) == old)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
#endif
}

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
                          sleepWhileEqual(m_pending, pending);
                  });
}

void ThreadTeam::workerLoop(int index)
{
    std::uint64_t seen = 0;
    for (;;) {
        spinThenSleep([&] { return m_generation.load(std::memory_order_acquire) != seen; },
                      [&] { sleepWhileEqual(m_generation, seen); });
        seen = m_generation.load(std::memory_order_acquire);
        if (m_quit.load())
            return;
        m_invoke(m_task, index);
        if (m_pending.fetch_sub(1, std::memory_order_acq_rel) == 1)
            m_pending.notify_one();
    }
}

} // namespace core
