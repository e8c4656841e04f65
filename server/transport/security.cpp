#include "security.h"

#include "config.h"
#include "connectionguard.h"

#include <QHostInfo>
#include <QHttpServerRequest>
#include <QNetworkInterface>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace server {

namespace {
QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name)
{
    for (const QByteArray &part : cookieHeader.split(';')) {
        const QByteArray trimmed = part.trimmed();
        if (trimmed.startsWith(name + '='))
            return trimmed.mid(name.size() + 1);
    }
    return {};
}

// "example.org:8000" -> "example.org", "[::1]:8000" -> "[::1]".
QString hostWithoutPort(const QByteArray &hostHeader)
{
    QString host = QString::fromLatin1(hostHeader).trimmed().toLower();
    if (host.startsWith(u'[')) {
        const qsizetype end = host.indexOf(u']');
        return end < 0 ? host : host.left(end + 1);
    }
    const qsizetype colon = host.lastIndexOf(u':');
    return colon < 0 ? host : host.left(colon);
}

QString hostName(const QHostAddress &address)
{
    QHostAddress plain = address;
    plain.setScopeId(QString());
    bool isV4 = false;
    const quint32 v4 = plain.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    return u'[' + plain.toString().toLower() + u']';
}

const QByteArray kForwardingHeaders[]
    = {"forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip"};
} // namespace

RequestInfo RequestInfo::fromHttp(const QHttpServerRequest &request)
{
    RequestInfo info;
    info.peer = request.remoteAddress();
    info.host = request.value("host");
    info.origin = request.value("origin");
    info.authorization = request.value("authorization");
    info.cookie = request.value("cookie");
    info.queryToken = request.query().queryItemValue(u"token"_s, QUrl::FullyDecoded).toUtf8();
    info.forwardedFor = request.value("x-forwarded-for");
    for (const QByteArray &name : kForwardingHeaders)
        info.forwarded = info.forwarded || !request.value(name).isEmpty();
    return info;
}

RequestInfo RequestInfo::fromWebSocket(const QNetworkRequest &request, const QHostAddress &peer)
{
    RequestInfo info;
    info.peer = peer;
    info.host = request.rawHeader("Host");
    info.origin = request.rawHeader("Origin");
    info.authorization = request.rawHeader("Authorization");
    info.cookie = request.rawHeader("Cookie");
    info.queryToken = QUrlQuery(request.url()).queryItemValue(u"token"_s, QUrl::FullyDecoded).toUtf8();
    info.forwardedFor = request.rawHeader("X-Forwarded-For");
    for (const QByteArray &name : kForwardingHeaders)
        info.forwarded = info.forwarded || request.hasRawHeader(name);
    return info;
}

RequestInfo RequestInfo::fromHead(const RequestHead &head)
{
    RequestInfo info;
    info.peer = head.peer;
    info.host = head.headers.value("host");
    info.origin = head.headers.value("origin");
    info.authorization = head.headers.value("authorization");
    info.cookie = head.headers.value("cookie");
    info.queryToken
        = QUrlQuery(QUrl(QString::fromLatin1(head.target))).queryItemValue(u"token"_s, QUrl::FullyDecoded).toUtf8();
    info.forwardedFor = head.headers.value("x-forwarded-for");
    for (const QByteArray &name : kForwardingHeaders)
        info.forwarded = info.forwarded || head.headers.contains(name);
    return info;
}

void AccessPolicy::setListening(const QHostAddress &address, quint16 port)
{
    m_port = port;
    m_ownHosts = {u"localhost"_s, u"127.0.0.1"_s, u"[::1]"_s};
    const QString machine = QHostInfo::localHostName().toLower();
    if (!machine.isEmpty()) {
        m_ownHosts << machine << machine + u".local"_s;
    }
    for (const QHostAddress &local : QNetworkInterface::allAddresses())
        m_ownHosts << hostName(local);
    if (!address.isNull() && address != QHostAddress::Any && address != QHostAddress::AnyIPv4
        && address != QHostAddress::AnyIPv6)
        m_ownHosts << hostName(address);
    m_ownOrigins.clear();
    for (const QString &host : std::as_const(m_ownHosts)) {
        for (const QString &scheme : {u"http"_s, u"https"_s})
            m_ownOrigins << normalizeOrigin(scheme + u"://"_s + host + u':' + QString::number(port));
    }
}

bool AccessPolicy::hostAllowed(const QByteArray &hostHeader) const
{
    if (hostHeader.isEmpty())
        return true;
    const QString host = hostWithoutPort(hostHeader);
    if (m_ownHosts.contains(host) || m_settings.allowedHosts.contains(host))
        return true;
    for (const QString &origin : m_settings.allowedOrigins) {
        if (QUrl(origin).host().toLower() == host || u'[' + QUrl(origin).host().toLower() + u']' == host)
            return true;
    }
    return false;
}

bool AccessPolicy::originAllowed(const QByteArray &origin) const
{
    if (origin.isEmpty())
        return true;
    const QString normalized = normalizeOrigin(QString::fromLatin1(origin));
    if (normalized.isEmpty())
        return false; // "null", file://, garbage
    if (m_settings.allowedOrigins.contains(normalized))
        return true;
    return !m_settings.production && m_ownOrigins.contains(normalized);
}

QByteArray AccessPolicy::corsAllowOrigin(const QByteArray &origin) const
{
    if (!m_settings.production)
        return "*";
    if (!origin.isEmpty() && m_settings.allowedOrigins.contains(normalizeOrigin(QString::fromLatin1(origin))))
        return origin;
    return {};
}

QByteArray AccessPolicy::presentedToken(const RequestInfo &request)
{
    if (request.authorization.startsWith("Bearer "))
        return request.authorization.mid(7).trimmed();
    if (!request.queryToken.isEmpty())
        return request.queryToken;
    return cookieValue(request.cookie, "nnj_token");
}

bool AccessPolicy::tokenMatches(const QByteArray &candidate) const
{
    return !m_settings.token.isEmpty() && constantTimeEquals(candidate, m_settings.token);
}

AccessPolicy::Decision AccessPolicy::controlDecision(const RequestInfo &request) const
{
    const QByteArray token = presentedToken(request);
    if (!token.isEmpty())
        return tokenMatches(token) ? Decision::Allowed : Decision::WrongToken;
    if (m_settings.publicDemo)
        return Decision::Allowed;
    if (!m_settings.production && !request.forwarded && isLoopback(request.peer))
        return Decision::Allowed;
    return Decision::NeedsToken;
}

bool AccessPolicy::takeControlBudget(const RequestInfo &request, Budget budget)
{
    if (!m_clock.isValid())
        m_clock.start();
    const qint64 now = m_clock.elapsed();
    QHash<QString, Bucket> &buckets = m_buckets[budget == Budget::Control ? 0 : 1];
    const double burst = budget == Budget::Control ? m_settings.controlBurst : m_settings.predictBurst;
    const double perSecond = budget == Budget::Control ? m_settings.controlPerSecond : m_settings.predictPerSecond;
    const QString key = clientAddress(request);
    auto it = buckets.find(key);
    if (it == buckets.end()) {
        if (buckets.size() >= kMaxRateKeys)
            forgetOldest(buckets, now, burst, perSecond);
        it = buckets.insert(key, Bucket{burst, now});
    }
    Bucket &bucket = *it;
    bucket.tokens = std::min(burst, bucket.tokens + (now - bucket.lastMs) * perSecond / 1000.0);
    bucket.lastMs = now;
    if (bucket.tokens < 1)
        return false;
    bucket.tokens -= 1;
    return true;
}

void AccessPolicy::forgetOldest(QHash<QString, Bucket> &buckets, qint64 now, double burst, double perSecond)
{
    // A bucket that has refilled is the same as a new one: forgetting it changes nothing.
    const double refillMs = burst / perSecond * 1000.0;
    for (auto it = buckets.begin(); it != buckets.end();)
        it = double(now - it->lastMs) >= refillMs ? buckets.erase(it) : std::next(it);
    if (buckets.size() < kMaxRateKeys)
        return;
    // Still full (many addresses active within seconds): forget the least recently seen half,
    // so the table stays bounded and the cost per request stays low on average.
    std::vector<qint64> times;
    times.reserve(buckets.size());
    for (const Bucket &bucket : std::as_const(buckets))
        times.push_back(bucket.lastMs);
    auto middle = times.begin() + qsizetype(times.size() / 2);
    std::nth_element(times.begin(), middle, times.end());
    const qint64 cutoff = *middle;
    for (auto it = buckets.begin(); it != buckets.end();)
        it = it->lastMs <= cutoff ? buckets.erase(it) : std::next(it);
}

bool AccessPolicy::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Length is not secret (tokens have a fixed format); the content is compared in full.
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

QByteArray AccessPolicy::generateToken()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool AccessPolicy::isLoopback(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also unwraps ::ffff:127.0.0.1
    return isV4 ? QHostAddress(v4).isLoopback() : address.isLoopback();
}

bool AccessPolicy::isTrustedProxy(const QHostAddress &address) const
{
    const QString name = hostName(address);
    return std::any_of(m_settings.trustedProxies.cbegin(), m_settings.trustedProxies.cend(),
                       [&](const QHostAddress &proxy) { return hostName(proxy) == name; });
}

QString AccessPolicy::clientAddress(const RequestInfo &request) const
{
    if (!request.forwardedFor.isEmpty() && isTrustedProxy(request.peer)) {
        // Behind a configured reverse proxy: the last hop it appended is the real client.
        const QByteArray last = request.forwardedFor.mid(request.forwardedFor.lastIndexOf(',') + 1).trimmed();
        QHostAddress client;
        if (last.size() <= 64 && client.setAddress(QString::fromLatin1(last)))
            return hostName(client);
    }
    return hostName(request.peer);
}

} // namespace server
