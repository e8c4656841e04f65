// Parameter updates. SGD with momentum (PyTorch convention: v = mu*v + g; w -= lr*v) and Adam
// (Kingma & Ba 2015, with bias correction). State is allocated once per network shape.
#pragma once

#include "tensor.h"
#include "threadteam.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

enum class OptimizerKind { Sgd, Adam };
std::optional<OptimizerKind> optimizerFromName(std::string_view name); // "sgd", "adam"
std::string optimizerName(OptimizerKind kind);

struct OptimizerSettings
{
    OptimizerKind kind = OptimizerKind::Sgd;
    float momentum = 0.9f; // SGD
    float beta1 = 0.9f; // Adam
    float beta2 = 0.999f; // Adam
    float epsilon = 1e-8f; // Adam
};

class Network;

// Count, sum, sum of squares, minimum and maximum of a set of weights, mergeable across the
// row ranges different threads update.
struct WeightSummary
{
    double count = 0;
    double sum = 0;
    double sumSquares = 0;
    float minimum = 0;
    float maximum = 0;

    void add(const float *values, Eigen::Index size);
    void merge(const WeightSummary &other);
    double mean() const { return count > 0 ? sum / count : 0.0; }
    double standardDeviation() const;
};

class Optimizer
{
public:
    Optimizer(const Network &network, OptimizerSettings settings = {});

    // One update of every parameter with the gradients given layer by layer.
    // weightGradients[i] has the shape of layer i's weights, biasGradients[i] of its bias.
    void step(Network &network, const std::vector<Matrix> &weightGradients, const std::vector<Vector> &biasGradients,
              float learningRate);

    // The same in pieces: beginStep() once, then update() for every layer's rows (row ranges
    // may be updated by different threads). With `summary`, it also summarises the updated
    // weights of those rows (while they are in cache: nearly free).
    void beginStep();
    void update(Network &network, int layer, IndexRange rows, const Matrix &weightGradient, const Vector &biasGradient,
                float learningRate, WeightSummary *summary = nullptr);

    // The same split the other way (the trainer's split: each member's block of a column-major
    // matrix is contiguous): columns `columns` of layer `layer`'s weights, and separately rows
    // `rows` of its bias. With `summary`, also summarises those updated weights.
    void updateWeightColumns(Network &network, int layer, IndexRange columns, const Matrix &weightGradient,
                             float learningRate, WeightSummary *summary = nullptr);
    void updateBias(Network &network, int layer, IndexRange rows, const Vector &biasGradient, float learningRate);

    const OptimizerSettings &settings() const { return m_settings; }
    long long stepCount() const { return m_steps; }

private:
    OptimizerSettings m_settings;
    long long m_steps = 0;
    float m_correction1 = 1; // Adam bias corrections for the current step
    float m_correction2 = 1;
    std::vector<Matrix> m_weightMoment1; // velocity (SGD) or first moment (Adam)
    std::vector<Vector> m_biasMoment1;
    std::vector<Matrix> m_weightMoment2; // Adam only
    std::vector<Vector> m_biasMoment2;
};

} // namespace core
