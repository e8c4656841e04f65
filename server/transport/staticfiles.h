// Serves the web page from the Qt resources: ":/web/..." (resources/web, built by the web
// target) or, when that is not linked in, the plain status page ":/fallback/index.html".
// Correct MIME types, no-cache for HTML, a short max-age for the rest, 404 JSON for missing
// files, and no way out of the resource folder.
#pragma once

#include <QByteArray>
#include <QString>

class QHttpServerResponse;

namespace server {

class StaticFiles
{
public:
    StaticFiles(); // picks ":/web" or ":/fallback"

    QString root() const { return m_root; }
    // `urlPath` is the decoded request path ("/", "/main.js", ...).
    QHttpServerResponse serve(const QString &urlPath) const;

    static QByteArray mimeType(const QString &fileName);
    // The Content-Security-Policy of an HTML page: everything from this server only, its own
    // inline <script> and <style> elements allowed by their SHA-256, no framing.
    static QByteArray contentSecurityPolicy(const QByteArray &html);
    // The policy of every other answer (JSON, files): nothing may run or be framed.
    static constexpr const char *kNonHtmlPolicy = "default-src 'none'; frame-ancestors 'none'";
    // The resource file for a URL path, or empty when the path is not acceptable.
    QString resolve(const QString &urlPath) const;

private:
    QString m_root;
};

} // namespace server
