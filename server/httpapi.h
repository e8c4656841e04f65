// The HTTP routes (docs/protocol.md): the seed's endpoints, unchanged, plus the extensions.
// Every route is registered in registerRoutes(); each handler validates its input exactly,
// applies the access rules (Host, Origin, token, rate limit) and hands off to the Session.
// Errors are 4xx/5xx with {"status":"error","message":...} naming the field.
#pragma once

#include "security.h"
#include "staticfiles.h"

#include <QByteArray>
#include <QHttpServerResponse>
#include <QObject>

#include <functional>
#include <optional>

class QHttpServer;
class QHttpServerRequest;

namespace server {

class Session;

class HttpApi : public QObject
{
    Q_OBJECT
public:
    // `viewerCount` reports the WebSocket clients for /api/state.
    HttpApi(Session &session, AccessPolicy &policy, std::function<int()> viewerCount, QObject *parent = nullptr);

    void registerRoutes(QHttpServer &server);

    static constexpr qint64 kMaxBodyBytes = 64 * 1024;
    static constexpr qint64 kMaxModelBytes = 24 * 1024 * 1024; // POST /model (≤ 5 M parameters)

    // Helpers shared with tests: a JSON error response and the strict parsers.
    static QHttpServerResponse errorResponse(QHttpServerResponse::StatusCode status, const QString &message);
    // Top-level keys of a JSON object text, in order, duplicates kept (QJsonDocument drops them).
    static QStringList topLevelKeys(const QByteArray &jsonObjectText);

private:
    enum class Access { Open, Read, Predict, Control };

    std::optional<QHttpServerResponse> checkAccess(const QHttpServerRequest &request, Access access,
                                                   qint64 maxBody = kMaxBodyBytes);
    QHttpServerResponse handle(const QHttpServerRequest &request, Access access,
                               const std::function<QHttpServerResponse()> &body, qint64 maxBody = kMaxBodyBytes);

    QHttpServerResponse startTraining();
    QHttpServerResponse setLearningRate(const QHttpServerRequest &request);
    QHttpServerResponse setBatchDelay(const QHttpServerRequest &request);
    QHttpServerResponse setArchitecture(const QHttpServerRequest &request);
    QHttpServerResponse setTeachingMode(const QHttpServerRequest &request);
    QHttpServerResponse setSpeed(const QHttpServerRequest &request);
    QHttpServerResponse getWeights();
    QHttpServerResponse predict(const QHttpServerRequest &request);
    QHttpServerResponse uploadModel(const QHttpServerRequest &request);
    QHttpServerResponse downloadModel();
    void addCommonHeaders(QHttpServerResponse &response, const QHttpServerRequest &request) const;

    Session &m_session;
    AccessPolicy &m_policy;
    std::function<int()> m_viewerCount;
    StaticFiles m_static;
    quint64 m_weightsCacheVersion = 0;
    QByteArray m_weightsCache; // the /get-weights body for m_weightsCacheVersion
};

} // namespace server
