// The forward pass made visible: a prediction's real activations revealed layer by layer, from
// the input (shown at once) to the output, over about a second, the front layer filling in
// neuron by neuron; what is not reached yet stays dark.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

class ForwardSweep : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDurationMs = 1000;
    static constexpr int kFrameMs = 40;

    explicit ForwardSweep(QObject *parent = nullptr);
    ~ForwardSweep() override;

    void start(const std::vector<std::vector<float>> &activations); // restarts when running
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    // What is shown at `progress` (0..1) of the sweep: 1 is `full` itself.
    static std::vector<std::vector<float>> frameAt(const std::vector<std::vector<float>> &full, double progress);

signals:
    void frame(const std::vector<std::vector<float>> &activations);
    void finished(const std::vector<std::vector<float>> &activations);

private:
    void tick();

    std::vector<std::vector<float>> m_full;
    QTimer m_timer;
    QElapsedTimer m_clock;
};
