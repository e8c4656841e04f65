// The weight painter: paint one first-layer neuron's 28x28 incoming weights with a positive
// (excite) or negative (inhibit) brush and watch the prediction for the current drawing change.
// It paints a private copy of the network: the session's weights are never touched.
#pragma once

#include "analysissource.h"
#include "network.h"

#include <QWidget>

#include <array>
#include <optional>

class ProbabilityBars;
class QLabel;
class QRadioButton;
class QSlider;
class QSpinBox;

class WeightPainterView : public QWidget
{
    Q_OBJECT
public:
    explicit WeightPainterView(AnalysisSource source, QWidget *parent = nullptr);
    ~WeightPainterView() override;

    void refresh(); // new session weights: taken over unless something is painted
    void reset(); // a fresh copy of the session's weights
    void setNeuron(int neuron);
    void setDrawing(const std::optional<std::array<float, 784>> &pixels);
    // Paints at a point of the 28x28 grid (x = column, y = row, 0..28) with the current brush.
    void paintAt(float x, float y);
    void setBrush(int sign, float strength, float radius);
    const std::optional<core::Network> &scratch() const { return m_scratch; }
    const std::optional<core::Prediction> &prediction() const { return m_painted; }
    QWidget *canvas() const { return m_canvas; }

signals:
    void predictionChanged();

private:
    void updatePrediction();

    AnalysisSource m_source;
    std::shared_ptr<const core::Network> m_original;
    std::optional<core::Network> m_scratch;
    std::optional<std::array<float, 784>> m_drawing;
    std::optional<core::Prediction> m_painted;
    int m_neuron = 0;
    bool m_dirty = false;
    QSpinBox *m_neuronBox;
    QRadioButton *m_excite;
    QRadioButton *m_inhibit = nullptr;
    QSlider *m_strength;
    QSpinBox *m_radius;
    QWidget *m_canvas; // PaintCanvas
    QLabel *m_status;
    ProbabilityBars *m_bars;
};
