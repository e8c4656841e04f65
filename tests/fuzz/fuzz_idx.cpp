// libFuzzer harness for the IDX reader (core/idxreader.h): every input is parsed as an IDX images
// file and as an IDX labels file (raw or gzip) by the in-memory parsers the path functions call.
// Each must either throw core::Error or return exactly what its header declares.
#include "error.h"
#include "fuzzcheck.h"
#include "idxreader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    try {
        const core::IdxImages images = core::parseIdxImages(data, size, "images");
        NNJ_FUZZ_CHECK(images.count >= 1);
        NNJ_FUZZ_CHECK(images.rows >= 1 && images.rows <= 1024);
        NNJ_FUZZ_CHECK(images.columns >= 1 && images.columns <= 1024);
        NNJ_FUZZ_CHECK(images.pixels.size() == std::size_t(images.count) * images.rows * images.columns);
        // A raw file is exactly header + pixels; a gzip one inflates to that.
        const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
        NNJ_FUZZ_CHECK(gzip || size == 16 + images.pixels.size());
    } catch (const core::Error &) {
    }
    try {
        const std::vector<std::uint8_t> labels = core::parseIdxLabels(data, size, "labels");
        NNJ_FUZZ_CHECK(!labels.empty());
        const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
        NNJ_FUZZ_CHECK(gzip || size == 8 + labels.size());
    } catch (const core::Error &) {
    }
    return 0;
}
