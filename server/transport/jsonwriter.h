// Small helpers that write JSON text straight into a QByteArray. Used for the large, hot
// messages (live updates, weights): floats are written as the shortest text that round-trips
// (or with a fixed number of significant digits), not as 17-digit doubles, and nothing goes
// through QJsonValue. Non-finite numbers are written as null.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QStringView>

#include <vector>

namespace server::json {

// `significantDigits` 0: shortest round-trip text of the float.
void appendFloat(QByteArray &out, float value, int significantDigits = 0);
void appendDouble(QByteArray &out, double value);
void appendInt(QByteArray &out, long long value);
void appendFloats(QByteArray &out, const float *values, qsizetype count, int significantDigits = 0);
void appendFloats(QByteArray &out, const std::vector<float> &values, int significantDigits = 0);
void appendFloatArrays(QByteArray &out, const std::vector<std::vector<float>> &arrays, int significantDigits = 0);
void appendString(QByteArray &out, QStringView text); // quoted and escaped
// "key": (with a leading comma unless `first`)
void appendKey(QByteArray &out, const char *key, bool first = false);
QByteArray compact(const QJsonObject &object);
// The double whose shortest text is the float's shortest text (0.01f -> 0.01, not
// 0.009999999776482582), for floats that go through QJsonObject. Non-finite stays as is.
double floatValue(float value);
// Turns the object text "{...}" into "{...,"key":raw}". `raw` must be valid JSON.
void appendRawMember(QByteArray &objectText, const char *key, const QByteArray &raw);

} // namespace server::json
