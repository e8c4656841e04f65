#include "staticfiles.h"

#include "qthttpcompat.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServerResponse>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace server {

StaticFiles::StaticFiles() : m_root(QFileInfo::exists(u":/web/index.html"_s) ? u":/web"_s : u":/fallback"_s)
{
}

QByteArray StaticFiles::mimeType(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    static const QHash<QString, QByteArray> types{{u"html"_s, "text/html; charset=utf-8"},
                                                  {u"htm"_s, "text/html; charset=utf-8"},
                                                  {u"js"_s, "text/javascript; charset=utf-8"},
                                                  {u"mjs"_s, "text/javascript; charset=utf-8"},
                                                  {u"css"_s, "text/css; charset=utf-8"},
                                                  {u"json"_s, "application/json"},
                                                  {u"map"_s, "application/json"},
                                                  {u"svg"_s, "image/svg+xml"},
                                                  {u"png"_s, "image/png"},
                                                  {u"jpg"_s, "image/jpeg"},
                                                  {u"ico"_s, "image/x-icon"},
                                                  {u"woff2"_s, "font/woff2"},
                                                  {u"woff"_s, "font/woff"},
                                                  {u"txt"_s, "text/plain; charset=utf-8"},
                                                  {u"webmanifest"_s, "application/manifest+json"},
                                                  {u"wasm"_s, "application/wasm"}};
    return types.value(suffix, "application/octet-stream");
}

QByteArray StaticFiles::contentSecurityPolicy(const QByteArray &html)
{
    // Hashes of the inline elements, over the exact text between the tags.
    const auto inlineHashes = [&](const QByteArray &tag) {
        QByteArray sources;
        const QByteArray open = '<' + tag, close = "</" + tag + '>';
        for (qsizetype at = html.indexOf(open); at >= 0; at = html.indexOf(open, at + 1)) {
            const qsizetype contentStart = html.indexOf('>', at) + 1;
            const qsizetype contentEnd = html.indexOf(close, contentStart);
            if (contentStart <= 0 || contentEnd < 0)
                break;
            if (html.mid(at, contentStart - at).contains(" src="))
                continue;
            const QByteArray digest = QCryptographicHash::hash(html.mid(contentStart, contentEnd - contentStart),
                                                               QCryptographicHash::Sha256);
            sources += " 'sha256-" + digest.toBase64() + '\'';
        }
        return sources;
    };
    return "default-src 'self'; script-src 'self'" + inlineHashes("script") + "; style-src 'self'"
           + inlineHashes("style")
           + "; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
             "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

QString StaticFiles::resolve(const QString &urlPath) const
{
    if (!urlPath.startsWith(u'/') || urlPath.contains(u'\\') || urlPath.contains(QChar(0)))
        return {};
    // Reject any dot-segment outright instead of resolving it.
    const QStringList segments = urlPath.split(u'/');
    for (const QString &segment : segments) {
        if (segment == u"."_s || segment == u".."_s)
            return {};
    }
    QString relative = urlPath.mid(1);
    if (relative.isEmpty() || relative.endsWith(u'/'))
        relative += u"index.html"_s;
    const QString path = m_root + u'/' + relative;
    if (QDir::cleanPath(path) != path || !QFileInfo(path).isFile())
        return {};
    return path;
}

QHttpServerResponse StaticFiles::serve(const QString &urlPath) const
{
    const QString path = resolve(urlPath);
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        return QHttpServerResponse(
            QJsonObject{{u"status"_s, u"error"_s}, {u"message"_s, u"Not found: %1"_s.arg(urlPath.left(200))}},
            QHttpServerResponse::StatusCode::NotFound);
    }
    const QByteArray content = file.readAll();
    QHttpServerResponse response(mimeType(path), content);
    const bool html = path.endsWith(u".html"_s);
    compat::setHeader(response, "Cache-Control", html ? "no-cache" : "public, max-age=300");
    if (html)
        compat::setHeader(response, "Content-Security-Policy", contentSecurityPolicy(content));
    return response;
}

} // namespace server
