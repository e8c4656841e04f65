// Model file reading and writing (format: docs/model-format.md). Little-endian is written byte by
// byte, so the file is the same on every host. Loading checks the structure first (so a cut file
// says "truncated", not just "bad checksum"), then the exact length, then the CRC-32, then the
// values. Saving is an atomic replace (platform::replaceFileAtomically).
#include "modelfile.h"

#include "error.h"
#include "platform.h"

#include <zlib.h>

#include <bit>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace core {

namespace {

constexpr char kMagic[8] = {'N', 'N', 'J', 'M', 'O', 'D', 'E', 'L'};
constexpr std::uint32_t kFormatVersion = 1;
// Largest valid file: a full header plus maxParameters floats plus the checksum.
constexpr std::uint64_t kMaxFileBytes = 1024 + 4 * std::uint64_t(ArchitectureLimits::maxParameters);

void appendU32(std::string &out, std::uint32_t value)
{
    for (int shift = 0; shift < 32; shift += 8)
        out.push_back(char((value >> shift) & 0xff));
}

void appendF32(std::string &out, float value)
{
    appendU32(out, std::bit_cast<std::uint32_t>(value));
}

std::uint32_t crcOf(const char *data, std::size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) { // zlib takes uInt lengths
        const uInt chunk = uInt(std::min<std::size_t>(size, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef *>(data), chunk);
        data += chunk;
        size -= chunk;
    }
    return std::uint32_t(crc);
}

std::string hex32(std::uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", value);
    return text;
}

// Printable rendering of the first bytes of a file for "found ..." messages.
std::string quoted(const std::string &bytes, std::size_t count)
{
    std::string text = "\"";
    for (std::size_t i = 0; i < std::min(count, bytes.size()); ++i) {
        const unsigned char c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            text += char(c);
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
            text += escaped;
        }
    }
    return text + "\"";
}

// Sequential little-endian reader over the bytes; every read states what it is reading so that a
// short file names the missing part.
class Reader
{
public:
    Reader(const std::string &bytes, const std::string &source) : m_bytes(bytes), m_source(source) { }

    std::size_t offset() const { return m_offset; }
    std::uint32_t u32(const char *what)
    {
        need(4, what);
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i)
            value |= std::uint32_t(static_cast<unsigned char>(m_bytes[m_offset + i])) << (8 * i);
        m_offset += 4;
        return value;
    }
    std::uint8_t u8(const char *what)
    {
        need(1, what);
        return static_cast<std::uint8_t>(m_bytes[m_offset++]);
    }
    float f32(const char *what) { return std::bit_cast<float>(u32(what)); }
    void skip(std::size_t count, const char *what)
    {
        need(count, what);
        m_offset += count;
    }

private:
    void need(std::size_t count, const char *what) const
    {
        if (m_bytes.size() - m_offset < count)
            throw Error(m_source + ": truncated model file: expected at least " + std::to_string(m_offset + count)
                        + " bytes to read the " + what + ", found " + std::to_string(m_bytes.size()));
    }

    const std::string &m_bytes;
    const std::string &m_source;
    std::size_t m_offset = 0;
};

// The magic comes first: a file that is not a model file at all should say so, even when short.
void checkMagic(const std::string &bytes, const std::string &source)
{
    const std::size_t present = std::min(bytes.size(), sizeof kMagic);
    if (bytes.empty() || std::memcmp(bytes.data(), kMagic, present) != 0)
        throw Error(source + ": not a Neural Network Journey model file: expected magic \"NNJMODEL\", found "
                    + (bytes.empty() ? std::string("an empty file") : quoted(bytes, sizeof kMagic)));
}

Architecture readArchitecture(Reader &reader, const std::string &source)
{
    const std::uint32_t layerCount = reader.u32("layer count");
    if (layerCount < std::uint32_t(ArchitectureLimits::minLayers)
        || layerCount > std::uint32_t(ArchitectureLimits::maxLayers))
        throw Error(source + ": invalid architecture: expected between " + std::to_string(ArchitectureLimits::minLayers)
                    + " and " + std::to_string(ArchitectureLimits::maxLayers) + " layers, found "
                    + std::to_string(layerCount));
    Architecture architecture;
    architecture.sizes.clear();
    architecture.activations.clear();
    for (std::uint32_t i = 0; i < layerCount; ++i) {
        const std::uint32_t size = reader.u32("layer sizes");
        if (size > std::uint32_t(INT_MAX))
            throw Error(source + ": invalid architecture: layer " + std::to_string(i) + " has " + std::to_string(size)
                        + " neurons");
        architecture.sizes.push_back(int(size));
    }
    for (std::uint32_t i = 0; i + 2 < layerCount; ++i) {
        const std::uint8_t code = reader.u8("hidden-layer activations");
        if (code > 2)
            throw Error(source + ": invalid architecture: unknown activation code " + std::to_string(code)
                        + " for hidden layer " + std::to_string(i + 1) + " (expected 0 relu, 1 sigmoid, 2 tanh)");
        architecture.activations.push_back(static_cast<Activation>(code));
    }
    const std::string problem = architecture.validate();
    if (!problem.empty())
        throw Error(source + ": invalid architecture: " + problem);
    return architecture;
}

std::uint8_t activationCode(Activation activation)
{
    switch (activation) {
    case Activation::ReLU: return 0;
    case Activation::Sigmoid: return 1;
    case Activation::Tanh: return 2;
    }
    return 0;
}

std::string errnoText()
{
    return std::strerror(errno);
}

} // namespace

std::string serializeModel(const Network &network, const ModelMetadata &metadata)
{
    const Architecture &architecture = network.architecture();
    std::string out;
    out.reserve(std::size_t(64 + 4 * architecture.parameterCount()));
    out.append(kMagic, sizeof kMagic);
    appendU32(out, kFormatVersion);
    appendU32(out, std::uint32_t(architecture.sizes.size()));
    for (int size : architecture.sizes)
        appendU32(out, std::uint32_t(size));
    for (Activation activation : architecture.activations)
        out.push_back(char(activationCode(activation)));
    appendU32(out, std::uint32_t(std::max(0, metadata.epochsTrained)));
    appendF32(out, metadata.testAccuracy);
    for (int l = 0; l < network.layerCount(); ++l) {
        const DenseLayer &layer = network.layer(l);
        const Matrix &weights = layer.weights(); // (out, in), column-major: data() is in file order
        for (Eigen::Index i = 0; i < weights.size(); ++i)
            appendF32(out, weights.data()[i]);
        for (Eigen::Index i = 0; i < layer.bias().size(); ++i)
            appendF32(out, layer.bias()[i]);
    }
    appendU32(out, crcOf(out.data(), out.size()));
    return out;
}

Network deserializeModel(const std::string &bytes, const std::string &sourceName, ModelMetadata *metadata)
{
    checkMagic(bytes, sourceName);
    Reader reader(bytes, sourceName);
    reader.skip(sizeof kMagic, "magic");
    const std::uint32_t version = reader.u32("format version");
    if (version != kFormatVersion)
        throw Error(sourceName + ": unsupported model format version: expected " + std::to_string(kFormatVersion)
                    + ", found " + std::to_string(version)
                    + (version > kFormatVersion ? " (written by a newer version of the program?)" : ""));
    const Architecture architecture = readArchitecture(reader, sourceName);
    ModelMetadata read;
    const std::uint32_t epochs = reader.u32("training metadata");
    read.testAccuracy = reader.f32("training metadata");

    // Exact length: the header read so far, every parameter, the checksum.
    const std::uint64_t expected = reader.offset() + 4 * std::uint64_t(architecture.parameterCount()) + 4;
    if (bytes.size() != expected)
        throw Error(sourceName + ": "
                    + (bytes.size() < expected ? "truncated model file" : "trailing bytes in model file")
                    + ": expected " + std::to_string(expected) + " bytes for architecture " + architecture.describe()
                    + ", found " + std::to_string(bytes.size()));
    const std::size_t payloadSize = bytes.size() - 4;
    const std::uint32_t computed = crcOf(bytes.data(), payloadSize);
    std::uint32_t stored = 0;
    for (std::size_t i = 0; i < 4; ++i)
        stored |= std::uint32_t(static_cast<unsigned char>(bytes[payloadSize + i])) << (8 * i);
    if (stored != computed)
        throw Error(sourceName + ": checksum mismatch: the file says " + hex32(stored) + ", its contents give "
                    + hex32(computed) + " (the model file is damaged)");
    if (epochs > std::uint32_t(INT_MAX))
        throw Error(sourceName + ": invalid metadata: " + std::to_string(epochs) + " epochs trained");
    read.epochsTrained = int(epochs);
    if (!std::isfinite(read.testAccuracy))
        throw Error(sourceName + ": invalid metadata: test accuracy is not a finite number");

    Network network(architecture, 0);
    for (int l = 0; l < network.layerCount(); ++l) {
        DenseLayer &layer = network.layer(l);
        float *parameters[2] = {layer.weights().data(), layer.bias().data()};
        const Eigen::Index counts[2] = {layer.weights().size(), layer.bias().size()};
        for (int part = 0; part < 2; ++part) {
            for (Eigen::Index i = 0; i < counts[part]; ++i) {
                const float value = reader.f32("parameters");
                if (!std::isfinite(value))
                    throw Error(sourceName + ": invalid parameter: " + (part == 0 ? "weight " : "bias ")
                                + std::to_string(i) + " of dense layer " + std::to_string(l)
                                + " is not a finite number");
                parameters[part][i] = value;
            }
        }
    }
    if (metadata)
        *metadata = read;
    return network;
}

void saveModelFile(const std::string &path, const Network &network, const ModelMetadata &metadata)
{
    const std::string problem = platform::replaceFileAtomically(path, serializeModel(network, metadata));
    if (!problem.empty())
        throw Error(path + ": cannot save the model: " + problem);
}

Network loadModelFile(const std::string &path, ModelMetadata *metadata)
{
    std::FILE *file = platform::openFile(path, "rb");
    if (!file)
        throw Error(path + ": cannot open the model file: " + errnoText());
    std::string bytes;
    char buffer[64 * 1024];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        bytes.append(buffer, got);
        if (bytes.size() > kMaxFileBytes) {
            std::fclose(file);
            throw Error(path + ": not a model file: larger than " + std::to_string(kMaxFileBytes)
                        + " bytes, the size of the largest allowed network");
        }
    }
    const bool readFailed = std::ferror(file);
    std::fclose(file);
    if (readFailed)
        throw Error(path + ": cannot read the model file: " + errnoText());
    return deserializeModel(bytes, path, metadata);
}

} // namespace core
