// Loss landscape: filter-normalised random plane, grid evaluation with the first layer's
// products computed once, trajectory projection by 2x2 normal equations.
#include "landscape.h"

#include "standardnormal.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace core {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

LandscapeDirection zeroDirection(const Network &network)
{
    LandscapeDirection direction;
    for (int l = 0; l < network.layerCount(); ++l) {
        direction.weights.push_back(Matrix::Zero(network.layer(l).outputSize(), network.layer(l).inputSize()));
        direction.biases.push_back(Vector::Zero(network.layer(l).outputSize()));
    }
    return direction;
}

LandscapeDirection filterNormalisedDirection(const Network &network, std::mt19937_64 &rng)
{
    LandscapeDirection direction = zeroDirection(network);
    for (int l = 0; l < network.layerCount(); ++l) {
        Matrix &weights = direction.weights[std::size_t(l)];
        for (Eigen::Index i = 0; i < weights.size(); ++i)
            weights.data()[i] = standardNormalSample(rng);
        const Matrix &reference = network.layer(l).weights();
        for (Eigen::Index row = 0; row < weights.rows(); ++row) {
            const float norm = weights.row(row).norm();
            if (norm > 0)
                weights.row(row) *= reference.row(row).norm() / norm;
        }
    }
    return direction;
}

// Column-wise activation of a hidden layer, or the softmax of the output layer.
void activate(const Network &network, int layer, Eigen::Ref<Matrix> values)
{
    if (layer + 1 < network.layerCount())
        applyActivation(network.architecture().activations[std::size_t(layer)], values);
    else
        softmaxColumns(values);
}
} // namespace

double LandscapeDirection::dot(const LandscapeDirection &other) const
{
    double sum = 0;
    for (std::size_t l = 0; l < weights.size(); ++l) {
        sum += weights[l].cast<double>().cwiseProduct(other.weights[l].cast<double>()).sum();
        sum += biases[l].cast<double>().dot(other.biases[l].cast<double>());
    }
    return sum;
}

LandscapePlane makeLandscapePlane(const Network &network, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    LandscapePlane plane;
    plane.first = filterNormalisedDirection(network, rng);
    plane.second = filterNormalisedDirection(network, rng);
    return plane;
}

LandscapeDirection parameterDifference(const Network &parameters, const Network &center)
{
    LandscapeDirection difference;
    for (int l = 0; l < center.layerCount(); ++l) {
        difference.weights.push_back(parameters.layer(l).weights() - center.layer(l).weights());
        difference.biases.push_back(parameters.layer(l).bias() - center.layer(l).bias());
    }
    return difference;
}

LandscapeEvaluator::LandscapeEvaluator(const Network &center, const LandscapePlane &plane, const Dataset &test,
                                       int count)
    : m_center(center), m_scratch(center), m_plane(plane)
{
    const int n = subsetSize(test, count);
    m_labels.assign(test.labels.begin(), test.labels.begin() + n);
    for (int l = 0; l < center.layerCount(); ++l)
        m_activations.emplace_back(center.layer(l).outputSize(), n);
    const DenseLayer &first = center.layer(0);
    DenseLayer alongFirst = first, alongSecond = first;
    alongFirst.weights() = plane.first.weights[0];
    alongSecond.weights() = plane.second.weights[0];
    const DenseLayer *layers[3] = {&first, &alongFirst, &alongSecond};
    for (Matrix &product : m_firstLayer)
        product.resize(first.outputSize(), n);

    // The subset's sparse batches, one chunk at a time: W0 X, D1 X, D2 X (no bias).
    const int chunk = std::max(1, std::min(SubsetPass::kDefaultChunk, n));
    Batch batch(chunk, first.inputSize());
    std::vector<int> indices(static_cast<std::size_t>(chunk));
    for (int start = 0; start < n; start += chunk) {
        const int size = std::min(chunk, n - start);
        std::iota(indices.begin(), indices.begin() + size, start);
        batch.gather(test, indices.data(), size);
        for (int k = 0; k < 3; ++k)
            layers[k]->partialForward(batch, m_firstLayer[std::size_t(k)].middleCols(start, size),
                                      {0, first.inputSize()});
    }
}

double LandscapeEvaluator::loss(float alpha, float beta)
{
    const int n = count();
    if (n == 0)
        return kNaN;
    const int layers = m_center.layerCount();
    for (int l = 0; l < layers; ++l) {
        DenseLayer &layer = m_scratch.layer(l);
        const std::size_t i = std::size_t(l);
        if (l > 0)
            layer.weights().noalias()
                = m_center.layer(l).weights() + alpha * m_plane.first.weights[i] + beta * m_plane.second.weights[i];
        layer.bias().noalias()
            = m_center.layer(l).bias() + alpha * m_plane.first.biases[i] + beta * m_plane.second.biases[i];
    }
    Matrix &first = m_activations[0];
    first.noalias() = m_firstLayer[0] + alpha * m_firstLayer[1] + beta * m_firstLayer[2];
    first.colwise() += m_scratch.layer(0).bias();
    activate(m_scratch, 0, first);
    for (int l = 1; l < layers; ++l) {
        const DenseLayer &layer = m_scratch.layer(l);
        layer.forward(m_activations[std::size_t(l - 1)], m_activations[std::size_t(l)], layer.allRows());
        activate(m_scratch, l, m_activations[std::size_t(l)]);
    }
    const Matrix &probabilities = m_activations.back();
    double sum = 0;
    for (int s = 0; s < n; ++s)
        sum += sampleLoss(probabilities(m_labels[std::size_t(s)], s));
    return sum / n;
}

LossLandscape computeLossLandscape(const Network &network, const LandscapePlane &plane, const Dataset &test,
                                   const LandscapeSettings &settings, const AnalysisProgress &progress)
{
    LossLandscape landscape;
    const int grid = std::max(1, settings.gridSize);
    landscape.gridSize = grid;
    for (int i = 0; i < grid; ++i)
        landscape.alphas.push_back(grid == 1 ? 0.0f : settings.span * float(2 * i - (grid - 1)) / float(grid - 1));
    landscape.betas = landscape.alphas;
    landscape.losses.assign(std::size_t(grid) * std::size_t(grid), float(kNaN));

    LandscapeEvaluator evaluator(network, plane, test, settings.count);
    landscape.count = evaluator.count();
    {
        // The plain loss, through the network's own forward pass.
        SubsetPass pass(network, test, settings.count);
        double sum = 0;
        pass.forward(network, [&](int, const Batch &batch, const Workspace &workspace) {
            for (int s = 0; s < batch.size(); ++s)
                sum += sampleLoss(workspace.activations.back()(batch.label(s), s));
        });
        landscape.centerLoss = pass.size() > 0 ? float(sum / pass.size()) : float(kNaN);
    }
    const int total = grid * grid;
    for (int j = 0; j < grid; ++j) {
        for (int i = 0; i < grid; ++i) {
            landscape.losses[std::size_t(j) * std::size_t(grid) + std::size_t(i)]
                = float(evaluator.loss(landscape.alphas[std::size_t(i)], landscape.betas[std::size_t(j)]));
            if (progress && !progress(j * grid + i + 1, total)) {
                landscape.cancelled = j * grid + i + 1 < total;
                return landscape;
            }
        }
    }
    return landscape;
}

Trajectory projectTrajectory(const Network &center, const LandscapePlane &plane, const std::vector<Network> &snapshots,
                             const Dataset &test, int count, const AnalysisProgress &progress)
{
    Trajectory trajectory;
    const double a11 = plane.first.dot(plane.first), a12 = plane.first.dot(plane.second),
                 a22 = plane.second.dot(plane.second);
    const double determinant = a11 * a22 - a12 * a12;
    SubsetPass pass(center, test, count);
    LandscapeDirection offPlane = zeroDirection(center);
    const int total = int(snapshots.size());
    for (int k = 0; k < total; ++k) {
        const Network &snapshot = snapshots[std::size_t(k)];
        TrajectoryPoint point;
        if (!(snapshot.architecture() == center.architecture())) {
            point.alpha = point.beta = point.loss = point.distance = point.residual = float(kNaN);
        } else {
            const LandscapeDirection delta = parameterDifference(snapshot, center);
            const double r1 = plane.first.dot(delta), r2 = plane.second.dot(delta);
            // Normal equations [a11 a12; a12 a22] (alpha, beta) = (r1, r2).
            const double alpha = determinant != 0 ? (a22 * r1 - a12 * r2) / determinant : 0.0;
            const double beta = determinant != 0 ? (a11 * r2 - a12 * r1) / determinant : 0.0;
            for (std::size_t l = 0; l < delta.weights.size(); ++l) {
                offPlane.weights[l]
                    = delta.weights[l] - float(alpha) * plane.first.weights[l] - float(beta) * plane.second.weights[l];
                offPlane.biases[l]
                    = delta.biases[l] - float(alpha) * plane.first.biases[l] - float(beta) * plane.second.biases[l];
            }
            point.alpha = float(alpha);
            point.beta = float(beta);
            point.distance = float(std::sqrt(delta.dot(delta)));
            point.residual = float(std::sqrt(offPlane.dot(offPlane)));
            double sum = 0;
            pass.forward(snapshot, [&](int, const Batch &batch, const Workspace &workspace) {
                for (int s = 0; s < batch.size(); ++s)
                    sum += sampleLoss(workspace.activations.back()(batch.label(s), s));
            });
            point.loss = pass.size() > 0 ? float(sum / pass.size()) : float(kNaN);
        }
        trajectory.points.push_back(point);
        if (progress && !progress(k + 1, total)) {
            trajectory.cancelled = k + 1 < total;
            return trajectory;
        }
    }
    return trajectory;
}

float trajectoryExtent(const Trajectory &trajectory, float span)
{
    float extent = 0;
    for (const TrajectoryPoint &p : trajectory.points)
        if (std::isfinite(p.alpha) && std::isfinite(p.beta))
            extent = std::max({extent, std::abs(p.alpha), std::abs(p.beta)});
    return span > 0 ? extent / span : 0;
}

} // namespace core
