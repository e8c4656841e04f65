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
    // What setInputImage called the input ("Ada's drawing"); empty when the canvas is the input.
    QString inputCaption() const { return m_external ? m_caption : QString(); }

public slots:
    void clear();
    // Runs preprocessing and prediction now (normally coalesced after drawing changes).
    void predictNow();
    // Makes a ready 28x28 image (784 values, 0..1) the input, as if drawn: the canvas clears,
    // the preview shows it and the network predicts it. Drawing again replaces it.
    void setInputImage(const std::vector<float> &pixels, const QString &caption);

signals:
    void predictionReady(const core::Prediction &prediction);
    void cleared();

private:
    void predictInput(); // m_input through the network: bars, verdict, predictionReady

    DrawingCanvas *m_canvas;
    DigitPreview *m_preview;
    ProbabilityBars *m_bars;
    QLabel *m_verdict;
    QLabel *m_hint;
    QTimer *m_coalesce;
    std::shared_ptr<const core::Network> m_network;
    bool m_trained = false;
    core::PreprocessedDrawing m_input;
    bool m_external = false; // m_input came from setInputImage, not the canvas
    QString m_caption;
    core::Prediction m_prediction;
};
