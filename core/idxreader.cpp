// IDX reader: one byte source (plain file or gzip stream, chosen by the first two bytes), a
// strict header parser and an exact-length check. Nothing is allocated before the header has
// been checked, and a compressed payload grows in chunks, so a lying header cannot make us
// allocate more than the data really holds.
#include "idxreader.h"

#include "error.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>

namespace core {

namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803; // unsigned byte, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801; // unsigned byte, 1 dimension
constexpr int kMaxImageSide = 1024;
constexpr int kMnistSide = 28;
constexpr std::uint64_t kMaxPayloadBytes = std::uint64_t(1) << 30; // 1 GiB: 20x full MNIST
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;

std::string hex32(std::uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", value);
    return text;
}

std::string describeMagic(std::uint32_t magic)
{
    if (magic == kImagesMagic)
        return hex32(magic) + " (IDX images)";
    if (magic == kLabelsMagic)
        return hex32(magic) + " (IDX labels)";
    if ((magic >> 16) == 0x1f8b || (magic >> 16) == 0x8b1f)
        return hex32(magic) + " (looks like a broken gzip header)";
    return hex32(magic) + " (not an IDX file)";
}

std::uint32_t bigEndian32(const unsigned char *bytes)
{
    return std::uint32_t(bytes[0]) << 24 | std::uint32_t(bytes[1]) << 16 | std::uint32_t(bytes[2]) << 8
           | std::uint32_t(bytes[3]);
}

// Reads a file as a byte stream, transparently inflating gzip (detected by content, 1f 8b).
class ByteSource
{
public:
    explicit ByteSource(const std::string &path) : m_path(path)
    {
        std::FILE *file = std::fopen(path.c_str(), "rb");
        if (!file)
            throw Error(path + ": cannot open: " + std::strerror(errno));
        unsigned char magic[2] = {0, 0};
        const std::size_t got = std::fread(magic, 1, 2, file);
        m_compressed = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        if (!m_compressed) {
            std::error_code error;
            m_fileSize = std::filesystem::file_size(path, error);
            if (error)
                m_fileSize = 0;
            std::rewind(file);
            m_plain = file;
            return;
        }
        std::fclose(file);
        m_gzip = gzopen(path.c_str(), "rb");
        if (!m_gzip)
            throw Error(path + ": cannot open gzip stream: " + std::strerror(errno));
        gzbuffer(m_gzip, 256 * 1024);
    }
    ~ByteSource()
    {
        if (m_plain)
            std::fclose(m_plain);
        if (m_gzip)
            gzclose(m_gzip);
    }
    ByteSource(const ByteSource &) = delete;
    ByteSource &operator=(const ByteSource &) = delete;

    bool compressed() const { return m_compressed; }
    // Size on disk of a plain file (the decompressed size is only known after reading).
    std::uint64_t plainFileSize() const { return m_fileSize; }

    // Reads up to `size` bytes; fewer only at the end of the data. Throws on read or inflate errors.
    std::size_t read(unsigned char *destination, std::size_t size)
    {
        std::size_t done = 0;
        while (done < size) {
            const std::size_t want = std::min(size - done, kChunkBytes);
            const std::size_t got
                = m_plain ? std::fread(destination + done, 1, want, m_plain) : readGzip(destination + done, want);
            done += got;
            if (got < want)
                break;
        }
        if (m_plain && std::ferror(m_plain))
            throw Error(m_path + ": read error: " + std::strerror(errno));
        return done;
    }

    // Counts (and discards) what is left, stopping at `limit`.
    std::uint64_t skipRest(std::uint64_t limit)
    {
        std::vector<unsigned char> scratch(64 * 1024);
        std::uint64_t total = 0;
        while (total < limit) {
            const std::size_t got = read(scratch.data(), scratch.size());
            total += got;
            if (got < scratch.size())
                break;
        }
        return total;
    }

private:
    std::size_t readGzip(unsigned char *destination, std::size_t size)
    {
        const int got = gzread(m_gzip, destination, unsigned(size));
        int code = Z_OK;
        const char *message = gzerror(m_gzip, &code);
        // A truncated stream is reported as Z_BUF_ERROR ("unexpected end of file"), a damaged one as
        // Z_DATA_ERROR (including a wrong CRC in the gzip trailer, checked when the end is reached).
        if (got < 0 || code != Z_OK) {
            std::string detail = message ? message : "unknown zlib error";
            if (detail.rfind(m_path + ": ", 0) == 0) // zlib prefixes the path itself
                detail.erase(0, m_path.size() + 2);
            throw Error(m_path + ": corrupt or truncated gzip data after " + std::to_string(m_delivered)
                        + " decompressed bytes: " + detail);
        }
        m_delivered += std::uint64_t(got);
        return std::size_t(got);
    }

    std::string m_path;
    bool m_compressed = false;
    std::uint64_t m_fileSize = 0;
    std::uint64_t m_delivered = 0; // decompressed bytes returned so far
    std::FILE *m_plain = nullptr;
    gzFile m_gzip = nullptr;
};

struct IdxHeader
{
    std::uint32_t count = 0;
    std::uint32_t rows = 1;
    std::uint32_t columns = 1;
    std::uint64_t headerBytes = 0;
    std::uint64_t payloadBytes = 0;
};

std::string lengthWord(const ByteSource &source)
{
    return source.compressed() ? "decompressed length" : "file length";
}

// Reads and checks the header of an IDX file holding `expectedMagic`.
IdxHeader readHeader(ByteSource &source, const std::string &path, std::uint32_t expectedMagic)
{
    const bool images = expectedMagic == kImagesMagic;
    const std::string kind = images ? "IDX images" : "IDX labels";
    IdxHeader header;
    header.headerBytes = images ? 16 : 8;

    unsigned char bytes[16] = {};
    const std::size_t got = source.read(bytes, header.headerBytes);
    if (got < 4)
        throw Error(path + ": expected an " + kind + " header of " + std::to_string(header.headerBytes)
                    + " bytes, found only " + std::to_string(got) + " bytes (" + lengthWord(source) + ")");
    const std::uint32_t magic = bigEndian32(bytes);
    if (magic != expectedMagic)
        throw Error(path + ": expected magic " + hex32(expectedMagic) + " (" + kind + "), found "
                    + describeMagic(magic));
    if (got < header.headerBytes)
        throw Error(path + ": expected an " + kind + " header of " + std::to_string(header.headerBytes)
                    + " bytes, found only " + std::to_string(got) + " bytes (" + lengthWord(source) + ")");

    header.count = bigEndian32(bytes + 4);
    if (header.count == 0 || header.count > 0x7fffffffu)
        throw Error(path + ": expected an item count between 1 and 2147483647, found " + std::to_string(header.count));
    if (images) {
        header.rows = bigEndian32(bytes + 8);
        header.columns = bigEndian32(bytes + 12);
        if (header.rows < 1 || header.rows > kMaxImageSide || header.columns < 1 || header.columns > kMaxImageSide)
            throw Error(path + ": expected image dimensions between 1 and " + std::to_string(kMaxImageSide) + ", found "
                        + std::to_string(header.rows) + "x" + std::to_string(header.columns));
    }
    // Fits in 64 bits: count < 2^31, rows and columns <= 2^10.
    header.payloadBytes = std::uint64_t(header.count) * header.rows * header.columns;
    if (header.payloadBytes > kMaxPayloadBytes)
        throw Error(path + ": header declares " + std::to_string(header.count) + " items of "
                    + std::to_string(header.rows) + "x" + std::to_string(header.columns) + " = "
                    + std::to_string(header.payloadBytes) + " bytes, expected at most "
                    + std::to_string(kMaxPayloadBytes) + " bytes (1 GiB)");
    return header;
}

std::string expectedLengthText(const IdxHeader &header, bool images)
{
    std::ostringstream text;
    text << (header.headerBytes + header.payloadBytes) << " bytes (" << header.headerBytes << "-byte header + "
         << header.count << (images ? " images of " : " labels");
    if (images)
        text << header.rows << "x" << header.columns;
    text << ")";
    return text.str();
}

// Reads the payload after the header and insists on the exact length.
std::vector<std::uint8_t> readPayload(ByteSource &source, const std::string &path, const IdxHeader &header, bool images)
{
    const std::uint64_t expectedTotal = header.headerBytes + header.payloadBytes;
    if (!source.compressed() && source.plainFileSize() != expectedTotal) {
        const bool shorter = source.plainFileSize() < expectedTotal;
        throw Error(path + ": expected a file length of " + expectedLengthText(header, images) + ", found "
                    + std::to_string(source.plainFileSize()) + " bytes ("
                    + (shorter ? "truncated" : "trailing bytes after the data") + ")");
    }

    std::vector<std::uint8_t> payload;
    std::uint64_t filled = 0;
    while (filled < header.payloadBytes) {
        // Grow geometrically: a gzip header may lie about the count; memory follows the real data.
        const std::uint64_t target
            = std::min<std::uint64_t>(header.payloadBytes, std::max<std::uint64_t>(filled * 2, kChunkBytes));
        payload.resize(target);
        const std::size_t want = std::size_t(target - filled);
        const std::size_t got = source.read(payload.data() + filled, want);
        filled += got;
        if (got < want)
            throw Error(path + ": expected a " + lengthWord(source) + " of " + expectedLengthText(header, images)
                        + ", found " + std::to_string(header.headerBytes + filled) + " bytes (truncated)");
    }
    constexpr std::uint64_t kCountLimit = std::uint64_t(64) << 20;
    const std::uint64_t extra = source.skipRest(kCountLimit);
    if (extra > 0)
        throw Error(path + ": expected a " + lengthWord(source) + " of " + expectedLengthText(header, images)
                    + ", found " + (extra >= kCountLimit ? "more than " : "") + std::to_string(expectedTotal + extra)
                    + " bytes (trailing bytes after the data)");
    return payload;
}

} // namespace

IdxImages readIdxImages(const std::string &path)
{
    ByteSource source(path);
    const IdxHeader header = readHeader(source, path, kImagesMagic);
    IdxImages result;
    result.count = int(header.count);
    result.rows = int(header.rows);
    result.columns = int(header.columns);
    result.pixels = readPayload(source, path, header, true);
    return result;
}

std::vector<std::uint8_t> readIdxLabels(const std::string &path)
{
    ByteSource source(path);
    const IdxHeader header = readHeader(source, path, kLabelsMagic);
    return readPayload(source, path, header, false);
}

std::string findIdxFile(const std::string &directory, const std::string &name)
{
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::path raw = fs::path(directory) / name;
    if (fs::is_regular_file(raw, error))
        return raw.string();
    const fs::path compressed = fs::path(directory) / (name + ".gz");
    if (fs::is_regular_file(compressed, error))
        return compressed.string();
    return {};
}

bool mnistFilesPresent(const std::string &directory)
{
    for (const char *name : {MnistFileNames::trainImages, MnistFileNames::trainLabels, MnistFileNames::testImages,
                             MnistFileNames::testLabels}) {
        if (findIdxFile(directory, name).empty())
            return false;
    }
    return true;
}

namespace {

std::string requireFile(const std::string &directory, const char *name)
{
    const std::string path = findIdxFile(directory, name);
    if (path.empty())
        throw Error(directory + ": missing MNIST file " + name + " (or " + name
                    + ".gz); fetch it with scripts/fetch-mnist " + directory);
    return path;
}

Dataset loadSplit(const std::string &directory, const char *imagesName, const char *labelsName)
{
    const std::string imagesPath = requireFile(directory, imagesName);
    const std::string labelsPath = requireFile(directory, labelsName);
    IdxImages images = readIdxImages(imagesPath);
    if (images.rows != kMnistSide || images.columns != kMnistSide)
        throw Error(imagesPath + ": expected 28x28 MNIST images, found " + std::to_string(images.rows) + "x"
                    + std::to_string(images.columns));
    std::vector<std::uint8_t> labels = readIdxLabels(labelsPath);
    if (labels.size() != std::size_t(images.count))
        throw Error(labelsPath + ": expected " + std::to_string(images.count) + " labels (one per image in "
                    + imagesPath + "), found " + std::to_string(labels.size()));
    const auto bad = std::find_if(labels.begin(), labels.end(), [](std::uint8_t label) { return label > 9; });
    if (bad != labels.end())
        throw Error(labelsPath + ": expected labels 0..9, found " + std::to_string(int(*bad)) + " at index "
                    + std::to_string(bad - labels.begin()));
    Dataset dataset;
    dataset.rows = images.rows;
    dataset.columns = images.columns;
    dataset.images = std::move(images.pixels);
    dataset.labels = std::move(labels);
    return dataset;
}

} // namespace

MnistData loadMnist(const std::string &directory)
{
    MnistData data;
    data.train = loadSplit(directory, MnistFileNames::trainImages, MnistFileNames::trainLabels);
    data.test = loadSplit(directory, MnistFileNames::testImages, MnistFileNames::testLabels);
    return data;
}

} // namespace core
