// First run without MNIST: a dialog that downloads the four files into the session's data
// folder (server::MnistDownloader: mirrors, size + MD5 checks) with progress, Cancel and
// Retry, or copies them from a folder the user chooses (offline). Copying runs on a worker
// thread; the dialog never blocks the event loop.
#pragma once

#include "mnistdownloader.h"

#include <QDialog>

#include <atomic>
#include <memory>
#include <thread>

class QLabel;
class QProgressBar;
class QPushButton;

class DataDialog : public QDialog
{
    Q_OBJECT
public:
    // `directory`: where the files must end up (the session's MNIST folder).
    explicit DataDialog(const QString &directory, QWidget *parent = nullptr);
    ~DataDialog() override;

    server::MnistDownloader *downloader() const { return m_downloader; }
    QString statusText() const;
    bool isBusy() const;

public slots:
    void startDownload();
    void cancel();
    // Copies the four files (raw or .gz) from `folder`; reports a clear error when some are missing.
    void importFrom(const QString &folder);
    void chooseFolder();

signals:
    void dataReady(); // all four files are now in `directory`

private:
    void setBusy(bool busy);
    void showError(const QString &message);
    void onImportFinished(const QString &error);

    QString m_directory;
    server::MnistDownloader *m_downloader;
    QLabel *m_status;
    QLabel *m_file;
    QProgressBar *m_progress;
    QPushButton *m_download;
    QPushButton *m_cancel;
    QPushButton *m_choose;
    QPushButton *m_close;
    qint64 m_doneBytes = 0; // completed files
    qint64 m_totalBytes = 0; // all four
    std::thread m_copier;
    std::atomic<bool> m_copyCancelled{false};
    bool m_importing = false;
};
