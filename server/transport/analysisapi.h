// server::AnalysisApi — the learning views over HTTP (docs/protocol.md, "Learning views"): the
// core/analysis computations on the session's weights and its MNIST. Every computation runs on
// a worker thread of this object, never on the event loop, and is answered from the main thread;
// the long ones (loss landscape, random steps) are jobs whose progress and results also go to
// every /ws client (broadcastRequested, connected to WebSocketHub::broadcastEvent by Server).
#pragma once

#include "security.h"

#include <QByteArray>
#include <QHttpServerResponse>
#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace server {

class Session;

class AnalysisApi : public QObject
{
    Q_OBJECT
public:
    AnalysisApi(Session &session, AccessPolicy &policy, QObject *parent = nullptr);
    ~AnalysisApi() override; // cancels the running job, joins the worker threads

    // Makes an AnalysisApi owned by `parent` and registers its routes on `server`. Call it
    // before any catch-all route: QHttpServer 6.4 answers with the first route that matches.
    static AnalysisApi *install(QHttpServer &server, Session &session, AccessPolicy &policy, QObject *parent);
    void registerRoutes(QHttpServer &server);

    // The documented limits (docs/protocol.md).
    static constexpr int kMaxBins = 200;
    static constexpr int kMaxSamples = 10000;
    static constexpr int kMaxGrid = 101;
    static constexpr double kMaxSpan = 10;
    static constexpr int kMaxTopImages = 100;
    static constexpr int kMaxMistakes = 500;
    static constexpr int kMaxSteps = 2000;
    static constexpr int kKeptResults = 4; // finished jobs kept for GET
    static constexpr int kMaxWaitingRequests = 8; // computing or queued; more get 503
    static constexpr int kProgressIntervalMs = 100; // analysis_progress at most ~10/s
    static constexpr qint64 kMaxBodyBytes = 64 * 1024;
    static constexpr int kPollMs = 5;

signals:
    // A WebSocket event (a whole JSON message) for every client.
    void broadcastRequested(const QByteArray &message);

private:
    struct Worker; // one thread running queued tasks in order
    struct Waiting; // a request whose answer is being computed
    struct JobProgress; // shared with the job's worker thread
    struct Job;
    struct Answer
    {
        QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok;
        QByteArray body;
    };
    enum class JobKind { Landscape, RandomSteps };

    bool refused(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void send(QHttpServerResponder &responder, const QByteArray &origin, const Answer &answer);
    void sendError(QHttpServerResponder &responder, const QHttpServerRequest &request,
                   QHttpServerResponse::StatusCode status, const QString &message);
    // The data every computation needs; null after answering 503 when MNIST is not loaded.
    bool dataMissing(const QHttpServerRequest &request, QHttpServerResponder &responder);
    // Runs `work` on the request worker and answers with its result from the main thread.
    void compute(const QHttpServerRequest &request, QHttpServerResponder &responder, std::function<Answer()> work);
    void finishRequest(quint64 id, const Answer &answer);

    void histograms(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void compare(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void mistakes(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void topImages(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void features(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void predictInitial(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void startLandscape(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void startRandomSteps(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void jobResult(JobKind kind, const QHttpServerRequest &request, QHttpServerResponder &responder);
    void cancelJob(JobKind kind, const QHttpServerRequest &request, QHttpServerResponder &responder);
    // The job of `kind` named by the `job` query parameter; answers 400/404 and returns null.
    Job *findJob(JobKind kind, const QHttpServerRequest &request, QHttpServerResponder &responder);
    // Queues a new job of `total` units of work (after the caller's 409 check), answers 202 with its id.
    void launchJob(JobKind kind, int total, const QHttpServerRequest &request, QHttpServerResponder &responder,
                   std::function<QByteArray(const std::function<bool(int, int)> &progress)> work);
    bool jobRunning(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void finishJob(const QString &id, bool cancelled, const QByteArray &result);

    // Calls from the worker threads to run on the main thread, in order: a std::mutex-guarded
    // queue that a main-thread timer empties while work is outstanding. Nothing crosses threads
    // through Qt's event queue, whose locks ThreadSanitizer cannot see (the tsan preset).
    void toMainThread(std::function<void()> call);
    void runQueued();
    void workPosted(); // one more task whose last call (finishRequest, finishJob) is to come

    Session &m_session;
    AccessPolicy &m_policy;
    std::unordered_map<quint64, std::unique_ptr<Waiting>> m_waiting;
    quint64 m_nextRequest = 0;
    std::deque<std::unique_ptr<Job>> m_jobs; // oldest first: at most one running, kKeptResults finished
    quint64 m_nextJob = 0;
    std::mutex m_queuedMutex;
    std::deque<std::function<void()>> m_queued;
    int m_outstanding = 0; // tasks posted whose last call has not run yet (main thread)
    QTimer m_poll; // empties m_queued every kPollMs while m_outstanding > 0
    std::unique_ptr<Worker> m_requestWorker; // the heavy GETs
    std::unique_ptr<Worker> m_jobWorker; // landscape and random-steps jobs
};

} // namespace server
