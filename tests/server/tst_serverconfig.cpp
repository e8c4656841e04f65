// Configuration: flags > environment > .env > defaults, the .env syntax, validation messages.
#include "config.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestServerConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void precedence();
    void dotEnvSyntax();
    void invalidValues_data();
    void invalidValues();
    void originsAreNormalised();
    void mnistFolderRule();
    void help();

private:
    static server::ConfigResult load(const QStringList &flags, const QHash<QString, QString> &env = {})
    {
        QProcessEnvironment environment;
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            environment.insert(it.key(), it.value());
        return server::loadConfig(QStringList{u"nnjourney-server"_s} + flags, environment);
    }
};

void TestServerConfig::defaults()
{
    QTemporaryDir empty; // no .env here
    const auto result = load({u"--env-file"_s, empty.filePath(u"none"_s)});
    QCOMPARE(result.status, server::ConfigResult::Status::Error); // a named env file must exist
    QVERIFY(result.text.contains(u"does not exist"_s));

    QDir::setCurrent(empty.path());
    const auto plain = load({});
    QCOMPARE(plain.status, server::ConfigResult::Status::Ok);
    QCOMPARE(plain.config.host, u"127.0.0.1"_s);
    QCOMPARE(plain.config.port, quint16(8000));
    QCOMPARE(plain.config.lan, false);
    QCOMPARE(plain.config.production, false);
    QCOMPARE(plain.config.environmentName(), u"development"_s);
    QCOMPARE(plain.config.allowedOrigins, QStringList{u"http://localhost:8000"_s}); // the original's default
    QVERIFY(plain.config.token.isEmpty());
    QVERIFY(!plain.config.dataDirectory.isEmpty());
    QVERIFY(plain.config.modelPath().endsWith(u"models/last.nnjmodel"_s));
    QCOMPARE(plain.config.maxConnections, 256);
    QCOMPARE(plain.config.maxConnectionsPerAddress, 32);
    const auto lecture = load({u"--max-connections"_s, u"1000"_s}, {{u"NNJ_MAX_PER_ADDRESS"_s, u"8"_s}});
    QCOMPARE(lecture.config.maxConnections, 1000);
    QCOMPARE(lecture.config.maxConnectionsPerAddress, 8);
}

void TestServerConfig::precedence()
{
    QTemporaryDir dir;
    QFile envFile(dir.filePath(u".env"_s));
    QVERIFY(envFile.open(QIODevice::WriteOnly));
    envFile.write("PORT=7001\nENVIRONMENT=production\nNNJ_DATA_DIR=/from/dotenv\nALLOWED_ORIGINS=https://a.example\n");
    envFile.close();
    const QString envPath = envFile.fileName();

    // .env over defaults
    auto result = load({u"--env-file"_s, envPath});
    QCOMPARE(result.status, server::ConfigResult::Status::Ok);
    QCOMPARE(result.config.port, quint16(7001));
    QCOMPARE(result.config.production, true);
    QCOMPARE(result.config.dataDirectory, u"/from/dotenv"_s);
    QCOMPARE(result.config.allowedOrigins, QStringList{u"https://a.example"_s});
    QCOMPARE(result.config.envFile, envPath);

    // environment over .env
    result = load({u"--env-file"_s, envPath}, {{u"PORT"_s, u"7002"_s}, {u"ENVIRONMENT"_s, u"development"_s}});
    QCOMPARE(result.config.port, quint16(7002));
    QCOMPARE(result.config.production, false);
    QCOMPARE(result.config.dataDirectory, u"/from/dotenv"_s);

    // flags over environment
    result = load(
        {u"--env-file"_s, envPath, u"--port"_s, u"7003"_s, u"--data-dir"_s, u"/from/flag"_s, u"--token"_s,
         u"flag-token-0123456789"_s},
        {{u"PORT"_s, u"7002"_s}, {u"NNJ_DATA_DIR"_s, u"/from/env"_s}, {u"NNJ_TOKEN"_s, u"env-token-0123456789"_s}});
    QCOMPARE(result.config.port, quint16(7003));
    QCOMPARE(result.config.dataDirectory, u"/from/flag"_s);
    QCOMPARE(result.config.token, u"flag-token-0123456789"_s);

    result = load({u"--env-file"_s, envPath, u"--lan"_s, u"--public-demo"_s, u"--no-download"_s});
    QVERIFY(result.config.lan);
    QVERIFY(result.config.publicDemo);
    QVERIFY(!result.config.allowDownload);
    result = load({u"--env-file"_s, envPath},
                  {{u"NNJ_PUBLIC_DEMO"_s, u"yes"_s}, {u"NNJ_ALLOWED_HOSTS"_s, u"Box1, box2"_s}});
    QVERIFY(result.config.publicDemo);
    QCOMPARE(result.config.allowedHosts, QStringList({u"box1"_s, u"box2"_s}));
}

void TestServerConfig::dotEnvSyntax()
{
    const auto values = server::parseDotEnv("# comment\n"
                                            "PORT=8000\n"
                                            "export ENVIRONMENT=production\n"
                                            "ALLOWED_ORIGINS=\"http://localhost:8000,http://127.0.0.1:8000\"\n"
                                            "QUOTED='single # not a comment'\n"
                                            "ESCAPED=\"a\\\"b\\nc\"\n"
                                            "INLINE=value # comment\n"
                                            "  SPACED  =  padded  \n"
                                            "EMPTY=\n"
                                            "not a line\n");
    QCOMPARE(values.value(u"PORT"_s), u"8000"_s);
    QCOMPARE(values.value(u"ENVIRONMENT"_s), u"production"_s);
    QCOMPARE(values.value(u"ALLOWED_ORIGINS"_s), u"http://localhost:8000,http://127.0.0.1:8000"_s);
    QCOMPARE(values.value(u"QUOTED"_s), u"single # not a comment"_s);
    QCOMPARE(values.value(u"ESCAPED"_s), u"a\"b\nc"_s);
    QCOMPARE(values.value(u"INLINE"_s), u"value"_s);
    QCOMPARE(values.value(u"SPACED"_s), u"padded"_s);
    QVERIFY(values.contains(u"EMPTY"_s));
    QCOMPARE(values.size(), 8);
}

void TestServerConfig::invalidValues_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expect");
    QTest::newRow("port text") << QStringList{u"--port"_s, u"http"_s} << QString() << QString()
                               << u"Invalid port 'http'"_s;
    QTest::newRow("port range") << QStringList{u"--port"_s, u"70000"_s} << QString() << QString() << u"0 to 65535"_s;
    QTest::newRow("PORT env") << QStringList{} << u"PORT"_s << u"-1"_s << u"Invalid port"_s;
    QTest::newRow("environment") << QStringList{} << u"ENVIRONMENT"_s << u"staging"_s
                                 << u"'development' or 'production'"_s;
    QTest::newRow("origins") << QStringList{} << u"ALLOWED_ORIGINS"_s << u"example.org"_s << u"ALLOWED_ORIGINS"_s;
    QTest::newRow("origin path") << QStringList{} << u"ALLOWED_ORIGINS"_s << u"https://a.example/app"_s
                                 << u"ALLOWED_ORIGINS"_s;
    QTest::newRow("short token") << QStringList{u"--token"_s, u"abc"_s} << QString() << QString() << u"at least 16"_s;
    QTest::newRow("demo flag") << QStringList{} << u"NNJ_PUBLIC_DEMO"_s << u"sure"_s << u"NNJ_PUBLIC_DEMO"_s;
    QTest::newRow("unknown option") << QStringList{u"--colour"_s} << QString() << QString() << u"colour"_s;
    QTest::newRow("positional") << QStringList{u"extra"_s} << QString() << QString() << u"extra"_s;
    QTest::newRow("max connections") << QStringList{u"--max-connections"_s, u"0"_s} << QString() << QString()
                                     << u"--max-connections must be an integer from 1 to 100000, got '0'"_s;
    QTest::newRow("max connections env") << QStringList{} << u"NNJ_MAX_CONNECTIONS"_s << u"lots"_s
                                         << u"--max-connections must be an integer"_s;
    QTest::newRow("per address") << QStringList{u"--max-per-address"_s, u"-3"_s} << QString() << QString()
                                 << u"--max-per-address must be an integer from 1 to 100000, got '-3'"_s;
}

void TestServerConfig::invalidValues()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, expect);
    QTemporaryDir empty;
    QDir::setCurrent(empty.path());
    QHash<QString, QString> env;
    if (!variable.isEmpty())
        env.insert(variable, value);
    const auto result = load(flags, env);
    QCOMPARE(result.status, server::ConfigResult::Status::Error);
    QVERIFY2(result.text.contains(expect), qPrintable(result.text));
}

void TestServerConfig::originsAreNormalised()
{
    QCOMPARE(server::normalizeOrigin(u"HTTP://Example.ORG:80/"_s), u"http://example.org"_s);
    QCOMPARE(server::normalizeOrigin(u"https://example.org:443"_s), u"https://example.org"_s);
    QCOMPARE(server::normalizeOrigin(u"http://localhost:8000"_s), u"http://localhost:8000"_s);
    QCOMPARE(server::normalizeOrigin(u"http://[::1]:8000"_s), u"http://[::1]:8000"_s);
    QCOMPARE(server::normalizeOrigin(u"null"_s), QString());
    QCOMPARE(server::normalizeOrigin(u"file:///x"_s), QString());
    QCOMPARE(server::normalizeOrigin(u"https://a.example/path"_s), QString());
}

void TestServerConfig::mnistFolderRule()
{
    QTemporaryDir dir;
    server::ServerConfig config;
    config.dataDirectory = dir.path();
    QCOMPARE(config.mnistDirectory(), dir.filePath(u"mnist"_s));
    for (const char *name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte.gz",
                             "t10k-labels-idx1-ubyte"}) {
        QFile file(dir.filePath(QLatin1StringView(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    QCOMPARE(config.mnistDirectory(), dir.path()); // a folder that already holds the files
}

void TestServerConfig::help()
{
    const auto version = load({u"--version"_s});
    QCOMPARE(version.status, server::ConfigResult::Status::Version);
    QVERIFY(QRegularExpression(u"^\\d+\\.\\d+\\.\\d+$"_s).match(version.text).hasMatch());
    const auto result = load({u"--help"_s});
    QCOMPARE(result.status, server::ConfigResult::Status::Help);
    for (const char *option : {"--host", "--port", "--data-dir", "--lan", "--token"})
        QVERIFY2(result.text.contains(QLatin1StringView(option)), option);
}

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
