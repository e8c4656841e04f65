// One background thread for the learning views' computations (histograms, statistics,
// landscapes, ...): jobs run there in order, and each job's result comes back on the GUI thread.
// Jobs only ever see immutable network snapshots and the loaded data, so nothing they read
// changes under them. Cancelling makes the running job stop at its next unit of work and drops
// the results of every job submitted before the cancel.
#pragma once

#include <QObject>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

class AnalysisWorker : public QObject
{
    Q_OBJECT
public:
    // Called on the worker with the units done and the total; false means "stop now".
    using Progress = std::function<bool(int done, int total)>;

    explicit AnalysisWorker(QObject *parent = nullptr);
    ~AnalysisWorker() override; // cancels, then joins the thread

    // Runs `work` on the worker thread; `done` then runs on this object's thread with its result,
    // unless the job was cancelled meanwhile.
    template <typename Result>
    void submit(std::function<Result(const Progress &)> work, std::function<void(const Result &)> done)
    {
        auto result = std::make_shared<std::optional<Result>>();
        post([work = std::move(work), result](const Progress &progress) { result->emplace(work(progress)); },
             [done = std::move(done), result] {
                 if (*result)
                     done(**result);
             });
    }

    // Stops the running job at its next unit and drops every pending result.
    void cancel();
    // Jobs submitted and not yet delivered or dropped.
    int pendingJobs() const { return m_pending; }
    bool isBusy() const { return m_pending > 0; }

signals:
    void progressChanged(int done, int total); // throttled, GUI thread
    void busyChanged(bool busy);

private:
    struct Task
    {
        quint64 id = 0;
        std::function<void(const Progress &)> work;
    };
    void post(std::function<void(const Progress &)> work, std::function<void()> deliver);
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_tasks;
    bool m_quit = false;
    std::atomic<quint64> m_cancelledUpTo{0}; // jobs with an id <= this are cancelled
    quint64 m_nextId = 0; // GUI thread
    int m_pending = 0; // GUI thread
    std::thread m_thread;
};
