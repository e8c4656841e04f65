// libFuzzer harness for the model-file reader core::deserializeModel (core/modelfile.h). Each
// input is read twice: as it is, and with its last four bytes replaced by the right CRC-32, so
// the fuzzer gets past the checksum to the values. A file that loads must be usable: a predict
// on the network runs, and writing it back gives the same bytes.
#include "error.h"
#include "fuzzcheck.h"
#include "modelfile.h"
#include "tensor.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

void readModel(const std::string &bytes)
{
    core::ModelMetadata metadata;
    try {
        const core::Network network = core::deserializeModel(bytes, "fuzz", &metadata);
        const core::Architecture &architecture = network.architecture();
        NNJ_FUZZ_CHECK(architecture.validate().empty());
        NNJ_FUZZ_CHECK(network.layerCount() == architecture.denseLayerCount());
        NNJ_FUZZ_CHECK(metadata.epochsTrained >= 0 && std::isfinite(metadata.testAccuracy));
        NNJ_FUZZ_CHECK(core::serializeModel(network, metadata) == bytes);

        std::vector<float> pixels(core::kInputSize);
        for (std::size_t i = 0; i < pixels.size(); ++i)
            pixels[i] = float((i * 37) % 256) / 255.0f;
        const core::Prediction prediction = network.predict(pixels.data());
        NNJ_FUZZ_CHECK(prediction.digit >= 0 && prediction.digit < core::kClassCount);
        NNJ_FUZZ_CHECK(prediction.layerActivations.size() == architecture.sizes.size());
        for (std::size_t l = 0; l < architecture.sizes.size(); ++l)
            NNJ_FUZZ_CHECK(prediction.layerActivations[l].size() == std::size_t(architecture.sizes[l]));
    } catch (const core::Error &) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    readModel(bytes);
    if (size < 4)
        return 0;
    std::string fixed = bytes;
    const std::uint32_t crc = std::uint32_t(crc32(0L, reinterpret_cast<const Bytef *>(fixed.data()), uInt(size - 4)));
    for (int i = 0; i < 4; ++i)
        fixed[size - 4 + i] = char((crc >> (8 * i)) & 0xff);
    if (fixed != bytes)
        readModel(fixed);
    return 0;
}
