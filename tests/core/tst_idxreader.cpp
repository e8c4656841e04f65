// IDX reader: tiny raw and gzip fixtures written by the test, every header/length error with a
// message naming the file and the problem, loadMnist's cross-file checks, and (when NNJ_MNIST_DIR
// is set) the real MNIST files.
#include "error.h"
#include "idxreader.h"

#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

using Bytes = std::vector<std::uint8_t>;

void appendBigEndian(Bytes &bytes, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes.push_back(std::uint8_t(value >> shift));
}

Bytes imagesFile(std::uint32_t count, std::uint32_t rows, std::uint32_t columns, const Bytes &pixels,
                 std::uint32_t magic = 0x00000803)
{
    Bytes bytes;
    appendBigEndian(bytes, magic);
    appendBigEndian(bytes, count);
    appendBigEndian(bytes, rows);
    appendBigEndian(bytes, columns);
    bytes.insert(bytes.end(), pixels.begin(), pixels.end());
    return bytes;
}

Bytes labelsFile(const Bytes &labels, std::uint32_t magic = 0x00000801)
{
    Bytes bytes;
    appendBigEndian(bytes, magic);
    appendBigEndian(bytes, std::uint32_t(labels.size()));
    bytes.insert(bytes.end(), labels.begin(), labels.end());
    return bytes;
}

// 2 images of 3x2 with pixel i = 10 * image + i.
Bytes smallPixels()
{
    Bytes pixels;
    for (int image = 0; image < 2; ++image)
        for (int i = 0; i < 6; ++i)
            pixels.push_back(std::uint8_t(10 * image + i));
    return pixels;
}

// `count` 28x28 images whose first pixel is the image index.
Bytes mnistPixels(int count)
{
    Bytes pixels(std::size_t(count) * 784, 0);
    for (int image = 0; image < count; ++image)
        pixels[std::size_t(image) * 784] = std::uint8_t(image);
    return pixels;
}

void writeRaw(const std::string &path, const Bytes &bytes)
{
    std::FILE *file = std::fopen(path.c_str(), "wb");
    QVERIFY2(file, path.c_str());
    if (!bytes.empty()) // fwrite(nullptr, ...) is undefined even for 0 bytes
        QCOMPARE(std::fwrite(bytes.data(), 1, bytes.size(), file), bytes.size());
    QCOMPARE(std::fclose(file), 0);
}

void writeGzip(const std::string &path, const Bytes &bytes)
{
    gzFile file = gzopen(path.c_str(), "wb");
    QVERIFY2(file, path.c_str());
    QCOMPARE(gzwrite(file, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    QCOMPARE(gzclose(file), Z_OK);
}

Bytes readRaw(const std::string &path)
{
    Bytes bytes;
    std::FILE *file = std::fopen(path.c_str(), "rb");
    if (!file)
        return bytes;
    int c;
    while ((c = std::fgetc(file)) != EOF)
        bytes.push_back(std::uint8_t(c));
    std::fclose(file);
    return bytes;
}

// The core::Error text thrown by `action`, or "<no error>".
QString errorOf(const std::function<void()> &action)
{
    try {
        action();
    } catch (const core::Error &error) {
        return QString::fromStdString(error.what());
    }
    return QStringLiteral("<no error>");
}

enum class FileKind { Images, Labels };
enum class Encoding { Raw, Gzip, GzipCutShort };

} // namespace

Q_DECLARE_METATYPE(Bytes)
Q_DECLARE_METATYPE(FileKind)
Q_DECLARE_METATYPE(Encoding)

class TestIdxReader : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        // A fresh directory per test function and data row.
        m_directory = std::make_unique<QTemporaryDir>();
        QVERIFY(m_directory->isValid());
    }

    void readsRawImagesAndLabels()
    {
        const std::string imagesPath = path("images");
        const std::string labelsPath = path("labels");
        writeRaw(imagesPath, imagesFile(2, 3, 2, smallPixels()));
        writeRaw(labelsPath, labelsFile({7, 3}));

        const core::IdxImages images = core::readIdxImages(imagesPath);
        QCOMPARE(images.count, 2);
        QCOMPARE(images.rows, 3);
        QCOMPARE(images.columns, 2);
        QCOMPARE(images.pixels, smallPixels());
        QCOMPARE(core::readIdxLabels(labelsPath), Bytes({7, 3}));
    }

    void readsGzipImagesAndLabels()
    {
        const std::string imagesPath = path("images.gz");
        const std::string labelsPath = path("labels.gz");
        writeGzip(imagesPath, imagesFile(2, 3, 2, smallPixels()));
        writeGzip(labelsPath, labelsFile({7, 3}));
        QVERIFY(readRaw(imagesPath).size() > 2 && readRaw(imagesPath)[0] == 0x1f); // really compressed

        const core::IdxImages images = core::readIdxImages(imagesPath);
        QCOMPARE(images.count, 2);
        QCOMPARE(images.rows, 3);
        QCOMPARE(images.columns, 2);
        QCOMPARE(images.pixels, smallPixels());
        QCOMPARE(core::readIdxLabels(labelsPath), Bytes({7, 3}));
    }

    void gzipIsDetectedByContentNotName()
    {
        const std::string compressed = path("compressed-without-suffix");
        const std::string plain = path("plain.gz");
        writeGzip(compressed, labelsFile({1, 2, 3}));
        writeRaw(plain, labelsFile({4, 5}));
        QCOMPARE(core::readIdxLabels(compressed), Bytes({1, 2, 3}));
        QCOMPARE(core::readIdxLabels(plain), Bytes({4, 5}));
    }

    void rejectsBrokenFiles_data()
    {
        QTest::addColumn<FileKind>("kind");
        QTest::addColumn<Bytes>("bytes");
        QTest::addColumn<Encoding>("encoding");
        QTest::addColumn<QStringList>("expectedParts");

        const Bytes good = imagesFile(2, 3, 2, smallPixels());
        Bytes truncated = good;
        truncated.resize(good.size() - 1);
        Bytes trailing = good;
        trailing.push_back(0);
        const Bytes goodLabels = labelsFile({1, 2, 3});
        Bytes truncatedLabels = goodLabels;
        truncatedLabels.resize(goodLabels.size() - 2);

        QTest::newRow("truncated payload")
            << FileKind::Images << truncated << Encoding::Raw
            << QStringList{"expected a file length of 28 bytes (16-byte header + 2 images of 3x2)", "found 27 bytes",
                           "truncated"};
        QTest::newRow("trailing byte") << FileKind::Images << trailing << Encoding::Raw
                                       << QStringList{"expected a file length of 28 bytes", "found 29 bytes",
                                                      "trailing bytes"};
        QTest::newRow("truncated header")
            << FileKind::Images << Bytes(good.begin(), good.begin() + 10) << Encoding::Raw
            << QStringList{"expected an IDX images header of 16 bytes", "found only 10 bytes"};
        QTest::newRow("empty file") << FileKind::Labels << Bytes{} << Encoding::Raw
                                    << QStringList{"expected an IDX labels header of 8 bytes", "found only 0 bytes"};
        QTest::newRow("labels truncated")
            << FileKind::Labels << truncatedLabels << Encoding::Raw
            << QStringList{"expected a file length of 11 bytes (8-byte header + 3 labels)", "found 9 bytes",
                           "truncated"};
        QTest::newRow("gzip truncated payload")
            << FileKind::Images << truncated << Encoding::Gzip
            << QStringList{"expected a decompressed length of 28 bytes", "found 27 bytes", "truncated"};
        QTest::newRow("gzip trailing byte")
            << FileKind::Images << trailing << Encoding::Gzip
            << QStringList{"expected a decompressed length of 28 bytes", "found 29 bytes", "trailing bytes"};
        QTest::newRow("gzip stream cut short")
            << FileKind::Images << good << Encoding::GzipCutShort << QStringList{"corrupt or truncated gzip data"};
        QTest::newRow("labels file read as images")
            << FileKind::Images << goodLabels << Encoding::Raw
            << QStringList{"expected magic 0x00000803 (IDX images), found 0x00000801 (IDX labels)"};
        QTest::newRow("images file read as labels")
            << FileKind::Labels << good << Encoding::Raw
            << QStringList{"expected magic 0x00000801 (IDX labels), found 0x00000803 (IDX images)"};
        QTest::newRow("not an IDX file") << FileKind::Images << imagesFile(2, 3, 2, smallPixels(), 0x89504e47)
                                         << Encoding::Raw
                                         << QStringList{"expected magic 0x00000803",
                                                        "found 0x89504e47 (not an IDX file)"};
        QTest::newRow("gzip of wrong magic")
            << FileKind::Labels << imagesFile(2, 3, 2, smallPixels(), 0x00000802) << Encoding::Gzip
            << QStringList{"expected magic 0x00000801 (IDX labels), found 0x00000802"};
        QTest::newRow("zero rows") << FileKind::Images << imagesFile(2, 0, 2, {}) << Encoding::Raw
                                   << QStringList{"expected image dimensions between 1 and 1024, found 0x2"};
        QTest::newRow("absurd columns") << FileKind::Images << imagesFile(1, 28, 100000, {}) << Encoding::Raw
                                        << QStringList{"expected image dimensions between 1 and 1024, found 28x100000"};
        QTest::newRow("zero count") << FileKind::Images << imagesFile(0, 28, 28, {}) << Encoding::Raw
                                    << QStringList{"expected an item count between 1 and 2147483647, found 0"};
        Bytes hugeCount;
        appendBigEndian(hugeCount, 0x00000801);
        appendBigEndian(hugeCount, 0xffffffffu);
        QTest::newRow("count beyond int")
            << FileKind::Labels << hugeCount << Encoding::Raw
            << QStringList{"expected an item count between 1 and 2147483647, found 4294967295"};
        // 2^31-1 images of 1024x1024 would be ~2 PiB: rejected before any allocation.
        QTest::newRow("absurd total size")
            << FileKind::Images << imagesFile(0x7fffffffu, 1024, 1024, {}) << Encoding::Gzip
            << QStringList{"header declares 2147483647 items of 1024x1024", "expected at most"};
        // A lying gzip header (a million images, 2 present): a clear truncation error.
        QTest::newRow("gzip header claims more")
            << FileKind::Images << imagesFile(1000000, 28, 28, mnistPixels(2)) << Encoding::Gzip
            << QStringList{"expected a decompressed length of 784000016 bytes", "found 1584 bytes", "truncated"};
    }

    void rejectsBrokenFiles()
    {
        QFETCH(FileKind, kind);
        QFETCH(Bytes, bytes);
        QFETCH(Encoding, encoding);
        QFETCH(QStringList, expectedParts);

        const std::string file = path(QTest::currentDataTag());
        if (encoding == Encoding::Raw) {
            writeRaw(file, bytes);
        } else {
            writeGzip(file, bytes);
            if (encoding == Encoding::GzipCutShort) {
                Bytes compressed = readRaw(file);
                compressed.resize(compressed.size() - 6); // loses the CRC and part of the stream end
                writeRaw(file, compressed);
            }
        }
        const QString message = errorOf([&] {
            if (kind == FileKind::Images)
                core::readIdxImages(file);
            else
                core::readIdxLabels(file);
        });
        QVERIFY2(message.startsWith(QString::fromStdString(file) + u':'), qPrintable(message));
        for (const QString &part : expectedParts)
            QVERIFY2(message.contains(part), qPrintable(u"missing \""_s + part + u"\" in: "_s + message));
    }

    // The in-memory parsers the path functions call: raw and gzip, the source name in messages,
    // and gzip's rules as zlib's gzread has them (concatenated members are one stream, anything
    // after the last member that is not gzip is ignored).
    void parsesFromMemory()
    {
        const Bytes images = imagesFile(2, 3, 2, smallPixels());
        const core::IdxImages parsed = core::parseIdxImages(images.data(), images.size(), "memory");
        QCOMPARE(parsed.count, 2);
        QCOMPARE(parsed.pixels, smallPixels());
        const Bytes labels = labelsFile({7, 3});
        QCOMPARE(core::parseIdxLabels(labels.data(), labels.size(), "memory"), Bytes({7, 3}));

        writeGzip(path("half1"), Bytes(images.begin(), images.begin() + 20));
        writeGzip(path("half2"), Bytes(images.begin() + 20, images.end()));
        Bytes concatenated = readRaw(path("half1"));
        const Bytes second = readRaw(path("half2"));
        concatenated.insert(concatenated.end(), second.begin(), second.end());
        QCOMPARE(core::parseIdxImages(concatenated.data(), concatenated.size(), "memory").pixels, smallPixels());
        concatenated.insert(concatenated.end(), {'j', 'u', 'n', 'k'});
        QCOMPARE(core::parseIdxImages(concatenated.data(), concatenated.size(), "memory").pixels, smallPixels());

        Bytes damaged = readRaw(path("half2"));
        damaged[damaged.size() - 8] ^= 0xff; // the CRC-32 of the second member
        concatenated = readRaw(path("half1"));
        concatenated.insert(concatenated.end(), damaged.begin(), damaged.end());
        QString message = errorOf([&] { core::parseIdxImages(concatenated.data(), concatenated.size(), "upload"); });
        QVERIFY2(message.startsWith(u"upload: corrupt or truncated gzip data after 28 decompressed bytes: "_s),
                 qPrintable(message));
        message = errorOf([&] { core::parseIdxLabels(images.data(), images.size(), "upload"); });
        QVERIFY2(message.startsWith(u"upload: expected magic 0x00000801"_s), qPrintable(message));
        message = errorOf([&] { core::parseIdxLabels(nullptr, 0, "upload"); });
        QVERIFY2(message.contains(u"found only 0 bytes (file length)"_s), qPrintable(message));
    }

    void missingFileNamesThePath()
    {
        const std::string file = path("does-not-exist");
        const QString message = errorOf([&] { core::readIdxImages(file); });
        QVERIFY2(message.startsWith(QString::fromStdString(file) + u": cannot open"_s), qPrintable(message));
        QVERIFY2(message.contains(u"No such file"_s), qPrintable(message));
    }

    void findsRawBeforeGzip()
    {
        const std::string directory = m_directory->path().toStdString();
        QVERIFY(core::findIdxFile(directory, "name").empty());
        writeRaw(path("name.gz"), labelsFile({1}));
        QCOMPARE(core::findIdxFile(directory, "name"), path("name.gz"));
        writeRaw(path("name"), labelsFile({1}));
        QCOMPARE(core::findIdxFile(directory, "name"), path("name"));
    }

    void loadsMnistDirectory()
    {
        writeMnist(3, {0, 9, 4}, 2, {5, 1});
        const std::string directory = m_directory->path().toStdString();
        QVERIFY(core::mnistFilesPresent(directory));
        const core::MnistData data = core::loadMnist(directory);
        QCOMPARE(data.train.count(), 3);
        QCOMPARE(data.train.rows, 28);
        QCOMPARE(data.train.columns, 28);
        QCOMPARE(data.train.labels, Bytes({0, 9, 4}));
        QCOMPARE(int(data.train.image(2)[0]), 2);
        QCOMPARE(data.test.count(), 2);
        QCOMPARE(data.test.labels, Bytes({5, 1}));
        QCOMPARE(int(data.test.image(1)[0]), 1);
    }

    void loadMnistRejectsInconsistentFiles_data()
    {
        QTest::addColumn<int>("brokenPart");
        QTest::addColumn<QString>("blamedFile");
        QTest::addColumn<QStringList>("expectedParts");
        QTest::newRow("label count differs")
            << 0 << u"train-labels-idx1-ubyte"_s << QStringList{"expected 3 labels (one per image in", "found 2"};
        QTest::newRow("label above 9") << 1 << u"t10k-labels-idx1-ubyte.gz"_s
                                       << QStringList{"expected labels 0..9, found 10 at index 1"};
        QTest::newRow("not 28x28") << 2 << u"train-images-idx3-ubyte"_s
                                   << QStringList{"expected 28x28 MNIST images, found 28x27"};
        QTest::newRow("missing file") << 3 << QString()
                                      << QStringList{
                                             "missing MNIST file t10k-images-idx3-ubyte (or t10k-images-idx3-ubyte.gz)",
                                             "scripts/fetch-mnist"};
    }

    void loadMnistRejectsInconsistentFiles()
    {
        QFETCH(int, brokenPart);
        QFETCH(QString, blamedFile);
        QFETCH(QStringList, expectedParts);
        writeMnist(3, {0, 9, 4}, 2, {5, 1}, Encoding::Gzip);
        const std::string directory = m_directory->path().toStdString();
        switch (brokenPart) {
        case 0: writeRaw(path("train-labels-idx1-ubyte"), labelsFile({0, 9})); break;
        case 1:
            QFile::remove(m_directory->filePath(u"t10k-labels-idx1-ubyte"_s));
            writeGzip(path("t10k-labels-idx1-ubyte.gz"), labelsFile({5, 10}));
            break;
        case 2: writeRaw(path("train-images-idx3-ubyte"), imagesFile(3, 28, 27, Bytes(3 * 28 * 27, 0))); break;
        default:
            QVERIFY(QFile::remove(m_directory->filePath(u"t10k-images-idx3-ubyte.gz"_s)));
            QVERIFY(!core::mnistFilesPresent(directory));
        }
        const QString message = errorOf([&] { core::loadMnist(directory); });
        const QString blamed = blamedFile.isEmpty() ? m_directory->path() : m_directory->filePath(blamedFile);
        QVERIFY2(message.startsWith(blamed + u':'), qPrintable(message));
        for (const QString &part : expectedParts)
            QVERIFY2(message.contains(part), qPrintable(u"missing \""_s + part + u"\" in: "_s + message));
    }

    void loadsRealMnist()
    {
        const QByteArray directory = qgetenv("NNJ_MNIST_DIR");
        if (directory.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("CI is set but NNJ_MNIST_DIR is not: run scripts/fetch-mnist and export NNJ_MNIST_DIR");
            QSKIP("NNJ_MNIST_DIR not set (run scripts/fetch-mnist DIR and export NNJ_MNIST_DIR=DIR)");
        }
        const core::MnistData data = core::loadMnist(directory.toStdString());
        QCOMPARE(data.train.count(), 60000);
        QCOMPARE(data.test.count(), 10000);
        QCOMPARE(data.train.rows, 28);
        QCOMPARE(data.train.columns, 28);
        QCOMPARE(data.test.rows, 28);
        QCOMPARE(data.train.images.size(), std::size_t(60000) * 784);
        QCOMPARE(data.test.images.size(), std::size_t(10000) * 784);
        QCOMPARE(int(data.train.labels[0]), 5);
        QCOMPARE(int(data.test.labels[0]), 7);
        // Every digit occurs, and the known class sizes of the training set hold.
        std::array<int, 10> trainCounts{};
        for (std::uint8_t label : data.train.labels)
            ++trainCounts[label];
        QCOMPARE(trainCounts[0], 5923);
        QCOMPARE(trainCounts[1], 6742);
        QCOMPARE(trainCounts[5], 5421);
        // Images are not blank: the first training image (a 5) has ink in its centre rows.
        int inked = 0;
        for (int i = 0; i < 784; ++i)
            inked += data.train.image(0)[i] > 128;
        QVERIFY2(inked > 50 && inked < 400, qPrintable(QString::number(inked)));
    }

private:
    std::string path(const char *name) const { return m_directory->filePath(QString::fromUtf8(name)).toStdString(); }

    void writeMnist(int trainCount, const Bytes &trainLabels, int testCount, const Bytes &testLabels,
                    Encoding encoding = Encoding::Raw)
    {
        auto write = [&](const char *name, const Bytes &bytes) {
            if (encoding == Encoding::Raw)
                writeRaw(path(name), bytes);
            else
                writeGzip(path(name) + ".gz", bytes);
        };
        write(core::MnistFileNames::trainImages, imagesFile(trainCount, 28, 28, mnistPixels(trainCount)));
        write(core::MnistFileNames::testImages, imagesFile(testCount, 28, 28, mnistPixels(testCount)));
        // Labels always raw, so a directory mixes both encodings.
        writeRaw(path(core::MnistFileNames::trainLabels), labelsFile(trainLabels));
        writeRaw(path(core::MnistFileNames::testLabels), labelsFile(testLabels));
    }

    std::unique_ptr<QTemporaryDir> m_directory;
};

QTEST_GUILESS_MAIN(TestIdxReader)
#include "tst_idxreader.moc"
