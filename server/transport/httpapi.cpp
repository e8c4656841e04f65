#include "httpapi.h"

#include "analysisapi.h"
#include "jsonwriter.h"
#include "messages.h"
#include "qthttpcompat.h"
#include "requestbodies.h"
#include "session.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

#include <cmath>

using namespace Qt::StringLiterals;
using StatusCode = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

namespace server {

namespace {
QHttpServerResponse jsonResponse(const QByteArray &json, StatusCode status = StatusCode::Ok)
{
    return QHttpServerResponse("application/json", json, status);
}

// The single value of query parameter `name`; an error text when it is missing or repeated.
std::optional<QString> singleParameter(const QHttpServerRequest &request, const QString &name, QString *problem)
{
    const QStringList values = request.query().allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.isEmpty()) {
        *problem = u"Missing query parameter '%1'"_s.arg(name);
        return std::nullopt;
    }
    if (values.size() > 1) {
        *problem = u"Query parameter '%1' is given %2 times; give it once"_s.arg(name).arg(values.size());
        return std::nullopt;
    }
    return values.first().trimmed();
}

// A journey resource (compiled in from resources/journey/), its bytes as they are.
QHttpServerResponse journeyResource(const QString &name)
{
    QFile file(u":/journey/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        return HttpApi::errorResponse(StatusCode::NotFound, u"%1 is not built into this server"_s.arg(name));
    return QHttpServerResponse("application/json", file.readAll());
}

// An invalid value's error names what the request gave ("lr must be ..., got 'abc'").
CommandResult withInput(CommandResult result, const QString &input)
{
    if (result.error == ErrorKind::InvalidArgument)
        result.message = u"%1, got '%2'"_s.arg(result.message, input.left(50));
    return result;
}
} // namespace

StatusCode HttpApi::httpStatus(ErrorKind error)
{
    // The one table from a refused command to its HTTP status.
    switch (error) {
    case ErrorKind::None: return StatusCode::Ok;
    case ErrorKind::InvalidArgument: return StatusCode::BadRequest;
    case ErrorKind::Conflict: return StatusCode::Conflict;
    case ErrorKind::Unavailable: return StatusCode::ServiceUnavailable;
    }
    return StatusCode::InternalServerError;
}

QHttpServerResponse HttpApi::answer(const CommandResult &result, QJsonObject fields)
{
    if (!result.ok())
        return errorResponse(httpStatus(result.error), result.message);
    fields.insert(u"status"_s, result.status);
    if (!result.message.isEmpty())
        fields.insert(u"message"_s, result.message);
    return QHttpServerResponse(fields);
}

HttpApi::HttpApi(Session &session, AccessPolicy &policy, std::function<int()> viewerCount, QObject *parent)
    : QObject(parent), m_session(session), m_policy(policy), m_viewerCount(std::move(viewerCount))
{
}

QHttpServerResponse HttpApi::errorResponse(StatusCode status, const QString &message)
{
    return QHttpServerResponse(QJsonObject{{u"status"_s, u"error"_s}, {u"message"_s, message}}, status);
}

QStringList HttpApi::topLevelKeys(const QByteArray &text)
{
    QStringList keys;
    int depth = 0;
    bool expectKey = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            qsizetype end = i + 1;
            while (end < text.size() && text[end] != '"')
                end += text[end] == '\\' ? 2 : 1;
            if (depth == 1 && expectKey) {
                const QByteArray quoted = text.mid(i, end - i + 1);
                keys << QJsonDocument::fromJson("[" + quoted + "]").array().at(0).toString();
                expectKey = false;
            }
            i = end;
        } else if (c == '{' || c == '[') {
            ++depth;
            expectKey = depth == 1 && c == '{';
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expectKey = true;
        }
    }
    return keys;
}

std::optional<QHttpServerResponse> HttpApi::checkAccess(const QHttpServerRequest &request, Access access,
                                                        qint64 maxBody)
{
    const RequestInfo info = RequestInfo::fromHttp(request);
    if (access != Access::Open && !m_policy.hostAllowed(info.host))
        return errorResponse(StatusCode::Forbidden,
                             u"Host '%1' is not allowed (DNS rebinding protection); set NNJ_ALLOWED_HOSTS"_s.arg(
                                 QString::fromLatin1(info.host.left(100))));
    if (request.body().size() > maxBody)
        return errorResponse(StatusCode::PayloadTooLarge, u"Request body is larger than %1 KiB"_s.arg(maxBody / 1024));
    if (access == Access::Predict || access == Access::Drive || access == Access::Control) {
        if (!m_policy.originAllowed(info.origin))
            return errorResponse(StatusCode::Forbidden, u"Origin '%1' may not send requests here"_s.arg(
                                                            QString::fromLatin1(info.origin.left(100))));
        if (!m_policy.takeControlBudget(info, access == Access::Predict ? AccessPolicy::Budget::Predict
                                                                        : AccessPolicy::Budget::Control))
            return errorResponse(StatusCode::TooManyRequests, u"Too many requests; slow down"_s);
    }
    if (access == Access::Drive || access == Access::Control) {
        const QByteArray driverKey = request.value("X-NNJ-Driver");
        const AccessPolicy::Decision decision = m_policy.controlDecision(info);
        if (decision != AccessPolicy::Decision::Allowed && !driverKey.isEmpty()) {
            if (access == Access::Drive && m_driverCheck && m_driverCheck(driverKey))
                return std::nullopt;
            return errorResponse(
                StatusCode::Forbidden,
                access == Access::Drive
                    ? u"X-NNJ-Driver: this participant does not drive the training now"_s
                    : u"Only the presenter may do this; the driver runs the training and its settings"_s);
        }
        switch (decision) {
        case AccessPolicy::Decision::Allowed: break;
        case AccessPolicy::Decision::WrongToken:
            return errorResponse(StatusCode::Forbidden, u"The join token is not valid"_s);
        case AccessPolicy::Decision::NeedsToken:
        case AccessPolicy::Decision::Forbidden:
            return errorResponse(StatusCode::Unauthorized,
                                 u"Controlling the training needs the join token (Authorization: Bearer <token>)"_s);
        }
    }
    return std::nullopt;
}

QHttpServerResponse HttpApi::handle(const QHttpServerRequest &request, Access access,
                                    const std::function<QHttpServerResponse()> &body, qint64 maxBody)
{
    if (auto refusal = checkAccess(request, access, maxBody))
        return std::move(*refusal);
    return body();
}

void HttpApi::registerRoutes(QHttpServer &server)
{
    // GET routes are kept by path too, so HEAD answers exactly what GET would, without the body.
    const auto get = [&](const QString &path, Access access, std::function<QHttpServerResponse()> body) {
        const auto handler = [this, access, body](const QHttpServerRequest &request) -> QHttpServerResponse {
            return handle(request, access, body);
        };
        m_getHandlers.insert(path, handler);
        server.route(path, Method::Get, handler);
    };
    const auto post
        = [&](const QString &path, Access access, std::function<QHttpServerResponse(const QHttpServerRequest &)> body,
              qint64 maxBody = kMaxBodyBytes) {
              server.route(path, Method::Post,
                           [this, access, body, maxBody](const QHttpServerRequest &request) -> QHttpServerResponse {
                               return handle(
                                   request, access, [&] { return body(request); }, maxBody);
                           });
          };

    AnalysisApi::install(server, m_session, m_policy, this); // first: the catch-all routes below would match
    get(u"/health"_s, Access::Open, [] { return QHttpServerResponse(QJsonObject{{u"status"_s, u"ok"_s}}); });
    get(u"/api/status"_s, Access::Read, [this] {
        return QHttpServerResponse(
            QJsonObject{{u"status"_s, u"healthy"_s},
                        {u"training_in_progress"_s, m_session.isTraining()},
                        {u"environment"_s, m_policy.settings().production ? u"production"_s : u"development"_s}});
    });
    get(u"/status"_s, Access::Read, [this] { return QHttpServerResponse(messages::seedStatus(m_session.stats())); });
    get(u"/api/state"_s, Access::Read,
        [this] { return jsonResponse(messages::state(m_session, m_viewerCount(), false)); });
    get(u"/get-weights"_s, Access::Read, [this] { return getWeights(); });
    get(u"/model"_s, Access::Read, [this] { return downloadModel(); });
    get(u"/api/glossary"_s, Access::Read, [] { return journeyResource(u"glossary.json"_s); });
    get(u"/api/journey"_s, Access::Read, [] { return journeyResource(u"journey.json"_s); });

    const auto runCommand = [&](const QString &path, CommandKind kind) {
        post(path, Access::Drive,
             [this, kind](const QHttpServerRequest &) { return answer(m_session.execute(Command::of(kind))); });
    };
    runCommand(u"/start-training"_s, CommandKind::Start);
    runCommand(u"/stop-training"_s, CommandKind::Stop);
    runCommand(u"/pause-training"_s, CommandKind::Pause);
    runCommand(u"/resume-training"_s, CommandKind::Resume);
    runCommand(u"/step-training"_s, CommandKind::Step);
    post(u"/set-learning-rate"_s, Access::Drive, [this](const QHttpServerRequest &r) { return setLearningRate(r); });
    post(u"/set-batch-delay"_s, Access::Drive, [this](const QHttpServerRequest &r) { return setBatchDelay(r); });
    post(u"/set-architecture"_s, Access::Drive, [this](const QHttpServerRequest &r) { return setArchitecture(r); });
    post(u"/set-teaching-mode"_s, Access::Drive, [this](const QHttpServerRequest &r) { return setTeachingMode(r); });
    post(u"/set-teaching-moments"_s, Access::Drive,
         [this](const QHttpServerRequest &r) { return setTeachingMoments(r); });
    post(u"/set-speed"_s, Access::Drive, [this](const QHttpServerRequest &r) { return setSpeed(r); });
    post(u"/set-pace"_s, Access::Drive, [this](const QHttpServerRequest &r) { return setPace(r); });
    post(u"/predict"_s, Access::Predict, [this](const QHttpServerRequest &r) { return predict(r); });
    post(
        u"/model"_s, Access::Control, [this](const QHttpServerRequest &r) { return uploadModel(r); }, kMaxModelBytes);

    // The WebSocket endpoint: before Qt 6.8 an upgrade must get NO response here: QHttpServer
    // hands the connection to its WebSocket server only when a route handled it without writing
    // (from 6.8 upgrades never reach a route: the hub's upgrade verifier takes them). A plain GET
    // gets 426.
    server.route(u"/ws"_s, Method::Get, [](const QHttpServerRequest &request, compat::Responder responder) {
        if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
            return;
        responder.write(
            QJsonDocument(QJsonObject{{u"status"_s, u"error"_s}, {u"message"_s, u"/ws expects a WebSocket upgrade"_s}}),
            QHttpServerResponder::StatusCode::UpgradeRequired);
    });

    // Known paths with the wrong method: 405 rather than the router's 404.
    const QStringList getPaths{u"/health"_s,      u"/api/status"_s,   u"/status"_s,     u"/api/state"_s,
                               u"/get-weights"_s, u"/api/glossary"_s, u"/api/journey"_s};
    const QStringList postPaths{u"/start-training"_s,      u"/stop-training"_s,    u"/pause-training"_s,
                                u"/resume-training"_s,     u"/step-training"_s,    u"/set-learning-rate"_s,
                                u"/set-batch-delay"_s,     u"/set-architecture"_s, u"/set-teaching-mode"_s,
                                u"/set-speed"_s,           u"/set-pace"_s,         u"/predict"_s,
                                u"/set-teaching-moments"_s};
    const auto wrongMethod = [&](const QString &path, const QString &allowed) {
        server.route(path, Method::Get | Method::Post | Method::Put | Method::Delete | Method::Patch,
                     [allowed](const QHttpServerRequest &) -> QHttpServerResponse {
                         auto response = errorResponse(StatusCode::MethodNotAllowed, u"Use %1"_s.arg(allowed));
                         compat::setHeader(response, "Allow", allowed.toLatin1());
                         return response;
                     });
    };
    for (const QString &path : getPaths)
        wrongMethod(path, u"GET"_s);
    for (const QString &path : postPaths)
        wrongMethod(path, u"POST"_s);
    wrongMethod(u"/model"_s, u"GET, POST"_s);

    // CORS preflight for every path.
    server.route(u"/<arg>"_s, Method::Options, [](const QUrl &, const QHttpServerRequest &) {
        QHttpServerResponse response(StatusCode::NoContent);
        compat::setHeader(response, "Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
        compat::setHeader(response, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        compat::setHeader(response, "Access-Control-Max-Age", "600");
        return response;
    });
    // The web page (static files) for every other GET.
    server.route(u"/"_s, Method::Get, [this](const QHttpServerRequest &request) -> QHttpServerResponse {
        return handle(request, Access::Read, [&] { return m_static.serve(u"/"_s); });
    });
    server.route(u"/<arg>"_s, Method::Get,
                 [this](const QUrl &, const QHttpServerRequest &request) -> QHttpServerResponse {
                     return handle(request, Access::Read,
                                   [&] { return m_static.serve(request.url().path(QUrl::FullyDecoded)); });
                 });
    server.route(u"/<arg>"_s, Method::Post | Method::Put | Method::Delete | Method::Patch,
                 [](const QUrl &, const QHttpServerRequest &request) -> QHttpServerResponse {
                     return errorResponse(StatusCode::NotFound, u"Not found: %1"_s.arg(request.url().path().left(200)));
                 });

    // Whatever no route matches (e.g. "//health"): a JSON 404 like every other error, not
    // QHttpServer's empty one.
    compat::setMissingHandler(server, this, [this](const QHttpServerRequest &request, QHttpServerResponder &responder) {
        QHttpServerResponse response = errorResponse(
            StatusCode::NotFound, u"Not found: %1"_s.arg(request.url().path(QUrl::FullyDecoded).left(200)));
        addCommonHeaders(response, request);
        if (request.method() == Method::Head)
            writeHead(response, responder);
        else
            compat::send(responder, response);
    });

    // HEAD for every path: GET's status and headers, no body.
    server.route(u"/"_s, Method::Head, [this](const QHttpServerRequest &request, compat::Responder responder) {
        answerHead(request, responder);
    });
    server.route(u"/<arg>"_s, Method::Head,
                 [this](const QUrl &, const QHttpServerRequest &request, compat::Responder responder) {
                     answerHead(request, responder);
                 });

    compat::addAfterRequestHook(server, this, [this](const QHttpServerRequest &request, QHttpServerResponse &response) {
        addCommonHeaders(response, request);
    });
}

void HttpApi::addCommonHeaders(QHttpServerResponse &response, const QHttpServerRequest &request) const
{
    const QByteArray origin = request.value("origin");
    const QByteArray allowOrigin = m_policy.corsAllowOrigin(origin);
    if (!allowOrigin.isEmpty())
        compat::setHeader(response, "Access-Control-Allow-Origin", allowOrigin);
    if (allowOrigin != "*")
        compat::setHeader(response, "Vary", "Origin");
    if (!compat::hasHeader(response, "X-Content-Type-Options"))
        compat::setHeader(response, "X-Content-Type-Options", "nosniff");
    // The page loads nothing from elsewhere and is never framed (the controls must not be
    // clickjacked); a token in a URL must not leak through Referer; answers are not cached
    // unless the file server said how.
    if (!compat::hasHeader(response, "Content-Security-Policy"))
        compat::setHeader(response, "Content-Security-Policy", StaticFiles::kNonHtmlPolicy);
    compat::setHeader(response, "X-Frame-Options", "DENY");
    compat::setHeader(response, "Referrer-Policy", "no-referrer");
    if (!compat::hasHeader(response, "Cache-Control"))
        compat::setHeader(response, "Cache-Control", "no-store");
    // ?token= on the page URL: keep it in a cookie so the page's requests and /ws carry it.
    const QByteArray token = request.query().queryItemValue(u"token"_s, QUrl::FullyDecoded).toUtf8();
    if (request.method() == Method::Get && !token.isEmpty() && m_policy.tokenMatches(token))
        compat::setHeader(response, "Set-Cookie", "nnj_token=" + token + "; Path=/; HttpOnly; SameSite=Strict");
}

QHttpServerResponse HttpApi::setLearningRate(const QHttpServerRequest &request)
{
    QString problem;
    const auto text = singleParameter(request, u"lr"_s, &problem);
    if (!text)
        return errorResponse(StatusCode::BadRequest, problem);
    bool ok = false;
    const double value = text->toDouble(&ok); // accepts "nan"/"inf": checked by the session
    if (!ok)
        return errorResponse(StatusCode::BadRequest, u"lr must be a number, got '%1'"_s.arg(text->left(50)));
    return answer(withInput(m_session.execute(Command::learningRate(value)), *text), {{u"lr"_s, value}});
}

QHttpServerResponse HttpApi::setBatchDelay(const QHttpServerRequest &request)
{
    QString problem;
    const auto text = singleParameter(request, u"ms"_s, &problem);
    if (!text)
        return errorResponse(StatusCode::BadRequest, problem);
    static const QRegularExpression digits(u"^[0-9]{1,5}$"_s);
    const int value = digits.match(*text).hasMatch() ? text->toInt() : -1;
    return answer(withInput(m_session.execute(Command::batchDelay(value)), *text), {{u"batch_delay"_s, value}});
}

QHttpServerResponse HttpApi::setArchitecture(const QHttpServerRequest &request)
{
    const ParsedArchitecture parsed = parseArchitectureBody(request.body());
    if (!parsed.architecture)
        return errorResponse(StatusCode::BadRequest, parsed.error);
    const core::Architecture &architecture = *parsed.architecture;
    return answer(m_session.execute(Command::setArchitecture(architecture)),
                  {{u"architecture"_s, messages::architectureSizes(architecture)},
                   {u"activations"_s, messages::activationNames(architecture)}});
}

QHttpServerResponse HttpApi::setTeachingMode(const QHttpServerRequest &request)
{
    QString problem;
    const auto text = singleParameter(request, u"enabled"_s, &problem);
    if (!text)
        return errorResponse(StatusCode::BadRequest, problem);
    const QString value = text->toLower();
    if (value != u"true"_s && value != u"false"_s && value != u"1"_s && value != u"0"_s)
        return errorResponse(StatusCode::BadRequest, u"enabled must be true or false, got '%1'"_s.arg(text->left(50)));
    const bool enabled = value == u"true"_s || value == u"1"_s;
    return answer(m_session.execute(Command::teachingMode(enabled)), {{u"teaching_mode"_s, enabled}});
}

QHttpServerResponse HttpApi::setTeachingMoments(const QHttpServerRequest &request)
{
    // ?plateau=off&divergence=on: every parameter names a moment, once, with on or off.
    const QList<std::pair<QString, QString>> items = request.query().queryItems(QUrl::FullyDecoded);
    if (items.isEmpty())
        return errorResponse(StatusCode::BadRequest, u"Name at least one teaching moment, e.g. ?plateau=off"_s);
    std::vector<std::pair<core::TeachingMomentKind, bool>> moments;
    QStringList seen;
    for (const auto &[name, text] : items) {
        core::TeachingMomentKind kind = core::TeachingMomentKind::FirstForward;
        if (!core::teachingMomentKindFromReason(name.toStdString(), &kind))
            return errorResponse(StatusCode::BadRequest,
                                 u"Unknown teaching moment '%1' (first_forward, first_backward, high_loss, divergence, "
                                 "plateau, epoch_end, dead_units, confident_mistake)"_s.arg(name.left(50)));
        if (seen.contains(name))
            return errorResponse(StatusCode::BadRequest,
                                 u"Query parameter '%1' is given more than once; give it once"_s.arg(name));
        seen << name;
        const QString value = text.trimmed().toLower();
        if (value != u"on"_s && value != u"off"_s)
            return errorResponse(StatusCode::BadRequest, u"%1 must be on or off, got '%2'"_s.arg(name, text.left(50)));
        moments.emplace_back(kind, value == u"on"_s);
    }
    const CommandResult result = m_session.execute(Command::teachingMoments(std::move(moments)));
    return answer(result, {{u"teaching_moments"_s, messages::settings(m_session.settings())[u"teaching_moments"_s]}});
}

QHttpServerResponse HttpApi::setSpeed(const QHttpServerRequest &request)
{
    QString problem;
    const auto text = singleParameter(request, u"mode"_s, &problem);
    if (!text)
        return errorResponse(StatusCode::BadRequest, problem);
    const auto mode = speedModeFromName(text->toLower());
    if (!mode)
        return errorResponse(StatusCode::BadRequest,
                             u"mode must be step, narrated, normal or fast, got '%1'"_s.arg(text->left(50)));
    const CommandResult result = m_session.execute(Command::speedMode(*mode));
    const SessionSettings settings = m_session.settings();
    return answer(
        result,
        {{u"speed"_s, speedModeName(*mode)}, {u"pace"_s, settings.pace}, {u"batch_delay"_s, settings.batchDelayMs}});
}

QHttpServerResponse HttpApi::setPace(const QHttpServerRequest &request)
{
    QString problem;
    const auto text = singleParameter(request, u"batches_per_second"_s, &problem);
    if (!text)
        return errorResponse(StatusCode::BadRequest, problem);
    bool ok = false;
    const double value = text->toDouble(&ok); // accepts "nan"/"inf": checked by the session
    if (!ok)
        return errorResponse(StatusCode::BadRequest,
                             u"batches_per_second must be a number, got '%1'"_s.arg(text->left(50)));
    return answer(withInput(m_session.execute(Command::pace(value)), *text),
                  {{u"speed"_s, speedModeName(SpeedMode::Custom)}, {u"pace"_s, value}});
}

QHttpServerResponse HttpApi::getWeights()
{
    // Before any training the original answers 200 with an error status; so does this server.
    if (!m_session.hasTrainedWeights())
        return QHttpServerResponse(QJsonObject{{u"status"_s, u"error"_s}, {u"message"_s, u"No network available"_s}});
    const quint64 version = m_session.weightsVersion();
    if (version != m_weightsCacheVersion || m_weightsCache.isEmpty()) {
        m_weightsCache = "{\"status\":\"ok\",\"weights\":" + messages::weightsList(*m_session.weights()) + '}';
        m_weightsCacheVersion = version;
    }
    return jsonResponse(m_weightsCache);
}

QHttpServerResponse HttpApi::predict(const QHttpServerRequest &request)
{
    const ParsedPixels parsed = parsePredictBody(request.body());
    if (!parsed.pixels)
        return errorResponse(StatusCode::BadRequest, parsed.error);
    const auto network = m_session.weights();
    return jsonResponse(messages::prediction(network->predict(parsed.pixels->data()), m_session.hasTrainedWeights()));
}

QHttpServerResponse HttpApi::uploadModel(const QHttpServerRequest &request)
{
    if (request.body().isEmpty())
        return errorResponse(StatusCode::BadRequest, u"The body must be a model file (.nnjmodel)"_s);
    const CommandResult result = m_session.execute(Command::loadModel(request.body(), u"upload"_s));
    const core::Architecture architecture = m_session.settings().architecture;
    return answer(result, {{u"architecture"_s, messages::architectureSizes(architecture)},
                           {u"activations"_s, messages::activationNames(architecture)}});
}

void HttpApi::answerHead(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QString path = request.url().path(QUrl::FullyDecoded);
    QHttpServerResponse response = [&] {
        if (const auto handler = m_getHandlers.constFind(path); handler != m_getHandlers.cend())
            return (*handler)(request);
        if (path == u"/ws"_s)
            return errorResponse(StatusCode::UpgradeRequired, u"/ws expects a WebSocket upgrade"_s);
        return handle(request, Access::Read, [&] { return m_static.serve(path); });
    }();
    addCommonHeaders(response, request);
    writeHead(response, responder);
}

void HttpApi::writeHead(const QHttpServerResponse &response, QHttpServerResponder &responder)
{
    static const QByteArray names[] = {"Cache-Control",
                                       "Content-Disposition",
                                       "Content-Security-Policy",
                                       "X-Frame-Options",
                                       "Referrer-Policy",
                                       "X-Content-Type-Options",
                                       "Access-Control-Allow-Origin",
                                       "Vary",
                                       "Set-Cookie",
                                       "Allow"};
    compat::sendHead(responder, response, names);
}

QHttpServerResponse HttpApi::downloadModel()
{
    // Like /get-weights: before any training or upload there is no model to give.
    if (!m_session.hasTrainedWeights())
        return errorResponse(StatusCode::NotFound, u"No network available: train or upload a model first"_s);
    QHttpServerResponse response("application/octet-stream", m_session.modelFile());
    compat::setHeader(response, "Content-Disposition", "attachment; filename=\"nnjourney.nnjmodel\"");
    compat::setHeader(response, "Cache-Control", "no-store");
    return response;
}

} // namespace server
