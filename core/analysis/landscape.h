// The loss landscape around the current weights (Li et al., NeurIPS 2018, "Visualizing the Loss
// Landscape of Neural Nets"): the mean test loss on the analysis subset (the first N test images)
// over a plane spanned by two random, filter-normalised directions, and the training trajectory
// projected onto that plane.
//
// Filter normalisation for a fully connected layer: a neuron's incoming weights (one row of W)
// are its "filter", so each row of a direction is scaled to the norm of the same row of the
// weights. Bias directions are zero (the paper leaves 1-D parameters, biases and batch-norm, out
// of the directions): the plane moves weights only.
#pragma once

#include "dataset.h"
#include "network.h"
#include "subsetpass.h"

#include <array>
#include <cstdint>
#include <vector>

namespace core {

// A direction in parameter space with the network's shape.
struct LandscapeDirection
{
    std::vector<Matrix> weights; // per dense layer: (out, in)
    std::vector<Vector> biases; // per dense layer: (out), zero for makeLandscapePlane's directions

    double dot(const LandscapeDirection &other) const; // over weights and biases
};

struct LandscapePlane
{
    LandscapeDirection first; // alpha
    LandscapeDirection second; // beta
};

// Two independent directions of standard normal entries (one 64-bit Mersenne Twister seeded with
// `seed`, Box-Muller: the same numbers on every platform), each filter-normalised against
// `network`'s weights, biases zero.
LandscapePlane makeLandscapePlane(const Network &network, std::uint64_t seed);

// `parameters` - `center`, for networks of one shape.
LandscapeDirection parameterDifference(const Network &parameters, const Network &center);

// Mean loss on the subset at (center + alpha * first + beta * second), for many points. Built
// once per (network, plane, subset): it keeps the first layer's products W0 X, D1 X and D2 X for
// the subset (the first layer is linear in its weights, so the first layer at any point of the
// plane is a sum of those three), a scratch copy of the network for the other layers, and
// buffers for the whole subset, so loss() allocates nothing.
class LandscapeEvaluator
{
public:
    LandscapeEvaluator(const Network &center, const LandscapePlane &plane, const Dataset &test, int count);

    int count() const { return int(m_labels.size()); }
    // Mean cross-entropy (natural log) over the subset; NaN when the subset is empty. (0, 0) is the
    // center's own loss (the same as evaluateSubset's up to float rounding).
    double loss(float alpha, float beta);

private:
    Network m_center;
    Network m_scratch;
    LandscapePlane m_plane;
    std::array<Matrix, 3> m_firstLayer; // W0 X, D1 X, D2 X: (units of layer 0, N)
    std::vector<Matrix> m_activations; // per dense layer: (units, N)
    std::vector<int> m_labels;
};

struct LandscapeSettings
{
    int gridSize = 31; // G: G x G points (an odd G puts (0, 0) on the grid)
    float span = 1.0f; // alpha and beta in [-span, span]
    int count = 1000; // N: the first N test images
};

struct LossLandscape
{
    int gridSize = 0;
    int count = 0; // images used
    std::vector<float> alphas; // G values, -span .. span; alphas[i] = span * (2i - (G-1)) / (G-1)
    std::vector<float> betas; // the same values
    std::vector<float> losses; // G * G, row by row of beta: losses[j * G + i] is at (alphas[i], betas[j]);
                               // NaN where not computed (cancelled)
    float centerLoss = 0; // the plain loss of the network on the subset (evaluateSubset's loss)
    bool cancelled = false;
};

// Progress counts grid points (total G * G), reported after each; cancelling stops at the next.
LossLandscape computeLossLandscape(const Network &network, const LandscapePlane &plane, const Dataset &test,
                                   const LandscapeSettings &settings, const AnalysisProgress &progress = {});

struct TrajectoryPoint
{
    // Least-squares coordinates of (snapshot - center) on the plane: the (alpha, beta) minimising
    // |snapshot - center - alpha * first - beta * second| over weights and biases.
    float alpha = 0;
    float beta = 0;
    float loss = 0; // the SNAPSHOT's own loss on the subset (not the loss at its projection)
    float distance = 0; // |snapshot - center|
    float residual = 0; // the part of it off the plane: |snapshot - center - alpha first - beta second|
};

struct Trajectory
{
    std::vector<TrajectoryPoint> points; // one per snapshot, in order (fewer when cancelled)
    bool cancelled = false;
};

// Every snapshot must have the center's architecture (others are skipped: point with NaN values).
// Progress counts snapshots.
Trajectory projectTrajectory(const Network &center, const LandscapePlane &plane, const std::vector<Network> &snapshots,
                             const Dataset &test, int count, const AnalysisProgress &progress = {});

// How far the projected path reaches from the centre, as a fraction of the span: the largest |alpha| or
// |beta| of its finite points over span (0 without points). Two random directions among many weights
// are almost perpendicular to the way training went, so this is often tiny: the views then say so.
float trajectoryExtent(const Trajectory &trajectory, float span);

} // namespace core
