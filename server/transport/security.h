// Who may do what (docs/protocol.md "Control rights"): viewers may always watch; driving from
// anywhere but loopback needs the join token. Here: the Host allow-list against DNS rebinding,
// the Origin check for POSTs and WebSocket upgrades, the CORS answer, the join token
// (constant-time compare, never logged) and a per-address rate limit on control requests.
// Transport-neutral: HTTP routes and the WebSocket hub both describe a request as RequestInfo.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

class QHttpServerRequest;
class QNetworkRequest;

namespace server {

struct RequestHead;

struct RequestInfo
{
    QHostAddress peer;
    QByteArray host; // Host header
    QByteArray origin; // Origin header, empty when absent
    QByteArray authorization; // Authorization header
    QByteArray cookie; // Cookie header
    QByteArray queryToken; // ?token=
    QByteArray forwardedFor; // X-Forwarded-For
    bool forwarded = false; // any forwarding header present (reverse proxy)

    static RequestInfo fromHttp(const QHttpServerRequest &request);
    static RequestInfo fromWebSocket(const QNetworkRequest &request, const QHostAddress &peer);
    static RequestInfo fromHead(const RequestHead &head);
};

struct AccessSettings
{
    bool production = false;
    bool publicDemo = false;
    QByteArray token; // the join token (≥ 128 bits when generated)
    QStringList allowedOrigins; // normalised, see normalizeOrigin()
    QStringList allowedHosts; // extra Host names
    QList<QHostAddress> trustedProxies; // reverse proxies whose X-Forwarded-For is believed
    int controlBurst = 30; // rate limit: bucket size per address
    double controlPerSecond = 10;
    int predictBurst = 120; // POST /predict: cheap, but drawn on every stroke
    double predictPerSecond = 60;
};

class AccessPolicy
{
public:
    enum class Decision { Allowed, NeedsToken, WrongToken, Forbidden };

    void setSettings(const AccessSettings &settings) { m_settings = settings; }
    const AccessSettings &settings() const { return m_settings; }
    // The address and port the server listens on: adds its own hosts and origins.
    void setListening(const QHostAddress &address, quint16 port);

    // Host header check (DNS rebinding). A missing Host header (HTTP/1.0, scripts) passes.
    bool hostAllowed(const QByteArray &hostHeader) const;
    // Origin check for state-changing requests and WebSocket upgrades. No Origin passes
    // (curl and scripts are not cross-site; they are judged by address and token).
    bool originAllowed(const QByteArray &origin) const;
    // Value of Access-Control-Allow-Origin for a response, empty for none: "*" in development
    // (as the original), the origin itself in production when it is allowed.
    QByteArray corsAllowOrigin(const QByteArray &origin) const;

    // May this request drive the training? See docs/protocol.md "Control rights".
    Decision controlDecision(const RequestInfo &request) const;
    // The token the request carries (Bearer, ?token=, cookie nnj_token), empty if none.
    static QByteArray presentedToken(const RequestInfo &request);
    bool tokenMatches(const QByteArray &candidate) const;
    enum class Budget { Control, Predict };
    // Consumes one unit of the address's bucket; false when over the limit.
    bool takeControlBudget(const RequestInfo &request, Budget budget = Budget::Control);

    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
    static QByteArray generateToken(); // 32 url-safe characters, 192 random bits
    static bool isLoopback(const QHostAddress &address);
    // The address a request is counted under (rate limits, logs): the peer, or the last hop of
    // X-Forwarded-For when the peer is a trusted proxy and that hop is an IP address.
    QString clientAddress(const RequestInfo &request) const;
    bool isTrustedProxy(const QHostAddress &address) const;
    // Addresses the rate limiter remembers per budget; the oldest are forgotten beyond it.
    static constexpr int kMaxRateKeys = 4096;
    int rateKeyCount() const { return int(m_buckets[0].size() + m_buckets[1].size()); }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 lastMs = 0;
    };
    AccessSettings m_settings;
    QSet<QString> m_ownHosts;
    QStringList m_ownOrigins;
    quint16 m_port = 0;
    static void forgetOldest(QHash<QString, Bucket> &buckets, qint64 now, double burst, double perSecond);

    QHash<QString, Bucket> m_buckets[2]; // per Budget
    QElapsedTimer m_clock;
};

} // namespace server
