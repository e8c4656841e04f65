// The portable OS layer: UTF-8 file names that reach the disk unchanged, the atomic replace
// (new file, replaced file, a failed rename that leaves everything as it was), peak memory in
// the right unit, terminal detection and the process id. The Windows branch of the same code is
// run by scripts/check-windows (mingw-w64 + wine).
#include "platform.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <vector>

using namespace Qt::StringLiterals;
namespace platform = core::platform;

namespace {

// A file name no code page but UTF-8 holds: Latin, CJK and Cyrillic letters.
const std::string kUnicodeName = "Zoë-学生-Юля.bin";

std::string utf8(const QString &text)
{
    return text.toStdString();
}

QByteArray contentsOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<cannot open>");
}

} // namespace

class TestPlatform : public QObject
{
    Q_OBJECT
private slots:
    void pathRoundTripsUtf8()
    {
        const std::string text = "dir/Zoë-学生/模型.nnjmodel";
        const std::filesystem::path path = platform::pathFromUtf8(text);
        QCOMPARE(QString::fromStdString(platform::pathToUtf8(path)), QString::fromStdString(text));
        QCOMPARE(QString::fromStdString(platform::pathToUtf8(path.filename())), u"模型.nnjmodel"_s);
        QCOMPARE(QString::fromStdString(platform::pathToUtf8(path.parent_path().filename())), u"Zoë-学生"_s);
    }

    void openFileWritesTheUtf8Name()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString qtPath = directory.filePath(QString::fromStdString(kUnicodeName));
        std::FILE *file = platform::openFile(utf8(qtPath), "wb");
        QVERIFY2(file, std::strerror(errno));
        QCOMPARE(std::fwrite("abc", 1, 3, file), std::size_t(3));
        QCOMPARE(std::fclose(file), 0);
        // Qt names files in UTF-16: the same name must find the same bytes.
        QCOMPARE(contentsOf(qtPath), QByteArray("abc"));
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files), QStringList{QString::fromStdString(kUnicodeName)});
    }

    void openFileReportsAMissingFile()
    {
        QTemporaryDir directory;
        errno = 0;
        QCOMPARE(platform::openFile(utf8(directory.filePath(u"nicht-da-ñ"_s)), "rb"), nullptr);
        QCOMPARE(errno, ENOENT);
    }

    void replaceCreatesAndReplaces()
    {
        QTemporaryDir directory;
        const QString qtPath = directory.filePath(QString::fromStdString(kUnicodeName));
        QCOMPARE(QString::fromStdString(platform::replaceFileAtomically(utf8(qtPath), "first version")), QString());
        QCOMPARE(contentsOf(qtPath), QByteArray("first version"));
        QCOMPARE(QString::fromStdString(platform::replaceFileAtomically(utf8(qtPath), "second")), QString());
        QCOMPARE(contentsOf(qtPath), QByteArray("second"));
        // Only the file itself: no temporary file left next to it.
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QString::fromStdString(kUnicodeName)});
        // Empty contents are a valid file too.
        QCOMPARE(QString::fromStdString(platform::replaceFileAtomically(utf8(qtPath), "")), QString());
        QCOMPARE(QFileInfo(qtPath).size(), 0);
    }

    void replaceFailureNamesTheStepAndCleansUp()
    {
        QTemporaryDir directory;
        // A non-empty directory where the file should go: writing the temporary file works, the
        // rename over it cannot.
        const QString target = directory.filePath(u"model-dir"_s);
        QVERIFY(QDir().mkpath(target + u"/inside"_s));
        const QString problem = QString::fromStdString(platform::replaceFileAtomically(utf8(target), "bytes"));
        QVERIFY2(problem.startsWith(u"renaming "_s) && problem.contains(u".tmp-"_s), qPrintable(problem));
        QVERIFY(QFileInfo(target + u"/inside"_s).isDir());
        QCOMPARE(QDir(directory.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{u"model-dir"_s});

        // A folder that does not exist: the temporary file cannot be created; the message says so.
        const QString missing = directory.filePath(u"no-such-folder/model.nnjmodel"_s);
        const QString created = QString::fromStdString(platform::replaceFileAtomically(utf8(missing), "bytes"));
        QVERIFY2(created.startsWith(u"cannot create "_s) && created.contains(u"no-such-folder"_s), qPrintable(created));
    }

    void peakResidentIsInBytes()
    {
        // Touch 64 MiB: the peak is then at least that. A value in KiB read as bytes would be
        // 1024 times too small; bytes read as KiB (the macOS trap) 1024 times too large.
        constexpr std::size_t size = 64u << 20;
        std::vector<unsigned char> block(size, 1);
        const unsigned long sum = std::accumulate(block.begin(), block.end(), 0ul);
        QCOMPARE(sum, static_cast<unsigned long>(size));
        const double peak = platform::peakResidentBytes();
        QVERIFY2(peak >= double(size), qPrintable(QString::number(peak)));
        QVERIFY2(peak < 64.0 * (1ull << 30), qPrintable(QString::number(peak)));
    }

    void regularFilesAreNoTerminal()
    {
        std::FILE *file = std::tmpfile();
        QVERIFY(file);
        QVERIFY(!platform::isTerminal(file));
        std::fclose(file);
    }

    void processIdIsQtsProcessId() { QCOMPARE(qint64(platform::processId()), QCoreApplication::applicationPid()); }

    void argumentsKeepUtf8()
    {
        // POSIX passes argv through; on Windows the UTF-16 command line is used instead (and
        // checked by scripts/check-windows with a non-ASCII --data folder).
        std::string program = "nnj-train", option = "--data", value = "/home/Zoë/学生";
        char *argv[] = {program.data(), option.data(), value.data()};
        const std::vector<std::string> arguments = platform::utf8Arguments(3, argv);
#ifndef _WIN32
        QCOMPARE(arguments, (std::vector<std::string>{program, option, value}));
#else
        QCOMPARE(arguments.size(), std::size_t(QCoreApplication::arguments().size()));
#endif
    }
};

QTEST_GUILESS_MAIN(TestPlatform)
#include "tst_platform.moc"
