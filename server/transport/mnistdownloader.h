// Fetches the four MNIST files (.gz) into a folder: one file at a time, mirror after mirror,
// streamed to a temporary file with a running MD5, renamed into place only when size and MD5
// match. Mirrors and expected checksums are injectable (tests serve their own fixtures).
// Does not decompress: core::loadMnist reads .gz directly.
#pragma once

#include "datafetcher.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QSaveFile;
class QCryptographicHash;

namespace server {

struct MnistFile
{
    QString name; // e.g. "train-images-idx3-ubyte.gz", appended to each mirror URL
    QByteArray md5Hex; // lower-case hex MD5 of the file as downloaded
    qint64 size = -1; // expected size in bytes; -1 unknown
};

class MnistDownloader : public DataFetcher
{
    Q_OBJECT
public:
    explicit MnistDownloader(QObject *parent = nullptr);
    ~MnistDownloader() override;

    static QList<QUrl> defaultMirrors(); // base URLs ending in '/'
    static QList<MnistFile> standardFiles(); // the four .gz files with their sizes and MD5s

    void setMirrors(const QList<QUrl> &mirrors) { m_mirrors = mirrors; }
    void setFiles(const QList<MnistFile> &files) { m_files = files; }
    void setTransferTimeout(int milliseconds) { m_timeoutMs = milliseconds; }

    // Downloads every file not yet present (raw or .gz) into `directory` (created if needed).
    // Emits finished() or failed(message) exactly once per start(). No-op while running.
    void start(const QString &directory) override;
    void abort() override; // emits failed("Download cancelled")
    bool isRunning() const override { return m_running; }

private:
    void nextFile();
    void tryMirror();
    void onReadyRead();
    void onReplyFinished();
    void fail(const QString &message);

    QList<QUrl> m_mirrors;
    QList<MnistFile> m_files;
    int m_timeoutMs = 30000;
    QString m_directory;
    bool m_running = false;
    int m_fileIndex = 0;
    int m_mirrorIndex = 0;
    qint64 m_received = 0;
    QStringList m_mirrorErrors;
    bool m_tooLarge = false;
    QNetworkAccessManager *m_network = nullptr;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QSaveFile> m_file;
    std::unique_ptr<QCryptographicHash> m_hash;
};

} // namespace server
