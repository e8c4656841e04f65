// "Draw & predict": the canvas, the 28x28 the network sees (core::preprocessDrawing), the
// probability bars and the verdict. Prediction runs on the network snapshot it is given
// (a shared, immutable copy: never the network being trained), coalesced to one per event-loop
// turn while a stroke is in progress.
#pragma once

#include "network.h"
#include "preprocess.h"

#include <QWidget>

#include <memory>

class DrawingCanvas;
class DigitPreview;
class ProbabilityBars;
class QLabel;
class QTimer;

class DrawPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DrawPanel(QWidget *parent = nullptr);
    ~DrawPanel() override;

    void setNetwork(std::shared_ptr<const core::Network> network, bool trained);
    DrawingCanvas *canvas() const { return m_canvas; }
    const core::PreprocessedDrawing &input() const { return m_input; }
    // The last prediction; digit -1 when the canvas is empty or there is no network.
    const core::Prediction &prediction() const { return m_prediction; }

public slots:
    void clear();
    // Runs preprocessing and prediction now (normally coalesced after drawing changes).
    void predictNow();

signals:
    void predictionReady(const core::Prediction &prediction);
    void cleared();

private:
    DrawingCanvas *m_canvas;
    DigitPreview *m_preview;
    ProbabilityBars *m_bars;
    QLabel *m_verdict;
    QLabel *m_hint;
    QTimer *m_coalesce;
    std::shared_ptr<const core::Network> m_network;
    bool m_trained = false;
    core::PreprocessedDrawing m_input;
    core::Prediction m_prediction;
};
