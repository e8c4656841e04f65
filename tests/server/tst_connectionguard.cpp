// The connection guard and HTTP conformance over real sockets: the WebSocket-upgrade header no
// longer switches the limits off, the per-address cap, immediate answers to malformed requests,
// HEAD, unknown methods, `Connection: close`, the browser security headers; plus the request-head
// grammar and the bounded rate-limit table as unit checks.
#include "serverfixtures.h"

#include "connectionguard.h"
#include "server.h"
#include "session.h"
#include "staticfiles.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Qt::StringLiterals;
using fixtures::rawRequest;

namespace {
const QByteArray kToken = "secret-token-0123456789abcdef";
const QHostAddress kOther(u"127.0.0.2"_s); // another client: all of 127/8 reaches loopback

// A raw connection kept open by the test.
struct RawConnection
{
    std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
    QByteArray received;

    bool open(quint16 port, const QHostAddress &source = {})
    {
        if (!source.isNull())
            socket->bind(source);
        socket->connectToHost(u"127.0.0.1"_s, port);
        return socket->waitForConnected(5000);
    }
    // Waits until the server closed the connection; false after timeoutMs.
    bool waitClosed(int timeoutMs)
    {
        return QTest::qWaitFor(
            [&] {
                received += socket->readAll();
                return socket->state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
    }
    // The status and headers of an answer without a body (HEAD).
    fixtures::HttpResponse waitHeadOnly(int timeoutMs)
    {
        fixtures::HttpResponse response;
        if (!QTest::qWaitFor(
                [&] {
                    received += socket->readAll();
                    return received.contains("\r\n\r\n");
                },
                timeoutMs))
            return response;
        const qsizetype end = received.indexOf("\r\n\r\n");
        const QList<QByteArray> lines = received.left(end).split('\n');
        response.status = lines.first().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            response.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        response.body = received.mid(end + 4);
        received.clear();
        return response;
    }
    fixtures::HttpResponse waitResponse(int timeoutMs)
    {
        fixtures::HttpResponse response;
        (void)QTest::qWaitFor(
            [&] {
                received += socket->readAll();
                return fixtures::parseResponse(received, &response);
            },
            timeoutMs);
        return response;
    }
};
} // namespace

class TestConnectionGuard : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void headGrammar_data();
    void headGrammar();
    void headEnd();

    void upgradeRequestsAreAnsweredAndClosed_data();
    void upgradeRequestsAreAnsweredAndClosed();
    void upgradeHeaderKeepsRequestTimeout();
    void upgradeHeaderKeepsBodyLimit();
    void webSocketStillConnects();
    void perAddressCap();
    void malformedAnsweredAtOnce_data();
    void malformedAnsweredAtOnce();
    void headAnswersLikeGet();
    void unmatchedPathsGetJson();
    void connectionCloseIsHonoured();
    void browserSecurityHeaders();
    void modelBeforeTraining();
    void rateLimitTableIsBounded();
    void forwardedForOnlyFromTrustedProxy();

private:
    void restart(server::ConnectionLimits limits = {}, server::AccessSettings access = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<server::Session> m_session;
    std::unique_ptr<server::Server> m_server;
    quint16 m_port = 0;
};

void TestConnectionGuard::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_session = fixtures::offlineSession(m_dir->filePath(u"mnist"_s));
    restart();
}

void TestConnectionGuard::cleanup()
{
    m_server.reset();
    m_session.reset();
}

void TestConnectionGuard::restart(server::ConnectionLimits limits, server::AccessSettings access)
{
    m_server.reset();
    if (access.token.isEmpty())
        access.token = kToken;
    server::ServerLimits all;
    all.connections = limits;
    m_server = std::make_unique<server::Server>(*m_session, access, all);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_port = m_server->port();
}

void TestConnectionGuard::headGrammar_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status"); // 0: acceptable

    const QByteArray host = "Host: 127.0.0.1\r\n";
    QTest::newRow("plain GET") << QByteArray("GET /health HTTP/1.1\r\n" + host + "\r\n") << 0;
    QTest::newRow("HTTP/1.0 without Host") << QByteArray("GET / HTTP/1.0\r\n\r\n") << 0;
    QTest::newRow("POST with length") << QByteArray("POST /predict HTTP/1.1\r\n" + host + "Content-Length: 12\r\n\r\n")
                                      << 0;
    QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\n" + host + "\n") << 400;
    QTest::newRow("bare LF in a header") << QByteArray("GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n") << 400;
    QTest::newRow("bare CR") << QByteArray("GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n") << 400;
    QTest::newRow("NUL byte") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX: \0y\r\n\r\n", 35) << 400;
    QTest::newRow("unknown method") << QByteArray("BREW /pot HTTP/1.1\r\n" + host + "\r\n") << 405;
    QTest::newRow("TRACE") << QByteArray("TRACE / HTTP/1.1\r\n" + host + "\r\n") << 405;
    QTest::newRow("target without slash") << QByteArray("GET health HTTP/1.1\r\n" + host + "\r\n") << 400;
    QTest::newRow("absolute target") << QByteArray("GET http://x/ HTTP/1.1\r\n" + host + "\r\n") << 400;
    QTest::newRow("asterisk") << QByteArray("OPTIONS * HTTP/1.1\r\n" + host + "\r\n") << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n" + host + "\r\n") << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\n" + host + "\r\n") << 400;
    QTest::newRow("no version") << QByteArray("GET /\r\n" + host + "\r\n") << 400;
    QTest::newRow("HTTP/1.1 without Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two Hosts") << QByteArray("GET / HTTP/1.1\r\n" + host + host + "\r\n") << 400;
    QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\n" + host + "X: a\r\n b\r\n\r\n") << 400;
    QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\n" + host + "Broken\r\n\r\n") << 400;
    QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\n" + host + "X : a\r\n\r\n") << 400;
    QTest::newRow("Content-Length +5") << QByteArray("POST / HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\n")
                                       << 400;
    QTest::newRow("Content-Length -1") << QByteArray("POST / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n")
                                       << 400;
    QTest::newRow("Content-Length hex") << QByteArray("POST / HTTP/1.1\r\n" + host + "Content-Length: 0x10\r\n\r\n")
                                        << 400;
    QTest::newRow("two Content-Lengths") << QByteArray("POST / HTTP/1.1\r\n" + host
                                                       + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n")
                                         << 400;
    QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n") << 411;
    QTest::newRow("gzip coding") << QByteArray("POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n") << 400;
    QTest::newRow("chunked and length") << QByteArray("POST / HTTP/1.1\r\n" + host
                                                      + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
                                        << 400;
}

void TestConnectionGuard::headGrammar()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    const auto problem = server::checkRequestHead(head);
    QCOMPARE(problem ? problem->status : 0, status);
    if (problem)
        QVERIFY(!problem->message.isEmpty());
    if (status == 405)
        QCOMPARE(problem->extraHeaders, QByteArray("Allow: GET, HEAD, POST, OPTIONS\r\n"));
}

void TestConnectionGuard::headEnd()
{
    QCOMPARE(server::requestHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody"), 27);
    QCOMPARE(server::requestHeadEnd("GET / HTTP/1.1\nHost: a\n\nbody"), 24);
    QCOMPARE(server::requestHeadEnd("GET / HTTP/1.1\r\nHost: a\r\n"), -1);
}

void TestConnectionGuard::upgradeRequestsAreAnsweredAndClosed_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    const QByteArray handshake = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    // The reported lock-out: complete requests with an Upgrade header that then stay silent.
    QTest::newRow("reported") << QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\r\n")
                              << 404;
    QTest::newRow("not /ws") << QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + handshake + "\r\n") << 404;
    QTest::newRow("no key") << QByteArray(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n")
                            << 400;
    QTest::newRow("version 8") << QByteArray(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                               << 426;
    QTest::newRow("POST") << QByteArray("POST /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n" + handshake
                                        + "\r\n")
                          << 400;
    QTest::newRow("h2c") << QByteArray(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
                         << 400;
}

void TestConnectionGuard::upgradeRequestsAreAnsweredAndClosed()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    // Invalid handshakes used to reach the WebSocket server, which closed them without an answer
    // and logged "QIODevice::peek (QTcpSocket): device not open".
    QTest::failOnWarning(QRegularExpression(u".*"_s));
    QElapsedTimer timer;
    timer.start();
    RawConnection connection;
    QVERIFY(connection.open(m_port));
    connection.socket->write(request);
    const auto response = connection.waitResponse(3000);
    QCOMPARE(response.status, status);
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    QVERIFY(connection.waitClosed(2000));
    QVERIFY(timer.elapsed() < 1000);
    QTRY_COMPARE(m_server->connectionCount(), 0);
}

void TestConnectionGuard::upgradeHeaderKeepsRequestTimeout()
{
    server::ConnectionLimits limits;
    limits.requestTimeoutMs = 300;
    restart(limits);
    const auto response = rawRequest(m_port, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n", 5000);
    QCOMPARE(response.status, 408);
}

void TestConnectionGuard::upgradeHeaderKeepsBodyLimit()
{
    // The reported hang: a 200 MB body with an Upgrade header got no answer at all.
    for (const QByteArray target : {"/predict", "/ws"}) {
        QElapsedTimer timer;
        timer.start();
        const auto response = rawRequest(m_port,
                                         "POST " + target
                                             + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                               "Connection: Upgrade\r\nContent-Length: 209715200\r\n\r\n",
                                         5000);
        QVERIFY2(response.status == 400 || response.status == 404, target.constData());
        QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
        QVERIFY(timer.elapsed() < 1000);
    }
    const auto body = rawRequest(m_port,
                                 "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                 "Content-Length: 209715200\r\n\r\n",
                                 5000);
    QCOMPARE(body.status, 400);
    // Without the Upgrade header the size limit answers as before.
    QCOMPARE(rawRequest(m_port, "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 209715200\r\n\r\n", 5000)
                 .status,
             413);
}

void TestConnectionGuard::webSocketStillConnects()
{
    // A real upgrade passes the guard and outlives the request and idle timeouts.
    server::ConnectionLimits limits;
    limits.requestTimeoutMs = 300;
    limits.idleTimeoutMs = 300;
    restart(limits);
    QWebSocket socket;
    QSignalSpy connected(&socket, &QWebSocket::connected);
    QSignalSpy messages(&socket, &QWebSocket::textMessageReceived);
    socket.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_port)));
    QVERIFY(connected.wait(5000));
    QTest::qWait(800);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    const int before = int(messages.size());
    socket.sendTextMessage(u"{\"type\":\"ping\"}"_s);
    QTRY_VERIFY(messages.size() > before);
}

void TestConnectionGuard::perAddressCap()
{
    server::ConnectionLimits limits;
    limits.maxConnectionsPerAddress = 3;
    restart(limits);
    std::vector<RawConnection> idle(3);
    for (RawConnection &connection : idle)
        QVERIFY(connection.open(m_port, kOther));
    QTRY_COMPARE(m_server->connectionCount(), 3);
    // Clients refused with 429 reconnect at once: the accept queue must not be Qt's default 50,
    // or the kernel drops everyone else's SYNs meanwhile.
    QVERIFY(m_server->listener());
    QCOMPARE(m_server->listener()->listenBacklogSize(), 1024);
    const auto refused = rawRequest(m_port, fixtures::buildRequest("GET", "/health", m_port), 5000, kOther);
    QCOMPARE(refused.status, 429);
    QVERIFY(refused.json().value(u"message"_s).toString().contains(u"your address"_s));
    // Everyone else is still served.
    QCOMPARE(rawRequest(m_port, fixtures::buildRequest("GET", "/health", m_port), 5000).status, 200);
    idle.clear();
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QCOMPARE(rawRequest(m_port, fixtures::buildRequest("GET", "/health", m_port), 5000, kOther).status, 200);
}

void TestConnectionGuard::malformedAnsweredAtOnce_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("bad Transfer-Encoding")
        << QByteArray("POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") << 400;
    QTest::newRow("chunked body") << QByteArray(
        "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                                  << 411;
    QTest::newRow("Content-Length +5") << QByteArray(
        "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: +5\r\n\r\nhello")
                                       << 400;
    QTest::newRow("bare LF") << QByteArray("GET /health HTTP/1.1\nHost: 127.0.0.1\n\n") << 400;
    QTest::newRow("unknown method") << QByteArray("BREW /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 405;
    QTest::newRow("no leading slash") << QByteArray("GET health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 400;
}

void TestConnectionGuard::malformedAnsweredAtOnce()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QElapsedTimer timer;
    timer.start();
    const auto response = rawRequest(m_port, request, 5000);
    QCOMPARE(response.status, status);
    QVERIFY2(timer.elapsed() < 1000, "malformed requests are answered at once, not after the request timeout");
    QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    QVERIFY(!response.json().value(u"message"_s).toString().isEmpty());
    if (status == 405)
        QVERIFY(response.headers.value("allow").contains("GET"));
}

void TestConnectionGuard::headAnswersLikeGet()
{
    for (const QByteArray target : {"/health", "/", "/api/state", "/style.css"}) {
        RawConnection connection;
        QVERIFY(connection.open(m_port));
        connection.socket->write(fixtures::buildRequest("HEAD", target, m_port));
        const auto head = connection.waitHeadOnly(3000);
        const auto get = fixtures::get(m_port, target);
        QCOMPARE(head.status, get.status);
        QCOMPARE(head.headers.value("content-type"), get.headers.value("content-type"));
        QCOMPARE(head.headers.value("content-length").toLongLong(), get.body.size());
        QVERIFY(head.body.isEmpty());
        // No body follows: the connection is ready for the next request at once.
        QTest::qWait(100);
        QCOMPARE(connection.socket->readAll(), QByteArray());
        connection.socket->write(fixtures::buildRequest("GET", "/health", m_port));
        QCOMPARE(connection.waitResponse(3000).status, 200);
    }
}

void TestConnectionGuard::unmatchedPathsGetJson()
{
    // QHttpServer's own 404 had an empty body; the campaign found it for "//health".
    for (const QByteArray method : {"GET", "POST", "PUT"}) {
        const auto response = rawRequest(m_port, fixtures::buildRequest(method, "//health", m_port), 5000);
        QCOMPARE(response.status, 404);
        QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
        QCOMPARE(response.headers.value("cache-control"), QByteArray("no-store"));
    }
    RawConnection connection;
    QVERIFY(connection.open(m_port));
    connection.socket->write(fixtures::buildRequest("HEAD", "//health", m_port));
    const auto head = connection.waitHeadOnly(3000);
    QCOMPARE(head.status, 404);
    QVERIFY(head.headers.value("content-length").toInt() > 0);
    QVERIFY(head.body.isEmpty());
}

void TestConnectionGuard::connectionCloseIsHonoured()
{
    for (const QByteArray &request :
         {QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
          QByteArray("GET /health HTTP/1.0\r\n\r\n")}) {
        RawConnection connection;
        QVERIFY(connection.open(m_port));
        connection.socket->write(request);
        QCOMPARE(connection.waitResponse(3000).status, 200);
        QVERIFY2(connection.waitClosed(2000), request.constData());
    }
    // Keep-alive stays open.
    RawConnection kept;
    QVERIFY(kept.open(m_port));
    kept.socket->write(fixtures::buildRequest("GET", "/health", m_port));
    QCOMPARE(kept.waitResponse(3000).status, 200);
    QVERIFY(!kept.waitClosed(500));
}

void TestConnectionGuard::browserSecurityHeaders()
{
    const auto page = fixtures::get(m_port, "/");
    QCOMPARE(page.status, 200);
    const QByteArray policy = page.headers.value("content-security-policy");
    QVERIFY2(policy.contains("default-src 'self'"), policy.constData());
    QVERIFY(policy.contains("frame-ancestors 'none'"));
    QVERIFY(policy.contains("object-src 'none'"));
    QVERIFY(!policy.contains("unsafe-inline"));
    // Each inline script of the page is allowed by its hash, and only those.
    const QByteArray html = page.body;
    int inlineScripts = 0;
    for (qsizetype at = html.indexOf("<script"); at >= 0; at = html.indexOf("<script", at + 1)) {
        const qsizetype start = html.indexOf('>', at) + 1;
        if (html.mid(at, start - at).contains(" src="))
            continue;
        const QByteArray text = html.mid(start, html.indexOf("</script>", start) - start);
        const QByteArray hash = QCryptographicHash::hash(text, QCryptographicHash::Sha256).toBase64();
        QVERIFY2(policy.contains("'sha256-" + hash + "'"), hash.constData());
        ++inlineScripts;
    }
    QCOMPARE(policy.count("'sha256-"), inlineScripts);
    QCOMPARE(page.headers.value("referrer-policy"), QByteArray("no-referrer"));
    QCOMPARE(page.headers.value("x-frame-options"), QByteArray("DENY"));

    const auto api = fixtures::get(m_port, "/api/state");
    QCOMPARE(api.headers.value("cache-control"), QByteArray("no-store"));
    QCOMPARE(api.headers.value("content-security-policy"), QByteArray(server::StaticFiles::kNonHtmlPolicy));
    QCOMPARE(api.headers.value("referrer-policy"), QByteArray("no-referrer"));
    QCOMPARE(fixtures::get(m_port, "/status").headers.value("cache-control"), QByteArray("no-store"));
}

void TestConnectionGuard::modelBeforeTraining()
{
    // GET /model agrees with /get-weights: no network before training.
    QCOMPARE(fixtures::get(m_port, "/get-weights").json().value(u"status"_s).toString(), u"error"_s);
    const auto model = fixtures::get(m_port, "/model");
    QCOMPARE(model.status, 404);
    QCOMPARE(model.json().value(u"status"_s).toString(), u"error"_s);
}

void TestConnectionGuard::rateLimitTableIsBounded()
{
    server::AccessSettings settings;
    settings.trustedProxies = {QHostAddress(u"127.0.0.1"_s)};
    server::AccessPolicy policy;
    policy.setSettings(settings);
    for (int i = 0; i < 100000; ++i) {
        server::RequestInfo request;
        request.peer = QHostAddress(u"127.0.0.1"_s);
        request.forwardedFor = "10." + QByteArray::number((i >> 16) & 255) + '.' + QByteArray::number((i >> 8) & 255)
                               + '.' + QByteArray::number(i & 255);
        policy.takeControlBudget(request);
    }
    QVERIFY2(policy.rateKeyCount() <= server::AccessPolicy::kMaxRateKeys,
             qPrintable(QString::number(policy.rateKeyCount())));
    // A recent client keeps its bucket: its burst is used up, not reset by the churn.
    server::RequestInfo heavy;
    heavy.peer = QHostAddress(u"192.0.2.7"_s);
    int allowed = 0;
    for (int i = 0; i < 100; ++i)
        allowed += policy.takeControlBudget(heavy);
    QCOMPARE(allowed, settings.controlBurst);
}

void TestConnectionGuard::forwardedForOnlyFromTrustedProxy()
{
    server::AccessPolicy policy;
    server::RequestInfo request;
    request.peer = QHostAddress(u"127.0.0.1"_s);
    request.forwardedFor = QByteArray(12000, 'x'); // the reported 12 KB keys
    QCOMPARE(policy.clientAddress(request), u"127.0.0.1"_s);
    request.forwardedFor = "198.51.100.4";
    QCOMPARE(policy.clientAddress(request), u"127.0.0.1"_s); // not a configured proxy
    server::AccessSettings settings;
    settings.trustedProxies = {QHostAddress(u"127.0.0.1"_s)};
    policy.setSettings(settings);
    QCOMPARE(policy.clientAddress(request), u"198.51.100.4"_s);
    request.forwardedFor = "203.0.113.9, 198.51.100.4";
    QCOMPARE(policy.clientAddress(request), u"198.51.100.4"_s); // the hop the proxy appended
    request.forwardedFor = QByteArray(12000, 'x');
    QCOMPARE(policy.clientAddress(request), u"127.0.0.1"_s); // not an address: the peer
}

QTEST_MAIN(TestConnectionGuard)
#include "tst_connectionguard.moc"
