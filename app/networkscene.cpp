#include "networkscene.h"

#include "colorscheme.h"
#include "labelatlas.h"
#include "quadgeometry.h"
#include "shadermaterial.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QEntity>
#include <Qt3DCore/QGeometry>
#include <Qt3DCore/QTransform>
#include <Qt3DRender/QGeometryRenderer>
#include <Qt3DRender/QParameter>


#include <algorithm>
#include <cmath>
#include <random>

using Qt3DCore::QAttribute;
using Qt3DCore::QBuffer;

namespace {

constexpr int kParticleBudget = 260;
constexpr int kParticleFloats = 12; // start xyz+phase, end xyz+speed, rgb+radius

QAttribute *addAttribute(Qt3DCore::QGeometry *geometry, QBuffer *buffer, const QString &name, int size,
                         int strideFloats, int offsetFloats, bool perInstance)
{
    auto *attribute = new QAttribute(geometry);
    attribute->setName(name);
    attribute->setAttributeType(QAttribute::VertexAttribute);
    attribute->setVertexBaseType(QAttribute::Float);
    attribute->setVertexSize(uint(size));
    attribute->setByteStride(uint(strideFloats * sizeof(float)));
    attribute->setByteOffset(uint(offsetFloats * sizeof(float)));
    attribute->setDivisor(perInstance ? 1 : 0);
    attribute->setBuffer(buffer);
    geometry->addAttribute(attribute);
    return attribute;
}

QByteArray toBytes(const std::vector<float> &values, std::size_t first = 0, std::size_t count = std::size_t(-1))
{
    count = std::min(count, values.size() - std::min(first, values.size()));
    return QByteArray(reinterpret_cast<const char *>(values.data() + first), qsizetype(count * sizeof(float)));
}

} // namespace

NetworkScene::NetworkScene(Qt3DCore::QEntity *root, QObject *parent) : QObject(parent), m_root(root)
{
    createConnections();
    createNeurons();
    createParticles();
    m_labelRoot = new Qt3DCore::QEntity(m_root);
}

NetworkScene::~NetworkScene() = default;

void NetworkScene::createBatch(InstanceBatch &batch, Qt3DCore::QGeometry *geometry, Qt3DCore::QEntity *entity,
                               const QString &shader)
{
    batch.offsets = new QBuffer(geometry);
    batch.offsets->setUsage(QBuffer::StaticDraw);
    batch.colors = new QBuffer(geometry);
    batch.colors->setUsage(QBuffer::DynamicDraw);
    batch.offsetAttribute = addAttribute(geometry, batch.offsets, QStringLiteral("instanceOffset"), 4, 4, 0, true);
    batch.colorAttribute = addAttribute(geometry, batch.colors, QStringLiteral("instanceColor"), 4, 4, 0, true);
    batch.renderer = new Qt3DRender::QGeometryRenderer(entity);
    batch.renderer->setGeometry(geometry);
    batch.renderer->setInstanceCount(0);
    entity->addComponent(batch.renderer);
    entity->addComponent(new ShaderMaterial(shader, Blending::Opaque, entity));
}

void NetworkScene::createNeurons()
{
    auto *tileEntity = new Qt3DCore::QEntity(m_root);
    // Every neuron is one quad (2 triangles): software rasterisers pay per triangle, and the
    // spheres are shaded as spheres in the fragment shader (impostors).
    createBatch(m_tiles, new QuadGeometry(QuadGeometry::Facing::SideX, tileEntity), tileEntity, QStringLiteral("neuron"));
    auto *sphereEntity = new Qt3DCore::QEntity(m_root);
    createBatch(m_spheres, new QuadGeometry(QuadGeometry::Facing::Camera, sphereEntity), sphereEntity,
                QStringLiteral("sphere"));
}

void NetworkScene::createConnections()
{
    m_lineEntity = new Qt3DCore::QEntity(m_root);
    auto *geometry = new Qt3DCore::QGeometry(m_lineEntity);
    m_lineBuffer = new QBuffer(geometry);
    m_lineBuffer->setUsage(QBuffer::DynamicDraw);
    m_linePositionAttribute = addAttribute(geometry, m_lineBuffer, QAttribute::defaultPositionAttributeName(), 3, 7, 0, false);
    m_lineColorAttribute = addAttribute(geometry, m_lineBuffer, QAttribute::defaultColorAttributeName(), 4, 7, 3, false);
    m_lineRenderer = new Qt3DRender::QGeometryRenderer(m_lineEntity);
    m_lineRenderer->setGeometry(geometry);
    m_lineRenderer->setPrimitiveType(Qt3DRender::QGeometryRenderer::Lines);
    m_lineRenderer->setVertexCount(0);
    m_lineEntity->addComponent(m_lineRenderer);
    m_lineEntity->addComponent(new ShaderMaterial(QStringLiteral("line"), Blending::Additive, m_lineEntity));
    m_lineEntity->setEnabled(false);
}

void NetworkScene::createParticles()
{
    m_particleEntity = new Qt3DCore::QEntity(m_root);
    auto *geometry = new QuadGeometry(QuadGeometry::Facing::Camera, m_particleEntity);
    m_particleBuffer = new QBuffer(geometry);
    m_particleBuffer->setUsage(QBuffer::DynamicDraw);
    m_particleAttributes = {
        addAttribute(geometry, m_particleBuffer, QStringLiteral("instanceStart"), 4, kParticleFloats, 0, true),
        addAttribute(geometry, m_particleBuffer, QStringLiteral("instanceEnd"), 4, kParticleFloats, 4, true),
        addAttribute(geometry, m_particleBuffer, QStringLiteral("instanceColor"), 4, kParticleFloats, 8, true),
    };
    m_particleRenderer = new Qt3DRender::QGeometryRenderer(m_particleEntity);
    m_particleRenderer->setGeometry(geometry);
    m_particleRenderer->setInstanceCount(0);
    m_particleEntity->addComponent(m_particleRenderer);
    auto *material = new ShaderMaterial(QStringLiteral("particle"), Blending::Additive, m_particleEntity);
    m_timeParameter = new Qt3DRender::QParameter(QStringLiteral("time"), 0.0f, material);
    material->addParameter(m_timeParameter);
    m_particleEntity->addComponent(material);
    m_particleEntity->setEnabled(false);
}

void NetworkScene::setArchitecture(const std::vector<int> &sizes, const QStringList &layerTitles)
{
    m_layout = NetworkLayout(sizes);
    m_activations.clear();
    m_selected = {};
    m_colors.assign(std::size_t(m_layout.neuronCount()) * 4, 0.0f);
    for (int i = 0; i < m_layout.neuronCount(); ++i) {
        const QColor c = colorscheme::idle;
        m_colors[i * 4 + 0] = float(c.redF());
        m_colors[i * 4 + 1] = float(c.greenF());
        m_colors[i * 4 + 2] = float(c.blueF());
    }
    const int inputs = m_layout.layerCount() > 0 ? m_layout.sizes()[0] : 0;
    m_tiles.first = 0;
    m_tiles.count = inputs;
    m_spheres.first = inputs;
    m_spheres.count = m_layout.neuronCount() - inputs;
    uploadOffsets();
    uploadColors();
    m_tiles.renderer->setInstanceCount(m_tiles.count);
    m_spheres.renderer->setInstanceCount(m_spheres.count);
    m_connections.clear();
    uploadLines();
    clearGradients();
    rebuildLabels(layerTitles);
}

bool NetworkScene::setActivations(const std::vector<std::vector<float>> &activations)
{
    if (int(activations.size()) != m_layout.layerCount())
        return false;
    for (int layer = 0; layer < m_layout.layerCount(); ++layer)
        if (int(activations[layer].size()) != m_layout.sizes()[layer])
            return false;
    m_activations = activations;
    const int last = m_layout.layerCount() - 1;
    for (int layer = 0; layer <= last; ++layer) {
        const std::vector<float> &values = activations[layer];
        // Inputs (0..1) and output probabilities are shown as they are; hidden layers relative
        // to their strongest neuron, so ReLU layers of any scale use the whole colour range.
        float scale = 1.0f;
        if (layer != 0 && layer != last) {
            float largest = 0;
            for (float v : values)
                largest = std::max(largest, std::abs(v));
            scale = largest > 1e-6f ? 1.0f / largest : 1.0f;
        }
        const int offset = m_layout.layerOffset(layer);
        for (int i = 0; i < int(values.size()); ++i) {
            const float v = std::isfinite(values[i]) ? std::clamp(values[i] * scale, -1.0f, 1.0f) : 0.0f;
            const QColor c = colorscheme::activation(v);
            float *rgba = &m_colors[std::size_t(offset + i) * 4];
            rgba[0] = float(c.redF());
            rgba[1] = float(c.greenF());
            rgba[2] = float(c.blueF());
            rgba[3] = std::abs(v);
        }
    }
    uploadColors();
    return true;
}

bool NetworkScene::setWeights(const std::vector<core::Matrix> &weights)
{
    if (int(weights.size()) != m_layout.layerCount() - 1)
        return false;
    for (int l = 0; l < int(weights.size()); ++l)
        if (weights[l].cols() != m_layout.sizes()[l] || weights[l].rows() != m_layout.sizes()[l + 1])
            return false;
    m_connections = selectConnections(weights);
    uploadLines();
    return true;
}

void NetworkScene::uploadOffsets()
{
    emit contentChanged();
    std::vector<float> data(std::size_t(m_layout.neuronCount()) * 4);
    for (int i = 0; i < m_layout.neuronCount(); ++i) {
        const NeuronId id = m_layout.neuronAt(i);
        const QVector3D p = m_layout.position(id);
        float size = m_layout.radius(id.layer);
        if (id == m_selected)
            size *= 1.8f;
        data[i * 4 + 0] = p.x();
        data[i * 4 + 1] = p.y();
        data[i * 4 + 2] = p.z();
        data[i * 4 + 3] = size;
    }
    for (InstanceBatch *batch : {&m_tiles, &m_spheres}) {
        batch->offsets->setData(toBytes(data, batch->first * 4, batch->count * 4));
        batch->offsetAttribute->setCount(uint(batch->count));
    }
}

void NetworkScene::uploadColors()
{
    emit contentChanged();
    std::vector<float> data = m_colors;
    if (m_selected.isValid()) {
        // The selected neuron keeps its activation colour but glows orange-tinted.
        float *rgba = &data[std::size_t(m_layout.flatIndex(m_selected)) * 4];
        const QColor c = colorscheme::mix(QColor::fromRgbF(rgba[0], rgba[1], rgba[2]), colorscheme::orange, 0.7f);
        rgba[0] = float(c.redF());
        rgba[1] = float(c.greenF());
        rgba[2] = float(c.blueF());
        rgba[3] = 1.0f;
    }
    for (InstanceBatch *batch : {&m_tiles, &m_spheres}) {
        batch->colors->setData(toBytes(data, batch->first * 4, batch->count * 4));
        batch->colorAttribute->setCount(uint(batch->count));
    }
}

void NetworkScene::uploadLines()
{
    emit contentChanged();
    std::vector<float> data;
    data.reserve(m_connections.size() * 14);
    for (const Connection &c : m_connections) {
        const QVector3D a = m_layout.position({c.denseLayer, c.from});
        const QVector3D b = m_layout.position({c.denseLayer + 1, c.to});
        const QColor color = c.weight >= 0 ? colorscheme::cyan : colorscheme::orange;
        // Strength drives the alpha (additive blending: weak lines fade into the background).
        const float alpha = 0.08f + 0.62f * c.strength * c.strength;
        for (const QVector3D &p : {a, b}) {
            data.insert(data.end(), {p.x(), p.y(), p.z(), float(color.redF()), float(color.greenF()),
                                     float(color.blueF()), alpha});
        }
    }
    m_lineBuffer->setData(toBytes(data));
    const uint vertices = uint(m_connections.size() * 2);
    m_linePositionAttribute->setCount(vertices);
    m_lineColorAttribute->setCount(vertices);
    m_lineRenderer->setVertexCount(int(vertices));
    m_lineEntity->setEnabled(m_connectionsVisible && vertices > 0);
}

void NetworkScene::setGradients(const std::vector<std::vector<float>> &neuronGradients,
                                const std::vector<float> &layerGradients)
{
    const int denseLayers = m_layout.layerCount() - 1;
    if (int(neuronGradients.size()) != denseLayers || int(layerGradients.size()) != denseLayers
        || m_connections.empty()) {
        clearGradients();
        return;
    }
    float largestLayer = 0;
    for (float g : layerGradients)
        largestLayer = std::max(largestLayer, std::isfinite(g) ? g : 0.0f);
    if (largestLayer <= 0) {
        clearGradients();
        return;
    }
    // Particles are spread over the drawn connections, more where the target neuron's gradient
    // is larger; size and speed follow the layer's gradient relative to the largest layer.
    std::vector<float> data;
    data.reserve(kParticleBudget * kParticleFloats);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    const int perLayer = kParticleBudget / denseLayers;
    for (int layer = 0; layer < denseLayers; ++layer) {
        const std::vector<float> &g = neuronGradients[layer];
        std::vector<const Connection *> paths;
        std::vector<float> weights;
        float largestNeuron = 0;
        for (const Connection &c : m_connections) {
            if (c.denseLayer != layer || c.to >= int(g.size()))
                continue;
            const float value = std::isfinite(g[c.to]) ? g[c.to] : 0.0f;
            paths.push_back(&c);
            weights.push_back(value * (0.3f + c.strength));
            largestNeuron = std::max(largestNeuron, value);
        }
        if (paths.empty() || largestNeuron <= 0)
            continue;
        const float relative = std::sqrt(std::max(layerGradients[layer], 0.0f) / largestLayer); // 0..1
        const int count = std::max(4, int(float(perLayer) * (0.35f + 0.65f * relative)));
        std::discrete_distribution<int> choose(weights.begin(), weights.end());
        for (int k = 0; k < count; ++k) {
            const Connection &c = *paths[choose(rng)];
            const QVector3D start = m_layout.position({layer + 1, c.to}); // backprop: output -> input
            const QVector3D end = m_layout.position({layer, c.from});
            const float brightness = std::sqrt(g[c.to] / largestNeuron);
            const QColor color = colorscheme::mix(colorscheme::idle, colorscheme::orange, 0.35f + 0.65f * brightness);
            const float speed = 0.25f + 0.55f * relative;
            const float radius = 0.12f + 0.16f * relative;
            data.insert(data.end(), {start.x(), start.y(), start.z(), unit(rng), end.x(), end.y(), end.z(), speed,
                                     float(color.redF()), float(color.greenF()), float(color.blueF()), radius});
        }
    }
    m_particleCount = int(data.size() / kParticleFloats);
    m_particleBuffer->setData(toBytes(data));
    for (QAttribute *attribute : m_particleAttributes)
        attribute->setCount(uint(m_particleCount));
    m_particleRenderer->setInstanceCount(m_particleCount);
    emit contentChanged();
    m_particleEntity->setEnabled(m_particlesVisible && m_particleCount > 0);
}

void NetworkScene::clearGradients()
{
    emit contentChanged();
    m_particleCount = 0;
    m_particleRenderer->setInstanceCount(0);
    m_particleEntity->setEnabled(false);
}

void NetworkScene::setConnectionsVisible(bool visible)
{
    emit contentChanged();
    m_connectionsVisible = visible;
    m_lineEntity->setEnabled(visible && !m_connections.empty());
}

void NetworkScene::setParticlesVisible(bool visible)
{
    emit contentChanged();
    m_particlesVisible = visible;
    m_particleEntity->setEnabled(visible && m_particleCount > 0);
}

void NetworkScene::setLabelsVisible(bool visible)
{
    emit contentChanged();
    m_labelsVisible = visible;
    m_labelRoot->setEnabled(visible);
}

void NetworkScene::advanceClock(float seconds)
{
    emit contentChanged();
    m_clock = std::fmod(m_clock + seconds, 1000.0f);
    m_timeParameter->setValue(m_clock);
}

void NetworkScene::setSelectedNeuron(NeuronId id)
{
    if (id.isValid() && (id.layer >= m_layout.layerCount() || id.index >= m_layout.sizes()[id.layer]))
        id = {};
    m_selected = id;
    uploadOffsets();
    uploadColors();
}

void NetworkScene::rebuildLabels(const QStringList &layerTitles)
{
    delete m_labelRoot;
    m_labelRoot = new Qt3DCore::QEntity(m_root);
    m_labelRoot->setEnabled(m_labelsVisible);
    const int last = m_layout.layerCount() - 1;
    if (last < 1)
        return;
    std::vector<SceneLabel> labels;
    for (int digit = 0; digit < m_layout.sizes()[last]; ++digit) {
        const QVector3D p = m_layout.position({last, digit});
        labels.push_back({QString::number(digit), p + QVector3D(0.9f, -0.6f, 0), 1.2f, colorscheme::text, true});
    }
    for (int layer = 0; layer <= last && layer < layerTitles.size(); ++layer) {
        float top = -1e9f;
        for (int i = 0; i < m_layout.sizes()[layer]; ++i)
            top = std::max(top, m_layout.position({layer, i}).y());
        const QVector3D x = m_layout.position({layer, 0});
        labels.push_back({layerTitles[layer], QVector3D(x.x() - 3.0f, top + 1.0f, 0), 1.1f, colorscheme::mutedText, true});
    }
    LabelAtlas::createEntity(labels, m_labelRoot);
}
