// libFuzzer harness for the drawing preprocessing (core/preprocess.h) and the predict that follows
// it in the app. The first byte picks what the rest is:
//   0: width, height (each -2..300), then the gray pixels, repeated to fill width*height;
//   1: width, height (each 1..4096, at most 256 Ki pixels), the same: extreme shapes;
//   2: 784 raw floats (any bits: NaN, infinities, huge, denormal) handed to Network::predict,
//      which the app and the server call with the preprocessed (or checked) pixels.
// The result must be 784 values in [0, 1], all zero exactly when `empty`, and predictable.
#include "fuzzcheck.h"
#include "network.h"
#include "preprocess.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

const core::Network &network()
{
    static const core::Network instance{core::Architecture{}, 42};
    return instance;
}

void checkPrediction(const core::Prediction &prediction)
{
    NNJ_FUZZ_CHECK(prediction.digit >= 0 && prediction.digit < core::kClassCount);
    NNJ_FUZZ_CHECK(prediction.layerActivations.size() == network().architecture().sizes.size());
}

void preprocess(FuzzedDataProvider &input, int minSide, int maxSide, std::size_t maxPixels)
{
    const int width = input.ConsumeIntegralInRange<int>(minSide, maxSide);
    const int height = input.ConsumeIntegralInRange<int>(minSide, maxSide);
    const std::vector<std::uint8_t> pattern = input.ConsumeRemainingBytes<std::uint8_t>();
    std::vector<std::uint8_t> gray;
    if (width > 0 && height > 0) {
        if (std::size_t(width) * std::size_t(height) > maxPixels)
            return;
        gray.resize(std::size_t(width) * std::size_t(height));
        for (std::size_t i = 0; i < gray.size() && !pattern.empty(); ++i)
            gray[i] = pattern[i % pattern.size()];
    }
    const core::PreprocessedDrawing result
        = core::preprocessDrawing(gray.empty() ? nullptr : gray.data(), width, height);
    bool anyInk = false;
    for (float value : result.pixels) {
        NNJ_FUZZ_CHECK(std::isfinite(value) && value >= 0.0f && value <= 1.0f);
        anyInk = anyInk || value > 0.0f;
    }
    NNJ_FUZZ_CHECK(anyInk != result.empty);
    checkPrediction(network().predict(result.pixels.data()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    switch (input.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: preprocess(input, -2, 300, std::size_t(1) << 17); break;
    case 1: preprocess(input, 1, 4096, std::size_t(1) << 18); break;
    default: {
        std::vector<float> pixels(core::kInputSize, 0.0f);
        const std::vector<std::uint8_t> bytes = input.ConsumeRemainingBytes<std::uint8_t>();
        if (!bytes.empty())
            std::memcpy(pixels.data(), bytes.data(), std::min(bytes.size(), pixels.size() * sizeof(float)));
        checkPrediction(network().predict(pixels.data()));
    }
    }
    return 0;
}
