// Reader for the IDX files MNIST ships in (raw or gzip-compressed, detected by content).
// Validates magic (0x00000803 images, 0x00000801 labels), dimensions, size overflow and exact
// file length. Every error names the file, what was expected and what was found.
#pragma once

#include "dataset.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace core {

struct IdxImages
{
    int count = 0;
    int rows = 0;
    int columns = 0;
    std::vector<std::uint8_t> pixels; // count * rows * columns
};

// Throws core::Error on any problem. They read the file and call the parsers below. Paths are
// UTF-8 on every OS (Windows included).
IdxImages readIdxImages(const std::string &path);
std::vector<std::uint8_t> readIdxLabels(const std::string &path);

// The same readers over an IDX file already in memory (raw or gzip, detected by content), with
// the same checks and messages; `sourceName` (a path, "upload", ...) starts every error message.
// Throws core::Error on any problem.
IdxImages parseIdxImages(const std::uint8_t *data, std::size_t size, const std::string &sourceName);
std::vector<std::uint8_t> parseIdxLabels(const std::uint8_t *data, std::size_t size, const std::string &sourceName);

// Standard MNIST file names (without ".gz").
struct MnistFileNames
{
    static constexpr const char *trainImages = "train-images-idx3-ubyte";
    static constexpr const char *trainLabels = "train-labels-idx1-ubyte";
    static constexpr const char *testImages = "t10k-images-idx3-ubyte";
    static constexpr const char *testLabels = "t10k-labels-idx1-ubyte";
};

// Path of `name` in `directory`: the raw file if present, else `name + ".gz"`; empty if neither.
std::string findIdxFile(const std::string &directory, const std::string &name);
// True when all four MNIST files are present (raw or .gz) in `directory`.
bool mnistFilesPresent(const std::string &directory);
// Loads the four files; checks label count == image count, labels in 0..9, 28x28 images.
// Throws core::Error naming the missing or broken file.
MnistData loadMnist(const std::string &directory);

} // namespace core
