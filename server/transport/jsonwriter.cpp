#include "jsonwriter.h"

#include <QJsonDocument>

#include <charconv>
#include <cmath>

namespace server::json {

void appendFloat(QByteArray &out, float value, int significantDigits)
{
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buffer[48];
    const auto result = significantDigits > 0 ? std::to_chars(buffer, buffer + sizeof buffer, value,
                                                              std::chars_format::general, significantDigits)
                                              : std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

void appendDouble(QByteArray &out, double value)
{
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buffer[48];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

void appendInt(QByteArray &out, long long value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

void appendFloats(QByteArray &out, const float *values, qsizetype count, int significantDigits)
{
    out += '[';
    for (qsizetype i = 0; i < count; ++i) {
        if (i)
            out += ',';
        appendFloat(out, values[i], significantDigits);
    }
    out += ']';
}

void appendFloats(QByteArray &out, const std::vector<float> &values, int significantDigits)
{
    appendFloats(out, values.data(), qsizetype(values.size()), significantDigits);
}

void appendFloatArrays(QByteArray &out, const std::vector<std::vector<float>> &arrays, int significantDigits)
{
    out += '[';
    for (std::size_t i = 0; i < arrays.size(); ++i) {
        if (i)
            out += ',';
        appendFloats(out, arrays[i], significantDigits);
    }
    out += ']';
}

void appendString(QByteArray &out, QStringView text)
{
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (char c : utf8) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[(c >> 4) & 0xf];
                out += hex[c & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendKey(QByteArray &out, const char *key, bool first)
{
    if (!first)
        out += ',';
    out += '"';
    out += key;
    out += "\":";
}

double floatValue(float value)
{
    if (!std::isfinite(value))
        return value;
    char buffer[48];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    double result = value;
    std::from_chars(buffer, written.ptr, result);
    return result;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void appendRawMember(QByteArray &objectText, const char *key, const QByteArray &raw)
{
    Q_ASSERT(objectText.endsWith('}'));
    objectText.chop(1);
    appendKey(objectText, key, objectText.endsWith('{'));
    objectText += raw;
    objectText += '}';
}

} // namespace server::json
