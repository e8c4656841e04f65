// Every QHttpServer difference between Qt 6.4 and 6.8 that the transport meets, in one place,
// switched on QT_VERSION, so that the rest of server/transport is written once:
// - how a handler receives the responder (QHttpServerResponder && up to 6.7, & from 6.8);
// - response headers (setHeader/hasHeader/headers(name) up to 6.7, QHttpHeaders from 6.8);
// - the after-request hook (afterRequest up to 6.7, addAfterRequestHandler from 6.8) and the
//   missing handler (std::function up to 6.7, context + functor from 6.8);
// - sending a response through a responder, and writing a HEAD answer (status and headers only);
// - the WebSocket upgrade: from 6.8 only an upgrade verifier may accept one (a route no longer
//   sees it), which is also where the Origin check can refuse at the handshake;
// - Expect: 100-continue: QHttpServer answers it itself from 6.5.
// Only the 6.4 branch is compiled and tested on Debian 12; the 6.8 branch follows the Qt 6.8
// documentation and is compile-tested by the CI job that builds with Qt 6.8.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QList>
#include <QTcpSocket>
#include <QtGlobal>

#include <optional>
#include <utility>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#include <QHttpServerWebSocketUpgradeResponse>
#endif

namespace server::compat {

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
// The responder parameter of a route handler: `compat::Responder responder`.
using Responder = QHttpServerResponder &;
#else
using Responder = QHttpServerResponder &&;
#endif

// --- response headers ------------------------------------------------------------------------

// Sets header `name` to `value`, replacing every value it had.
inline void setHeader(QHttpServerResponse &response, const QByteArray &name, const QByteArray &value)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    QHttpHeaders headers = response.headers();
    headers.removeAll(name);
    headers.append(name, value);
    response.setHeaders(std::move(headers));
#else
    response.setHeader(name, value);
#endif
}

inline bool hasHeader(const QHttpServerResponse &response, const QByteArray &name)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    return response.headers().contains(name);
#else
    return response.hasHeader(name);
#endif
}

// Every value of header `name` (names compare case-insensitively), in order.
inline QList<QByteArray> headerValues(const QHttpServerResponse &response, const QByteArray &name)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    return response.headers().values(name);
#else
    return response.headers(name);
#endif
}

// --- hooks ---------------------------------------------------------------------------------

// Runs `hook(const QHttpServerRequest &, QHttpServerResponse &)` on the response of every route
// handler that returns a QHttpServerResponse (in every version, not on responder writes nor the
// missing handler's answer). `context` bounds the hook's life from 6.8.
template <typename Hook>
void addAfterRequestHook(QHttpServer &server, const QObject *context, Hook hook)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    server.addAfterRequestHandler(context, std::move(hook));
#else
    Q_UNUSED(context);
    server.afterRequest([hook = std::move(hook)](QHttpServerResponse &&response, const QHttpServerRequest &request) {
        hook(request, response);
        return std::move(response);
    });
#endif
}

// Answers whatever no route matched with `handler(const QHttpServerRequest &, QHttpServerResponder &)`.
template <typename Handler>
void setMissingHandler(QHttpServer &server, const QObject *context, Handler handler)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    server.setMissingHandler(context, std::move(handler));
#else
    Q_UNUSED(context);
    server.setMissingHandler(
        [handler = std::move(handler)](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handler(request, responder);
        });
#endif
}

// --- writing through a responder -----------------------------------------------------------

inline void send(QHttpServerResponder &responder, const QHttpServerResponse &response)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    responder.sendResponse(response);
#else
    response.write(std::move(responder));
#endif
}

// The connection a responder writes to, to skip answering a client that has left. 6.8 does not
// expose it (null); a responder whose client left may still be written to there, harmlessly.
inline QTcpSocket *socketOf(QHttpServerResponder &responder)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    Q_UNUSED(responder);
    return nullptr;
#else
    return responder.socket();
#endif
}

// A HEAD answer: `response`'s status line and the headers named in `names`, a Content-Type and
// the Content-Length its body has, and no body.
template <typename Names>
void sendHead(QHttpServerResponder &responder, const QHttpServerResponse &response, const Names &names)
{
    const auto status = QHttpServerResponder::StatusCode(response.statusCode());
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    // 6.8 has no writeStatusLine/writeHeader; write(headers, status) sends the headers given and
    // an empty body. Untested here: if this Qt adds its own "Content-Length: 0" for the empty
    // body, ours is left out so that the answer never carries two.
    QHttpHeaders headers;
    headers.append(QHttpHeaders::WellKnownHeader::ContentType, response.mimeType());
    for (const QByteArray &name : names) {
        for (const QByteArray &value : headerValues(response, name))
            headers.append(name, value);
    }
    responder.write(headers, status);
#else
    responder.writeStatusLine(status);
    responder.writeHeader("Content-Type", response.mimeType());
    responder.writeHeader("Content-Length", QByteArray::number(response.data().size()));
    for (const QByteArray &name : names) {
        for (const QByteArray &value : headerValues(response, name))
            responder.writeHeader(name, value);
    }
    responder.writeBody(QByteArray());
#endif
}

// --- WebSocket upgrade ----------------------------------------------------------------------

// Why an upgrade request is refused: the HTTP status and a short reason.
struct UpgradeRefusal
{
    int status = 403;
    QByteArray reason;
};

// Whether this Qt lets `verify` refuse an upgrade at the handshake (6.8). Before 6.8 an upgrade
// is first routed like any GET (the /ws route must then write nothing) and the socket is
// upgraded regardless, so the WebSocket hub refuses it after the handshake (close code 1008).
inline constexpr bool kUpgradeVerifiedAtHandshake = QT_VERSION >= QT_VERSION_CHECK(6, 8, 0);

// Installs `verify(const QHttpServerRequest &) -> std::optional<UpgradeRefusal>` (nullopt:
// accept) as the WebSocket upgrade verifier. From 6.8 an upgrade nobody accepts never becomes a
// WebSocket, so this must be installed for /ws to work at all; before 6.8 it does nothing.
template <typename Verify>
void addWebSocketUpgradeVerifier(QAbstractHttpServer &server, const QObject *context, Verify verify)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    server.addWebSocketUpgradeVerifier(context, [verify = std::move(verify)](const QHttpServerRequest &request) {
        const std::optional<UpgradeRefusal> refusal = verify(request);
        if (!refusal)
            return QHttpServerWebSocketUpgradeResponse::accept();
        return QHttpServerWebSocketUpgradeResponse::deny(refusal->status, refusal->reason);
    });
#else
    Q_UNUSED(server);
    Q_UNUSED(context);
    Q_UNUSED(verify);
#endif
}

// --- Expect: 100-continue --------------------------------------------------------------------

// From 6.5 QHttpServer answers "Expect: 100-continue" itself (these very bytes); before, nobody
// does and a client such as curl waits a second before sending the body.
inline constexpr bool kServerAnswersExpectContinue = QT_VERSION >= QT_VERSION_CHECK(6, 5, 0);
inline constexpr QByteArrayView kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

} // namespace server::compat
