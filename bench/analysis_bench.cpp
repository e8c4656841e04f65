// nnj-analysis-bench: times the learning views' computations (core/analysis) on the real MNIST
// (NNJ_MNIST_DIR, or the folder given as the first argument) for 784-128-64-10, trained for one
// epoch first so the figures are for a network that has learned something: the loss landscape
// (31 x 31 on 1,000 test images), the per-layer histograms and the network comparison (1,000
// images each). Each figure is the median of 3 runs. Build in Release:
//   cmake --preset release && cmake --build build/release --target nnj-analysis-bench
#include "analysis/comparison.h"
#include "analysis/histograms.h"
#include "analysis/landscape.h"
#include "idxreader.h"
#include "trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace core;

namespace {
template <typename Function>
double medianSeconds(int runs, Function &&function)
{
    std::vector<double> seconds;
    for (int run = 0; run < runs; ++run) {
        const auto start = std::chrono::steady_clock::now();
        function();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds[seconds.size() / 2];
}
} // namespace

int main(int argc, char **argv)
{
    const char *environment = std::getenv("NNJ_MNIST_DIR");
    const std::string directory = argc > 1 ? argv[1] : (environment ? environment : "");
    if (directory.empty() || !mnistFilesPresent(directory)) {
        std::fprintf(stderr, "usage: nnj-analysis-bench [MNIST folder]  (or set NNJ_MNIST_DIR)\n");
        return 2;
    }
    const MnistData data = loadMnist(directory);
    const Network initial(Architecture{}, 42);
    Network network = initial;
    TrainerSettings settings;
    settings.epochs = 1;
    settings.detectTeachingMoments = false;
    settings.evaluateEachEpoch = false;
    Trainer trainer(network, data, settings);
    TrainingObserver silent;
    trainer.run(silent);

    constexpr int runs = 3, count = 1000;
    LossLandscape landscape;
    const LandscapePlane plane = makeLandscapePlane(network, 1);
    const double landscapeSeconds = medianSeconds(runs, [&] {
        landscape = computeLossLandscape(network, plane, data.test, LandscapeSettings{31, 1.0f, count});
    });
    std::vector<LayerHistograms> histograms;
    const double histogramSeconds
        = medianSeconds(runs, [&] { histograms = layerHistograms(network, data.test, count, 30); });
    NetworkComparison comparison;
    const double compareSeconds
        = medianSeconds(runs, [&] { comparison = compareNetworks(initial, network, data.test, count); });

    const float centre = landscape.losses[15 * 31 + 15];
    const auto [lowest, highest] = std::minmax_element(landscape.losses.begin(), landscape.losses.end());
    std::printf("784-128-64-10 after 1 epoch, %d test images, median of %d runs\n", count, runs);
    std::printf("landscape 31x31: %.3f s (centre loss %.4f = plain %.4f; range %.4f .. %.4f)\n", landscapeSeconds,
                centre, landscape.centerLoss, *lowest, *highest);
    std::printf("histograms (30 bins, 3 layers): %.1f ms (dead units in layer 1: %zu)\n", histogramSeconds * 1e3,
                histograms[0].deadUnits.size());
    std::printf("compare (initial and current): %.1f ms (accuracy %.1f%% -> %.1f%%, confidence %.3f -> %.3f)\n",
                compareSeconds * 1e3, 100.0 * comparison.initial.accuracy, 100.0 * comparison.current.accuracy,
                comparison.initial.meanConfidence, comparison.current.meanConfidence);
    return 0;
}
