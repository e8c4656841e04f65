// The JSON bodies of POST /set-architecture and POST /predict, parsed by pure functions (no
// request, no session, no response): the value, or the exact 400 message HttpApi answers with.
// tests/fuzz/fuzz_request_bodies.cpp feeds them arbitrary bytes.
#pragma once

#include "architecture.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>
#include <vector>

namespace server {

// The body as one JSON object with unique keys; otherwise nullopt and `*problem` says why.
std::optional<QJsonObject> parseJsonObjectBody(const QByteArray &body, QString *problem);
// An integer in [low, high] stored as a JSON number (QJsonValue::toInt silently gives 0).
std::optional<int> strictInt(const QJsonValue &value, int low, int high);

// POST /set-architecture: {"layers": [784, ..., 10], "activations"?: ["relu", ...]}. Each size is
// checked (an integer from 1 to maxUnits) and each activation name; the shape as a whole
// (784 in, 10 out, the parameter limit) is the Session's to validate.
struct ParsedArchitecture
{
    std::optional<core::Architecture> architecture; // set when the body is well-formed
    QString error; // otherwise the 400 message
};
ParsedArchitecture parseArchitectureBody(const QByteArray &body);

// POST /predict: {"pixels": [784 numbers in 0..1]}.
struct ParsedPixels
{
    std::optional<std::vector<float>> pixels; // core::kInputSize values in 0..1 when well-formed
    QString error; // otherwise the 400 message
};
ParsedPixels parsePredictBody(const QByteArray &body);

} // namespace server
