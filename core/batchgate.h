// The gate the training loop passes before every batch, and the clock of its batch delay and pace.
// Mechanism only: the gate holds no notion of *why* it is closed. Whoever owns the run (the
// server's Session, or a test) decides — its state machine opens the gate (running), closes it
// (paused, a teaching pause), lets a counted number of batches through (single steps), or
// stops it for good. Every member is thread-safe; only wait() and sleepFor() block, and only
// the training thread calls them. stop() wakes both at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace core {

class BatchGate
{
public:
    void open(); // every batch passes
    void close(); // no batch passes until open(), allow() or stop()
    void allow(int count); // close, then let `count` more batches through (single steps)
    void stop(); // wait() and sleepFor() return false from now on
    bool isOpen() const;
    bool stopped() const { return m_stopped.load(); }

    // Training thread: waits until a batch may run. False when stopped.
    bool wait();
    // Training thread: waits as wait() does but lets no batch through (a single step stays for
    // the next wait()): holds the run at a teaching moment that no batch follows.
    bool waitUntilPassable();
    // Training thread: sleeps up to `delay` (the batch delay, the pace). Returns early, true,
    // when shorten() is called; false when stopped.
    bool sleepFor(std::chrono::microseconds delay);
    void shorten(); // wakes a sleepFor() so that it re-reads a lowered delay or a faster pace

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_open = true;
    int m_allowed = 0;
    std::atomic<bool> m_stopped{false};
    std::uint64_t m_shortened = 0; // bumped by shorten()
};

} // namespace core
