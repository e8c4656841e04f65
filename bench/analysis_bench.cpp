// nnj-analysis-bench: times the learning views' computations (core/analysis) on the real MNIST
// (NNJ_MNIST_DIR, or the folder given as the first argument) for 784-128-64-10, trained for one
// epoch first so the figures are for a network that has learned something: the loss landscape
// (31 x 31 on 1,000 test images), the per-layer histograms and the network comparison (1,000
// images each). Each figure is the median of 3 runs.
// Then what the views cost a running training: the same 5,628 training batches (6 epochs of the 60,000 training images,
// batch 64) timed alone, while a loss-landscape job loops on another thread, and while the features gallery refreshes
// at 2 Hz (neuron statistics on 1,000 images plus the int8 weight tiles, as GET /api/analysis/features computes them)
// from a weight snapshot the training thread refreshes every second, as the Session does. The three contenders run
// interleaved, 3 rounds; the ratios are medians. Build in Release:
//   cmake --preset release && cmake --build build/release --target nnj-analysis-bench
#include "analysis/comparison.h"
#include "analysis/features.h"
#include "analysis/histograms.h"
#include "analysis/landscape.h"
#include "idxreader.h"
#include "trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// The live weights, refreshed by the training thread every second (the Session's snapshot).
class SnapshotObserver : public TrainingObserver
{
public:
    explicit SnapshotObserver(const Network &network)
        : m_network(network), m_snapshot(std::make_shared<Network>(network))
    {
    }
    void batchFinished(const BatchReport &) override
    {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_last < std::chrono::seconds(1))
            return;
        m_last = now;
        auto copy = std::make_shared<const Network>(m_network);
        std::lock_guard lock(m_mutex);
        m_snapshot = std::move(copy);
    }
    std::shared_ptr<const Network> snapshot() const
    {
        std::lock_guard lock(m_mutex);
        return m_snapshot;
    }

private:
    const Network &m_network;
    mutable std::mutex m_mutex;
    std::shared_ptr<const Network> m_snapshot;
    std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

// One features-gallery refresh: what GET /api/analysis/features computes for layer 1.
std::size_t galleryRefresh(const Network &network, const Dataset &test)
{
    const NeuronStatistics statistics = neuronStatistics(network, test, 0, 1000);
    const Matrix &weights = network.layer(0).weights();
    std::vector<std::int8_t> tiles(std::size_t(weights.size()));
    for (Eigen::Index row = 0; row < weights.rows(); ++row) {
        const float scale = weights.row(row).cwiseAbs().maxCoeff();
        for (Eigen::Index column = 0; column < weights.cols(); ++column)
            tiles[std::size_t(row * weights.cols() + column)]
                = static_cast<std::int8_t>(scale > 0 ? std::lround(weights(row, column) / scale * 127.0f) : 0);
    }
    return tiles.size() + statistics.firingRates.size();
}

enum class Load { None, Landscape, Gallery };

// Seconds to train 6 epochs of `data.train`, with `load` running beside it.
double trainWithLoad(const Network &start, const MnistData &data, Load load, int &backgroundRuns)
{
    Network network = start;
    TrainerSettings settings;
    settings.epochs = 6;
    settings.detectTeachingMoments = false;
    settings.evaluateEachEpoch = false;
    Trainer trainer(network, data, settings);
    SnapshotObserver observer(network);
    std::atomic<bool> done{false};
    std::mutex mutex;
    std::condition_variable wake;
    backgroundRuns = 0;
    std::thread background([&] {
        const LandscapePlane plane = makeLandscapePlane(start, 7);
        while (load != Load::None && !done) {
            const auto snapshot = observer.snapshot();
            if (load == Load::Landscape) {
                computeLossLandscape(*snapshot, plane, data.test, LandscapeSettings{31, 1.0f, 1000},
                                     [&](int, int) { return !done.load(); });
            } else {
                galleryRefresh(*snapshot, data.test);
                std::unique_lock lock(mutex);
                wake.wait_for(lock, std::chrono::milliseconds(500), [&] { return done.load(); });
            }
            ++backgroundRuns;
        }
    });
    const auto begin = std::chrono::steady_clock::now();
    trainer.run(observer);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    done = true;
    wake.notify_all();
    background.join();
    return seconds;
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
    const double gallerySeconds = medianSeconds(runs, [&] { galleryRefresh(network, data.test); });
    std::printf("features gallery refresh (layer 1, 128 tiles, firing on %d images): %.1f ms\n", count,
                gallerySeconds * 1e3);

    // Training beside the views, interleaved rounds.
    std::vector<double> landscapeRatios, galleryRatios;
    for (int round = 0; round < runs; ++round) {
        int landscapes = 0, refreshes = 0, unused = 0;
        const double alone = trainWithLoad(network, data, Load::None, unused);
        const double withLandscape = trainWithLoad(network, data, Load::Landscape, landscapes);
        const double withGallery = trainWithLoad(network, data, Load::Gallery, refreshes);
        landscapeRatios.push_back(alone / withLandscape);
        galleryRatios.push_back(alone / withGallery);
        std::printf("round %d: 6 epochs alone %.3f s, beside a landscape job %.3f s (%d grids started), "
                    "beside the gallery at 2 Hz %.3f s (%d refreshes)\n",
                    round + 1, alone, withLandscape, landscapes, withGallery, refreshes);
    }
    std::printf("training speed beside a landscape job: %.0f%% of alone (median of %d; target >= 80%%)\n",
                100.0 * median(landscapeRatios), runs);
    std::printf("training speed beside the gallery refreshing at 2 Hz: %.1f%% of alone, a cost of %.1f%% "
                "(median of %d; target < 5%%)\n",
                100.0 * median(galleryRatios), 100.0 * (1.0 - median(galleryRatios)), runs);
    return 0;
}
