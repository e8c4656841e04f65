// The HTTP routes (docs/protocol.md): the original's endpoints, unchanged, plus the extensions.
// Every route is registered in registerRoutes(); each handler parses its input exactly,
// applies the access rules (Host, Origin, token, rate limit), builds a Command and hands it to
// Session::execute(); answer() turns the result into the response. Errors are 4xx/5xx with
// {"status":"error","message":...} naming the field.
#pragma once

#include "command.h"
#include "security.h"
#include "staticfiles.h"

#include <QByteArray>
#include <QHash>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <optional>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace server {

class Session;

class HttpApi : public QObject
{
    Q_OBJECT
public:
    // `viewerCount` reports the WebSocket clients for /api/state.
    HttpApi(Session &session, AccessPolicy &policy, std::function<int()> viewerCount, QObject *parent = nullptr);

    void registerRoutes(QHttpServer &server);
    // Whether a driver key (X-NNJ-Driver) belongs to the participant who drives now.
    void setDriverCheck(std::function<bool(const QByteArray &)> check) { m_driverCheck = std::move(check); }

    static constexpr qint64 kMaxBodyBytes = 64 * 1024;
    static constexpr qint64 kMaxModelBytes = 24 * 1024 * 1024; // POST /model (≤ 5 M parameters)

    // Helpers shared with tests: a JSON error response and the strict parsers.
    static QHttpServerResponse errorResponse(QHttpServerResponse::StatusCode status, const QString &message);
    // A refused command's HTTP status: the one table (400 invalid, 409 conflict, 503 unavailable).
    static QHttpServerResponse::StatusCode httpStatus(ErrorKind error);
    // A command's answer: {"status": ..., "message"?: ..., fields...}, or the error response.
    static QHttpServerResponse answer(const CommandResult &result, QJsonObject fields = {});
    // Top-level keys of a JSON object text, in order, duplicates kept (QJsonDocument drops them).
    static QStringList topLevelKeys(const QByteArray &jsonObjectText);

private:
    // Control: the presenter's (token or loopback). Drive: running the training and its settings,
    // which the participant the presenter handed control to may do too (header X-NNJ-Driver).
    enum class Access { Open, Read, Predict, Drive, Control };

    std::optional<QHttpServerResponse> checkAccess(const QHttpServerRequest &request, Access access,
                                                   qint64 maxBody = kMaxBodyBytes);
    QHttpServerResponse handle(const QHttpServerRequest &request, Access access,
                               const std::function<QHttpServerResponse()> &body, qint64 maxBody = kMaxBodyBytes);

    QHttpServerResponse setLearningRate(const QHttpServerRequest &request);
    QHttpServerResponse setBatchDelay(const QHttpServerRequest &request);
    QHttpServerResponse setArchitecture(const QHttpServerRequest &request);
    QHttpServerResponse setTeachingMode(const QHttpServerRequest &request);
    QHttpServerResponse setTeachingMoments(const QHttpServerRequest &request);
    QHttpServerResponse setSpeed(const QHttpServerRequest &request);
    QHttpServerResponse setPace(const QHttpServerRequest &request);
    QHttpServerResponse getWeights();
    QHttpServerResponse predict(const QHttpServerRequest &request);
    QHttpServerResponse uploadModel(const QHttpServerRequest &request);
    QHttpServerResponse downloadModel();
    void addCommonHeaders(QHttpServerResponse &response, const QHttpServerRequest &request) const;
    void answerHead(const QHttpServerRequest &request, QHttpServerResponder &responder);
    // `response`'s status line and headers, Content-Length included, without its body.
    static void writeHead(const QHttpServerResponse &response, QHttpServerResponder &responder);

    Session &m_session;
    AccessPolicy &m_policy;
    std::function<int()> m_viewerCount;
    std::function<bool(const QByteArray &)> m_driverCheck;
    StaticFiles m_static;
    quint64 m_weightsCacheVersion = 0;
    QByteArray m_weightsCache; // the /get-weights body for m_weightsCacheVersion
    QHash<QString, std::function<QHttpServerResponse(const QHttpServerRequest &)>> m_getHandlers; // by path
};

} // namespace server
