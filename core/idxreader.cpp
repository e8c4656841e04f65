// IDX reader: the file is read into memory (the path functions call the in-memory parsers), then
// one byte source (plain bytes or a gzip stream, chosen by the first two bytes), a strict header
// parser and an exact-length check. Nothing is allocated for the payload before the header has
// been checked, and a compressed payload grows in chunks, so a lying header cannot make us
// allocate more than the data really holds.
#include "idxreader.h"

#include "error.h"
#include "platform.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
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
// Largest IDX file read into memory: a full header and payload, or its gzip form (which can be a
// little larger for incompressible data).
constexpr std::uint64_t kMaxFileBytes = kMaxPayloadBytes + kMaxPayloadBytes / 16;

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

// The bytes of an IDX file as a stream: a plain copy, or the gzip data inflated as it is read
// (detected by content, 1f 8b). Like zlib's gzread: concatenated gzip members are one stream, and
// whatever follows a member that is not another gzip header is ignored.
class ByteSource
{
public:
    // `plainSize` is the whole file's size when only its start is in `data` (a plain file too large
    // to be valid: the length check then fails without reading on).
    ByteSource(const std::uint8_t *data, std::size_t size, std::uint64_t plainSize, const std::string &name)
        : m_name(name), m_data(data), m_size(size), m_plainSize(plainSize)
    {
        m_compressed = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
        if (!m_compressed)
            return;
        if (inflateInit2(&m_stream, 15 + 16) != Z_OK) // 15: largest window, + 16: gzip only
            throw Error(name + ": cannot start gzip decompression");
        m_inflating = true;
    }
    ~ByteSource()
    {
        if (m_inflating)
            inflateEnd(&m_stream);
    }
    ByteSource(const ByteSource &) = delete;
    ByteSource &operator=(const ByteSource &) = delete;

    bool compressed() const { return m_compressed; }
    // Size of a plain file (the decompressed size is only known after reading).
    std::uint64_t plainFileSize() const { return m_plainSize; }

    // Reads up to `size` bytes; fewer only at the end of the data. Throws on inflate errors.
    std::size_t read(unsigned char *destination, std::size_t size)
    {
        if (m_compressed)
            return readGzip(destination, size);
        const std::size_t count = std::min(size, m_size - m_offset);
        if (count > 0)
            std::memcpy(destination, m_data + m_offset, count);
        m_offset += count;
        return count;
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
        std::size_t done = 0;
        while (done < size && !m_finished) {
            if (m_memberEnded) {
                if (m_size - m_offset < 2 || m_data[m_offset] != 0x1f || m_data[m_offset + 1] != 0x8b) {
                    m_finished = true; // the end, or trailing bytes that are not gzip: ignored
                    break;
                }
                inflateReset(&m_stream);
                m_memberEnded = false;
            }
            // zlib counts in uInt: at most 1 GiB per call either way.
            const uInt inputChunk = uInt(std::min<std::size_t>(m_size - m_offset, std::size_t(1) << 30));
            const uInt outputChunk = uInt(std::min<std::size_t>(size - done, std::size_t(1) << 30));
            m_stream.next_in = const_cast<Bytef *>(m_data + m_offset);
            m_stream.avail_in = inputChunk;
            m_stream.next_out = destination + done;
            m_stream.avail_out = outputChunk;
            const int code = inflate(&m_stream, Z_NO_FLUSH);
            const std::size_t produced = outputChunk - m_stream.avail_out;
            m_offset += inputChunk - m_stream.avail_in;
            done += produced;
            m_delivered += produced;
            if (code == Z_STREAM_END)
                m_memberEnded = true;
            else if (code == Z_BUF_ERROR && m_offset == m_size) // no progress: the input ended early
                fail("unexpected end of file");
            else if (code != Z_OK)
                fail(code == Z_MEM_ERROR ? "out of memory" : m_stream.msg ? m_stream.msg : "compressed data error");
        }
        return done;
    }

    // A truncated stream ("unexpected end of file") or a damaged one (including a wrong CRC in the
    // gzip trailer, checked when a member's end is reached).
    [[noreturn]] void fail(const std::string &detail) const
    {
        throw Error(m_name + ": corrupt or truncated gzip data after " + std::to_string(m_delivered)
                    + " decompressed bytes: " + detail);
    }

    std::string m_name;
    const std::uint8_t *m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_offset = 0; // next byte of m_data to read or inflate
    std::uint64_t m_plainSize = 0;
    bool m_compressed = false;
    z_stream m_stream{};
    bool m_inflating = false; // m_stream is initialised
    bool m_memberEnded = false; // a gzip member's end was reached: another may follow
    bool m_finished = false; // no more data after the last member
    std::uint64_t m_delivered = 0; // decompressed bytes returned so far
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

// Reads the payload after the header and insists on the exact length. `wholeFile`, when given, holds
// every byte of the (plain) data: the payload is then cut out of it instead of copied.
std::vector<std::uint8_t> readPayload(ByteSource &source, const std::string &path, const IdxHeader &header, bool images,
                                      std::vector<std::uint8_t> *wholeFile)
{
    const std::uint64_t expectedTotal = header.headerBytes + header.payloadBytes;
    if (!source.compressed() && source.plainFileSize() != expectedTotal) {
        const bool shorter = source.plainFileSize() < expectedTotal;
        throw Error(path + ": expected a file length of " + expectedLengthText(header, images) + ", found "
                    + std::to_string(source.plainFileSize()) + " bytes ("
                    + (shorter ? "truncated" : "trailing bytes after the data") + ")");
    }

    if (!source.compressed() && wholeFile && wholeFile->size() == expectedTotal) {
        std::vector<std::uint8_t> payload = std::move(*wholeFile);
        payload.erase(payload.begin(), payload.begin() + std::ptrdiff_t(header.headerBytes));
        return payload;
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

// An IDX file in memory; only its first bytes when it is a plain file too large to be valid.
struct FileBytes
{
    std::vector<std::uint8_t> bytes;
    std::uint64_t size = 0; // of the whole file
};

FileBytes readFile(const std::string &path)
{
    struct Closer
    {
        void operator()(std::FILE *file) const { std::fclose(file); }
    };
    const std::unique_ptr<std::FILE, Closer> file(platform::openFile(path, "rb"));
    if (!file)
        throw Error(path + ": cannot open: " + std::strerror(errno));
    FileBytes result;
    std::error_code error;
    const std::uint64_t diskSize = std::filesystem::file_size(platform::pathFromUtf8(path), error);
    if (!error && diskSize > kMaxFileBytes) {
        // Plain: too long whatever its header says; the header alone gives the best message.
        // Compressed: more than any valid IDX file compresses to.
        result.bytes.resize(16);
        result.bytes.resize(std::fread(result.bytes.data(), 1, result.bytes.size(), file.get()));
        if (result.bytes.size() >= 2 && result.bytes[0] == 0x1f && result.bytes[1] == 0x8b)
            throw Error(path + ": expected at most " + std::to_string(kMaxFileBytes) + " bytes of gzip data, found "
                        + std::to_string(diskSize) + " bytes");
        result.size = diskSize;
        return result;
    }
    result.bytes.resize(error ? kChunkBytes : std::size_t(diskSize) + 1); // + 1: sees a file that grew
    std::size_t filled = 0;
    while (true) {
        filled += std::fread(result.bytes.data() + filled, 1, result.bytes.size() - filled, file.get());
        if (filled < result.bytes.size() || result.bytes.size() > kMaxFileBytes)
            break;
        result.bytes.resize(std::min<std::uint64_t>(result.bytes.size() * 2, kMaxFileBytes + 1));
    }
    if (std::ferror(file.get()))
        throw Error(path + ": read error: " + std::strerror(errno));
    if (filled > kMaxFileBytes)
        throw Error(path + ": expected an IDX file of at most " + std::to_string(kMaxFileBytes) + " bytes, found more");
    result.bytes.resize(filled);
    result.size = filled;
    return result;
}

IdxImages parseImages(ByteSource &source, const std::string &name, std::vector<std::uint8_t> *wholeFile)
{
    const IdxHeader header = readHeader(source, name, kImagesMagic);
    IdxImages result;
    result.count = int(header.count);
    result.rows = int(header.rows);
    result.columns = int(header.columns);
    result.pixels = readPayload(source, name, header, true, wholeFile);
    return result;
}

std::vector<std::uint8_t> parseLabels(ByteSource &source, const std::string &name, std::vector<std::uint8_t> *wholeFile)
{
    const IdxHeader header = readHeader(source, name, kLabelsMagic);
    return readPayload(source, name, header, false, wholeFile);
}

} // namespace

IdxImages parseIdxImages(const std::uint8_t *data, std::size_t size, const std::string &sourceName)
{
    ByteSource source(data, size, size, sourceName);
    return parseImages(source, sourceName, nullptr);
}

std::vector<std::uint8_t> parseIdxLabels(const std::uint8_t *data, std::size_t size, const std::string &sourceName)
{
    ByteSource source(data, size, size, sourceName);
    return parseLabels(source, sourceName, nullptr);
}

IdxImages readIdxImages(const std::string &path)
{
    FileBytes file = readFile(path);
    ByteSource source(file.bytes.data(), file.bytes.size(), file.size, path);
    return parseImages(source, path, &file.bytes);
}

std::vector<std::uint8_t> readIdxLabels(const std::string &path)
{
    FileBytes file = readFile(path);
    ByteSource source(file.bytes.data(), file.bytes.size(), file.size, path);
    return parseLabels(source, path, &file.bytes);
}

std::string findIdxFile(const std::string &directory, const std::string &name)
{
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::path raw = platform::pathFromUtf8(directory) / platform::pathFromUtf8(name);
    if (fs::is_regular_file(raw, error))
        return platform::pathToUtf8(raw);
    const fs::path compressed = platform::pathFromUtf8(directory) / platform::pathFromUtf8(name + ".gz");
    if (fs::is_regular_file(compressed, error))
        return platform::pathToUtf8(compressed);
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
