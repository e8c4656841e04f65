// SGD with momentum and Adam over every layer's weights and biases.
#include "optimizer.h"

#include "network.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace core {

std::optional<OptimizerKind> optimizerFromName(std::string_view name)
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "sgd")
        return OptimizerKind::Sgd;
    if (lower == "adam")
        return OptimizerKind::Adam;
    return std::nullopt;
}

std::string optimizerName(OptimizerKind kind)
{
    return kind == OptimizerKind::Adam ? "adam" : "sgd";
}

Optimizer::Optimizer(const Network &network, OptimizerSettings settings) : m_settings(settings)
{
    for (int l = 0; l < network.layerCount(); ++l) {
        const DenseLayer &layer = network.layer(l);
        m_weightMoment1.push_back(Matrix::Zero(layer.outputSize(), layer.inputSize()));
        m_biasMoment1.push_back(Vector::Zero(layer.outputSize()));
        if (settings.kind == OptimizerKind::Adam) {
            m_weightMoment2.push_back(Matrix::Zero(layer.outputSize(), layer.inputSize()));
            m_biasMoment2.push_back(Vector::Zero(layer.outputSize()));
        }
    }
}

namespace {
// v = mu v + g;  w -= lr v   (PyTorch's SGD momentum convention)
template <typename Parameter, typename Gradient, typename Velocity>
void sgdUpdate(Parameter &&parameter, const Gradient &gradient, Velocity &&velocity, float momentum, float learningRate)
{
    // One pass per column (column-major blocks: each column's rows are contiguous).
    const Eigen::Index rows = parameter.rows();
    for (Eigen::Index column = 0; column < parameter.cols(); ++column) {
        float *w = &parameter.coeffRef(0, column);
        float *v = &velocity.coeffRef(0, column);
        const float *g = &gradient.coeff(0, column);
        for (Eigen::Index i = 0; i < rows; ++i) {
            v[i] = momentum * v[i] + g[i];
            w[i] -= learningRate * v[i];
        }
    }
}

// m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  w -= lr * m_hat / (sqrt(v_hat) + eps)
template <typename Parameter, typename Gradient, typename Moment>
void adamUpdate(Parameter &&parameter, const Gradient &gradient, Moment &&first, Moment &&second,
                const OptimizerSettings &s, float correction1, float correction2, float learningRate)
{
    first = s.beta1 * first + (1.0f - s.beta1) * gradient;
    second.array() = s.beta2 * second.array() + (1.0f - s.beta2) * gradient.array().square();
    parameter.array() -= learningRate * (first.array() / correction1)
                         / ((second.array() / correction2).sqrt() + s.epsilon);
}
} // namespace

void Optimizer::step(Network &network, const std::vector<Matrix> &weightGradients,
                     const std::vector<Vector> &biasGradients, float learningRate)
{
    beginStep();
    for (int l = 0; l < network.layerCount(); ++l)
        update(network, l, network.layer(l).allRows(), weightGradients[l], biasGradients[l], learningRate);
}

void Optimizer::beginStep()
{
    ++m_steps;
    m_correction1 = 1.0f - float(std::pow(double(m_settings.beta1), double(m_steps)));
    m_correction2 = 1.0f - float(std::pow(double(m_settings.beta2), double(m_steps)));
}

void Optimizer::update(Network &network, int l, RowRange rows, const Matrix &weightGradient,
                       const Vector &biasGradient, float learningRate)
{
    DenseLayer &layer = network.layer(l);
    const Eigen::Index begin = rows.begin, count = rows.size();
    auto weights = layer.weights().middleRows(begin, count);
    auto weightGradientRows = weightGradient.middleRows(begin, count);
    auto weightMoment = m_weightMoment1[l].middleRows(begin, count);
    auto bias = layer.bias().segment(begin, count);
    auto biasGradientRows = biasGradient.segment(begin, count);
    auto biasMoment = m_biasMoment1[l].segment(begin, count);
    if (m_settings.kind == OptimizerKind::Sgd) {
        sgdUpdate(weights, weightGradientRows, weightMoment, m_settings.momentum, learningRate);
        sgdUpdate(bias, biasGradientRows, biasMoment, m_settings.momentum, learningRate);
    } else {
        auto weightMoment2 = m_weightMoment2[l].middleRows(begin, count);
        auto biasMoment2 = m_biasMoment2[l].segment(begin, count);
        adamUpdate(weights, weightGradientRows, weightMoment, weightMoment2, m_settings, m_correction1,
                   m_correction2, learningRate);
        adamUpdate(bias, biasGradientRows, biasMoment, biasMoment2, m_settings, m_correction1, m_correction2,
                   learningRate);
    }
}

} // namespace core
