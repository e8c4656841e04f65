#include "analysisworker.h"

#include <QMetaObject>

#include <chrono>

AnalysisWorker::AnalysisWorker(QObject *parent) : QObject(parent)
{
    m_thread = std::thread([this] { run(); });
}

AnalysisWorker::~AnalysisWorker()
{
    m_cancelledUpTo = m_nextId;
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
        m_tasks.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

void AnalysisWorker::cancel()
{
    // Queued jobs still run their (now empty) turn: their delivery counts them out of m_pending.
    m_cancelledUpTo = m_nextId;
}

void AnalysisWorker::post(std::function<void(const Progress &)> work, std::function<void()> deliver)
{
    const quint64 id = ++m_nextId;
    if (m_pending++ == 0)
        emit busyChanged(true);
    auto finish = [this, id, deliver = std::move(deliver)] {
        // Runs on this object's thread, queued after the job; a deleted worker never gets here.
        const bool wanted = id > m_cancelledUpTo;
        if (--m_pending == 0)
            emit busyChanged(false);
        if (wanted)
            deliver();
    };
    Task task;
    task.id = id;
    task.work = [this, id, work = std::move(work), finish = std::move(finish)](const Progress &progress) {
        if (work && id > m_cancelledUpTo)
            work(progress);
        QMetaObject::invokeMethod(this, finish, Qt::QueuedConnection);
    };
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }
    m_wake.notify_one();
}

void AnalysisWorker::run()
{
    using Clock = std::chrono::steady_clock;
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_quit || !m_tasks.empty(); });
        if (m_quit)
            return;
        Task task = std::move(m_tasks.front());
        m_tasks.pop_front();
        lock.unlock();
        Clock::time_point lastReport;
        const quint64 id = task.id;
        const Progress progress = [this, id, &lastReport](int done, int total) {
            // At most ~20 progress signals a second reach the GUI thread, and always the last.
            const Clock::time_point now = Clock::now();
            if (done >= total || now - lastReport > std::chrono::milliseconds(50)) {
                lastReport = now;
                QMetaObject::invokeMethod(
                    this, [this, done, total] { emit progressChanged(done, total); }, Qt::QueuedConnection);
            }
            return id > m_cancelledUpTo;
        };
        task.work(progress);
        lock.lock();
    }
}
