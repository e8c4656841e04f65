// Where the learning views get what they analyse: immutable network snapshots and the loaded
// MNIST. The window binds these to the shared server::Session; tests bind them to fixtures.
#pragma once

#include "dataset.h"
#include "network.h"
#include "trainingevents.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

struct AnalysisSource
{
    std::function<std::shared_ptr<const core::Network>()> weights; // the current network
    std::function<std::shared_ptr<const core::Network>()> initialWeights; // where the run started
    std::function<std::vector<std::shared_ptr<const core::Network>>()> trajectory; // the run's snapshots
    std::function<std::shared_ptr<const core::MnistData>()> data; // null until loaded
    std::function<std::optional<core::ConfusionMatrix>()> confusion; // the last epoch's
    std::function<float()> learningRate;
    std::function<int()> batchSize;
};
