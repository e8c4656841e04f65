// MNIST download against a local HTTP server of the test's own: mirror fallback, checksum and
// size rejection, clear errors, no partial files, and a Session that downloads then trains.
#include "serverfixtures.h"
#include "wsclient.h"

#include "mnistdownloader.h"
#include "server.h"
#include "session.h"

#include <QCryptographicHash>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

class TestMnistDownloader : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void secondMirrorUsedWhenFirstFails();
    void checksumMismatchIsRejected();
    void allMirrorsFailGivesClearError();
    void oversizedFileIsRejected();
    void presentFilesAreNotFetched();
    void standardListMatchesTheOfficialFiles();
    void sessionDownloadsThenTrains();

private:
    QList<server::MnistFile> files() const;
    QList<QUrl> mirrors(const QStringList &names) const;

    QTemporaryDir m_source;
    QHash<QString, QByteArray> m_content; // file name -> bytes served by /good/
    QHttpServer m_http;
    quint16 m_port = 0;
    int m_requests = 0;
};

void TestMnistDownloader::initTestCase()
{
    // Raw IDX bytes served under the .gz names (the reader detects gzip by content).
    fixtures::writeMnist(m_source.path(), 300, 60);
    for (const QString &name : {u"train-images-idx3-ubyte"_s, u"train-labels-idx1-ubyte"_s, u"t10k-images-idx3-ubyte"_s,
                                u"t10k-labels-idx1-ubyte"_s}) {
        QFile file(m_source.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        m_content.insert(name + u".gz"_s, file.readAll());
    }
    m_http.route(u"/good/<arg>"_s, [this](const QString &name) {
        ++m_requests;
        if (!m_content.contains(name))
            return QHttpServerResponse(QHttpServerResponse::StatusCode::NotFound);
        return QHttpServerResponse("application/octet-stream", m_content.value(name));
    });
    m_http.route(u"/broken/<arg>"_s, [this](const QString &) {
        ++m_requests;
        return QHttpServerResponse(QHttpServerResponse::StatusCode::InternalServerError);
    });
    m_http.route(u"/corrupt/<arg>"_s, [this](const QString &name) {
        ++m_requests;
        QByteArray bytes = m_content.value(name);
        bytes[bytes.size() - 1] = char(bytes[bytes.size() - 1] ^ 0xff); // same size, other MD5
        return QHttpServerResponse("application/octet-stream", bytes);
    });
    m_http.route(u"/huge/<arg>"_s, [this](const QString &name) {
        ++m_requests;
        return QHttpServerResponse("application/octet-stream", m_content.value(name) + QByteArray(5000, 'x'));
    });
    m_port = m_http.listen(QHostAddress::LocalHost, 0);
    QVERIFY(m_port != 0);
}

QList<server::MnistFile> TestMnistDownloader::files() const
{
    QList<server::MnistFile> list;
    for (auto it = m_content.cbegin(); it != m_content.cend(); ++it)
        list << server::MnistFile{it.key(), QCryptographicHash::hash(it.value(), QCryptographicHash::Md5).toHex(),
                                  it.value().size()};
    return list;
}

QList<QUrl> TestMnistDownloader::mirrors(const QStringList &names) const
{
    QList<QUrl> urls;
    for (const QString &name : names)
        urls << QUrl(u"http://127.0.0.1:%1/%2/"_s.arg(m_port).arg(name));
    return urls;
}

void TestMnistDownloader::secondMirrorUsedWhenFirstFails()
{
    QTemporaryDir target;
    server::MnistDownloader downloader;
    downloader.setFiles(files());
    downloader.setMirrors(mirrors({u"broken"_s, u"good"_s}));
    QSignalSpy finished(&downloader, &server::MnistDownloader::finished);
    QSignalSpy failed(&downloader, &server::MnistDownloader::failed);
    QSignalSpy progress(&downloader, &server::MnistDownloader::progress);
    downloader.start(target.filePath(u"mnist"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(failed.count(), 0);
    QVERIFY(progress.count() >= 8);
    for (auto it = m_content.cbegin(); it != m_content.cend(); ++it) {
        QFile file(target.filePath(u"mnist/"_s + it.key()));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(it.key()));
        QCOMPARE(file.readAll(), it.value());
    }
    QCOMPARE(QDir(target.filePath(u"mnist"_s)).entryList(QDir::Files).size(), 4); // no temp files left
    QVERIFY(!downloader.isRunning());
}

void TestMnistDownloader::checksumMismatchIsRejected()
{
    QTemporaryDir target;
    server::MnistDownloader downloader;
    downloader.setFiles(files());
    downloader.setMirrors(mirrors({u"corrupt"_s, u"good"_s}));
    QSignalSpy finished(&downloader, &server::MnistDownloader::finished);
    downloader.start(target.path());
    QVERIFY(finished.wait(10000));
    for (auto it = m_content.cbegin(); it != m_content.cend(); ++it) {
        QFile file(target.filePath(it.key()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), it.value()); // the good copy, not the corrupt one
    }
}

void TestMnistDownloader::allMirrorsFailGivesClearError()
{
    QTemporaryDir target;
    server::MnistDownloader downloader;
    downloader.setFiles(files());
    downloader.setMirrors(mirrors({u"corrupt"_s, u"broken"_s}));
    QSignalSpy failed(&downloader, &server::MnistDownloader::failed);
    downloader.start(target.path());
    QVERIFY(failed.wait(10000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(u"MD5"_s), qPrintable(message));
    QVERIFY2(message.contains(u"/broken/"_s), qPrintable(message));
    QVERIFY(message.contains(u"scripts/fetch-mnist"_s));
    QVERIFY(message.contains(target.path()));
    QCOMPARE(QDir(target.path()).entryList(QDir::Files).size(), 0);
}

void TestMnistDownloader::oversizedFileIsRejected()
{
    QTemporaryDir target;
    server::MnistDownloader downloader;
    downloader.setFiles(files());
    downloader.setMirrors(mirrors({u"huge"_s}));
    QSignalSpy failed(&downloader, &server::MnistDownloader::failed);
    downloader.start(target.path());
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.first().first().toString().contains(u"more than the expected"_s));
    QCOMPARE(QDir(target.path()).entryList(QDir::Files).size(), 0);
}

void TestMnistDownloader::presentFilesAreNotFetched()
{
    QTemporaryDir target;
    fixtures::writeMnist(target.path(), 10, 10); // raw files present
    server::MnistDownloader downloader;
    downloader.setFiles(files());
    downloader.setMirrors(mirrors({u"good"_s}));
    QSignalSpy finished(&downloader, &server::MnistDownloader::finished);
    const int before = m_requests;
    downloader.start(target.path());
    QCOMPARE(finished.count(), 1); // synchronously: nothing to do
    QCOMPARE(m_requests, before);
}

void TestMnistDownloader::standardListMatchesTheOfficialFiles()
{
    const auto standard = server::MnistDownloader::standardFiles();
    QCOMPARE(standard.size(), 4);
    QCOMPARE(standard[0].name, u"train-images-idx3-ubyte.gz"_s);
    QCOMPARE(standard[0].size, 9912422);
    QCOMPARE(standard[0].md5Hex, QByteArray("f68b3c2dcbeaaa9fbdd348bbdeb94873"));
    QCOMPARE(standard[3].md5Hex, QByteArray("ec29112dd5afa0611ce80d1b7f02629c"));
    QVERIFY(server::MnistDownloader::defaultMirrors().size() >= 2);
}

void TestMnistDownloader::sessionDownloadsThenTrains()
{
    QTemporaryDir target;
    server::SessionOptions options;
    options.mnistDirectory = target.filePath(u"mnist"_s);
    const auto fetcherFrom = [this](const QStringList &names) {
        return [this, names] {
            auto downloader = std::make_unique<server::MnistDownloader>();
            downloader->setMirrors(mirrors(names));
            downloader->setFiles(files());
            return std::unique_ptr<server::DataFetcher>(std::move(downloader));
        };
    };
    options.fetcher = fetcherFrom({u"broken"_s, u"good"_s});
    server::Session session(options);
    session.execute(server::Command::teachingMode(false));
    server::Server httpServer(session, server::AccessSettings{});
    QVERIFY(httpServer.listen(QHostAddress::LocalHost, 0));
    WsClient client;
    QVERIFY(client.open(httpServer.port()));
    QVERIFY(client.waitFor(u"state"_s));
    QCOMPARE(client.first(u"state"_s).value(u"data"_s).toObject().value(u"ready"_s).toBool(), false);

    QSignalSpy finished(&session, &server::Session::trainingFinished);
    QCOMPARE(session.execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(session.isTraining());
    QVERIFY(finished.wait(30000));
    QVERIFY(!finished.first().first().value<core::FinishReport>().stopped);
    QVERIFY(client.waitFor(u"training_complete"_s));
    QVERIFY(client.count(u"download_progress"_s) >= 4);
    QVERIFY(client.indexOf(u"download_progress"_s) < client.indexOf(u"update"_s));
    QVERIFY(session.dataStatus().ready);

    // A failing download ends the run with an error event, not a hang.
    QTemporaryDir other;
    options.mnistDirectory = other.path();
    options.fetcher = fetcherFrom({u"broken"_s});
    server::Session failing(options);
    QSignalSpy failed(&failing, &server::Session::trainingFailed);
    QSignalSpy failingFinished(&failing, &server::Session::trainingFinished);
    QCOMPARE(failing.execute(server::Command::of(server::CommandKind::Start)).status, u"started"_s);
    QVERIFY(failingFinished.wait(10000));
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains(u"scripts/fetch-mnist"_s));
    QVERIFY(!failing.isTraining());
}

QTEST_GUILESS_MAIN(TestMnistDownloader)
#include "tst_mnistdownloader.moc"
