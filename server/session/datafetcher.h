// What the Session needs to fetch missing MNIST files: start, abort, and progress signals. The
// session library knows only this; the transport library fetches over the network
// (MnistDownloader). A Session without a fetcher cannot download and says so when data is missing.
#pragma once

#include <QObject>
#include <QString>

namespace server {

class DataFetcher : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Fetches every file not yet present into `directory`; emits finished() or failed(message)
    // exactly once per start(). No-op while running.
    virtual void start(const QString &directory) = 0;
    virtual void abort() = 0; // emits failed(...)
    virtual bool isRunning() const = 0;

signals:
    void progress(const QString &file, qint64 received, qint64 total);
    void fileDone(const QString &file);
    void finished();
    void failed(const QString &message);
};

} // namespace server
