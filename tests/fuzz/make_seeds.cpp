// Writes the seed corpora of the fuzz harnesses into <corpus folder>/<harness>/ (the committed
// tests/fuzz/corpus is its output): tiny valid IDX files, raw and gzip; model files of tiny
// networks written by core::serializeModel; drawings; request bodies; WebSocket messages. Valid
// inputs and a few broken ones. Build target fuzz_make_seeds (fuzz preset), run it with the folder.
#include "modelfile.h"
#include "network.h"

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

using Bytes = std::string;

std::filesystem::path g_root;

void write(const char *harness, const std::string &name, const Bytes &bytes)
{
    const std::filesystem::path folder = g_root / harness;
    std::filesystem::create_directories(folder);
    std::ofstream(folder / name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

void appendBigEndian(Bytes &bytes, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes.push_back(char((value >> shift) & 0xff));
}

Bytes gzip(const Bytes &bytes)
{
    z_stream stream{};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    Bytes out(deflateBound(&stream, uLong(bytes.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
    stream.avail_in = uInt(bytes.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

void idxSeeds()
{
    Bytes images; // 2 images of 3x2
    appendBigEndian(images, 0x00000803);
    appendBigEndian(images, 2);
    appendBigEndian(images, 3);
    appendBigEndian(images, 2);
    for (int i = 0; i < 12; ++i)
        images.push_back(char(i * 20));
    Bytes labels; // their labels
    appendBigEndian(labels, 0x00000801);
    appendBigEndian(labels, 2);
    labels += "\x07\x03";
    Bytes digit; // one 28x28 image
    appendBigEndian(digit, 0x00000803);
    appendBigEndian(digit, 1);
    appendBigEndian(digit, 28);
    appendBigEndian(digit, 28);
    for (int i = 0; i < 784; ++i)
        digit.push_back(char((i % 28 > 10 && i % 28 < 16 && i / 28 > 4 && i / 28 < 24) ? 255 : 0));

    write("fuzz_idx", "images-2x3x2.idx", images);
    write("fuzz_idx", "labels-2.idx", labels);
    write("fuzz_idx", "images-1x28x28.idx", digit);
    write("fuzz_idx", "images-2x3x2.idx.gz", gzip(images));
    write("fuzz_idx", "labels-2.idx.gz", gzip(labels));
    write("fuzz_idx", "labels-2-two-members.idx.gz", gzip(labels.substr(0, 5)) + gzip(labels.substr(5)) + "trailing");
    write("fuzz_idx", "images-truncated.idx", images.substr(0, 20));
}

Bytes model(const std::vector<int> &sizes, core::Activation activation, core::ModelMetadata metadata)
{
    core::Architecture architecture;
    architecture.sizes = sizes;
    architecture.activations.assign(sizes.size() - 2, activation);
    return core::serializeModel(core::Network(architecture, 7), metadata);
}

void modelSeeds()
{
    const Bytes relu = model({784, 1, 10}, core::Activation::ReLU, {});
    const Bytes sigmoid = model({784, 1, 10}, core::Activation::Sigmoid, {3, 0.5f});
    const Bytes tanh = model({784, 1, 1, 10}, core::Activation::Tanh, {12, 0.97f});
    for (const char *harness : {"fuzz_modelfile", "fuzz_request_bodies"}) {
        const Bytes prefix = std::string(harness) == "fuzz_request_bodies" ? "m" : "";
        write(harness, "model-784-1-10-relu.nnjmodel", prefix + relu);
        write(harness, "model-784-1-1-10-tanh.nnjmodel", prefix + tanh);
    }
    write("fuzz_modelfile", "model-784-1-10-sigmoid.nnjmodel", sigmoid);
    write("fuzz_modelfile", "model-truncated.nnjmodel", relu.substr(0, 40));
    write("fuzz_modelfile", "not-a-model.nnjmodel", "NNJMODEX\x01");
}

// FuzzedDataProvider reads the integers from the end: the mode first, then width, then height.
Bytes drawing(int mode, int width, int height, int minSide, const Bytes &pixels)
{
    Bytes bytes = pixels;
    const auto appendInt = [&](int value) { // two bytes, most significant last
        const unsigned encoded = unsigned(value - minSide);
        bytes.push_back(char(encoded & 0xff));
        bytes.push_back(char((encoded >> 8) & 0xff));
    };
    appendInt(height);
    appendInt(width);
    bytes.push_back(char(mode));
    return bytes;
}

void preprocessSeeds()
{
    Bytes stroke(40 * 30, char(255)); // a dark stroke on white paper, 40x30
    for (int y = 5; y < 25; ++y)
        for (int x = 15 + y / 5; x < 20 + y / 5; ++x)
            stroke[std::size_t(y) * 40 + std::size_t(x)] = 0;
    write("fuzz_preprocess", "stroke-40x30", drawing(0, 40, 30, -2, stroke));
    write("fuzz_preprocess", "dot-1x1", drawing(0, 1, 1, -2, "\xff"));
    write("fuzz_preprocess", "stripes-3000x2", drawing(1, 3000, 2, 1, "\x00\x00\x00\xc8"));
    write("fuzz_preprocess", "empty-0x5", drawing(0, 0, 5, -2, ""));
    Bytes floats; // mode 2: 784 floats, among them NaN, infinities, a denormal
    const float specials[] = {
        0.5f, -1.0f, 1e30f, 1.4e-45f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()};
    for (int i = 0; i < 784; ++i) {
        const float value = specials[i % 6];
        floats.append(reinterpret_cast<const char *>(&value), sizeof value);
    }
    floats.push_back(char(2));
    write("fuzz_preprocess", "floats-special", floats);
}

void requestSeeds()
{
    write("fuzz_request_bodies", "architecture", R"(a{"layers":[784,16,10]})");
    write("fuzz_request_bodies", "architecture-activations",
          R"(a{"layers":[784,8,4,10],"activations":["sigmoid","tanh"]})");
    write("fuzz_request_bodies", "architecture-bad-entry", R"(a{"layers":[784,1.5,"x",10]})");
    write("fuzz_request_bodies", "architecture-duplicate-key", R"(a{"layers":[784,10],"layers":[784,10]})");
    write("fuzz_request_bodies", "architecture-too-large", R"(a{"layers":[784,4096,4096,10]})");
    write("fuzz_request_bodies", "not-an-object", "a[1,2]");
    write("fuzz_request_bodies", "not-json", "p{\"pixels\":");
    Bytes pixels = R"(p{"pixels":[)";
    for (int i = 0; i < 784; ++i)
        pixels += (i ? "," : "") + std::string(i % 29 == 0 ? "1" : i % 7 == 0 ? "0.25" : "0");
    write("fuzz_request_bodies", "predict", pixels + "]}");
    write("fuzz_request_bodies", "predict-short", R"(p{"pixels":[0,0.5,1]})");
}

void webSocketSeeds()
{
    write("fuzz_ws_message", "ping", R"({"type":"ping"})");
    write("fuzz_ws_message", "get-state", R"({"type":"get_state"})");
    write("fuzz_ws_message", "command-start", R"({"type":"command","command":"start"})");
    write("fuzz_ws_message", "command-unknown", R"({"type":"command","command":"set_learning_rate","value":2})");
    write("fuzz_ws_message", "unknown-type", R"({"type":"hello","name":"\u00e9\ud83d\ude00"})");
    write("fuzz_ws_message", "not-an-object", R"(["ping"])");
    write("fuzz_ws_message", "invalid-utf8", "{\"type\":\"\xff\xfe\"}");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
        return 2;
    }
    g_root = argv[1];
    idxSeeds();
    modelSeeds();
    preprocessSeeds();
    requestSeeds();
    webSocketSeeds();
    return 0;
}
