// What the 3D view shows of the network, prepared on the GUI thread: instance buffers for all
// neurons, one line buffer for the strongest connections, the backprop particles (animated in
// the vertex shader) and the label atlas. Each setter rebuilds only the buffer it owns and hands
// it to the render thread through the SceneChannel (ViewEngine draws it); nothing here runs per
// frame, and nothing here waits for the renderer.
#pragma once

#include "connectionselector.h"
#include "networklayout.h"
#include "scenechannel.h"
#include "viewpalette.h"

#include <QObject>

#include <memory>
#include <vector>

class NetworkScene : public QObject
{
    Q_OBJECT
public:
    explicit NetworkScene(std::shared_ptr<SceneChannel> channel, QObject *parent = nullptr);
    ~NetworkScene() override;

    const NetworkLayout &layout() const { return m_layout; }
    // Rebuilds positions and labels for new drawn layer sizes ({784, ..., 10}); clears colours,
    // connections and particles.
    void setArchitecture(const std::vector<int> &sizes, const QStringList &layerTitles = {});
    // One array per drawn layer (sizes must match the architecture; otherwise ignored, false).
    bool setActivations(const std::vector<std::vector<float>> &activations);
    // Dense weight matrices (out, in) per dense layer; selects and uploads the connections.
    bool setWeights(const std::vector<core::Matrix> &weights);
    // Per dense layer: mean |dL/dz| per neuron (drawn layer l + 1), and the layer means.
    void setGradients(const std::vector<std::vector<float>> &neuronGradients, const std::vector<float> &layerGradients);
    void clearGradients();

    void setConnectionsVisible(bool visible);
    void setParticlesVisible(bool visible);
    void setLabelsVisible(bool visible);
    // The dark or the light theme's colours: recolours everything drawn and the background.
    void setPalette(const ViewPalette &palette);
    const ViewPalette &palette() const { return m_palette; }
    bool connectionsVisible() const { return m_connectionsVisible; }
    bool particlesVisible() const { return m_particlesVisible; }
    bool labelsVisible() const { return m_labelsVisible; }
    // True when particles are shown and have something to animate.
    bool isAnimating() const { return m_particlesVisible && m_particleCount > 0; }

    void setSelectedNeuron(NeuronId id);
    NeuronId selectedNeuron() const { return m_selected; }
    // Neurons marked in red (the learning views' dead or saturated units); empty clears.
    void setHighlightedNeurons(const std::vector<NeuronId> &neurons);
    const std::vector<NeuronId> &highlightedNeurons() const { return m_highlighted; }

    // What was uploaded last (for tests and the inspector).
    const std::vector<float> &neuronColors() const { return m_colors; } // rgba per neuron
    const std::vector<Connection> &connections() const { return m_connections; }
    int particleCount() const { return m_particleCount; }
    int lineCount() const { return int(m_connections.size()); }

signals:
    // Something visible changed: the next frame renders new content.
    void contentChanged();

private:
    void rebuildLabels(const QStringList &layerTitles);
    void uploadOffsets();
    void uploadColors();
    void uploadLines();
    void publishVisibility();

    void recolorActivations();

    std::shared_ptr<SceneChannel> m_channel;
    ViewPalette m_palette;
    QStringList m_layerTitles;
    NetworkLayout m_layout;
    std::vector<std::vector<float>> m_activations;
    std::vector<float> m_colors;
    std::vector<Connection> m_connections;
    NeuronId m_selected;
    std::vector<NeuronId> m_highlighted;
    bool m_connectionsVisible = true;
    bool m_particlesVisible = true;
    bool m_labelsVisible = true;
    int m_particleCount = 0;
    // Neurons are drawn in two instanced batches: the input pixels as flat tiles (the image
    // reads as an image, at 12 triangles each) and every other neuron as a sphere.
    int m_tileCount = 0; // flat indices [0, m_tileCount) are tiles, the rest spheres
};
