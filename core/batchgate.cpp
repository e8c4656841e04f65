#include "batchgate.h"

namespace core {

void BatchGate::open()
{
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_allowed = 0;
    }
    m_wake.notify_all();
}

void BatchGate::close()
{
    std::lock_guard lock(m_mutex);
    m_open = false;
    m_allowed = 0;
}

void BatchGate::allow(int count)
{
    {
        std::lock_guard lock(m_mutex);
        m_open = false;
        m_allowed += count;
    }
    m_wake.notify_all();
}

void BatchGate::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
    }
    m_wake.notify_all();
}

bool BatchGate::isOpen() const
{
    std::lock_guard lock(m_mutex);
    return m_open;
}

bool BatchGate::wait()
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return m_stopped || m_open || m_allowed > 0; });
    if (m_stopped)
        return false;
    if (!m_open)
        --m_allowed;
    return true;
}

bool BatchGate::waitUntilPassable()
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return m_stopped || m_open || m_allowed > 0; });
    return !m_stopped;
}

bool BatchGate::sleepFor(std::chrono::microseconds delay)
{
    if (delay.count() <= 0)
        return !m_stopped;
    std::unique_lock lock(m_mutex);
    const std::uint64_t shortened = m_shortened;
    m_wake.wait_for(lock, delay, [this, shortened] { return m_stopped || m_shortened != shortened; });
    return !m_stopped;
}

void BatchGate::shorten()
{
    {
        std::lock_guard lock(m_mutex);
        ++m_shortened;
    }
    m_wake.notify_all();
}

} // namespace core
