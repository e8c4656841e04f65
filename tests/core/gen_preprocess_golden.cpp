// Writes tests/data/preprocess-golden.json: drawings (kept in the file, so the drawing code here
// need not be reproducible elsewhere) and the 784 numbers core::preprocessDrawing gives for them.
// The "algorithm" field is the comment block at the top of core/preprocess.cpp, copied verbatim.
// Usage: gen_preprocess_golden <core/preprocess.cpp> <output.json>
// Not a test: run it by hand after an intended algorithm change, then check the diff.
#include "preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Canvas
{
    std::string name;
    std::string description;
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    Canvas(std::string caseName, std::string text, int w, int h, std::uint8_t background)
        : name(std::move(caseName)), description(std::move(text)), width(w), height(h),
          pixels(std::size_t(w) * h, background)
    {
    }
    void set(int x, int y, int value) { pixels[std::size_t(y) * width + x] = std::uint8_t(value); }
    void fill(int x0, int y0, int x1, int y1, int value) // inclusive corners
    {
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x)
                set(x, y, value);
    }
    // Anti-aliased round brush along a polyline, painting `ink` over the background.
    void stroke(const std::vector<std::pair<double, double>> &points, double radius, int ink)
    {
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                double distance = 1e9;
                for (std::size_t k = 0; k + 1 < points.size(); ++k)
                    distance = std::min(distance, segmentDistance(x, y, points[k], points[k + 1]));
                const double coverage = std::clamp(radius + 0.5 - distance, 0.0, 1.0);
                if (coverage <= 0)
                    continue;
                const int old = pixels[std::size_t(y) * width + x];
                set(x, y, int(std::lround(old + (ink - old) * coverage)));
            }
        }
    }

private:
    static double segmentDistance(double x, double y, std::pair<double, double> a, std::pair<double, double> b)
    {
        const double dx = b.first - a.first, dy = b.second - a.second;
        const double length2 = dx * dx + dy * dy;
        double t = length2 > 0 ? ((x - a.first) * dx + (y - a.second) * dy) / length2 : 0;
        t = std::clamp(t, 0.0, 1.0);
        const double px = a.first + t * dx - x, py = a.second + t * dy - y;
        return std::sqrt(px * px + py * py);
    }
};

std::vector<Canvas> makeCases()
{
    std::vector<Canvas> cases;

    Canvas square("square-20-on-black",
                  "hand-checkable: 20x20 white square on black, no scaling, no shift; "
                  "expected 1.0 in rows and columns 4..23",
                  40, 40, 0);
    square.fill(10, 10, 29, 29, 255);
    cases.push_back(square);

    Canvas dark("dark-square-on-white",
                "light background (border mean 255 > 127) is inverted: same result as "
                "square-20-on-black",
                30, 30, 255);
    dark.fill(5, 5, 24, 24, 0);
    cases.push_back(dark);

    Canvas pair("two-pixels-asymmetric",
                "hand-checkable: ink 255,51 side by side -> 20x10 block, rows 9..18, "
                "centre of mass x = 10.1667 -> shift right by 3: columns 7..16 = 1.0, "
                "17..26 = 0.2",
                6, 5, 0);
    pair.set(2, 2, 255);
    pair.set(3, 2, 51);
    cases.push_back(pair);

    Canvas small("small-3x2-upscale",
                 "fractional coverage when enlarging a 3x2 crop to 20x13 "
                 "(round half up of 13.33)",
                 7, 6, 0);
    small.set(2, 2, 255);
    small.set(3, 2, 0);
    small.set(4, 2, 128);
    small.set(2, 3, 64);
    small.set(3, 3, 200);
    small.set(4, 3, 30);
    cases.push_back(small);

    Canvas tall("tall-thin-stroke",
                "aspect ratio: a slanted anti-aliased stroke about 8 px wide and 85 px tall "
                "becomes about 2x20",
                60, 100, 0);
    tall.stroke({{29, 9}, {33, 90}}, 2.5, 255);
    cases.push_back(tall);

    Canvas blob("off-centre-blob", "centre-of-mass shift: a disc with a faint tail in a corner of the canvas", 64, 64,
                0);
    blob.stroke({{12, 50}, {12, 50}}, 6, 255);
    blob.stroke({{18, 50}, {25, 47}}, 1, 90);
    cases.push_back(blob);

    Canvas ring("non-square-280x200-zero", "non-square canvas, white background, dark '0' ring (inverted)", 280, 200,
                255);
    std::vector<std::pair<double, double>> ellipse;
    for (int k = 0; k <= 48; ++k) {
        const double angle = 2 * 3.14159265358979323846 * k / 48;
        ellipse.emplace_back(150 + 38 * std::cos(angle), 95 + 62 * std::sin(angle));
    }
    ring.stroke(ellipse, 7, 0);
    cases.push_back(ring);

    Canvas seven("app-canvas-200x200-seven", "the app's canvas size: black '7' drawn with a round brush on white", 200,
                 200, 255);
    seven.stroke({{55, 45}, {150, 42}, {148, 50}, {105, 110}, {82, 165}}, 8, 0);
    seven.stroke({{85, 100}, {135, 98}}, 5, 0); // crossbar
    cases.push_back(seven);

    Canvas clipped("clipped-by-shift",
                   "hand-checkable: heavy column plus a faint bar; the centre-of-mass shift "
                   "(dx = 8) pushes columns 28..31 out of the image, where they are dropped",
                   20, 20, 0);
    clipped.fill(0, 0, 0, 19, 255);
    clipped.fill(1, 10, 19, 10, 30);
    cases.push_back(clipped);

    Canvas tiny("one-pixel-canvas-200",
                "1x1 canvas of 200: border mean > 127 so it is inverted to 55, still ink "
                "(> 25): a 20x20 block of 55/255",
                1, 1, 200);
    cases.push_back(tiny);

    Canvas white("empty-white-canvas", "white canvas: inverted to all zeros, no ink", 20, 20, 255);
    cases.push_back(white);

    Canvas faint("empty-faint-noise", "values 0..25 on black: nothing above the ink threshold 25", 24, 24, 0);
    for (int y = 0; y < 24; ++y)
        for (int x = 0; x < 24; ++x)
            faint.set(x, y, (x * 7 + y * 13) % 26);
    cases.push_back(faint);

    return cases;
}

std::string jsonString(const std::string &text)
{
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out + "\"";
}

// The comment block starting at "// ALGORITHM" up to the first non-comment line, without "// ".
std::string algorithmText(const std::string &sourcePath)
{
    std::ifstream source(sourcePath);
    std::string line, text;
    bool inside = false;
    while (std::getline(source, line)) {
        if (!inside && line.rfind("// ALGORITHM", 0) != 0)
            continue;
        if (line.rfind("//", 0) != 0)
            break;
        inside = true;
        text += (line.size() > 3 ? line.substr(3) : std::string()) + "\n";
    }
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::cerr << "usage: gen_preprocess_golden <core/preprocess.cpp> <output.json>\n";
        return 2;
    }
    const std::string algorithm = algorithmText(argv[1]);
    if (algorithm.empty()) {
        std::cerr << argv[1] << ": no \"// ALGORITHM\" comment block found\n";
        return 1;
    }
    std::ostringstream json;
    json << "{\n\"algorithm\": " << jsonString(algorithm) << ",\n\"tolerance\": 1e-6,\n\"cases\": [\n";
    const std::vector<Canvas> cases = makeCases();
    for (std::size_t index = 0; index < cases.size(); ++index) {
        const Canvas &canvas = cases[index];
        const core::PreprocessedDrawing result
            = core::preprocessDrawing(canvas.pixels.data(), canvas.width, canvas.height);
        json << "{\"name\": " << jsonString(canvas.name) << ", \"description\": " << jsonString(canvas.description)
             << ",\n \"width\": " << canvas.width << ", \"height\": " << canvas.height
             << ", \"empty\": " << (result.empty ? "true" : "false") << ",\n \"pixels\": [";
        for (std::size_t i = 0; i < canvas.pixels.size(); ++i)
            json << (i ? (i % int(canvas.width) == 0 ? ",\n  " : ",") : "") << int(canvas.pixels[i]);
        json << "],\n \"expected\": [";
        for (std::size_t i = 0; i < result.pixels.size(); ++i) {
            char number[32];
            std::snprintf(number, sizeof number, "%.9g", double(result.pixels[i]));
            json << (i ? (i % 28 == 0 ? ",\n  " : ",") : "") << number;
        }
        json << "]}" << (index + 1 < cases.size() ? "," : "") << "\n";
    }
    json << "]\n}\n";
    std::ofstream output(argv[2], std::ios::binary);
    output << json.str();
    if (!output.flush()) {
        std::cerr << argv[2] << ": cannot write\n";
        return 1;
    }
    std::cout << "wrote " << cases.size() << " cases to " << argv[2] << "\n";
    return 0;
}
