// The learning views' routes: strict parsing on the main thread, the computation on a worker
// thread (the request worker for the GETs, the job worker for the landscape and random steps),
// the answer written from the main thread through the request's QHttpServerResponder (QHttpServer
// 6.4 writes responses on the event-loop thread only). JSON is written with jsonwriter.h.
#include "analysisapi.h"

#include "analysis/comparison.h"
#include "analysis/features.h"
#include "analysis/histograms.h"
#include "analysis/landscape.h"
#include "analysis/mistakes.h"
#include "analysis/randomsteps.h"
#include "analysis/topimages.h"
#include "jsonwriter.h"
#include "qthttpcompat.h"
#include "requestbodies.h"
#include "session.h"
#include "staticfiles.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QUrlQuery>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <thread>

using namespace Qt::StringLiterals;
using StatusCode = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

namespace server {

struct AnalysisApi::Worker
{
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> tasks;
    bool quit = false;
    std::thread thread;

    Worker()
    {
        thread = std::thread([this] {
            std::unique_lock lock(mutex);
            for (;;) {
                wake.wait(lock, [this] { return quit || !tasks.empty(); });
                if (quit)
                    return;
                const std::function<void()> task = std::move(tasks.front());
                tasks.pop_front();
                lock.unlock();
                task();
                lock.lock();
            }
        });
    }
    ~Worker()
    {
        {
            std::lock_guard lock(mutex);
            quit = true;
            tasks.clear();
        }
        wake.notify_all();
        thread.join();
    }
    void post(std::function<void()> task)
    {
        {
            std::lock_guard lock(mutex);
            tasks.push_back(std::move(task));
        }
        wake.notify_one();
    }
};

struct AnalysisApi::Waiting
{
    std::unique_ptr<QHttpServerResponder> responder;
    QPointer<QTcpSocket> socket; // gone when the client closed the connection meanwhile
    bool knowsSocket = false; // Qt 6.8 does not tell a responder's connection
    QByteArray origin;
};

struct AnalysisApi::JobProgress
{
    std::atomic<bool> cancel{false};
    std::atomic<int> done{0};
    std::atomic<int> total{0};
};

struct AnalysisApi::Job
{
    QString id;
    JobKind kind = JobKind::Landscape;
    enum class State { Running, Finished, Cancelled } state = State::Running;
    std::shared_ptr<JobProgress> progress;
    QByteArray result; // the result's fields as an object text "{...}" (Finished)
};

namespace {
const char *kindName(bool landscape)
{
    return landscape ? "landscape" : "random_steps";
}

QByteArray errorBody(const QString &message)
{
    return json::compact(QJsonObject{{u"status"_s, u"error"_s}, {u"message"_s, message}});
}

// "{...}" with `prefix` members put in front: prefix = "\"status\":\"ok\"".
QByteArray withMembers(const QByteArray &prefix, const QByteArray &objectText)
{
    if (objectText.size() <= 2)
        return '{' + prefix + '}';
    return '{' + prefix + ',' + objectText.mid(1);
}

// A whole-number query parameter in [low, high]: `fallback` when absent (none: required).
std::optional<int> intParameter(const QHttpServerRequest &request, const QString &name, int low, int high,
                                std::optional<int> fallback, QString *problem)
{
    const QStringList values = request.query().allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.isEmpty()) {
        if (!fallback)
            *problem = u"Missing query parameter '%1'"_s.arg(name);
        return fallback;
    }
    if (values.size() > 1) {
        *problem = u"Query parameter '%1' is given %2 times; give it once"_s.arg(name).arg(values.size());
        return std::nullopt;
    }
    const QString text = values.first().trimmed();
    static const QRegularExpression digits(u"^[0-9]{1,9}$"_s);
    const long long value = digits.match(text).hasMatch() ? text.toLongLong() : -1;
    if (value < low || value > high) {
        *problem = u"%1 must be an integer from %2 to %3, got '%4'"_s.arg(name).arg(low).arg(high).arg(text.left(50));
        return std::nullopt;
    }
    return int(value);
}

template <typename Integer>
void appendInts(QByteArray &out, const std::vector<Integer> &values)
{
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i)
            out += ',';
        json::appendInt(out, values[i]);
    }
    out += ']';
}

void appendHistogram(QByteArray &out, const core::Histogram &histogram)
{
    out += "{\"min\":";
    json::appendFloat(out, histogram.minimum);
    out += ",\"max\":";
    json::appendFloat(out, histogram.maximum);
    out += ",\"counts\":";
    appendInts(out, histogram.counts);
    out += ",\"non_finite\":";
    json::appendInt(out, histogram.nonFinite);
    out += '}';
}

void appendMetrics(QByteArray &out, const core::SubsetMetrics &metrics)
{
    out += "{\"accuracy\":";
    json::appendFloat(out, metrics.accuracy);
    out += ",\"loss\":";
    json::appendFloat(out, metrics.loss);
    out += ",\"mean_confidence\":";
    json::appendFloat(out, metrics.meanConfidence);
    out += '}';
}

// A progress callback for part of a job: reports (offset + done, grandTotal) to `report`.
std::function<bool(int, int)> partOf(const std::function<bool(int, int)> &report, int offset, int grandTotal)
{
    return [report, offset, grandTotal](int done, int) { return report(offset + done, grandTotal); };
}
} // namespace

AnalysisApi::AnalysisApi(Session &session, AccessPolicy &policy, QObject *parent)
    : QObject(parent), m_session(session), m_policy(policy), m_requestWorker(std::make_unique<Worker>()),
      m_jobWorker(std::make_unique<Worker>())
{
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &AnalysisApi::runQueued);
}

AnalysisApi::~AnalysisApi()
{
    for (const auto &job : m_jobs)
        job->progress->cancel = true;
    m_requestWorker.reset(); // joins: no task runs any more
    m_jobWorker.reset();
}

AnalysisApi *AnalysisApi::install(QHttpServer &server, Session &session, AccessPolicy &policy, QObject *parent)
{
    auto *api = new AnalysisApi(session, policy, parent);
    api->registerRoutes(server);
    return api;
}

void AnalysisApi::registerRoutes(QHttpServer &server)
{
    using Handler = void (AnalysisApi::*)(const QHttpServerRequest &, QHttpServerResponder &);
    const auto route = [&](const QString &path, QHttpServerRequest::Methods methods, Handler handler) {
        server.route(path, methods, [this, handler](const QHttpServerRequest &request, compat::Responder responder) {
            if (!refused(request, responder))
                (this->*handler)(request, responder);
        });
    };
    const auto jobRoute = [&](const QString &path, QHttpServerRequest::Methods methods, JobKind kind, bool cancel) {
        server.route(path, methods,
                     [this, kind, cancel](const QHttpServerRequest &request, compat::Responder responder) {
                         if (refused(request, responder))
                             return;
                         if (cancel)
                             cancelJob(kind, request, responder);
                         else
                             jobResult(kind, request, responder);
                     });
    };
    route(u"/api/analysis/histograms"_s, Method::Get, &AnalysisApi::histograms);
    route(u"/api/analysis/compare"_s, Method::Get, &AnalysisApi::compare);
    route(u"/api/analysis/mistakes"_s, Method::Get, &AnalysisApi::mistakes);
    route(u"/api/analysis/top-images"_s, Method::Get, &AnalysisApi::topImages);
    route(u"/api/analysis/features"_s, Method::Get, &AnalysisApi::features);
    route(u"/api/analysis/predict-initial"_s, Method::Post, &AnalysisApi::predictInitial);
    route(u"/api/analysis/landscape"_s, Method::Post, &AnalysisApi::startLandscape);
    jobRoute(u"/api/analysis/landscape"_s, Method::Get, JobKind::Landscape, false);
    jobRoute(u"/api/analysis/landscape"_s, Method::Delete, JobKind::Landscape, true);
    jobRoute(u"/api/analysis/landscape/cancel"_s, Method::Post, JobKind::Landscape, true);
    route(u"/api/analysis/random-steps"_s, Method::Post, &AnalysisApi::startRandomSteps);
    jobRoute(u"/api/analysis/random-steps"_s, Method::Get, JobKind::RandomSteps, false);
    jobRoute(u"/api/analysis/random-steps"_s, Method::Delete, JobKind::RandomSteps, true);
    jobRoute(u"/api/analysis/random-steps/cancel"_s, Method::Post, JobKind::RandomSteps, true);
}

// --- Answers ------------------------------------------------------------------------------

bool AnalysisApi::refused(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    // Access level "Read", as GET /api/state: the Host check and the body limit.
    const RequestInfo info = RequestInfo::fromHttp(request);
    if (!m_policy.hostAllowed(info.host)) {
        sendError(responder, request, StatusCode::Forbidden,
                  u"Host '%1' is not allowed (DNS rebinding protection); set NNJ_ALLOWED_HOSTS"_s.arg(
                      QString::fromLatin1(info.host.left(100))));
        return true;
    }
    if (request.body().size() > kMaxBodyBytes) {
        sendError(responder, request, StatusCode::PayloadTooLarge,
                  u"Request body is larger than %1 KiB"_s.arg(kMaxBodyBytes / 1024));
        return true;
    }
    return false;
}

void AnalysisApi::send(QHttpServerResponder &responder, const QByteArray &origin, const Answer &answer)
{
    // The headers HttpApi adds to every answer (its after-request hook does not see responder routes).
    QHttpServerResponse response("application/json", answer.body, answer.status);
    compat::setHeader(response, "Cache-Control", "no-store");
    compat::setHeader(response, "X-Content-Type-Options", "nosniff");
    compat::setHeader(response, "Content-Security-Policy", StaticFiles::kNonHtmlPolicy);
    compat::setHeader(response, "X-Frame-Options", "DENY");
    compat::setHeader(response, "Referrer-Policy", "no-referrer");
    const QByteArray allowOrigin = m_policy.corsAllowOrigin(origin);
    if (!allowOrigin.isEmpty())
        compat::setHeader(response, "Access-Control-Allow-Origin", allowOrigin);
    if (allowOrigin != "*")
        compat::setHeader(response, "Vary", "Origin");
    compat::send(responder, response);
}

void AnalysisApi::sendError(QHttpServerResponder &responder, const QHttpServerRequest &request, StatusCode status,
                            const QString &message)
{
    send(responder, request.value("origin"), Answer{status, errorBody(message)});
}

bool AnalysisApi::dataMissing(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    if (m_session.data())
        return false;
    sendError(responder, request, StatusCode::ServiceUnavailable,
              u"The MNIST data is not loaded yet: the server loads it when training starts (POST "
              "/start-training); the learning views are available from then on"_s);
    return true;
}

void AnalysisApi::compute(const QHttpServerRequest &request, QHttpServerResponder &responder,
                          std::function<Answer()> work)
{
    if (m_waiting.size() >= std::size_t(kMaxWaitingRequests)) {
        sendError(responder, request, StatusCode::ServiceUnavailable,
                  u"Too many analysis requests are being computed; try again shortly"_s);
        return;
    }
    const quint64 id = ++m_nextRequest;
    auto waiting = std::make_unique<Waiting>();
    waiting->socket = compat::socketOf(responder);
    waiting->knowsSocket = waiting->socket != nullptr;
    waiting->origin = request.value("origin");
    waiting->responder = std::make_unique<QHttpServerResponder>(std::move(responder));
    m_waiting.emplace(id, std::move(waiting));
    workPosted();
    m_requestWorker->post([this, id, work = std::move(work)] {
        Answer answer = work();
        toMainThread([this, id, answer = std::move(answer)] { finishRequest(id, answer); });
    });
}

void AnalysisApi::finishRequest(quint64 id, const Answer &answer)
{
    --m_outstanding;
    const auto found = m_waiting.find(id);
    if (found == m_waiting.end())
        return;
    const std::unique_ptr<Waiting> waiting = std::move(found->second);
    m_waiting.erase(found);
    if (!waiting->knowsSocket || (waiting->socket && waiting->socket->state() == QAbstractSocket::ConnectedState))
        send(*waiting->responder, waiting->origin, answer);
}

void AnalysisApi::toMainThread(std::function<void()> call)
{
    std::lock_guard lock(m_queuedMutex);
    m_queued.push_back(std::move(call));
}

void AnalysisApi::workPosted()
{
    ++m_outstanding;
    if (!m_poll.isActive())
        m_poll.start();
}

void AnalysisApi::runQueued()
{
    for (;;) {
        std::function<void()> call;
        {
            std::lock_guard lock(m_queuedMutex);
            if (m_queued.empty()) {
                if (m_outstanding == 0)
                    m_poll.stop();
                return;
            }
            call = std::move(m_queued.front());
            m_queued.pop_front();
        }
        call();
    }
}

// --- The GETs -----------------------------------------------------------------------------

void AnalysisApi::histograms(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    QString problem;
    const auto bins = intParameter(request, u"bins"_s, 1, kMaxBins, 30, &problem);
    const auto samples = bins ? intParameter(request, u"samples"_s, 1, kMaxSamples, 1000, &problem) : std::nullopt;
    if (!samples)
        return sendError(responder, request, StatusCode::BadRequest, problem);
    if (dataMissing(request, responder))
        return;
    compute(
        request, responder, [network = m_session.weights(), data = m_session.data(), bins = *bins, samples = *samples] {
            const int count = core::subsetSize(data->test, samples);
            const std::vector<core::LayerHistograms> layers = core::layerHistograms(*network, data->test, count, bins);
            QByteArray out = "{\"status\":\"ok\",\"samples\":";
            json::appendInt(out, count);
            out += ",\"bins\":";
            json::appendInt(out, bins);
            out += ",\"layers\":[";
            for (std::size_t i = 0; i < layers.size(); ++i) {
                const core::LayerHistograms &layer = layers[i];
                if (i)
                    out += ',';
                out += "{\"layer\":";
                json::appendInt(out, layer.layerIndex + 1);
                out += ",\"activation\":";
                json::appendString(out, layer.hidden ? QString::fromStdString(core::activationName(layer.activation))
                                                     : u"softmax"_s);
                out += ",\"weights\":";
                appendHistogram(out, layer.weights);
                out += ",\"biases\":";
                appendHistogram(out, layer.biases);
                out += ",\"activations\":";
                appendHistogram(out, layer.activations);
                out += ",\"gradients\":";
                if (layer.weightGradients.total() + layer.weightGradients.nonFinite > 0)
                    appendHistogram(out, layer.weightGradients);
                else
                    out += "null";
                out += ",\"dead\":";
                json::appendInt(out, qsizetype(layer.deadUnits.size()));
                out += ",\"saturated\":";
                json::appendInt(out, qsizetype(layer.saturatedUnits.size()));
                out += ",\"dead_units\":";
                appendInts(out, layer.deadUnits);
                out += ",\"saturated_units\":";
                appendInts(out, layer.saturatedUnits);
                out += '}';
            }
            out += "]}";
            return Answer{StatusCode::Ok, out};
        });
}

void AnalysisApi::compare(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    QString problem;
    const auto samples = intParameter(request, u"samples"_s, 1, kMaxSamples, 1000, &problem);
    if (!samples)
        return sendError(responder, request, StatusCode::BadRequest, problem);
    if (dataMissing(request, responder))
        return;
    compute(request, responder,
            [initial = m_session.initialWeights(), current = m_session.weights(), data = m_session.data(),
             samples = *samples] {
                const core::NetworkComparison comparison
                    = core::compareNetworks(*initial, *current, data->test, core::subsetSize(data->test, samples));
                QByteArray out = "{\"status\":\"ok\",\"samples\":";
                json::appendInt(out, comparison.current.count);
                out += ",\"trained\":";
                appendMetrics(out, comparison.current);
                out += ",\"untrained\":";
                appendMetrics(out, comparison.initial);
                out += '}';
                return Answer{StatusCode::Ok, out};
            });
}

void AnalysisApi::mistakes(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    QString problem;
    const auto trueLabel = intParameter(request, u"true"_s, 0, 9, std::nullopt, &problem);
    const auto predicted
        = trueLabel ? intParameter(request, u"predicted"_s, 0, 9, std::nullopt, &problem) : std::nullopt;
    const auto limit = predicted ? intParameter(request, u"limit"_s, 1, kMaxMistakes, 50, &problem) : std::nullopt;
    if (!limit)
        return sendError(responder, request, StatusCode::BadRequest, problem);
    if (dataMissing(request, responder))
        return;
    compute(request, responder,
            [network = m_session.weights(), data = m_session.data(), trueLabel = *trueLabel, predicted = *predicted,
             limit = *limit] {
                const core::MistakeList list = core::findMistakes(*network, data->test, trueLabel, predicted, limit);
                QByteArray out = "{\"status\":\"ok\",\"true\":";
                json::appendInt(out, trueLabel);
                out += ",\"predicted\":";
                json::appendInt(out, predicted);
                out += ",\"total\":";
                json::appendInt(out, list.total);
                out += ",\"items\":[";
                for (std::size_t i = 0; i < list.items.size(); ++i) {
                    const core::MistakeItem &item = list.items[i];
                    if (i)
                        out += ',';
                    out += "{\"index\":";
                    json::appendInt(out, item.index);
                    out += ",\"label\":";
                    json::appendInt(out, item.label);
                    out += ",\"prediction\":";
                    json::appendInt(out, item.prediction);
                    out += ",\"confidence\":";
                    json::appendFloat(out, item.confidence);
                    out += ",\"probabilities\":";
                    json::appendFloats(out, item.probabilities.data(), qsizetype(item.probabilities.size()));
                    // The test image itself (784 bytes, 0..255, row-major), for the page to show
                    // and to run as an input: about 1 KB per item in base64.
                    out += ",\"image\":\"";
                    out += QByteArray::fromRawData(reinterpret_cast<const char *>(data->test.image(item.index)),
                                                   data->test.pixelsPerImage())
                               .toBase64();
                    out += "\"}";
                }
                out += "]}";
                return Answer{StatusCode::Ok, out};
            });
}

void AnalysisApi::topImages(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const auto network = m_session.weights();
    QString problem;
    const auto layer = intParameter(request, u"layer"_s, 1, network->layerCount(), std::nullopt, &problem);
    const auto neuron = layer ? intParameter(request, u"neuron"_s, 0, network->layer(*layer - 1).outputSize() - 1,
                                             std::nullopt, &problem)
                              : std::nullopt;
    const auto k = neuron ? intParameter(request, u"k"_s, 1, kMaxTopImages, 16, &problem) : std::nullopt;
    const auto samples = k ? intParameter(request, u"samples"_s, 1, kMaxSamples, 1000, &problem) : std::nullopt;
    if (!samples)
        return sendError(responder, request, StatusCode::BadRequest, problem);
    if (dataMissing(request, responder))
        return;
    compute(request, responder,
            [network, data = m_session.data(), layer = *layer, neuron = *neuron, k = *k, samples = *samples] {
                const int count = core::subsetSize(data->test, samples);
                const core::TopImages top
                    = core::topActivatingImages(*network, data->test, count, layer - 1, neuron, k);
                QByteArray out = "{\"status\":\"ok\",\"layer\":";
                json::appendInt(out, layer);
                out += ",\"neuron\":";
                json::appendInt(out, neuron);
                out += ",\"samples\":";
                json::appendInt(out, count);
                out += ",\"indices\":";
                appendInts(out, top.indices);
                out += ",\"activations\":";
                json::appendFloats(out, top.activations);
                out += ",\"mean\":";
                json::appendFloats(out, top.meanImage);
                out += '}';
                return Answer{StatusCode::Ok, out};
            });
}

namespace {
// A layer's incoming weights, neuron-major, as int8 per row: round(w / scale * 127) with scale
// the row's max |w| (an all-zero row keeps scale 0 and zeros). A quarter of float32's bytes and
// about a tenth of the JSON numbers' for the gallery's periodic refresh; the error per weight
// is at most scale / 254, well under what a tile's colours can show.
QByteArray quantisedRows(const core::DenseLayer &layer, std::vector<float> &scales)
{
    const core::Matrix &weights = layer.weights(); // (out, in)
    const int rows = int(weights.rows()), columns = int(weights.cols());
    scales.assign(std::size_t(rows), 0.0f);
    QByteArray bytes(qsizetype(rows) * columns, '\0');
    for (int j = 0; j < rows; ++j) {
        const float scale = weights.row(j).cwiseAbs().maxCoeff();
        scales[std::size_t(j)] = scale;
        if (!(scale > 0))
            continue;
        char *out = bytes.data() + qsizetype(j) * columns;
        for (int i = 0; i < columns; ++i)
            out[i] = char(std::clamp(std::lround(weights(j, i) / scale * 127.0f), -127L, 127L));
    }
    return bytes;
}
} // namespace

void AnalysisApi::features(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const auto network = m_session.weights();
    QString problem;
    const auto layer = intParameter(request, u"layer"_s, 1, network->layerCount(), 1, &problem);
    const auto samples = layer ? intParameter(request, u"samples"_s, 1, kMaxSamples, 1000, &problem) : std::nullopt;
    if (!samples)
        return sendError(responder, request, StatusCode::BadRequest, problem);
    if (dataMissing(request, responder))
        return;
    compute(request, responder, [network, data = m_session.data(), layer = *layer, samples = *samples] {
        const core::NeuronStatistics statistics
            = core::neuronStatistics(*network, data->test, layer - 1, core::subsetSize(data->test, samples));
        const core::DenseLayer &dense = network->layer(layer - 1);
        std::vector<float> scales;
        const QByteArray bytes = quantisedRows(dense, scales);
        QByteArray out = "{\"status\":\"ok\",\"layer\":";
        json::appendInt(out, layer);
        out += ",\"neurons\":";
        json::appendInt(out, dense.outputSize());
        out += ",\"inputs\":";
        json::appendInt(out, dense.inputSize());
        out += ",\"samples\":";
        json::appendInt(out, statistics.samples);
        out += ",\"weight_norms\":";
        json::appendFloats(out, statistics.weightNorms);
        out += ",\"firing\":";
        json::appendFloats(out, statistics.firingRates);
        out += ",\"scales\":";
        json::appendFloats(out, scales);
        out += ",\"encoding\":\"int8\",\"weights\":\"";
        out += bytes.toBase64();
        out += "\"}";
        return Answer{StatusCode::Ok, out};
    });
}

namespace {
void appendPrediction(QByteArray &out, const core::Prediction &prediction)
{
    out += "{\"prediction\":";
    json::appendInt(out, prediction.digit);
    out += ",\"probabilities\":";
    json::appendFloats(out, prediction.probabilities.data(), qsizetype(prediction.probabilities.size()));
    out += '}';
}
} // namespace

void AnalysisApi::predictInitial(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const ParsedPixels parsed = parsePredictBody(request.body());
    if (!parsed.pixels)
        return sendError(responder, request, StatusCode::BadRequest, parsed.error);
    compute(request, responder,
            [initial = m_session.initialWeights(), current = m_session.weights(), pixels = *parsed.pixels] {
                QByteArray out = "{\"status\":\"ok\",\"trained\":";
                appendPrediction(out, current->predict(pixels.data()));
                out += ",\"untrained\":";
                appendPrediction(out, initial->predict(pixels.data()));
                out += '}';
                return Answer{StatusCode::Ok, out};
            });
}

// --- Jobs ---------------------------------------------------------------------------------

bool AnalysisApi::jobRunning(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    for (const auto &job : m_jobs) {
        if (job->state != Job::State::Running)
            continue;
        const QString path = job->kind == JobKind::Landscape ? u"landscape"_s : u"random-steps"_s;
        sendError(responder, request, StatusCode::Conflict,
                  u"The analysis job '%1' is still running; wait for it or cancel it (DELETE "
                  "/api/analysis/%2?job=%1)"_s.arg(job->id, path));
        return true;
    }
    return false;
}

void AnalysisApi::launchJob(JobKind kind, int total, const QHttpServerRequest &request, QHttpServerResponder &responder,
                            std::function<QByteArray(const std::function<bool(int, int)> &progress)> work)
{
    auto job = std::make_unique<Job>();
    const bool landscape = kind == JobKind::Landscape;
    job->id = (landscape ? u"landscape-"_s : u"random-steps-"_s) + QString::number(++m_nextJob);
    job->kind = kind;
    job->progress = std::make_shared<JobProgress>();
    job->progress->total = total;
    const QString id = job->id;
    m_jobs.push_back(std::move(job));
    workPosted();
    m_jobWorker->post([this, id, landscape, progress = m_jobs.back()->progress, work = std::move(work)] {
        using Clock = std::chrono::steady_clock;
        Clock::time_point lastReport{};
        int lastDone = -1;
        const QByteArray head = "{\"type\":\"analysis_progress\",\"job\":\"" + id.toUtf8() + "\",\"kind\":\""
                                + kindName(landscape) + "\",\"done\":";
        const auto report = [&](int done, int of) {
            progress->done = done;
            progress->total = of;
            const auto now = Clock::now();
            if (done != lastDone
                && (done == of || now - lastReport >= std::chrono::milliseconds(kProgressIntervalMs))) {
                lastReport = now;
                lastDone = done;
                QByteArray message = head;
                json::appendInt(message, done);
                message += ",\"total\":";
                json::appendInt(message, of);
                message += '}';
                toMainThread([this, message] { emit broadcastRequested(message); });
            }
            return !progress->cancel.load();
        };
        const QByteArray result = work(report);
        toMainThread([this, id, result, cancelled = progress->cancel.load()] { finishJob(id, cancelled, result); });
    });
    send(responder, request.value("origin"),
         Answer{StatusCode::Accepted,
                json::compact(QJsonObject{{u"status"_s, u"accepted"_s},
                                          {u"job"_s, id},
                                          {u"kind"_s, QString::fromLatin1(kindName(landscape))}})});
}

void AnalysisApi::finishJob(const QString &id, bool cancelled, const QByteArray &result)
{
    --m_outstanding;
    for (const auto &job : m_jobs) {
        if (job->id != id)
            continue;
        const bool landscape = job->kind == JobKind::Landscape;
        if (cancelled || result.isEmpty()) {
            job->state = Job::State::Cancelled;
        } else {
            job->state = Job::State::Finished;
            job->result = result;
            emit broadcastRequested(withMembers(
                "\"type\":\"" + QByteArray(kindName(landscape)) + "\",\"job\":\"" + id.toUtf8() + '"', result));
        }
        break;
    }
    // Bounded memory: the running job and the newest kKeptResults others.
    int kept = 0;
    for (auto it = m_jobs.end(); it != m_jobs.begin();) {
        --it;
        if ((*it)->state == Job::State::Running)
            continue;
        if (++kept > kKeptResults)
            it = m_jobs.erase(it);
    }
}

AnalysisApi::Job *AnalysisApi::findJob(JobKind kind, const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QStringList values = request.query().allQueryItemValues(u"job"_s, QUrl::FullyDecoded);
    if (values.size() != 1) {
        sendError(responder, request, StatusCode::BadRequest,
                  values.isEmpty() ? u"Missing query parameter 'job'"_s
                                   : u"Query parameter 'job' is given %1 times; give it once"_s.arg(values.size()));
        return nullptr;
    }
    for (const auto &job : m_jobs) {
        if (job->kind == kind && job->id == values.first())
            return job.get();
    }
    sendError(
        responder, request, StatusCode::NotFound,
        u"Unknown job '%1' (results are kept for the last %2 jobs)"_s.arg(values.first().left(50)).arg(kKeptResults));
    return nullptr;
}

void AnalysisApi::jobResult(JobKind kind, const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    Job *job = findJob(kind, request, responder);
    if (!job)
        return;
    switch (job->state) {
    case Job::State::Running: {
        QByteArray body = "{\"status\":\"running\",\"job\":";
        json::appendString(body, job->id);
        body += ",\"done\":";
        json::appendInt(body, job->progress->done.load());
        body += ",\"total\":";
        json::appendInt(body, job->progress->total.load());
        body += '}';
        return send(responder, request.value("origin"), Answer{StatusCode::Accepted, body});
    }
    case Job::State::Cancelled:
        return sendError(responder, request, StatusCode::Gone, u"The job '%1' was cancelled"_s.arg(job->id));
    case Job::State::Finished:
        return send(
            responder, request.value("origin"),
            Answer{StatusCode::Ok, withMembers("\"status\":\"ok\",\"job\":\"" + job->id.toUtf8() + '"', job->result)});
    }
}

void AnalysisApi::cancelJob(JobKind kind, const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    Job *job = findJob(kind, request, responder);
    if (!job)
        return;
    if (job->state != Job::State::Running)
        return sendError(responder, request, StatusCode::Conflict,
                         u"The job '%1' is not running (it %2)"_s.arg(
                             job->id, job->state == Job::State::Finished ? u"finished"_s : u"was cancelled"_s));
    job->progress->cancel = true;
    job->state = Job::State::Cancelled; // the worker stops at its next unit of work
    const QByteArray kind8 = kindName(job->kind == JobKind::Landscape);
    emit broadcastRequested("{\"type\":\"analysis_cancelled\",\"job\":\"" + job->id.toUtf8() + "\",\"kind\":\"" + kind8
                            + "\"}");
    send(responder, request.value("origin"),
         Answer{StatusCode::Ok, json::compact(QJsonObject{{u"status"_s, u"cancelled"_s}, {u"job"_s, job->id}})});
}

namespace {
// The strict JSON body of a job: an empty body is {}; only `allowed` keys.
std::optional<QJsonObject> jobBody(const QByteArray &body, const QStringList &allowed, QString *problem)
{
    if (body.trimmed().isEmpty())
        return QJsonObject{};
    auto object = parseJsonObjectBody(body, problem);
    if (!object)
        return std::nullopt;
    for (const QString &key : object->keys()) {
        if (!allowed.contains(key)) {
            *problem = u"Unknown field '%1'; the fields are %2"_s.arg(key.left(50), allowed.join(u", "_s));
            return std::nullopt;
        }
    }
    return object;
}

// Field `name` of `object`, a whole number in [low, high], or `fallback` when absent.
std::optional<int> intField(const QJsonObject &object, const QString &name, int low, int high, int fallback,
                            QString *problem)
{
    if (!object.contains(name))
        return fallback;
    const auto value = strictInt(object.value(name), low, high);
    if (!value)
        *problem = u"Field '%1' must be an integer from %2 to %3"_s.arg(name).arg(low).arg(high);
    return value;
}
} // namespace

void AnalysisApi::startLandscape(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    QString problem;
    const auto object = jobBody(request.body(), {u"grid"_s, u"span"_s, u"samples"_s, u"seed"_s}, &problem);
    const auto grid = object ? intField(*object, u"grid"_s, 1, kMaxGrid, 31, &problem) : std::nullopt;
    const auto samples = grid ? intField(*object, u"samples"_s, 1, kMaxSamples, 1000, &problem) : std::nullopt;
    const auto seed = samples ? intField(*object, u"seed"_s, 0, 2147483647, 1, &problem) : std::nullopt;
    double span = 1;
    if (seed && object->contains(u"span"_s)) {
        const QJsonValue value = object->value(u"span"_s);
        span = value.isDouble() ? value.toDouble() : -1;
        if (!(span > 0 && span <= kMaxSpan))
            problem = u"Field 'span' must be a number with 0 < span <= %1"_s.arg(kMaxSpan);
    }
    if (!problem.isEmpty())
        return sendError(responder, request, StatusCode::BadRequest, problem);
    if (dataMissing(request, responder) || jobRunning(request, responder))
        return;
    core::LandscapeSettings settings;
    settings.gridSize = *grid;
    settings.span = float(span);
    settings.count = *samples;
    // The weights at POST time, and the run's path to them when it has one: its initial weights,
    // then its trajectory snapshots.
    const auto center = m_session.weights();
    std::vector<std::shared_ptr<const core::Network>> path = m_session.trajectory();
    if (!path.empty())
        path.insert(path.begin(), m_session.initialWeights());
    const int units = settings.gridSize * settings.gridSize + int(path.size());
    launchJob(JobKind::Landscape, units, request, responder,
              [center, path, data = m_session.data(), settings,
               seed = std::uint64_t(*seed)](const std::function<bool(int, int)> &progress) -> QByteArray {
                  const int cells = settings.gridSize * settings.gridSize;
                  const int total = cells + int(path.size());
                  const core::LandscapePlane plane = core::makeLandscapePlane(*center, seed);
                  const core::LossLandscape landscape
                      = core::computeLossLandscape(*center, plane, data->test, settings, partOf(progress, 0, total));
                  if (landscape.cancelled)
                      return {};
                  std::vector<core::Network> snapshots;
                  snapshots.reserve(path.size());
                  for (const auto &snapshot : path)
                      snapshots.push_back(*snapshot);
                  const core::Trajectory trajectory = core::projectTrajectory(
                      *center, plane, snapshots, data->test, settings.count, partOf(progress, cells, total));
                  if (trajectory.cancelled)
                      return {};
                  progress(total, total);
                  QByteArray out = "{\"grid\":";
                  json::appendInt(out, landscape.gridSize);
                  out += ",\"span\":";
                  json::appendFloat(out, settings.span);
                  out += ",\"samples\":";
                  json::appendInt(out, landscape.count);
                  out += ",\"seed\":";
                  json::appendInt(out, qint64(seed));
                  out += ",\"alphas\":";
                  json::appendFloats(out, landscape.alphas);
                  out += ",\"betas\":";
                  json::appendFloats(out, landscape.betas);
                  out += ",\"loss\":[";
                  for (int row = 0; row < landscape.gridSize; ++row) {
                      if (row)
                          out += ',';
                      json::appendFloats(out, landscape.losses.data() + qsizetype(row) * landscape.gridSize,
                                         landscape.gridSize);
                  }
                  out += "],\"center_loss\":";
                  json::appendFloat(out, landscape.centerLoss);
                  out += ",\"trajectory\":[";
                  for (std::size_t i = 0; i < trajectory.points.size(); ++i) {
                      const core::TrajectoryPoint &point = trajectory.points[i];
                      if (i)
                          out += ',';
                      const float values[] = {point.alpha, point.beta, point.loss};
                      json::appendFloats(out, values, 3);
                  }
                  out += "]}";
                  return out;
              });
}

void AnalysisApi::startRandomSteps(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    QString problem;
    const auto object = jobBody(request.body(), {u"steps"_s, u"seed"_s}, &problem);
    const auto steps = object ? intField(*object, u"steps"_s, 1, kMaxSteps, 100, &problem) : std::nullopt;
    const auto seed = steps ? intField(*object, u"seed"_s, 0, 2147483647, 1, &problem) : std::nullopt;
    if (!seed)
        return sendError(responder, request, StatusCode::BadRequest, problem);
    if (dataMissing(request, responder) || jobRunning(request, responder))
        return;
    const SessionSettings session = m_session.settings();
    core::RandomStepsSettings settings;
    settings.steps = *steps;
    settings.seed = std::uint64_t(*seed);
    settings.batchSize = session.batchSize;
    settings.learningRate = session.learningRate;
    launchJob(JobKind::RandomSteps, settings.steps, request, responder,
              [initial = m_session.initialWeights(), data = m_session.data(),
               settings](const std::function<bool(int, int)> &progress) -> QByteArray {
                  const core::RandomStepsResult result
                      = core::compareRandomSteps(*initial, data->train, settings, progress);
                  if (result.cancelled)
                      return {};
                  progress(result.stepsTaken, result.stepsTaken);
                  QByteArray out = "{\"steps\":";
                  json::appendInt(out, result.stepsTaken);
                  out += ",\"seed\":";
                  json::appendInt(out, qint64(settings.seed));
                  out += ",\"learning_rate\":";
                  json::appendFloat(out, settings.learningRate);
                  out += ",\"batch_size\":";
                  json::appendInt(out, std::min(settings.batchSize, data->train.count()));
                  out += ",\"sgd_loss\":";
                  json::appendFloats(out, result.sgdLoss);
                  out += ",\"random_loss\":";
                  json::appendFloats(out, result.randomLoss);
                  out += ",\"step_length\":";
                  json::appendFloats(out, result.stepLength);
                  out += '}';
                  return out;
              });
}

} // namespace server
