// SGD with momentum and Adam over every layer's weights and biases.
#include "optimizer.h"

#include "isa/kernels.h"
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

void WeightSummary::add(const float *values, Eigen::Index size)
{
    if (size == 0)
        return;
    const Eigen::Map<const Vector> v(values, size);
    const float low = v.minCoeff(), high = v.maxCoeff();
    minimum = count > 0 ? std::min(minimum, low) : low;
    maximum = count > 0 ? std::max(maximum, high) : high;
    count += double(size);
    sum += double(v.sum());
    sumSquares += double(v.squaredNorm());
}

void WeightSummary::merge(const WeightSummary &other)
{
    if (other.count == 0)
        return;
    minimum = count > 0 ? std::min(minimum, other.minimum) : other.minimum;
    maximum = count > 0 ? std::max(maximum, other.maximum) : other.maximum;
    count += other.count;
    sum += other.sum;
    sumSquares += other.sumSquares;
}

double WeightSummary::standardDeviation() const
{
    if (count <= 0)
        return 0;
    const double m = mean();
    return std::sqrt(std::max(0.0, sumSquares / count - m * m));
}

namespace {
// v = mu v + g;  w -= lr v   (PyTorch's SGD momentum convention)
template <typename Parameter, typename Gradient, typename Velocity>
void sgdUpdate(Parameter &&parameter, const Gradient &gradient, Velocity &&velocity, float momentum, float learningRate,
               WeightSummary *summary = nullptr)
{
    // One pass per column (column-major blocks: each column's rows are contiguous); the
    // summary reads the column again while it is in L1.
    const isa::Kernels &kernels = isa::kernels();
    const Eigen::Index rows = parameter.rows();
    for (Eigen::Index column = 0; column < parameter.cols(); ++column) {
        float *w = &parameter.coeffRef(0, column);
        kernels.sgd(w, &velocity.coeffRef(0, column), &gradient.coeff(0, column), rows, momentum, learningRate);
        if (summary)
            summary->add(w, rows);
    }
}

// m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  w -= lr * m_hat / (sqrt(v_hat) + eps)
template <typename Parameter, typename Gradient, typename FirstMoment, typename SecondMoment>
void adamUpdate(Parameter &&parameter, const Gradient &gradient, FirstMoment &&first, SecondMoment &&second,
                const OptimizerSettings &s, float correction1, float correction2, float learningRate)
{
    const isa::Kernels &kernels = isa::kernels();
    const Eigen::Index rows = parameter.rows();
    for (Eigen::Index column = 0; column < parameter.cols(); ++column)
        kernels.adam(&parameter.coeffRef(0, column), &first.coeffRef(0, column), &second.coeffRef(0, column),
                     &gradient.coeff(0, column), rows, s.beta1, s.beta2, s.epsilon, correction1, correction2,
                     learningRate);
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

void Optimizer::update(Network &network, int l, IndexRange rows, const Matrix &weightGradient,
                       const Vector &biasGradient, float learningRate, WeightSummary *summary)
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
        sgdUpdate(weights, weightGradientRows, weightMoment, m_settings.momentum, learningRate, summary);
        sgdUpdate(bias, biasGradientRows, biasMoment, m_settings.momentum, learningRate);
    } else {
        auto weightMoment2 = m_weightMoment2[l].middleRows(begin, count);
        auto biasMoment2 = m_biasMoment2[l].segment(begin, count);
        adamUpdate(weights, weightGradientRows, weightMoment, weightMoment2, m_settings, m_correction1, m_correction2,
                   learningRate);
        adamUpdate(bias, biasGradientRows, biasMoment, biasMoment2, m_settings, m_correction1, m_correction2,
                   learningRate);
        if (summary)
            for (Eigen::Index column = 0; column < weights.cols(); ++column)
                summary->add(&weights.coeffRef(0, column), count);
    }
}

} // namespace core

namespace core {

void Optimizer::updateWeightColumns(Network &network, int l, IndexRange columns, const Matrix &weightGradient,
                                    float learningRate, WeightSummary *summary)
{
    const Eigen::Index begin = columns.begin, count = columns.size();
    auto weights = network.layer(l).weights().middleCols(begin, count);
    const auto gradient = weightGradient.middleCols(begin, count);
    auto moment = m_weightMoment1[l].middleCols(begin, count);
    if (m_settings.kind == OptimizerKind::Sgd) {
        sgdUpdate(weights, gradient, moment, m_settings.momentum, learningRate, summary);
        return;
    }
    adamUpdate(weights, gradient, moment, m_weightMoment2[l].middleCols(begin, count), m_settings, m_correction1,
               m_correction2, learningRate);
    if (summary && count > 0)
        summary->add(weights.data(), weights.size()); // contiguous: whole columns
}

void Optimizer::updateBias(Network &network, int l, IndexRange rows, const Vector &biasGradient, float learningRate)
{
    const Eigen::Index begin = rows.begin, count = rows.size();
    auto bias = network.layer(l).bias().segment(begin, count);
    const auto gradient = biasGradient.segment(begin, count);
    auto moment = m_biasMoment1[l].segment(begin, count);
    if (m_settings.kind == OptimizerKind::Sgd)
        sgdUpdate(bias, gradient, moment, m_settings.momentum, learningRate);
    else
        adamUpdate(bias, gradient, moment, m_biasMoment2[l].segment(begin, count), m_settings, m_correction1,
                   m_correction2, learningRate);
}

} // namespace core
