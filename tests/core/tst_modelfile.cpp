// Model files: bit-exact round trips, the documented byte layout, every kind of damage reported
// with the source name, and the atomic save that never leaves a half-written or missing file.
#include "error.h"
#include "modelfile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <sys/resource.h>
#include <unistd.h>

#include <bit>
#include <csignal>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

core::Architecture architecture(std::vector<int> sizes, std::vector<core::Activation> activations)
{
    core::Architecture result;
    result.sizes = std::move(sizes);
    result.activations = std::move(activations);
    return result;
}

// A network whose parameters include values that only survive an exact round trip.
core::Network unusualNetwork(const core::Architecture &shape, std::uint64_t seed)
{
    core::Network network(shape, seed);
    core::Matrix &weights = network.layer(0).weights();
    weights(0, 0) = -0.0f;
    weights(1, 0) = std::numeric_limits<float>::denorm_min();
    weights(2, 0) = std::numeric_limits<float>::max();
    weights(3, 0) = std::nextafter(1.0f, 2.0f);
    network.layer(network.layerCount() - 1).bias()(9) = -1.0e-30f;
    return network;
}

// Same parameters, bit for bit (so -0.0 vs 0.0 or a lost last bit fails).
bool sameParameters(const core::Network &a, const core::Network &b, QByteArray *message)
{
    if (!(a.architecture() == b.architecture())) {
        *message = "architectures differ: " + QByteArray::fromStdString(a.architecture().describe()) + " vs "
                   + QByteArray::fromStdString(b.architecture().describe());
        return false;
    }
    for (int l = 0; l < a.layerCount(); ++l) {
        const core::DenseLayer &x = a.layer(l), &y = b.layer(l);
        if (x.weights().rows() != y.weights().rows() || x.weights().cols() != y.weights().cols()
            || std::memcmp(x.weights().data(), y.weights().data(), sizeof(float) * x.weights().size()) != 0
            || x.bias().size() != y.bias().size()
            || std::memcmp(x.bias().data(), y.bias().data(), sizeof(float) * x.bias().size()) != 0) {
            *message = "parameters of dense layer " + QByteArray::number(l) + " differ";
            return false;
        }
    }
    return true;
}

std::uint32_t readU32(const std::string &bytes, std::size_t offset)
{
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
        value |= std::uint32_t(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
    return value;
}

void writeU32(std::string &bytes, std::size_t offset, std::uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        bytes[offset + i] = char((value >> (8 * i)) & 0xff);
}

// Recomputes the trailing CRC-32 after a deliberate edit, so only the edit itself is wrong.
void fixChecksum(std::string &bytes)
{
    const std::size_t payload = bytes.size() - 4;
    writeU32(bytes, payload, std::uint32_t(crc32(0, reinterpret_cast<const Bytef *>(bytes.data()), uInt(payload))));
}

QString errorOf(const std::function<void()> &action)
{
    try {
        action();
    } catch (const core::Error &error) {
        return QString::fromStdString(error.what());
    }
    return u"<no error>"_s;
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

// 784-16-10 relu: header 8 + 4 + 4 + 3*4 + 1 + 4 + 4 = 37 bytes, then parameters.
constexpr std::size_t kSmallHeader = 37;

} // namespace

Q_DECLARE_METATYPE(core::Architecture)

class TestModelFile : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_directory = std::make_unique<QTemporaryDir>();
        QVERIFY(m_directory->isValid());
    }

    void roundTripIsBitExact_data()
    {
        using core::Activation;
        QTest::addColumn<core::Architecture>("shape");
        QTest::addColumn<int>("epochs");
        QTest::addColumn<float>("accuracy");
        QTest::newRow("default 784-128-64-10")
            << architecture({784, 128, 64, 10}, {Activation::ReLU, Activation::ReLU}) << 3 << 0.9731f;
        QTest::newRow("mixed activations")
            << architecture({784, 32, 16, 8, 10}, {Activation::Sigmoid, Activation::Tanh, Activation::ReLU}) << 12
            << 0.5f;
        QTest::newRow("no hidden layer") << architecture({784, 10}, {}) << 0 << -1.0f;
    }

    void roundTripIsBitExact()
    {
        QFETCH(core::Architecture, shape);
        QFETCH(int, epochs);
        QFETCH(float, accuracy);
        const core::Network original = unusualNetwork(shape, 7);
        const std::string bytes = core::serializeModel(original, {epochs, accuracy});

        core::ModelMetadata metadata;
        const core::Network copy = core::deserializeModel(bytes, "memory", &metadata);
        QByteArray message;
        QVERIFY2(sameParameters(original, copy, &message), message.constData());
        QCOMPARE(copy.architecture().activations, shape.activations);
        QCOMPARE(metadata.epochsTrained, epochs);
        QCOMPARE(std::bit_cast<std::uint32_t>(metadata.testAccuracy), std::bit_cast<std::uint32_t>(accuracy));
        QVERIFY(core::serializeModel(copy, metadata) == bytes);

        // Through a file as well, which also checks that no temporary file is left behind.
        const std::string path = m_directory->filePath(u"model.nnj"_s).toStdString();
        core::saveModelFile(path, original, {epochs, accuracy});
        QCOMPARE(QDir(m_directory->path()).entryList(QDir::Files), QStringList{u"model.nnj"_s});
        const core::Network loaded = core::loadModelFile(path, &metadata);
        QVERIFY2(sameParameters(original, loaded, &message), message.constData());
        QCOMPARE(metadata.epochsTrained, epochs);
    }

    // The byte layout docs/model-format.md describes, checked by hand for 784-16-10 relu.
    void byteLayoutMatchesTheDocument()
    {
        core::Network network(architecture({784, 16, 10}, {core::Activation::Tanh}), 1);
        network.layer(0).weights()(1, 0) = 0.5f; // (out 1, in 0): second float (column-major)
        network.layer(0).weights()(0, 1) = -2.0f; // (out 0, in 1): float number 16
        network.layer(0).bias()(15) = 3.0f; // last bias of layer 0
        const std::string bytes = core::serializeModel(network, {4, 0.25f});

        QCOMPARE(bytes.substr(0, 8), std::string("NNJMODEL"));
        QCOMPARE(readU32(bytes, 8), 1u); // format version
        QCOMPARE(readU32(bytes, 12), 3u); // layer count
        QCOMPARE(readU32(bytes, 16), 784u);
        QCOMPARE(readU32(bytes, 20), 16u);
        QCOMPARE(readU32(bytes, 24), 10u);
        QCOMPARE(int(bytes[28]), 2); // tanh
        QCOMPARE(readU32(bytes, 29), 4u); // epochs trained
        QCOMPARE(std::bit_cast<float>(readU32(bytes, 33)), 0.25f);
        const std::size_t layer0 = kSmallHeader;
        QCOMPARE(std::bit_cast<float>(readU32(bytes, layer0 + 4 * 1)), 0.5f);
        QCOMPARE(std::bit_cast<float>(readU32(bytes, layer0 + 4 * 16)), -2.0f);
        QCOMPARE(std::bit_cast<float>(readU32(bytes, layer0 + 4 * (16 * 784 + 15))), 3.0f);
        const std::size_t parameters = 784 * 16 + 16 + 16 * 10 + 10;
        QCOMPARE(bytes.size(), kSmallHeader + 4 * parameters + 4);
        const std::size_t payload = bytes.size() - 4;
        QCOMPARE(readU32(bytes, payload),
                 std::uint32_t(crc32(0, reinterpret_cast<const Bytef *>(bytes.data()), uInt(payload))));
    }

    void rejectsDamagedFiles_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QStringList>("expectedParts");
        QTest::newRow("empty") << u"truncate 0"_s
                               << QStringList{"not a Neural Network Journey model file", "found an empty file"};
        QTest::newRow("cut in magic") << u"truncate 5"_s
                                      << QStringList{"truncated model file", "expected at least 8 bytes", "found 5"};
        QTest::newRow("cut in version") << u"truncate 10"_s << QStringList{"truncated", "format version", "found 10"};
        QTest::newRow("cut in sizes") << u"truncate 22"_s << QStringList{"truncated", "layer sizes", "found 22"};
        QTest::newRow("cut in metadata") << u"truncate 31"_s << QStringList{"truncated", "training metadata"};
        QTest::newRow("cut in parameters")
            << u"truncate 5000"_s
            << QStringList{"truncated model file: expected 50961 bytes for architecture 784-16-10 relu, found 5000"};
        QTest::newRow("last byte missing") << u"truncate -1"_s << QStringList{"truncated", "found 50960"};
        QTest::newRow("trailing byte") << u"append"_s
                                       << QStringList{"trailing bytes in model file: expected 50961 bytes",
                                                      "found 50962"};
        QTest::newRow("flipped weight byte")
            << u"flip 1000"_s << QStringList{"checksum mismatch", "the model file is damaged"};
        QTest::newRow("flipped metadata byte") << u"flip 30"_s << QStringList{"checksum mismatch"};
        QTest::newRow("flipped checksum byte") << u"flip -1"_s << QStringList{"checksum mismatch"};
        QTest::newRow("wrong magic")
            << u"set8 0 X"_s
            << QStringList{"not a Neural Network Journey model file: expected magic \"NNJMODEL\", found \"XNJMODEL\""};
        QTest::newRow("wrong version") << u"set32 8 2"_s
                                       << QStringList{"unsupported model format version: expected 1, found 2",
                                                      "newer version"};
        QTest::newRow("version 0") << u"set32 8 0"_s << QStringList{"expected 1, found 0"};
        QTest::newRow("too many layers") << u"set32 12 11"_s
                                         << QStringList{
                                                "invalid architecture: expected between 2 and 10 layers, found 11"};
        QTest::newRow("input not 784") << u"set32 16 785"_s
                                       << QStringList{
                                              "invalid architecture: Architecture must start with 784 and end with 10"};
        QTest::newRow("hidden layer of 0")
            << u"set32 20 0"_s << QStringList{"invalid architecture:", "Layer 1", "got 0"};
        QTest::newRow("huge layer") << u"set32 20 4000000000"_s
                                    << QStringList{"invalid architecture: layer 1 has 4000000000 neurons"};
        QTest::newRow("unknown activation")
            << u"set8 28 7"_s << QStringList{"invalid architecture: unknown activation code 7 for hidden layer 1"};
        QTest::newRow("NaN weight") << u"set32 49 2143289344"_s // 0x7fc00000 at float 3 of layer 0
                                    << QStringList{
                                           "invalid parameter: weight 3 of dense layer 0 is not a finite number"};
        QTest::newRow("infinite accuracy") << u"set32 33 2139095040"_s // 0x7f800000
                                           << QStringList{"invalid metadata: test accuracy is not a finite number"};
    }

    // Damage is applied to a 784-16-10 relu model (50,961 bytes); "set" edits recompute the
    // checksum so the structural check, not the CRC, has to catch them.
    void rejectsDamagedFiles()
    {
        QFETCH(QString, damage);
        QFETCH(QStringList, expectedParts);
        const core::Network network(architecture({784, 16, 10}, {core::Activation::ReLU}), 3);
        std::string bytes = core::serializeModel(network, {2, 0.9f});
        QCOMPARE(bytes.size(), std::size_t(50961));

        const QStringList words = damage.split(u' ');
        const long long number = words.size() > 1 ? words[1].toLongLong() : 0;
        const std::size_t offset = number < 0 ? bytes.size() + number : std::size_t(number);
        if (words[0] == u"truncate"_s) {
            bytes.resize(offset);
        } else if (words[0] == u"append"_s) {
            bytes.push_back('\0');
        } else if (words[0] == u"flip"_s) {
            bytes[offset] = char(bytes[offset] ^ 0x10);
        } else if (words[0] == u"set8"_s) {
            const QString value = words[2];
            bytes[offset] = value[0].isDigit() ? char(value.toInt()) : char(value[0].toLatin1());
            fixChecksum(bytes);
        } else if (words[0] == u"set32"_s) {
            writeU32(bytes, offset, std::uint32_t(words[2].toULongLong()));
            fixChecksum(bytes);
        }

        const QString message = errorOf([&] { core::deserializeModel(bytes, "upload"); });
        QVERIFY2(message.startsWith(u"upload: "_s), qPrintable(message));
        for (const QString &part : expectedParts)
            QVERIFY2(message.contains(part), qPrintable(u"missing \""_s + part + u"\" in: "_s + message));

        // The same bytes from a file: the message names the path.
        const QString path = m_directory->filePath(u"damaged.nnj"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(bytes.data(), qint64(bytes.size())), qint64(bytes.size()));
        file.close();
        const QString fileMessage = errorOf([&] { core::loadModelFile(path.toStdString()); });
        QVERIFY2(fileMessage.startsWith(path + u": "_s), qPrintable(fileMessage));
    }

    void missingFileNamesThePath()
    {
        const QString path = m_directory->filePath(u"nothing-here.nnj"_s);
        const QString message = errorOf([&] { core::loadModelFile(path.toStdString()); });
        QVERIFY2(message.startsWith(path + u": cannot open the model file"_s), qPrintable(message));
    }

    void saveReplacesAtomically()
    {
        const std::string path = m_directory->filePath(u"model.nnj"_s).toStdString();
        const core::Network first(architecture({784, 8, 10}, {core::Activation::ReLU}), 1);
        const core::Network second(architecture({784, 12, 10}, {core::Activation::Sigmoid}), 2);
        core::saveModelFile(path, first, {1, 0.5f});
        core::saveModelFile(path, second, {2, 0.75f});
        core::ModelMetadata metadata;
        QByteArray message;
        QVERIFY2(sameParameters(second, core::loadModelFile(path, &metadata), &message), message.constData());
        QCOMPARE(metadata.epochsTrained, 2);
        QCOMPARE(QDir(m_directory->path()).entryList(QDir::Files), QStringList{u"model.nnj"_s});
    }

    void failedSaveKeepsTheOldFile_data()
    {
        QTest::addColumn<QString>("failure");
        QTest::addColumn<QString>("expectedPart");
        QTest::newRow("directory missing") << u"missing-directory"_s << u"cannot create"_s;
        QTest::newRow("directory unwritable") << u"read-only-directory"_s << u"cannot create"_s;
        QTest::newRow("target is a directory") << u"target-directory"_s << u"renaming"_s;
        QTest::newRow("write fails (file size limit)") << u"size-limit"_s << u"writing"_s;
    }

    void failedSaveKeepsTheOldFile()
    {
        QFETCH(QString, failure);
        QFETCH(QString, expectedPart);
        const core::Network oldNetwork(architecture({784, 8, 10}, {core::Activation::ReLU}), 1);
        const core::Network newNetwork(architecture({784, 32, 10}, {core::Activation::ReLU}), 2);
        QDir directory(m_directory->path());
        QString target = directory.filePath(u"model.nnj"_s);

        if (failure == u"missing-directory"_s) {
            target = directory.filePath(u"no/such/dir/model.nnj"_s);
        } else if (failure == u"target-directory"_s) {
            QVERIFY(directory.mkpath(u"model.nnj/inside"_s)); // rename() cannot replace a non-empty directory
        } else {
            core::saveModelFile(target.toStdString(), oldNetwork);
        }
        const QByteArray before = fileBytes(target);

        QString message;
        if (failure == u"read-only-directory"_s) {
            QVERIFY(QFile::setPermissions(directory.path(), QFile::ReadOwner | QFile::ExeOwner));
            const bool enforced = ::access(directory.path().toLocal8Bit().constData(), W_OK) != 0;
            if (enforced)
                message = errorOf([&] { core::saveModelFile(target.toStdString(), newNetwork); });
            QFile::setPermissions(directory.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            if (!enforced)
                QSKIP("running as root: directory permissions are not enforced");
        } else if (failure == u"size-limit"_s) {
            // RLIMIT_FSIZE makes write() fail with EFBIG part-way (SIGXFSZ ignored meanwhile).
            rlimit saved{};
            QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
            rlimit small = saved;
            small.rlim_cur = 4096;
            const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
            QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
            message = errorOf([&] { core::saveModelFile(target.toStdString(), newNetwork); });
            ::setrlimit(RLIMIT_FSIZE, &saved);
            std::signal(SIGXFSZ, previousHandler);
        } else {
            message = errorOf([&] { core::saveModelFile(target.toStdString(), newNetwork); });
        }

        QVERIFY2(message.startsWith(target + u": cannot save the model: "_s), qPrintable(message));
        QVERIFY2(message.contains(expectedPart), qPrintable(message));
        QCOMPARE(fileBytes(target), before);
        if (failure != u"target-directory"_s && failure != u"missing-directory"_s) {
            QByteArray mismatch;
            QVERIFY2(sameParameters(oldNetwork, core::loadModelFile(target.toStdString()), &mismatch),
                     mismatch.constData());
        }
        // No temporary file is left anywhere in the directory.
        QCOMPARE(directory.entryList(QDir::Files).filter(u".tmp-"_s), QStringList());
    }

private:
    std::unique_ptr<QTemporaryDir> m_directory;
};

QTEST_GUILESS_MAIN(TestModelFile)
#include "tst_modelfile.moc"
