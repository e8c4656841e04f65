#include "datadialog.h"

#include "colorscheme.h"
#include "idxreader.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cstdio>

namespace {

const char *const kNames[] = {core::MnistFileNames::trainImages, core::MnistFileNames::trainLabels,
                              core::MnistFileNames::testImages, core::MnistFileNames::testLabels};

// Copies the four files; returns an error message or an empty string.
QString copyMnist(const QString &from, const QString &to, const std::atomic<bool> &cancelled)
{
    if (!QDir().mkpath(to))
        return QObject::tr("Cannot create the data folder %1").arg(to);
    for (const char *name : kNames) {
        const QString source = QString::fromStdString(core::findIdxFile(from.toStdString(), name));
        if (source.isEmpty())
            return QObject::tr("%1 has no %2 (raw or .gz)").arg(from, QString::fromLatin1(name));
        const QString target = QDir(to).filePath(QFileInfo(source).fileName());
        if (QFileInfo(source).canonicalFilePath() == QFileInfo(target).canonicalFilePath())
            continue;
        const QString temporary = target + QStringLiteral(".part");
        QFile::remove(temporary);
        QFile in(source), out(temporary);
        if (!in.open(QIODevice::ReadOnly))
            return QObject::tr("Cannot read %1: %2").arg(source, in.errorString());
        if (!out.open(QIODevice::WriteOnly))
            return QObject::tr("Cannot write %1: %2").arg(temporary, out.errorString());
        while (!in.atEnd()) {
            if (cancelled)
                return QObject::tr("Copy cancelled");
            const QByteArray chunk = in.read(1 << 20);
            if (out.write(chunk) != chunk.size())
                return QObject::tr("Cannot write %1: %2").arg(temporary, out.errorString());
        }
        out.close();
        QFile::remove(target);
        if (!QFile::rename(temporary, target))
            return QObject::tr("Cannot move %1 into place").arg(target);
    }
    return {};
}

} // namespace

DataDialog::DataDialog(const QString &directory, QWidget *parent)
    : QDialog(parent), m_directory(directory), m_downloader(new server::MnistDownloader(this)),
      m_status(new QLabel(this)), m_file(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_download(new QPushButton(tr("Download"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_choose(new QPushButton(tr("Choose a folder…"), this)), m_close(new QPushButton(tr("Close"), this))
{
    setWindowTitle(tr("MNIST data"));
    for (const server::MnistFile &file : server::MnistDownloader::standardFiles())
        m_totalBytes += std::max<qint64>(file.size, 0);
    m_status->setWordWrap(true);
    m_status->setText(tr("Training needs the MNIST handwritten digits (four files, about 11 MB to download). "
                         "Download them now, or choose a folder that already holds them (offline).\n\nData folder: %1")
                          .arg(QDir::toNativeSeparators(directory)));
    m_file->setObjectName(QStringLiteral("caption"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);

    connect(m_download, &QPushButton::clicked, this, &DataDialog::startDownload);
    connect(m_cancel, &QPushButton::clicked, this, &DataDialog::cancel);
    connect(m_choose, &QPushButton::clicked, this, &DataDialog::chooseFolder);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);

    connect(m_downloader, &server::MnistDownloader::progress, this,
            [this](const QString &file, qint64 received, qint64 total) {
                m_file->setText(tr("%1: %2 of %3 KB").arg(file).arg(received / 1024).arg(total > 0 ? total / 1024 : 0));
                if (m_totalBytes > 0)
                    m_progress->setValue(int(std::min<qint64>(1000, (m_doneBytes + received) * 1000 / m_totalBytes)));
            });
    connect(m_downloader, &server::MnistDownloader::fileDone, this, [this](const QString &file) {
        for (const server::MnistFile &f : server::MnistDownloader::standardFiles())
            if (f.name == file)
                m_doneBytes += std::max<qint64>(f.size, 0);
    });
    connect(m_downloader, &server::MnistDownloader::finished, this, [this] {
        setBusy(false);
        m_progress->setValue(1000);
        m_status->setText(tr("MNIST is ready in %1.").arg(QDir::toNativeSeparators(m_directory)));
        emit dataReady();
        accept();
    });
    connect(m_downloader, &server::MnistDownloader::failed, this, [this](const QString &message) {
        setBusy(false);
        showError(message);
    });

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_choose);
    buttons->addStretch();
    buttons->addWidget(m_download);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addWidget(m_file);
    layout->addLayout(buttons);
    setBusy(false);
    resize(520, 220);
}

DataDialog::~DataDialog()
{
    m_copyCancelled = true;
    if (m_copier.joinable())
        m_copier.join();
}

QString DataDialog::statusText() const
{
    return m_status->text();
}

bool DataDialog::isBusy() const
{
    return m_downloader->isRunning() || m_importing;
}

void DataDialog::setBusy(bool busy)
{
    m_download->setEnabled(!busy);
    m_choose->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_close->setEnabled(!busy);
}

void DataDialog::showError(const QString &message)
{
    m_status->setText(QStringLiteral("<span style='color:%1'>%2</span><br>%3")
                          .arg(colorscheme::red.name(), message.toHtmlEscaped(),
                               tr("Retry the download, or choose a folder that holds the files.")));
    m_download->setText(tr("Retry"));
}

void DataDialog::startDownload()
{
    if (isBusy())
        return;
    m_doneBytes = 0;
    m_progress->setValue(0);
    m_status->setText(tr("Downloading MNIST into %1…").arg(QDir::toNativeSeparators(m_directory)));
    setBusy(true);
    m_downloader->start(m_directory);
}

void DataDialog::cancel()
{
    if (m_downloader->isRunning())
        m_downloader->abort(); // reports through failed("Download cancelled")
    if (m_importing)
        m_copyCancelled = true;
}

void DataDialog::chooseFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder with the MNIST files"));
    if (!folder.isEmpty())
        importFrom(folder);
}

void DataDialog::importFrom(const QString &folder)
{
    if (isBusy())
        return;
    if (!core::mnistFilesPresent(folder.toStdString())) {
        showError(tr("%1 does not hold the four MNIST files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                     "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz).")
                      .arg(QDir::toNativeSeparators(folder)));
        return;
    }
    if (m_copier.joinable())
        m_copier.join();
    m_importing = true;
    m_copyCancelled = false;
    setBusy(true);
    m_progress->setRange(0, 0); // busy indicator
    m_status->setText(tr("Copying MNIST from %1…").arg(QDir::toNativeSeparators(folder)));
    m_copier = std::thread([this, folder] {
        const QString error = copyMnist(folder, m_directory, m_copyCancelled);
        QMetaObject::invokeMethod(
            this, [this, error] { onImportFinished(error); }, Qt::QueuedConnection);
    });
}

void DataDialog::onImportFinished(const QString &error)
{
    m_importing = false;
    m_progress->setRange(0, 1000);
    setBusy(false);
    if (!error.isEmpty()) {
        m_progress->setValue(0);
        showError(error);
        return;
    }
    m_progress->setValue(1000);
    m_status->setText(tr("MNIST is ready in %1.").arg(QDir::toNativeSeparators(m_directory)));
    emit dataReady();
    accept();
}
