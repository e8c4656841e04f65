// The learned-features gallery: every first-layer neuron's 784 incoming weights as a 28x28 tile
// (what it "looks for"), sortable by index, weight norm or firing rate on the first 1000 test
// images, on a per-tile or a shared colour scale; and for any neuron of any layer, the test
// images that activate it most and their mean. Clicking a tile selects the neuron everywhere.
#pragma once

#include "analysis/features.h"
#include "analysis/subsetpass.h"
#include "analysis/topimages.h"
#include "analysissource.h"
#include "networklayout.h"

#include <QWidget>

#include <optional>

class AnalysisWorker;
class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

class FeaturesGallery : public QWidget
{
    Q_OBJECT
public:
    enum class Sort { Index, WeightNorm, FiringRate };
    static constexpr int kStatisticsImages = 1000;
    static constexpr int kTopImages = 9;

    FeaturesGallery(AnalysisSource source, AnalysisWorker *worker, QWidget *parent = nullptr);
    ~FeaturesGallery() override;

    // Takes the current weights and recomputes the statistics on the worker.
    void refresh();
    // Shows the top test images of a drawn-layer neuron (layer >= 1); from the 3D selection too.
    void showNeuron(NeuronId id);

    void setSort(Sort sort);
    void setSharedScale(bool shared);
    int tileCount() const;
    std::vector<int> order() const { return m_order; } // tile position -> neuron
    QImage tileImage(int neuron) const;
    QRect tileRect(int position) const; // in tileArea() coordinates
    QWidget *tileArea() const;
    const core::NeuronStatistics &statistics() const { return m_statistics; }
    const core::TopImages &topImages() const { return m_top; }

signals:
    void neuronChosen(NeuronId id);
    void topImagesReady();
    void statisticsReady();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override; // paints the legend

private:
    void rebuildTiles();
    void requestTopImages();
    void showTopImages();

    AnalysisSource m_source;
    AnalysisWorker *m_worker;
    std::shared_ptr<const core::Network> m_network;
    core::NeuronStatistics m_statistics;
    core::TopImages m_top;
    NeuronId m_detail{1, 0};
    std::optional<NeuronId> m_topPending; // the neuron whose top images are being computed
    Sort m_sort = Sort::Index;
    bool m_shared = false;
    bool m_statisticsPending = false;
    bool m_refreshAgain = false;
    std::vector<int> m_order;
    QComboBox *m_sortBox;
    QCheckBox *m_sharedBox;
    QLabel *m_summary;
    QWidget *m_tiles; // FeatureTiles
    QSpinBox *m_layerBox;
    QSpinBox *m_neuronBox;
    QLabel *m_detailTitle;
    QWidget *m_detailImages; // top images strip
    QWidget *m_legend = nullptr;
    float m_sharedScale = 1; // the largest |weight| of the first layer
};
