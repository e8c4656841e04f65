// Small multiples of every layer's weights, biases, activations and weight gradients (on the
// first 1000 test images), with the dead (ReLU) or saturated (sigmoid, tanh) units of each
// hidden layer; clicking that count shows those neurons in the 3D view.
#pragma once

#include "analysis/histograms.h"
#include "analysissource.h"
#include "networklayout.h"

#include <QWidget>

class AnalysisWorker;

class HistogramsView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kImages = 1000;
    static constexpr int kBins = 30;

    HistogramsView(AnalysisSource source, AnalysisWorker *worker, QWidget *parent = nullptr);
    ~HistogramsView() override;

    void refresh();
    const std::vector<core::LayerHistograms> &layers() const { return m_layers; }
    // Where the dead/saturated count of dense layer `layerIndex` is drawn (empty when none).
    QRect unitsLinkRect(int layerIndex) const;
    QSize sizeHint() const override { return {760, 520}; }

signals:
    // The dead or saturated units of a layer (drawn-layer ids), to highlight in 3D.
    void neuronsChosen(const std::vector<NeuronId> &neurons);
    void histogramsReady();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override; // a hand over the clickable counts

private:
    AnalysisSource m_source;
    AnalysisWorker *m_worker;
    std::vector<core::LayerHistograms> m_layers;
    std::vector<QRect> m_links; // per layer, the clickable count
    bool m_pending = false;
    bool m_again = false;
    QString m_message;
};
