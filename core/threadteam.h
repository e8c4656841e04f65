// A fixed team of threads that run one function together, fork-join, many thousand times a
// second (a few per training batch). Workers spin briefly then sleep on a futex (C++20 atomic
// wait), so an idle team costs no CPU. run() must be called from one thread at a time.
#pragma once

#include "indexrange.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace core {

// The part of [0, count) that member `index` of `members` handles: contiguous, in multiples of
// 16 floats (one cache line) so members never share a written line; a count below 16 per member
// is not split (member 0 takes it, the others get an empty range).
IndexRange splitRange(int count, int index, int members);

class ThreadTeam
{
public:
    explicit ThreadTeam(int members);
    ~ThreadTeam();
    ThreadTeam(const ThreadTeam &) = delete;
    ThreadTeam &operator=(const ThreadTeam &) = delete;

    int size() const { return m_members; }

    // Calls task(index) on every member (index 0 on the calling thread) and returns when all
    // are done. Task must not throw.
    template <typename Task>
    void run(const Task &task)
    {
        if (m_members == 1) {
            task(0);
            return;
        }
        m_task = &task;
        m_invoke = [](const void *t, int index) { (*static_cast<const Task *>(t))(index); };
        dispatch();
    }

private:
    void dispatch();
    void workerLoop(int index);

    int m_members;
    const void *m_task = nullptr;
    void (*m_invoke)(const void *, int) = nullptr;
    std::atomic<std::uint64_t> m_generation{0};
    std::atomic<int> m_pending{0};
    std::atomic<bool> m_quit{false};
    std::vector<std::thread> m_workers;
};

} // namespace core
