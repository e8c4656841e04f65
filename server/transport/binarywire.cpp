#include "binarywire.h"

#include <QFloat16>
#include <QtEndian>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace server::wire {

namespace {
constexpr int kLogLevels = 126; // magnitudes 1..127 in the low seven bits; 0 is an exact zero

template <typename T>
void appendLittle(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToLittleEndian(value, bytes);
    out.append(bytes, sizeof(T));
}

void appendFloat(QByteArray &out, float value)
{
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    appendLittle(out, bits);
}

// The finite range of the values; {0, 0} when none is finite.
std::pair<float, float> finiteRange(const float *values, qsizetype count)
{
    float low = std::numeric_limits<float>::infinity(), high = -low;
    for (qsizetype i = 0; i < count; ++i)
        if (std::isfinite(values[i]))
            low = std::min(low, values[i]), high = std::max(high, values[i]);
    return low <= high ? std::pair{low, high} : std::pair{0.0f, 0.0f};
}

// Natural-log range of the finite non-zero magnitudes; {0, 0} when there are none.
std::pair<float, float> logRange(const float *values, qsizetype count)
{
    float low = std::numeric_limits<float>::infinity(), high = -low;
    for (qsizetype i = 0; i < count; ++i) {
        const float magnitude = std::fabs(values[i]);
        if (magnitude > 0 && std::isfinite(magnitude)) {
            const float ln = std::log(magnitude);
            low = std::min(low, ln), high = std::max(high, ln);
        }
    }
    return low <= high ? std::pair{low, high} : std::pair{0.0f, 0.0f};
}

class Reader
{
public:
    explicit Reader(QByteArrayView bytes) : m_bytes(bytes) { }
    bool has(qsizetype count) const { return count >= 0 && m_bytes.size() - m_at >= count; }
    template <typename T>
    T little()
    {
        const T value = qFromLittleEndian<T>(m_bytes.data() + m_at);
        m_at += sizeof(T);
        return value;
    }
    float f32()
    {
        const std::uint32_t bits = little<std::uint32_t>();
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    const uchar *take(qsizetype count)
    {
        const auto *start = reinterpret_cast<const uchar *>(m_bytes.data() + m_at);
        m_at += count;
        return start;
    }
    bool atEnd() const { return m_at == m_bytes.size(); }

private:
    QByteArrayView m_bytes;
    qsizetype m_at = 0;
};

std::optional<std::vector<float>> readArray(Reader &in, QString &error)
{
    if (!in.has(5)) {
        error = u"an array header is cut short"_s;
        return std::nullopt;
    }
    const std::uint32_t count = in.little<std::uint32_t>();
    const auto coding = Coding(in.little<std::uint8_t>());
    const qsizetype width = coding == Coding::Float16 ? 2 : coding == Coding::Float32 ? 4 : 1;
    const qsizetype parameters = coding == Coding::Linear8 || coding == Coding::Log8 ? 8 : 0;
    if (coding < Coding::Linear8 || coding > Coding::Float32) {
        error = u"unknown array coding %1"_s.arg(int(coding));
        return std::nullopt;
    }
    if (!in.has(parameters + qsizetype(count) * width)) {
        error = u"an array of %1 values is cut short"_s.arg(count);
        return std::nullopt;
    }
    std::vector<float> values(count);
    switch (coding) {
    case Coding::Linear8: {
        const float low = in.f32(), high = in.f32();
        const uchar *q = in.take(count);
        for (std::uint32_t i = 0; i < count; ++i)
            values[i] = low + float(q[i]) * (high - low) / 255.0f;
        break;
    }
    case Coding::Log8: {
        const float low = in.f32(), high = in.f32();
        const uchar *q = in.take(count);
        for (std::uint32_t i = 0; i < count; ++i) {
            const int level = q[i] & 0x7f;
            const float magnitude = level ? std::exp(low + float(level - 1) * (high - low) / kLogLevels) : 0.0f;
            values[i] = q[i] & 0x80 ? -magnitude : magnitude;
        }
        break;
    }
    case Coding::Float16:
        for (std::uint32_t i = 0; i < count; ++i) {
            values[i] = float(std::bit_cast<qfloat16>(in.little<std::uint16_t>()));
        }
        break;
    case Coding::Float32:
        for (std::uint32_t i = 0; i < count; ++i)
            values[i] = in.f32();
        break;
    }
    return values;
}
} // namespace

FrameWriter::FrameWriter(QByteArrayView headerJson, qsizetype reserve)
{
    m_out.reserve(reserve + headerJson.size() + 8);
    m_out.append(kMagic, sizeof kMagic);
    appendLittle(m_out, std::uint32_t(headerJson.size()));
    m_out.append(headerJson);
}

void FrameWriter::addGroup(Coding coding, const std::vector<std::vector<float>> &arrays)
{
    appendLittle(m_out, std::uint16_t(arrays.size()));
    for (const std::vector<float> &values : arrays)
        addArray(coding, values.data(), qsizetype(values.size()));
}

void FrameWriter::addGroup(Coding coding, const float *const *arrays, const qsizetype *sizes, qsizetype count)
{
    appendLittle(m_out, std::uint16_t(count));
    for (qsizetype i = 0; i < count; ++i)
        addArray(coding, arrays[i], sizes[i]);
}

void FrameWriter::addArray(Coding coding, const float *values, qsizetype count)
{
    appendLittle(m_out, std::uint32_t(count));
    appendLittle(m_out, std::uint8_t(coding));
    const qsizetype start = m_out.size();
    switch (coding) {
    case Coding::Linear8: {
        const auto [low, high] = finiteRange(values, count);
        appendFloat(m_out, low);
        appendFloat(m_out, high);
        const float scale = high > low ? 255.0f / (high - low) : 0.0f;
        m_out.resize(start + 8 + count);
        auto *q = reinterpret_cast<uchar *>(m_out.data() + start + 8);
        for (qsizetype i = 0; i < count; ++i) {
            const float v = std::isnan(values[i]) ? low : std::clamp(values[i], low, high);
            q[i] = uchar(std::lround((v - low) * scale));
        }
        break;
    }
    case Coding::Log8: {
        const auto [low, high] = logRange(values, count);
        appendFloat(m_out, low);
        appendFloat(m_out, high);
        const float scale = high > low ? kLogLevels / (high - low) : 0.0f;
        m_out.resize(start + 8 + count);
        auto *q = reinterpret_cast<uchar *>(m_out.data() + start + 8);
        for (qsizetype i = 0; i < count; ++i) {
            const float magnitude = std::fabs(values[i]);
            uchar level = 0;
            if (magnitude > 0 && !std::isnan(magnitude)) {
                const float ln = std::isfinite(magnitude) ? std::log(magnitude) : high;
                level = uchar(1 + std::lround((std::clamp(ln, low, high) - low) * scale));
            }
            q[i] = uchar(level | (values[i] < 0 ? 0x80 : 0));
        }
        break;
    }
    case Coding::Float16:
        m_out.resize(start + 2 * count);
        for (qsizetype i = 0; i < count; ++i) {
            qToLittleEndian(std::bit_cast<std::uint16_t>(qfloat16(values[i])), m_out.data() + start + 2 * i);
        }
        break;
    case Coding::Float32:
        for (qsizetype i = 0; i < count; ++i)
            appendFloat(m_out, values[i]);
        break;
    }
}

std::optional<Frame> decode(QByteArrayView bytes, QString *error)
{
    QString why;
    const auto fail = [&](QString message) -> std::optional<Frame> {
        if (error)
            *error = std::move(message);
        return std::nullopt;
    };
    Reader in(bytes);
    if (!in.has(8) || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return fail(u"not a binary frame (no NJB1 magic)"_s);
    in.take(4);
    const std::uint32_t headerSize = in.little<std::uint32_t>();
    if (!in.has(headerSize))
        return fail(u"the header of %1 bytes is cut short"_s.arg(headerSize));
    Frame frame;
    frame.header = QByteArray(reinterpret_cast<const char *>(in.take(headerSize)), headerSize);
    while (!in.atEnd()) {
        if (!in.has(2))
            return fail(u"a group header is cut short"_s);
        const std::uint16_t count = in.little<std::uint16_t>();
        std::vector<std::vector<float>> group;
        group.reserve(count);
        for (std::uint16_t i = 0; i < count; ++i) {
            std::optional<std::vector<float>> values = readArray(in, why);
            if (!values)
                return fail(why);
            group.push_back(std::move(*values));
        }
        frame.groups.push_back(std::move(group));
    }
    return frame;
}

} // namespace server::wire
