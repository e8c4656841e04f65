// The model file format (documented in docs/model-format.md): magic "NNJMODEL", version,
// architecture with per-layer activations, training metadata, float32 little-endian parameters
// and a CRC-32 over everything before it. Round-trips exactly; truncation, a wrong magic or
// version, an invalid architecture or an altered byte is an Error naming the source.
#pragma once

#include "network.h"

#include <string>

namespace core {

struct ModelMetadata
{
    int epochsTrained = 0;
    float testAccuracy = -1; // -1: unknown
};

std::string serializeModel(const Network &network, const ModelMetadata &metadata = {});
// `sourceName` (a path or "upload") is used in error messages. Throws core::Error.
Network deserializeModel(const std::string &bytes, const std::string &sourceName, ModelMetadata *metadata = nullptr);

// `path` is UTF-8 on every OS. Saving is an atomic replace: writes "<path>.tmp-<pid>", flushes it
// to the disk, renames it over `path` (replacing it on Windows too).
// Throws core::Error naming the path on failure; the old file is then untouched.
void saveModelFile(const std::string &path, const Network &network, const ModelMetadata &metadata = {});
Network loadModelFile(const std::string &path, ModelMetadata *metadata = nullptr);

} // namespace core
