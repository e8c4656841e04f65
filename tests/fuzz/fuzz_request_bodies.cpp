// libFuzzer harness for the request bodies HttpApi parses (server/transport/requestbodies.h) and
// what its handlers do with them, without the HTTP server around. The first byte picks the route,
// the rest is the body:
//   'a'  POST /set-architecture: parseArchitectureBody, Session::execute(SetArchitecture), and a
//        predict on the network it built;
//   'p'  POST /predict: parsePredictBody, the predict and its JSON answer;
//   'm'  POST /model: the upload (Session::execute(LoadModel), which ends in core::deserializeModel),
//        as it is and with its last four bytes made the right CRC-32, then a predict;
//   else the body goes to all three.
// One Session serves every input; an input that changed its network is followed by a reset to the
// default one, so every input starts from the same state.
#include "architecture.h"
#include "command.h"
#include "fuzzcheck.h"
#include "httpapi.h"
#include "messages.h"
#include "requestbodies.h"
#include "session.h"
#include "tensor.h"

#include <QJsonDocument>

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace Qt::StringLiterals;
using StatusCode = QHttpServerResponse::StatusCode;

namespace {

server::Session &session()
{
    static server::Session instance{server::SessionOptions{}};
    return instance;
}

// A drawing-like input for the predicts that follow a network change.
const std::vector<float> &probePixels()
{
    static const std::vector<float> pixels = [] {
        std::vector<float> values(core::kInputSize);
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = float((i * 37) % 256) / 255.0f;
        return values;
    }();
    return pixels;
}

// The predict the /predict handler runs, and its answer, which must be a JSON object.
void predict(const float *pixels)
{
    const auto network = session().weights();
    const core::Prediction prediction = network->predict(pixels);
    NNJ_FUZZ_CHECK(prediction.digit >= 0 && prediction.digit < core::kClassCount);
    NNJ_FUZZ_CHECK(prediction.layerActivations.size() == network->architecture().sizes.size());
    QJsonParseError error;
    const QJsonDocument answer
        = QJsonDocument::fromJson(server::messages::prediction(prediction, session().hasTrainedWeights()), &error);
    NNJ_FUZZ_CHECK(error.error == QJsonParseError::NoError && answer.isObject());
}

// Returns true when the session's network changed.
bool setArchitecture(const QByteArray &body)
{
    const server::ParsedArchitecture parsed = server::parseArchitectureBody(body);
    NNJ_FUZZ_CHECK(parsed.architecture.has_value() == parsed.error.isEmpty());
    if (!parsed.architecture) {
        server::HttpApi::errorResponse(StatusCode::BadRequest, parsed.error);
        return false;
    }
    const core::Architecture &architecture = *parsed.architecture;
    const int layers = int(architecture.sizes.size());
    NNJ_FUZZ_CHECK(layers >= core::ArchitectureLimits::minLayers && layers <= core::ArchitectureLimits::maxLayers);
    for (int size : architecture.sizes)
        NNJ_FUZZ_CHECK(size >= 1 && size <= core::ArchitectureLimits::maxUnits);
    NNJ_FUZZ_CHECK(int(architecture.activations.size()) == layers - 2);

    const server::CommandResult result = session().execute(server::Command::setArchitecture(architecture));
    server::HttpApi::answer(result, {{u"architecture"_s, server::messages::architectureSizes(architecture)},
                                     {u"activations"_s, server::messages::activationNames(architecture)}});
    NNJ_FUZZ_CHECK(result.ok() == architecture.validate().empty()); // the session is always idle here
    if (!result.ok())
        return false;
    NNJ_FUZZ_CHECK(session().weights()->architecture() == architecture);
    predict(probePixels().data());
    return true;
}

void predictBody(const QByteArray &body)
{
    const server::ParsedPixels parsed = server::parsePredictBody(body);
    NNJ_FUZZ_CHECK(parsed.pixels.has_value() == parsed.error.isEmpty());
    if (!parsed.pixels) {
        server::HttpApi::errorResponse(StatusCode::BadRequest, parsed.error);
        return;
    }
    NNJ_FUZZ_CHECK(parsed.pixels->size() == std::size_t(core::kInputSize));
    for (float value : *parsed.pixels)
        NNJ_FUZZ_CHECK(value >= 0.0f && value <= 1.0f);
    predict(parsed.pixels->data());
}

// HttpApi::uploadModel's steps. Returns true when the session's network changed.
bool uploadModel(const QByteArray &body)
{
    if (body.isEmpty()) {
        server::HttpApi::errorResponse(StatusCode::BadRequest, u"The body must be a model file (.nnjmodel)"_s);
        return false;
    }
    const server::CommandResult result = session().execute(server::Command::loadModel(body, u"upload"_s));
    const core::Architecture architecture = session().settings().architecture;
    server::HttpApi::answer(result, {{u"architecture"_s, server::messages::architectureSizes(architecture)},
                                     {u"activations"_s, server::messages::activationNames(architecture)}});
    if (!result.ok())
        return false;
    NNJ_FUZZ_CHECK(session().weights()->architecture() == architecture);
    NNJ_FUZZ_CHECK(architecture.validate().empty());
    predict(probePixels().data());
    return true;
}

bool uploadModelAndFixedChecksum(const QByteArray &body)
{
    bool changed = uploadModel(body);
    if (body.size() < 4)
        return changed;
    QByteArray fixed = body;
    const qsizetype payload = fixed.size() - 4;
    const std::uint32_t crc
        = std::uint32_t(crc32(0L, reinterpret_cast<const Bytef *>(fixed.constData()), uInt(payload)));
    for (int i = 0; i < 4; ++i)
        fixed[payload + i] = char((crc >> (8 * i)) & 0xff);
    if (fixed != body)
        changed = uploadModel(fixed) || changed;
    return changed;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    bool changed = false;
    switch (data[0]) {
    case 'a': changed = setArchitecture(body); break;
    case 'p': predictBody(body); break;
    case 'm': changed = uploadModelAndFixedChecksum(body); break;
    default:
        changed = setArchitecture(body);
        predictBody(body);
        changed = uploadModelAndFixedChecksum(body) || changed;
    }
    if (changed)
        NNJ_FUZZ_CHECK(session().execute(server::Command::setArchitecture(core::Architecture{})).ok());
    return 0;
}
