#include "mnistdownloader.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace server {

namespace {
// Largest file we accept when the expected size is unknown (train-images.gz is 9.9 MB).
constexpr qint64 kMaxUnknownSize = 64 * 1024 * 1024;

bool presentRawOrGz(const QDir &dir, const QString &gzName)
{
    QString raw = gzName;
    if (raw.endsWith(u".gz"_s))
        raw.chop(3);
    return QFileInfo(dir.filePath(raw)).isFile() || QFileInfo(dir.filePath(gzName)).isFile();
}
} // namespace

MnistDownloader::MnistDownloader(QObject *parent)
    : DataFetcher(parent), m_mirrors(defaultMirrors()), m_files(standardFiles())
{
}

MnistDownloader::~MnistDownloader()
{
    if (m_reply)
        m_reply->abort();
}

QList<QUrl> MnistDownloader::defaultMirrors()
{
    return {QUrl(u"https://ossci-datasets.s3.amazonaws.com/mnist/"_s),
            QUrl(u"https://storage.googleapis.com/cvdf-datasets/mnist/"_s),
            QUrl(u"http://yann.lecun.com/exdb/mnist/"_s)};
}

QList<MnistFile> MnistDownloader::standardFiles()
{
    return {{u"train-images-idx3-ubyte.gz"_s, "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9912422},
            {u"train-labels-idx1-ubyte.gz"_s, "d53e105ee54ea40749a09fcbcd1e9432", 28881},
            {u"t10k-images-idx3-ubyte.gz"_s, "9fb629c4189551a2d022fa330f9573f3", 1648877},
            {u"t10k-labels-idx1-ubyte.gz"_s, "ec29112dd5afa0611ce80d1b7f02629c", 4542}};
}

void MnistDownloader::start(const QString &directory)
{
    if (m_running)
        return;
    m_directory = directory;
    m_running = true;
    m_fileIndex = -1;
    if (!QDir().mkpath(directory)) {
        fail(u"Cannot create the MNIST folder %1"_s.arg(directory));
        return;
    }
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    nextFile();
}

void MnistDownloader::abort()
{
    if (!m_running)
        return;
    fail(u"Download cancelled"_s);
}

void MnistDownloader::nextFile()
{
    const QDir dir(m_directory);
    do {
        ++m_fileIndex;
    } while (m_fileIndex < m_files.size() && presentRawOrGz(dir, m_files[m_fileIndex].name));
    if (m_fileIndex >= m_files.size()) {
        m_running = false;
        emit finished();
        return;
    }
    m_mirrorIndex = 0;
    m_mirrorErrors.clear();
    tryMirror();
}

void MnistDownloader::tryMirror()
{
    const MnistFile &file = m_files[m_fileIndex];
    if (m_mirrorIndex >= m_mirrors.size()) {
        fail(u"Could not download %1 from any mirror (%2). Put the four MNIST files (raw or .gz) in %3 "
             "yourself, e.g. with scripts/fetch-mnist %3, or start with --data-dir pointing at a folder "
             "that holds them."_s.arg(
                 file.name, m_mirrorErrors.isEmpty() ? u"no mirrors configured"_s : m_mirrorErrors.join(u"; "_s),
                 QDir::toNativeSeparators(m_directory)));
        return;
    }
    QUrl base = m_mirrors[m_mirrorIndex];
    if (!base.path().endsWith(u'/'))
        base.setPath(base.path() + u'/');
    const QUrl url = base.resolved(QUrl(file.name));

    m_file = std::make_unique<QSaveFile>(QDir(m_directory).filePath(file.name));
    if (!m_file->open(QIODevice::WriteOnly)) {
        fail(u"Cannot write %1: %2"_s.arg(m_file->fileName(), m_file->errorString()));
        return;
    }
    m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Md5);
    m_received = 0;
    m_tooLarge = false;

    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &MnistDownloader::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &MnistDownloader::onReplyFinished);
    emit progress(file.name, 0, file.size);
}

void MnistDownloader::onReadyRead()
{
    if (!m_reply || !m_file)
        return;
    const MnistFile &file = m_files[m_fileIndex];
    const QByteArray chunk = m_reply->readAll();
    m_received += chunk.size();
    const qint64 limit = file.size >= 0 ? file.size : kMaxUnknownSize;
    if (m_received > limit) {
        m_tooLarge = true;
        m_reply->abort();
        return;
    }
    m_hash->addData(chunk);
    m_file->write(chunk);
    emit progress(file.name, m_received, file.size);
}

void MnistDownloader::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || !m_running)
        return;
    reply->deleteLater();
    m_reply = nullptr;
    onReadyRead(); // any last bytes
    const MnistFile &file = m_files[m_fileIndex];
    const QString mirror = m_mirrors[m_mirrorIndex].toString();
    QString problem;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_tooLarge)
        problem = u"%1: more than the expected %2 bytes"_s.arg(mirror).arg(file.size);
    else if (reply->error() != QNetworkReply::NoError)
        problem = u"%1: %2"_s.arg(mirror, reply->errorString());
    else if (status != 0 && status != 200)
        problem = u"%1: HTTP %2"_s.arg(mirror).arg(status);
    else if (file.size >= 0 && m_received != file.size)
        problem = u"%1: got %2 bytes, expected %3"_s.arg(mirror).arg(m_received).arg(file.size);
    else if (!file.md5Hex.isEmpty() && m_hash->result().toHex() != file.md5Hex.toLower())
        problem = u"%1: MD5 %2 does not match the expected %3"_s.arg(
            mirror, QString::fromLatin1(m_hash->result().toHex()), QString::fromLatin1(file.md5Hex));

    if (problem.isEmpty()) {
        if (!m_file->commit()) {
            fail(u"Cannot save %1: %2"_s.arg(m_file->fileName(), m_file->errorString()));
            return;
        }
        m_file.reset();
        emit progress(file.name, m_received, m_received);
        emit fileDone(file.name);
        nextFile();
        return;
    }
    m_file->cancelWriting();
    m_file.reset();
    m_mirrorErrors << problem;
    ++m_mirrorIndex;
    tryMirror();
}

void MnistDownloader::fail(const QString &message)
{
    m_running = false;
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset();
    }
    emit failed(message);
}

} // namespace server
