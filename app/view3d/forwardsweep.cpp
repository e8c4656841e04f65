#include "forwardsweep.h"

#include <algorithm>
#include <cmath>

ForwardSweep::ForwardSweep(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(kFrameMs);
    connect(&m_timer, &QTimer::timeout, this, &ForwardSweep::tick);
}

ForwardSweep::~ForwardSweep() = default;

void ForwardSweep::start(const std::vector<std::vector<float>> &activations)
{
    m_full = activations;
    m_clock.start();
    m_timer.start();
    emit frame(frameAt(m_full, 0));
}

void ForwardSweep::stop()
{
    m_timer.stop();
}

void ForwardSweep::tick()
{
    const double progress = std::min(1.0, double(m_clock.elapsed()) / kDurationMs);
    if (progress >= 1.0) {
        m_timer.stop();
        emit finished(m_full);
        return;
    }
    emit frame(frameAt(m_full, progress));
}

std::vector<std::vector<float>> ForwardSweep::frameAt(const std::vector<std::vector<float>> &full, double progress)
{
    std::vector<std::vector<float>> shown = full;
    // The input is known from the start; the sweep runs over the layers after it.
    const double front = 1.0 + std::clamp(progress, 0.0, 1.0) * double(std::max<std::size_t>(full.size(), 1) - 1);
    for (std::size_t layer = 0; layer < shown.size(); ++layer) {
        const double reached = front - double(layer); // >= 1: whole layer; 0..1: part of it
        if (reached >= 1.0)
            continue;
        const std::size_t lit = reached <= 0 ? 0 : std::size_t(std::floor(reached * double(shown[layer].size())));
        std::fill(shown[layer].begin() + std::ptrdiff_t(lit), shown[layer].end(), 0.0f);
    }
    return shown;
}
