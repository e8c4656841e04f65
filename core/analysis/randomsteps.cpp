// Random walk vs SGD from the same start on the same batches; one Batch and two Workspaces,
// allocated before the loop.
#include "randomsteps.h"

#include "standardnormal.h"

#include <cmath>
#include <numeric>

namespace core {

namespace {
void shuffle(std::vector<int> &order, std::mt19937_64 &rng)
{
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[std::size_t(rng() % i)]);
}
} // namespace

RandomStepsResult compareRandomSteps(const Network &initial, const Dataset &train, const RandomStepsSettings &settings,
                                     const AnalysisProgress &progress)
{
    RandomStepsResult result{{}, {}, {}, initial, initial, 0, false};
    const int count = train.count();
    const int steps = std::max(0, settings.steps);
    if (count == 0 || steps == 0)
        return result;
    const int batchSize = std::clamp(settings.batchSize, 1, count);
    result.sgdLoss.reserve(std::size_t(steps));
    result.randomLoss.reserve(std::size_t(steps));
    result.stepLength.reserve(std::size_t(steps));

    std::mt19937_64 orderRng(settings.seed);
    std::mt19937_64 directionRng(settings.seed ^ 0x9E3779B97F4A7C15ULL);
    std::vector<int> order(static_cast<std::size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    shuffle(order, orderRng);
    std::vector<int> indices(static_cast<std::size_t>(batchSize));
    int cursor = 0;

    Batch batch(batchSize, train.pixelsPerImage());
    Workspace sgdWorkspace(initial, batchSize);
    Workspace randomWorkspace(initial, batchSize);
    // The random direction, preallocated: one matrix and one vector per layer.
    std::vector<Matrix> directionWeights;
    std::vector<Vector> directionBiases;
    for (int l = 0; l < initial.layerCount(); ++l) {
        directionWeights.emplace_back(initial.layer(l).outputSize(), initial.layer(l).inputSize());
        directionBiases.emplace_back(initial.layer(l).outputSize());
    }
    const int layers = initial.layerCount();

    for (int k = 0; k < steps; ++k) {
        for (int i = 0; i < batchSize; ++i) {
            if (cursor == count) {
                shuffle(order, orderRng);
                cursor = 0;
            }
            indices[std::size_t(i)] = order[std::size_t(cursor++)];
        }
        batch.gather(train, indices.data(), batchSize);

        // SGD: loss before the step, gradient, step.
        result.sgd.forward(batch, sgdWorkspace);
        result.sgdLoss.push_back(result.sgd.evaluateOutput(batch, sgdWorkspace).loss);
        result.sgd.backward(batch, sgdWorkspace, 1.0f / float(batchSize));
        double gradientSquares = 0;
        for (int l = 0; l < layers; ++l) {
            const std::size_t i = std::size_t(l);
            gradientSquares += sgdWorkspace.weightGradients[i].cast<double>().squaredNorm()
                               + sgdWorkspace.biasGradients[i].cast<double>().squaredNorm();
            result.sgd.layer(l).weights() -= settings.learningRate * sgdWorkspace.weightGradients[i];
            result.sgd.layer(l).bias() -= settings.learningRate * sgdWorkspace.biasGradients[i];
        }
        const double length = std::abs(double(settings.learningRate)) * std::sqrt(gradientSquares);
        result.stepLength.push_back(float(length));

        // The random walk: loss before the step, then a step of the same length.
        result.random.forward(batch, randomWorkspace);
        result.randomLoss.push_back(result.random.evaluateOutput(batch, randomWorkspace).loss);
        double directionSquares = 0;
        for (int l = 0; l < layers; ++l) {
            const std::size_t i = std::size_t(l);
            for (Eigen::Index e = 0; e < directionWeights[i].size(); ++e)
                directionWeights[i].data()[e] = standardNormalSample(directionRng);
            for (Eigen::Index e = 0; e < directionBiases[i].size(); ++e)
                directionBiases[i][e] = standardNormalSample(directionRng);
            directionSquares
                += directionWeights[i].cast<double>().squaredNorm() + directionBiases[i].cast<double>().squaredNorm();
        }
        const float scale = directionSquares > 0 ? float(length / std::sqrt(directionSquares)) : 0.0f;
        for (int l = 0; l < layers; ++l) {
            result.random.layer(l).weights() += scale * directionWeights[std::size_t(l)];
            result.random.layer(l).bias() += scale * directionBiases[std::size_t(l)];
        }
        result.stepsTaken = k + 1;
        if (progress && !progress(k + 1, steps)) {
            result.cancelled = k + 1 < steps;
            break;
        }
    }
    return result;
}

} // namespace core
