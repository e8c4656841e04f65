// The Qt 3D scene of the network: one instanced draw for all neurons, one line buffer for the
// strongest connections, one instanced draw for the backprop particles (animated in the vertex
// shader), and text labels. All entities hang off one root. Each setter rewrites only the
// buffer it owns; nothing here runs per frame except the particle clock uniform.
#pragma once

#include "connectionselector.h"
#include "networklayout.h"

#include <QObject>

#include <vector>

namespace Qt3DCore {
class QAttribute;
class QBuffer;
class QEntity;
class QGeometry;
} // namespace Qt3DCore
namespace Qt3DRender {
class QGeometryRenderer;
class QParameter;
} // namespace Qt3DRender

class NetworkScene : public QObject
{
    Q_OBJECT
public:
    explicit NetworkScene(Qt3DCore::QEntity *root, QObject *parent = nullptr);
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
    bool connectionsVisible() const { return m_connectionsVisible; }
    bool particlesVisible() const { return m_particlesVisible; }
    // True when particles are shown and have something to animate (the view renders continuously).
    bool isAnimating() const { return m_particlesVisible && m_particleCount > 0; }
    void advanceClock(float seconds);

    void setSelectedNeuron(NeuronId id);
    NeuronId selectedNeuron() const { return m_selected; }

    // What was uploaded last (for tests and the inspector).
    const std::vector<float> &neuronColors() const { return m_colors; } // rgba per neuron
    const std::vector<Connection> &connections() const { return m_connections; }
    int particleCount() const { return m_particleCount; }
    int lineCount() const { return int(m_connections.size()); }

signals:
    // Something visible changed: the next frame renders new content.
    void contentChanged();

private:
    void createNeurons();
    void createConnections();
    void createParticles();
    void rebuildLabels(const QStringList &layerTitles);
    void uploadOffsets();
    void uploadColors();
    void uploadLines();

    Qt3DCore::QEntity *m_root;
    NetworkLayout m_layout;
    std::vector<std::vector<float>> m_activations;
    std::vector<float> m_colors;
    std::vector<Connection> m_connections;
    NeuronId m_selected;
    bool m_connectionsVisible = true;
    bool m_particlesVisible = true;
    bool m_labelsVisible = true;
    int m_particleCount = 0;
    float m_clock = 0;

    // Neurons are drawn in two instanced batches: the input pixels as flat tiles (the image
    // reads as an image, at 12 triangles each) and every other neuron as a sphere.
    struct InstanceBatch
    {
        Qt3DCore::QBuffer *offsets = nullptr;
        Qt3DCore::QBuffer *colors = nullptr;
        Qt3DCore::QAttribute *offsetAttribute = nullptr;
        Qt3DCore::QAttribute *colorAttribute = nullptr;
        Qt3DRender::QGeometryRenderer *renderer = nullptr;
        int first = 0; // flat index of the first neuron in the batch
        int count = 0;
    };
    void createBatch(InstanceBatch &batch, Qt3DCore::QGeometry *geometry, Qt3DCore::QEntity *entity,
                     const QString &shader);
    InstanceBatch m_tiles;
    InstanceBatch m_spheres;

    Qt3DCore::QEntity *m_lineEntity = nullptr;
    Qt3DCore::QBuffer *m_lineBuffer = nullptr;
    Qt3DCore::QAttribute *m_linePositionAttribute = nullptr;
    Qt3DCore::QAttribute *m_lineColorAttribute = nullptr;
    Qt3DRender::QGeometryRenderer *m_lineRenderer = nullptr;

    Qt3DCore::QEntity *m_particleEntity = nullptr;
    Qt3DCore::QBuffer *m_particleBuffer = nullptr;
    std::vector<Qt3DCore::QAttribute *> m_particleAttributes;
    Qt3DRender::QGeometryRenderer *m_particleRenderer = nullptr;
    Qt3DRender::QParameter *m_timeParameter = nullptr;

    Qt3DCore::QEntity *m_labelRoot = nullptr;
};
