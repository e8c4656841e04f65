// Access rules and limits over real HTTP: token / Origin / Host / forwarding matrix, production
// and public-demo modes, CORS, the token cookie, rate limiting, body / header / time / connection
// limits. Unit checks of AccessPolicy helpers at the end.
#include "serverfixtures.h"

#include "server.h"
#include "session.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using fixtures::get;
using fixtures::post;

namespace {
const QByteArray kToken = "secret-token-0123456789abcdef";
}

class TestHttpSecurity : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void controlMatrix_data();
    void controlMatrix();
    void viewersMayReadAndPredict();
    void hostAllowList();
    void corsHeaders();
    void tokenCookie();
    void rateLimit();
    void bodyTooLarge();
    void hugeContentLengthAnsweredAtOnce();
    void headersTooLarge();
    void slowRequestIsClosed();
    void connectionCap();
    void idleKeepAliveIsClosed();
    void policyHelpers();

private:
    void restart(server::AccessSettings access, server::ConnectionLimits limits = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<server::Session> m_session;
    std::unique_ptr<server::Server> m_server;
    quint16 m_port = 0;
};

void TestHttpSecurity::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_session = fixtures::offlineSession(m_dir->filePath(u"mnist"_s));
    server::AccessSettings access;
    access.token = kToken;
    restart(access);
}

void TestHttpSecurity::cleanup()
{
    m_server.reset();
    m_session.reset();
}

void TestHttpSecurity::restart(server::AccessSettings access, server::ConnectionLimits limits)
{
    m_server.reset();
    server::ServerLimits all;
    all.connections = limits;
    m_server = std::make_unique<server::Server>(*m_session, access, all);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_port = m_server->port();
}

void TestHttpSecurity::controlMatrix_data()
{
    QTest::addColumn<bool>("production");
    QTest::addColumn<bool>("publicDemo");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<int>("status");

    const QByteArray bearer = "Authorization: Bearer " + kToken;
    const QByteArray proxied = "X-Forwarded-For: 203.0.113.7";
    QTest::newRow("loopback, no token") << false << false << QByteArray("/set-batch-delay?ms=5") << QList<QByteArray>{}
                                        << 200;
    QTest::newRow("loopback + right token")
        << false << false << QByteArray("/set-batch-delay?ms=5") << QList<QByteArray>{bearer} << 200;
    QTest::newRow("loopback + wrong token") << false << false << QByteArray("/set-batch-delay?ms=5")
                                            << QList<QByteArray>{"Authorization: Bearer nope-nope-nope-nope"} << 403;
    QTest::newRow("proxied, no token") << false << false << QByteArray("/set-batch-delay?ms=5")
                                       << QList<QByteArray>{proxied} << 401;
    QTest::newRow("Forwarded header, no token") << false << false << QByteArray("/set-batch-delay?ms=5")
                                                << QList<QByteArray>{"Forwarded: for=203.0.113.7"} << 401;
    QTest::newRow("X-Real-IP, no token") << false << false << QByteArray("/set-batch-delay?ms=5")
                                         << QList<QByteArray>{"X-Real-IP: 203.0.113.7"} << 401;
    QTest::newRow("proxied + bearer") << false << false << QByteArray("/set-batch-delay?ms=5")
                                      << QList<QByteArray>{proxied, bearer} << 200;
    QTest::newRow("proxied + query token")
        << false << false << QByteArray("/set-batch-delay?ms=5&token=" + kToken) << QList<QByteArray>{proxied} << 200;
    QTest::newRow("proxied + cookie") << false << false << QByteArray("/set-batch-delay?ms=5")
                                      << QList<QByteArray>{proxied, "Cookie: a=b; nnj_token=" + kToken} << 200;
    QTest::newRow("proxied + wrong cookie") << false << false << QByteArray("/set-batch-delay?ms=5")
                                            << QList<QByteArray>{proxied, "Cookie: nnj_token=x" + kToken} << 403;
    QTest::newRow("production, no token")
        << true << false << QByteArray("/set-batch-delay?ms=5") << QList<QByteArray>{} << 401;
    QTest::newRow("production + token") << true << false << QByteArray("/set-batch-delay?ms=5")
                                        << QList<QByteArray>{bearer} << 200;
    QTest::newRow("public demo, proxied")
        << true << true << QByteArray("/set-batch-delay?ms=5") << QList<QByteArray>{proxied} << 200;
    QTest::newRow("public demo, wrong token") << true << true << QByteArray("/set-batch-delay?ms=5")
                                              << QList<QByteArray>{"Authorization: Bearer wrong-wrong-wrong"} << 403;
    QTest::newRow("foreign Origin") << false << false << QByteArray("/set-batch-delay?ms=5")
                                    << QList<QByteArray>{"Origin: http://evil.example"} << 403;
    QTest::newRow("foreign Origin + token") << false << false << QByteArray("/set-batch-delay?ms=5")
                                            << QList<QByteArray>{"Origin: http://evil.example", bearer} << 403;
    QTest::newRow("null Origin") << false << false << QByteArray("/set-batch-delay?ms=5")
                                 << QList<QByteArray>{"Origin: null"} << 403;
    QTest::newRow("allowed Origin in production")
        << true << false << QByteArray("/set-batch-delay?ms=5")
        << QList<QByteArray>{"Origin: https://nnj.example.org", bearer} << 200;
    QTest::newRow("own Origin in production") << true << false << QByteArray("/set-batch-delay?ms=5")
                                              << QList<QByteArray>{"Origin: http://localhost:PORT", bearer} << 403;
    QTest::newRow("own Origin in development") << false << false << QByteArray("/set-batch-delay?ms=5")
                                               << QList<QByteArray>{"Origin: http://localhost:PORT"} << 200;
    QTest::newRow("own Origin, other port") << false << false << QByteArray("/set-batch-delay?ms=5")
                                            << QList<QByteArray>{"Origin: http://localhost:1"} << 403;
    QTest::newRow("start needs token too")
        << false << false << QByteArray("/start-training") << QList<QByteArray>{proxied} << 401;
    QTest::newRow("model upload needs token")
        << false << false << QByteArray("/model") << QList<QByteArray>{proxied} << 401;
}

void TestHttpSecurity::controlMatrix()
{
    QFETCH(bool, production);
    QFETCH(bool, publicDemo);
    QFETCH(QByteArray, target);
    QFETCH(QList<QByteArray>, headers);
    QFETCH(int, status);
    server::AccessSettings access;
    access.token = kToken;
    access.production = production;
    access.publicDemo = publicDemo;
    access.allowedOrigins = {u"https://nnj.example.org"_s};
    restart(access);
    for (QByteArray &header : headers)
        header.replace("PORT", QByteArray::number(m_port));
    const int delayBefore = m_session->settings().batchDelayMs;
    const auto response = post(m_port, target, {}, headers);
    QCOMPARE(response.status, status);
    QCOMPARE(response.json().value(u"status"_s).toString(), status == 200 ? u"updated"_s : u"error"_s);
    if (status != 200) {
        QVERIFY(!response.json().value(u"message"_s).toString().isEmpty());
        QCOMPARE(m_session->settings().batchDelayMs, delayBefore);
        QVERIFY(!m_session->isTraining());
    }
    // The token never appears in any answer.
    QVERIFY(!response.body.contains(kToken));
}

void TestHttpSecurity::viewersMayReadAndPredict()
{
    const QList<QByteArray> proxied{"X-Forwarded-For: 203.0.113.7"};
    QCOMPARE(get(m_port, "/status", proxied).status, 200);
    QCOMPARE(get(m_port, "/api/state", proxied).status, 200);
    QCOMPARE(get(m_port, "/", proxied).status, 200);
    // No model before training, but the answer says so rather than refusing the viewer.
    QCOMPARE(get(m_port, "/model", proxied).status, 404);
    QCOMPARE(get(m_port, "/model", proxied).json().value(u"message"_s).toString().left(20), u"No network available"_s);
    QByteArray pixels = "{\"pixels\":[0";
    for (int i = 1; i < 784; ++i)
        pixels += ",0";
    pixels += "]}";
    QCOMPARE(post(m_port, "/predict", pixels, proxied).status, 200);
    QCOMPARE(post(m_port, "/predict", pixels, {"Origin: http://evil.example"}).status, 403);
}

void TestHttpSecurity::hostAllowList()
{
    const auto request = [this](const QByteArray &host, const QByteArray &target = "/status") {
        return fixtures::rawRequest(m_port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    };
    QCOMPARE(request("127.0.0.1:" + QByteArray::number(m_port)).status, 200);
    QCOMPARE(request("localhost:" + QByteArray::number(m_port)).status, 200);
    QCOMPARE(request("LOCALHOST").status, 200);
    QCOMPARE(request("[::1]:" + QByteArray::number(m_port)).status, 200);
    auto response = request("evil.example:" + QByteArray::number(m_port));
    QCOMPARE(response.status, 403);
    QVERIFY(response.json().value(u"message"_s).toString().contains(u"Host"_s));
    QCOMPARE(request("evil.example", "/").status, 403);
    QCOMPARE(request("127.0.0.1.evil.example").status, 403);
    QCOMPARE(request("evil.example", "/health").status, 200); // load balancers
    // HTTP/1.0 without Host: scripts, not a browser.
    QCOMPARE(fixtures::rawRequest(m_port, "GET /status HTTP/1.0\r\n\r\n").status, 200);
    // Hosts named by ALLOWED_ORIGINS / NNJ_ALLOWED_HOSTS (reverse proxy).
    server::AccessSettings access;
    access.token = kToken;
    access.allowedOrigins = {u"https://nnj.example.org"_s};
    access.allowedHosts = {u"intranet-box"_s};
    restart(access);
    QCOMPARE(request("nnj.example.org").status, 200);
    QCOMPARE(request("intranet-box:8000").status, 200);
    QCOMPARE(request("other.example.org").status, 403);
}

void TestHttpSecurity::corsHeaders()
{
    auto response = get(m_port, "/status", {"Origin: http://anywhere.example"});
    QCOMPARE(response.headers.value("access-control-allow-origin"), QByteArray("*")); // development: as the original
    response = fixtures::rawRequest(m_port, fixtures::buildRequest("OPTIONS", "/set-learning-rate?lr=1", m_port, {},
                                                                   {"Origin: http://anywhere.example"}));
    QCOMPARE(response.status, 204);
    QVERIFY(response.headers.value("access-control-allow-methods").contains("POST"));
    QVERIFY(response.headers.value("access-control-allow-headers").contains("Authorization"));

    server::AccessSettings access;
    access.token = kToken;
    access.production = true;
    access.allowedOrigins = {u"https://nnj.example.org"_s};
    restart(access);
    response = get(m_port, "/status", {"Origin: https://nnj.example.org"});
    QCOMPARE(response.headers.value("access-control-allow-origin"), QByteArray("https://nnj.example.org"));
    QCOMPARE(response.headers.value("vary"), QByteArray("Origin"));
    response = get(m_port, "/status", {"Origin: https://evil.example"});
    QCOMPARE(response.status, 200);
    QVERIFY(!response.headers.contains("access-control-allow-origin"));
    QCOMPARE(get(m_port, "/api/status").json().value(u"environment"_s).toString(), u"production"_s);
}

void TestHttpSecurity::tokenCookie()
{
    auto response = get(m_port, "/?token=" + kToken);
    QCOMPARE(response.status, 200);
    const QByteArray cookie = response.headers.value("set-cookie");
    QVERIFY(cookie.startsWith("nnj_token=" + kToken + ";"));
    QVERIFY(cookie.contains("HttpOnly"));
    QVERIFY(cookie.contains("SameSite=Strict"));
    response = get(m_port, "/?token=wrong-token-0123456789");
    QVERIFY(!response.headers.contains("set-cookie"));
}

void TestHttpSecurity::rateLimit()
{
    server::AccessSettings access;
    access.token = kToken;
    access.controlBurst = 5;
    access.controlPerSecond = 0.5;
    restart(access);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(post(m_port, "/set-batch-delay?ms=1").status, 200);
    const auto response = post(m_port, "/set-batch-delay?ms=1");
    QCOMPARE(response.status, 429);
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    // Reading is not rate limited.
    QCOMPARE(get(m_port, "/status").status, 200);
    // X-Forwarded-For from a peer that is not a configured proxy is not believed: no new budget.
    const QList<QByteArray> forwarded{"X-Forwarded-For: 198.51.100.2", "Authorization: Bearer " + kToken};
    QCOMPARE(post(m_port, "/set-batch-delay?ms=1", {}, forwarded).status, 429);

    // Behind a configured proxy, another client address has its own budget.
    access.trustedProxies = {QHostAddress(u"127.0.0.1"_s)};
    restart(access);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(post(m_port, "/set-batch-delay?ms=1").status, 200);
    QCOMPARE(post(m_port, "/set-batch-delay?ms=1").status, 429);
    QCOMPARE(post(m_port, "/set-batch-delay?ms=1", {}, forwarded).status, 200);
}

void TestHttpSecurity::bodyTooLarge()
{
    const QByteArray body(70 * 1024, ' ');
    auto response = post(m_port, "/set-architecture", body, {"Content-Type: application/json"});
    QCOMPARE(response.status, 413);
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    // The server still serves.
    QCOMPARE(get(m_port, "/health").status, 200);
    // A controller's model upload may be larger than 64 KiB (and gets validated).
    response = post(m_port, "/model", QByteArray(200 * 1024, 'x'));
    QCOMPARE(response.status, 400);
    // ... a viewer's may not.
    response = post(m_port, "/model", QByteArray(200 * 1024, 'x'), {"X-Forwarded-For: 203.0.113.7"});
    QCOMPARE(response.status, 413);
}

void TestHttpSecurity::hugeContentLengthAnsweredAtOnce()
{
    QElapsedTimer timer;
    timer.start();
    const auto response = fixtures::rawRequest(
        m_port, "POST /set-architecture HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999\r\n\r\n{", 5000);
    QCOMPARE(response.status, 413);
    QVERIFY(timer.elapsed() < 2000);
}

void TestHttpSecurity::headersTooLarge()
{
    QByteArray request = "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ";
    request += QByteArray(20 * 1024, 'a');
    const auto response = fixtures::rawRequest(m_port, request, 5000);
    QCOMPARE(response.status, 431);
}

void TestHttpSecurity::slowRequestIsClosed()
{
    server::AccessSettings access;
    access.token = kToken;
    server::ConnectionLimits limits;
    limits.requestTimeoutMs = 300;
    restart(access, limits);
    QElapsedTimer timer;
    timer.start();
    const auto response = fixtures::rawRequest(m_port, "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n", 5000);
    QCOMPARE(response.status, 408);
    QVERIFY(timer.elapsed() < 3000);
}

void TestHttpSecurity::connectionCap()
{
    server::AccessSettings access;
    access.token = kToken;
    server::ConnectionLimits limits;
    limits.maxConnections = 4;
    restart(access, limits);
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < 4; ++i) {
        idle.push_back(std::make_unique<QTcpSocket>());
        idle.back()->connectToHost(u"127.0.0.1"_s, m_port);
        QVERIFY(idle.back()->waitForConnected(5000));
    }
    QTRY_COMPARE(m_server->connectionCount(), 4);
    QCOMPARE(get(m_port, "/status").status, 503);
    idle.clear();
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QCOMPARE(get(m_port, "/status").status, 200);
}

void TestHttpSecurity::idleKeepAliveIsClosed()
{
    server::AccessSettings access;
    access.token = kToken;
    server::ConnectionLimits limits;
    limits.idleTimeoutMs = 200;
    restart(access, limits);
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, m_port);
    QVERIFY(socket.waitForConnected(5000));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 3000);
}

void TestHttpSecurity::policyHelpers()
{
    QVERIFY(server::AccessPolicy::constantTimeEquals("abc", "abc"));
    QVERIFY(!server::AccessPolicy::constantTimeEquals("abc", "abd"));
    QVERIFY(!server::AccessPolicy::constantTimeEquals("abc", "abcd"));
    QVERIFY(!server::AccessPolicy::constantTimeEquals("", "a"));
    const QByteArray a = server::AccessPolicy::generateToken();
    const QByteArray b = server::AccessPolicy::generateToken();
    QCOMPARE(a.size(), 32); // 24 random bytes = 192 bits
    QVERIFY(a != b);
    QVERIFY(QByteArray::fromBase64(a, QByteArray::Base64UrlEncoding).size() == 24);
    // A generated token when none is configured, never empty.
    server::Server generated(*m_session, server::AccessSettings{});
    QCOMPARE(generated.token().size(), 32);
    QVERIFY(server::AccessPolicy::isLoopback(QHostAddress(u"::ffff:127.0.0.1"_s)));
    QVERIFY(!server::AccessPolicy::isLoopback(QHostAddress(u"192.168.1.2"_s)));
}

QTEST_GUILESS_MAIN(TestHttpSecurity)
#include "tst_httpsecurity.moc"
