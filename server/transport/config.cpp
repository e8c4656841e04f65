#include "config.h"

#include "idxreader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QStandardPaths>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace server {

QString ServerConfig::mnistDirectory() const
{
    if (core::mnistFilesPresent(dataDirectory.toStdString()))
        return dataDirectory;
    return QDir(dataDirectory).filePath(u"mnist"_s);
}

QString ServerConfig::modelPath() const
{
    return QDir(dataDirectory).filePath(u"models/last.nnjmodel"_s);
}

QHash<QString, QString> parseDotEnv(const QByteArray &text)
{
    QHash<QString, QString> values;
    const QStringList lines = QString::fromUtf8(text).split(u'\n');
    for (QString line : lines) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (line.startsWith(u"export "_s))
            line = line.mid(7).trimmed();
        const qsizetype equals = line.indexOf(u'=');
        if (equals <= 0)
            continue;
        const QString key = line.left(equals).trimmed();
        QString value = line.mid(equals + 1).trimmed();
        if (value.startsWith(u'"')) {
            QString unquoted;
            for (qsizetype i = 1; i < value.size(); ++i) {
                const QChar c = value[i];
                if (c == u'\\' && i + 1 < value.size()) {
                    const QChar next = value[++i];
                    unquoted += next == u'n' ? u'\n' : next;
                } else if (c == u'"') {
                    break;
                } else {
                    unquoted += c;
                }
            }
            value = unquoted;
        } else if (value.startsWith(u'\'')) {
            const qsizetype end = value.indexOf(u'\'', 1);
            value = value.mid(1, end < 0 ? -1 : end - 1);
        } else {
            const qsizetype comment = value.indexOf(u" #"_s);
            if (comment >= 0)
                value = value.left(comment).trimmed();
        }
        values.insert(key, value);
    }
    return values;
}

QString normalizeOrigin(const QString &origin)
{
    const QUrl url(origin.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != u"http"_s && scheme != u"https"_s) || url.host().isEmpty()
        || (!url.path().isEmpty() && url.path() != u"/"_s) || url.hasQuery() || url.hasFragment())
        return {};
    const int defaultPort = scheme == u"https"_s ? 443 : 80;
    QString host = url.host().toLower();
    if (host.contains(u':'))
        host = u'[' + host + u']';
    QString result = scheme + u"://"_s + host;
    if (url.port() != -1 && url.port() != defaultPort)
        result += u':' + QString::number(url.port());
    return result;
}

namespace {
bool parseBool(const QString &text, bool *ok)
{
    const QString value = text.trimmed().toLower();
    *ok = true;
    if (value == u"1"_s || value == u"true"_s || value == u"yes"_s || value == u"on"_s)
        return true;
    if (value == u"0"_s || value == u"false"_s || value == u"no"_s || value == u"off"_s || value.isEmpty())
        return false;
    *ok = false;
    return false;
}
} // namespace

ConfigResult loadConfig(const QStringList &arguments, const QProcessEnvironment &environment)
{
    ConfigResult result;
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Neural Network Journey headless server: trains MNIST and serves the "
                                     "web page, the HTTP API and the WebSocket /ws on one port."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption host(u"host"_s, u"Address to listen on (default 127.0.0.1)."_s, u"address"_s);
    const QCommandLineOption port(u"port"_s, u"Port (default 8000; env PORT). 0 picks a free port."_s, u"port"_s);
    const QCommandLineOption dataDir(u"data-dir"_s,
                                     u"Data folder for MNIST and the autosaved model "
                                     "(env NNJ_DATA_DIR; default the per-user data folder)."_s,
                                     u"folder"_s);
    const QCommandLineOption lan(u"lan"_s, u"Listen on all interfaces so the LAN can join (with the token)."_s);
    const QCommandLineOption token(u"token"_s, u"Join token that grants control (env NNJ_TOKEN; default random)."_s,
                                   u"token"_s);
    const QCommandLineOption envFile(u"env-file"_s, u"The .env file to read (default ./.env if present)."_s, u"file"_s);
    const QCommandLineOption publicDemo(u"public-demo"_s, u"Let anyone drive the training, also remotely "
                                                          "(env NNJ_PUBLIC_DEMO=1; the original app's behaviour)."_s);
    const QCommandLineOption noDownload(u"no-download"_s, u"Never download MNIST (env NNJ_NO_DOWNLOAD=1)."_s);
    const QCommandLineOption perAddress(u"max-per-address"_s,
                                        u"Most connections one client address may hold, WebSockets included "
                                        "(env NNJ_MAX_PER_ADDRESS; default 32)."_s,
                                        u"count"_s);
    const QCommandLineOption maxConnections(u"max-connections"_s,
                                            u"Most connections in all, WebSockets included (env "
                                            "NNJ_MAX_CONNECTIONS; default 256; a lecture hall may need more)."_s,
                                            u"count"_s);
    parser.addOptions({host, port, dataDir, lan, token, envFile, publicDemo, noDownload, perAddress, maxConnections});
    if (!parser.parse(arguments)) {
        result.text = parser.errorText();
        return result;
    }
    if (parser.isSet(u"help"_s)) {
        result.status = ConfigResult::Status::Help;
        result.text = parser.helpText();
        return result;
    }
    if (parser.isSet(u"version"_s)) {
        result.status = ConfigResult::Status::Version;
        result.text = QStringLiteral(NNJ_VERSION);
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.text = u"Unexpected argument '%1' (see --help)"_s.arg(parser.positionalArguments().first());
        return result;
    }

    // .env values, unless the real environment has them (flags are applied afterwards).
    QHash<QString, QString> dotEnv;
    const QString envPath = parser.isSet(envFile) ? parser.value(envFile) : u".env"_s;
    QFile file(envPath);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            result.text = u"Cannot read %1: %2"_s.arg(envPath, file.errorString());
            return result;
        }
        dotEnv = parseDotEnv(file.readAll());
        result.config.envFile = envPath;
    } else if (parser.isSet(envFile)) {
        result.text = u"The env file %1 does not exist"_s.arg(envPath);
        return result;
    }
    const auto setting = [&](const QString &name) -> std::optional<QString> {
        if (environment.contains(name))
            return environment.value(name);
        if (dotEnv.contains(name))
            return dotEnv.value(name);
        return std::nullopt;
    };

    ServerConfig &config = result.config;
    QString portText;
    if (parser.isSet(port))
        portText = parser.value(port);
    else if (const auto value = setting(u"PORT"_s))
        portText = *value;
    if (!portText.isEmpty()) {
        bool ok = false;
        const uint value = portText.trimmed().toUInt(&ok);
        if (!ok || value > 65535) {
            result.text = u"Invalid port '%1': expected an integer from 0 to 65535"_s.arg(portText);
            return result;
        }
        config.port = quint16(value);
    }
    if (parser.isSet(host))
        config.host = parser.value(host);
    config.lan = parser.isSet(lan);

    if (parser.isSet(dataDir))
        config.dataDirectory = parser.value(dataDir);
    else if (const auto value = setting(u"NNJ_DATA_DIR"_s); value && !value->isEmpty())
        config.dataDirectory = *value;
    else
        config.dataDirectory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    config.dataDirectory = QDir(config.dataDirectory).absolutePath();

    if (parser.isSet(token))
        config.token = parser.value(token);
    else if (const auto value = setting(u"NNJ_TOKEN"_s))
        config.token = *value;
    if (!config.token.isEmpty() && config.token.size() < 16) {
        result.text = u"The token must have at least 16 characters (it guards control of the training)"_s;
        return result;
    }

    const QString environmentName = setting(u"ENVIRONMENT"_s).value_or(u"development"_s).trimmed().toLower();
    if (environmentName != u"development"_s && environmentName != u"production"_s) {
        result.text = u"ENVIRONMENT must be 'development' or 'production', got '%1'"_s.arg(environmentName);
        return result;
    }
    config.production = environmentName == u"production"_s;

    const QString origins = setting(u"ALLOWED_ORIGINS"_s).value_or(u"http://localhost:8000"_s);
    for (const QString &origin : origins.split(u',', Qt::SkipEmptyParts)) {
        if (origin.trimmed().isEmpty())
            continue;
        const QString normalized = normalizeOrigin(origin);
        if (normalized.isEmpty()) {
            result.text = u"ALLOWED_ORIGINS: '%1' is not an origin like https://example.org"_s.arg(origin.trimmed());
            return result;
        }
        config.allowedOrigins << normalized;
    }
    for (const QString &name : setting(u"NNJ_ALLOWED_HOSTS"_s).value_or(QString()).split(u',', Qt::SkipEmptyParts))
        config.allowedHosts << name.trimmed().toLower();

    for (const QString &text : setting(u"NNJ_TRUSTED_PROXIES"_s).value_or(QString()).split(u',', Qt::SkipEmptyParts)) {
        if (QHostAddress(text.trimmed()).isNull()) {
            result.text = u"NNJ_TRUSTED_PROXIES: '%1' is not an IP address"_s.arg(text.trimmed());
            return result;
        }
        config.trustedProxies << text.trimmed();
    }
    // A connection count from its flag or environment variable, 1..100000.
    const auto count = [&](const QCommandLineOption &option, const QString &flag, const QString &variable, int *out) {
        QString text;
        if (parser.isSet(option))
            text = parser.value(option);
        else if (const auto value = setting(variable))
            text = *value;
        if (text.isEmpty())
            return true;
        bool ok = false;
        const int value = text.trimmed().toInt(&ok);
        if (!ok || value < 1 || value > 100000) {
            result.text = u"--%1 must be an integer from 1 to 100000, got '%2'"_s.arg(flag, text);
            return false;
        }
        *out = value;
        return true;
    };
    if (!count(perAddress, u"max-per-address"_s, u"NNJ_MAX_PER_ADDRESS"_s, &config.maxConnectionsPerAddress)
        || !count(maxConnections, u"max-connections"_s, u"NNJ_MAX_CONNECTIONS"_s, &config.maxConnections))
        return result;

    const auto flagOrBool = [&](const QCommandLineOption &option, const QString &name, bool *out) {
        if (parser.isSet(option)) {
            *out = true;
            return true;
        }
        if (const auto value = setting(name)) {
            bool ok = false;
            *out = parseBool(*value, &ok);
            if (!ok) {
                result.text = u"%1 must be 1/0, true/false, yes/no or on/off, got '%2'"_s.arg(name, *value);
                return false;
            }
        }
        return true;
    };
    if (!flagOrBool(publicDemo, u"NNJ_PUBLIC_DEMO"_s, &config.publicDemo))
        return result;
    bool noDownloadSet = false;
    if (!flagOrBool(noDownload, u"NNJ_NO_DOWNLOAD"_s, &noDownloadSet))
        return result;
    config.allowDownload = !noDownloadSet;
    result.status = ConfigResult::Status::Ok;
    return result;
}

} // namespace server
