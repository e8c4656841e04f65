// nnj-train: trains the MNIST classifier from the command line with core only (no Qt).
// Progress on stderr (a bar when stderr is a terminal), one line per epoch, and with --json one
// final machine-readable line on stdout. Exit codes: 0 ok, 1 training failed, 2 bad usage or data.
#include "architecture.h"
#include "error.h"
#include "idxreader.h"
#include "modelfile.h"
#include "platform.h"
#include "trainer.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

const char *const kUsage
    = "Usage: nnj-train --data DIR [--epochs 3] [--batch 64] [--lr 0.01] [--layers 784,128,64,10]\n"
      "                 [--activation relu|sigmoid|tanh] [--optimizer sgd|adam] [--seed N]\n"
      "                 [--threads N] [--save FILE] [--json]\n"
      "Trains a multi-layer perceptron on the MNIST IDX files in DIR (raw or .gz).\n";

struct Options
{
    std::string dataDirectory;
    std::string layers = "784,128,64,10";
    std::string activation = "relu";
    std::string optimizer = "sgd";
    std::string savePath;
    int epochs = 3;
    int batchSize = 64;
    int threads = 1;
    double learningRate = 0.01;
    unsigned long long seed = 42;
    bool json = false;
};

[[noreturn]] void usageError(const std::string &message)
{
    std::fprintf(stderr, "nnj-train: %s\n%s", message.c_str(), kUsage);
    std::exit(2);
}

long long parseInteger(const char *option, const char *text, long long minimum, long long maximum)
{
    char *end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text, &end, 10);
    if (errno || end == text || *end || value < minimum || value > maximum)
        usageError(std::string(option) + " expects an integer in " + std::to_string(minimum) + ".."
                   + std::to_string(maximum) + ", got '" + text + "'");
    return value;
}

// `arguments` are UTF-8 (on Windows too), so --data and --save may name any folder.
Options parseOptions(const std::vector<std::string> &arguments)
{
    Options options;
    const int argc = int(arguments.size());
    for (int i = 1; i < argc; ++i) {
        const std::string &arg = arguments[std::size_t(i)];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (arg == "--json") {
            options.json = true;
            continue;
        }
        if (i + 1 >= argc)
            usageError("missing value after " + arg);
        const char *value = arguments[std::size_t(++i)].c_str();
        if (arg == "--data")
            options.dataDirectory = value;
        else if (arg == "--epochs")
            options.epochs = int(parseInteger("--epochs", value, 1, 1000));
        else if (arg == "--batch")
            options.batchSize = int(parseInteger("--batch", value, 1, 60000));
        else if (arg == "--threads")
            options.threads = int(parseInteger("--threads", value, 1, 64));
        else if (arg == "--seed")
            options.seed = (unsigned long long)parseInteger("--seed", value, 0, (1LL << 62));
        else if (arg == "--lr") {
            char *end = nullptr;
            options.learningRate = std::strtod(value, &end);
            if (end == value || *end || !std::isfinite(options.learningRate) || options.learningRate <= 0
                || options.learningRate > 10)
                usageError(std::string("--lr expects a number with 0 < lr <= 10, got '") + value + "'");
        } else if (arg == "--layers")
            options.layers = value;
        else if (arg == "--activation")
            options.activation = value;
        else if (arg == "--optimizer")
            options.optimizer = value;
        else if (arg == "--save")
            options.savePath = value;
        else
            usageError("unknown option " + arg);
    }
    if (options.dataDirectory.empty())
        usageError("--data DIR is required (get MNIST with scripts/fetch-mnist DIR)");
    return options;
}

double peakRssMegabytes()
{
    return core::platform::peakResidentBytes() / (1024.0 * 1024.0);
}

// Prints progress to stderr: a redrawn bar on a terminal, nothing per batch otherwise.
class ConsoleObserver : public core::TrainingObserver
{
public:
    explicit ConsoleObserver(bool terminal) : m_terminal(terminal) { }

    void batchFinished(const core::BatchReport &r) override
    {
        if (!m_terminal || (r.batch % 20 != 0 && r.batch != r.batchesPerEpoch))
            return;
        constexpr int width = 30;
        const int filled = r.batch * width / r.batchesPerEpoch;
        m_barWidth = std::fprintf(stderr, "\r epoch %d/%d [%.*s%*s] %4d/%d  loss %.4f  acc %5.1f%%", r.epoch, r.epochs,
                                  filled, "##############################", width - filled, "", r.batch,
                                  r.batchesPerEpoch, r.loss, 100.0 * r.accuracy);
        std::fflush(stderr);
    }

    void epochFinished(const core::EpochReport &r) override
    {
        if (m_terminal) // the bar blanked with spaces: consoles without VT escapes (Windows) too
            std::fprintf(stderr, "\r%*s\r", m_barWidth, "");
        std::fprintf(stderr,
                     "epoch %d/%d  train loss %.4f  train acc %.2f%%  test loss %.4f  test acc %.2f%%  (%.2f s)\n",
                     r.epoch, r.epochs, r.trainLoss, 100.0 * r.trainAccuracy, r.testLoss, 100.0 * r.testAccuracy,
                     r.trainSeconds);
    }

    void trainingFailed(const std::string &message) override
    {
        if (m_terminal)
            std::fputs("\n", stderr);
        std::fprintf(stderr, "nnj-train: %s\n", message.c_str());
    }

private:
    bool m_terminal;
    int m_barWidth = 0; // characters of the last bar drawn
};

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(core::platform::utf8Arguments(argc, argv));

    const auto activation = core::activationFromName(options.activation);
    if (!activation)
        usageError("--activation expects relu, sigmoid or tanh, got '" + options.activation + "'");
    const auto optimizerKind = core::optimizerFromName(options.optimizer);
    if (!optimizerKind)
        usageError("--optimizer expects sgd or adam, got '" + options.optimizer + "'");
    core::Architecture architecture;
    try {
        architecture = core::parseArchitecture(options.layers, *activation);
    } catch (const core::Error &error) {
        usageError(error.what());
    }
    if (const std::string problem = architecture.validate(); !problem.empty())
        usageError("--layers: " + problem);

    core::MnistData data;
    try {
        data = core::loadMnist(options.dataDirectory);
    } catch (const core::Error &error) {
        std::fprintf(stderr, "nnj-train: %s\n(get the data with: scripts/fetch-mnist %s)\n", error.what(),
                     options.dataDirectory.c_str());
        return 2;
    }

    core::Network network(architecture, options.seed);
    core::TrainerSettings settings;
    settings.epochs = options.epochs;
    settings.batchSize = options.batchSize;
    settings.learningRate = float(options.learningRate);
    settings.seed = options.seed;
    settings.threads = options.threads;
    settings.optimizer.kind = *optimizerKind;
    settings.detectTeachingMoments = false;
    core::Trainer trainer(network, data, settings);
    ConsoleObserver observer(core::platform::isTerminal(stderr));
    const core::FinishReport finish = trainer.run(observer);
    if (finish.stopped)
        return 1;

    if (!options.savePath.empty()) {
        try {
            core::saveModelFile(options.savePath, network, {finish.epochsCompleted, finish.finalTestAccuracy});
        } catch (const core::Error &error) {
            std::fprintf(stderr, "nnj-train: %s\n", error.what());
            return 1;
        }
        std::fprintf(stderr, "saved model to %s\n", options.savePath.c_str());
    }
    const double samplesPerSecond = double(finish.samplesTrained) / finish.trainSeconds;
    std::fprintf(stderr, "trained %lld samples in %.2f s: %.0f samples/s, test accuracy %.2f%%\n",
                 finish.samplesTrained, finish.trainSeconds, samplesPerSecond, 100.0 * finish.finalTestAccuracy);
    if (options.json) {
        std::string layers = "[";
        for (std::size_t i = 0; i < architecture.sizes.size(); ++i) {
            if (i)
                layers += ',';
            layers += std::to_string(architecture.sizes[i]);
        }
        layers += "]";
        std::printf("{\"samples_per_second\": %.1f, \"train_seconds\": %.4f, \"test_accuracy\": %.6f, "
                    "\"test_loss\": %.6f, \"epochs\": %d, \"batch\": %d, \"layers\": %s, \"threads\": %d, "
                    "\"peak_rss_mb\": %.1f}\n",
                    samplesPerSecond, finish.trainSeconds, finish.finalTestAccuracy, finish.finalTestLoss,
                    options.epochs, options.batchSize, layers.c_str(), options.threads, peakRssMegabytes());
    }
    return 0;
}
