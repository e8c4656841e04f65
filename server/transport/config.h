// Configuration of the server: command-line flags (QCommandLineParser), the environment and a
// `.env` file, with the precedence flags > environment > .env > defaults. Pure: takes the
// arguments and the environment, returns a config or an error; the caller prints and exits.
#pragma once

#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace server {

struct ServerConfig
{
    QString host = QStringLiteral("127.0.0.1"); // --host
    quint16 port = 8000; // --port, PORT
    bool lan = false; // --lan: listen on all interfaces
    QString dataDirectory; // --data-dir, NNJ_DATA_DIR
    QString token; // --token, NNJ_TOKEN; empty: generated at start
    bool production = false; // ENVIRONMENT=production
    QStringList allowedOrigins; // ALLOWED_ORIGINS, normalised "scheme://host[:port]"
    QStringList allowedHosts; // NNJ_ALLOWED_HOSTS: extra Host names (reverse proxy)
    QStringList trustedProxies; // NNJ_TRUSTED_PROXIES: addresses whose X-Forwarded-For is believed
    int maxConnections = 256; // --max-connections, NNJ_MAX_CONNECTIONS: TCP connections in all
    int maxConnectionsPerAddress = 32; // --max-per-address, NNJ_MAX_PER_ADDRESS: TCP connections
    bool publicDemo = false; // --public-demo, NNJ_PUBLIC_DEMO: anyone may drive
    bool allowDownload = true; // --no-download, NNJ_NO_DOWNLOAD
    QString envFile; // the .env file that was read, if any

    QString environmentName() const
    {
        return production ? QStringLiteral("production") : QStringLiteral("development");
    }
    // The MNIST folder: the data directory itself when it already holds the four files,
    // else <data-dir>/mnist.
    QString mnistDirectory() const;
    QString modelPath() const; // <data-dir>/models/last.nnjmodel
};

struct ConfigResult
{
    enum class Status { Ok, Help, Version, Error };
    Status status = Status::Error;
    ServerConfig config;
    QString text; // help text, the version number or the error message
};

// `arguments` includes the program name first, like QCoreApplication::arguments().
ConfigResult loadConfig(const QStringList &arguments, const QProcessEnvironment &environment);

// KEY=VALUE lines as python-dotenv reads them: '#' comments, optional `export `, single or
// double quotes (double quotes understand \n and \"), unquoted values end at " #".
QHash<QString, QString> parseDotEnv(const QByteArray &text);

// "http://Example.com:80/" -> "http://example.com"; empty string when not an http(s) origin.
QString normalizeOrigin(const QString &origin);

} // namespace server
