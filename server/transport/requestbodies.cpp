// Request body parsing for HttpApi, kept free of the request and the session so that it can be
// tested and fuzzed on its own. Every message here is what the client gets with a 400.
#include "requestbodies.h"

#include "httpapi.h"
#include "tensor.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

using namespace Qt::StringLiterals;

namespace server {

std::optional<QJsonObject> parseJsonObjectBody(const QByteArray &body, QString *problem)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        *problem = u"The body is not valid JSON: %1 at offset %2"_s.arg(error.errorString()).arg(error.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *problem = u"The body must be a JSON object"_s;
        return std::nullopt;
    }
    const QStringList keys = HttpApi::topLevelKeys(body);
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (keys.indexOf(keys[i], i + 1) > i) {
            *problem = u"Field '%1' is given more than once"_s.arg(keys[i]);
            return std::nullopt;
        }
    }
    return document.object();
}

std::optional<int> strictInt(const QJsonValue &value, int low, int high)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::floor(number) != number || number < low || number > high)
        return std::nullopt;
    return int(number);
}

ParsedArchitecture parseArchitectureBody(const QByteArray &body)
{
    const auto refuse = [](const QString &message) { return ParsedArchitecture{std::nullopt, message}; };
    QString problem;
    const auto object = parseJsonObjectBody(body, &problem);
    if (!object)
        return refuse(problem);
    const QJsonValue layers = object->value(u"layers"_s);
    if (!layers.isArray())
        return refuse(u"Field 'layers' must be an array of layer sizes"_s);
    const QJsonArray sizes = layers.toArray();
    if (sizes.size() < core::ArchitectureLimits::minLayers || sizes.size() > core::ArchitectureLimits::maxLayers)
        return refuse(
            u"Field 'layers' must have between %1 and %2 entries, got %3"_s.arg(core::ArchitectureLimits::minLayers)
                .arg(core::ArchitectureLimits::maxLayers)
                .arg(sizes.size()));
    core::Architecture architecture;
    architecture.sizes.clear();
    for (qsizetype i = 0; i < sizes.size(); ++i) {
        const auto size = strictInt(sizes[i], 1, core::ArchitectureLimits::maxUnits);
        if (!size)
            return refuse(u"layers[%1] must be an integer from 1 to %2, got %3"_s.arg(i)
                              .arg(core::ArchitectureLimits::maxUnits)
                              .arg(QString::fromUtf8(QJsonDocument(QJsonArray{sizes[i]}).toJson(QJsonDocument::Compact))
                                       .mid(1)
                                       .chopped(1)
                                       .left(50)));
        architecture.sizes.push_back(*size);
    }
    const qsizetype hidden = sizes.size() - 2;
    architecture.activations.assign(hidden, core::Activation::ReLU);
    if (object->contains(u"activations"_s)) {
        const QJsonValue activations = object->value(u"activations"_s);
        if (!activations.isArray() || activations.toArray().size() != hidden)
            return refuse(
                u"Field 'activations' must list one of relu, sigmoid, tanh per hidden layer (%1)"_s.arg(hidden));
        const QJsonArray names = activations.toArray();
        for (qsizetype i = 0; i < hidden; ++i) {
            const auto activation = core::activationFromName(names[i].toString().toStdString());
            if (!names[i].isString() || !activation)
                return refuse(u"activations[%1] must be relu, sigmoid or tanh"_s.arg(i));
            architecture.activations[i] = *activation;
        }
    }
    return {std::move(architecture), {}};
}

ParsedPixels parsePredictBody(const QByteArray &body)
{
    const auto refuse = [](const QString &message) { return ParsedPixels{std::nullopt, message}; };
    QString problem;
    const auto object = parseJsonObjectBody(body, &problem);
    if (!object)
        return refuse(problem);
    const QJsonValue pixelsValue = object->value(u"pixels"_s);
    if (!pixelsValue.isArray() || pixelsValue.toArray().size() != core::kInputSize)
        return refuse(u"Field 'pixels' must be an array of 784 numbers in 0..1"_s);
    const QJsonArray pixelArray = pixelsValue.toArray();
    std::vector<float> pixels(core::kInputSize);
    for (int i = 0; i < core::kInputSize; ++i) {
        const QJsonValue value = pixelArray[i];
        const double number = value.isDouble() ? value.toDouble() : -1;
        if (!value.isDouble() || !(number >= 0 && number <= 1))
            return refuse(u"pixels[%1] must be a number in 0..1"_s.arg(i));
        pixels[i] = float(number);
    }
    return {std::move(pixels), {}};
}

} // namespace server
