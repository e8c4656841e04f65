#include "networkscene.h"

#include "colorscheme.h"
#include "labelatlas.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace {

constexpr int kParticleBudget = 260;
constexpr int kParticleFloats = 12; // start xyz+phase, end xyz+speed, rgb+radius

QByteArray toBytes(const std::vector<float> &values, std::size_t first = 0, std::size_t count = std::size_t(-1))
{
    count = std::min(count, values.size() - std::min(first, values.size()));
    return QByteArray(reinterpret_cast<const char *>(values.data() + first), qsizetype(count * sizeof(float)));
}

} // namespace

NetworkScene::NetworkScene(std::shared_ptr<SceneChannel> channel, QObject *parent)
    : QObject(parent), m_channel(std::move(channel))
{
}

NetworkScene::~NetworkScene() = default;

void NetworkScene::setArchitecture(const std::vector<int> &sizes, const QStringList &layerTitles)
{
    m_layout = NetworkLayout(sizes);
    m_activations.clear();
    m_selected = {};
    m_highlighted.clear();
    m_tileCount = m_layout.layerCount() > 0 ? m_layout.sizes()[0] : 0;
    uploadOffsets();
    recolorActivations();
    m_connections.clear();
    uploadLines();
    clearGradients();
    m_layerTitles = layerTitles;
    rebuildLabels(layerTitles);
}

void NetworkScene::setPalette(const ViewPalette &palette)
{
    m_palette = palette;
    m_channel->update(SceneState::Theme, [&](SceneState &s) {
        s.background = palette.background;
        s.additiveBlending = palette.additiveLines;
    });
    recolorActivations();
    uploadLines();
    rebuildLabels(m_layerTitles);
    clearGradients(); // the next batch brings particles in the new colours
}

void NetworkScene::recolorActivations()
{
    m_colors.assign(std::size_t(m_layout.neuronCount()) * 4, 0.0f);
    for (int i = 0; i < m_layout.neuronCount(); ++i) {
        const QColor c = m_palette.idle;
        m_colors[i * 4 + 0] = float(c.redF());
        m_colors[i * 4 + 1] = float(c.greenF());
        m_colors[i * 4 + 2] = float(c.blueF());
    }
    if (!m_activations.empty() && setActivations(std::vector<std::vector<float>>(m_activations)))
        return; // uploaded
    uploadColors();
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
            const QColor c = m_palette.activation(v);
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
    const int tiles = m_tileCount;
    const int spheres = m_layout.neuronCount() - tiles;
    m_channel->update(SceneState::Offsets, [&](SceneState &s) {
        s.tileCount = tiles;
        s.sphereCount = spheres;
        s.tileOffsets = toBytes(data, 0, std::size_t(tiles) * 4);
        s.sphereOffsets = toBytes(data, std::size_t(tiles) * 4, std::size_t(spheres) * 4);
    });
}

void NetworkScene::uploadColors()
{
    emit contentChanged();
    std::vector<float> data = m_colors;
    for (const NeuronId &id : m_highlighted) {
        float *rgba = &data[std::size_t(m_layout.flatIndex(id)) * 4];
        rgba[0] = float(m_palette.highlight.redF());
        rgba[1] = float(m_palette.highlight.greenF());
        rgba[2] = float(m_palette.highlight.blueF());
        rgba[3] = 1.0f;
    }
    if (m_selected.isValid()) {
        // The selected neuron keeps its activation colour but glows white-tinted (orange and blue
        // mean signed weights); on the light background it is darkened towards the label ink.
        float *rgba = &data[std::size_t(m_layout.flatIndex(m_selected)) * 4];
        const QColor c = colorscheme::mix(QColor::fromRgbF(rgba[0], rgba[1], rgba[2]),
                                          m_palette.light ? m_palette.label : QColor(Qt::white), 0.7f);
        rgba[0] = float(c.redF());
        rgba[1] = float(c.greenF());
        rgba[2] = float(c.blueF());
        rgba[3] = 1.0f;
    }
    const std::size_t tiles = std::size_t(m_tileCount);
    QByteArray tileColors = toBytes(data, 0, tiles * 4);
    QByteArray sphereColors = toBytes(data, tiles * 4);
    m_channel->update(SceneState::Colors, [&](SceneState &s) {
        s.tileColors = std::move(tileColors);
        s.sphereColors = std::move(sphereColors);
    });
}

void NetworkScene::uploadLines()
{
    emit contentChanged();
    std::vector<float> data;
    data.reserve(m_connections.size() * 14);
    for (const Connection &c : m_connections) {
        const QVector3D a = m_layout.position({c.denseLayer, c.from});
        const QVector3D b = m_layout.position({c.denseLayer + 1, c.to});
        const QColor color = c.weight >= 0 ? m_palette.positive : m_palette.negative;
        // Strength drives the alpha (weak lines fade into the background).
        const float alpha = 0.08f + 0.62f * c.strength * c.strength;
        for (const QVector3D &p : {a, b}) {
            data.insert(data.end(),
                        {p.x(), p.y(), p.z(), float(color.redF()), float(color.greenF()), float(color.blueF()), alpha});
        }
    }
    QByteArray bytes = toBytes(data);
    const int vertices = int(m_connections.size() * 2);
    m_channel->update(SceneState::Lines, [&](SceneState &s) {
        s.lines = std::move(bytes);
        s.lineVertices = vertices;
    });
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
            const QColor color = colorscheme::mix(m_palette.idle, m_palette.particle, 0.35f + 0.65f * brightness);
            const float speed = 0.25f + 0.55f * relative;
            const float radius = 0.12f + 0.16f * relative;
            data.insert(data.end(), {start.x(), start.y(), start.z(), unit(rng), end.x(), end.y(), end.z(), speed,
                                     float(color.redF()), float(color.greenF()), float(color.blueF()), radius});
        }
    }
    m_particleCount = int(data.size() / kParticleFloats);
    QByteArray bytes = toBytes(data);
    const int count = m_particleCount;
    m_channel->update(SceneState::Particles, [&](SceneState &s) {
        s.particles = std::move(bytes);
        s.particleCount = count;
    });
    emit contentChanged();
}

void NetworkScene::clearGradients()
{
    emit contentChanged();
    m_particleCount = 0;
    m_channel->update(SceneState::Particles, [](SceneState &s) { s.particleCount = 0; });
}

void NetworkScene::publishVisibility()
{
    emit contentChanged();
    m_channel->update(SceneState::Visibility, [this](SceneState &s) {
        s.linesVisible = m_connectionsVisible;
        s.particlesVisible = m_particlesVisible;
        s.labelsVisible = m_labelsVisible;
    });
}

void NetworkScene::setConnectionsVisible(bool visible)
{
    m_connectionsVisible = visible;
    publishVisibility();
}

void NetworkScene::setParticlesVisible(bool visible)
{
    m_particlesVisible = visible;
    publishVisibility();
}

void NetworkScene::setLabelsVisible(bool visible)
{
    m_labelsVisible = visible;
    publishVisibility();
}

void NetworkScene::setSelectedNeuron(NeuronId id)
{
    if (id.isValid() && (id.layer >= m_layout.layerCount() || id.index >= m_layout.sizes()[id.layer]))
        id = {};
    m_selected = id;
    uploadOffsets();
    uploadColors();
}

void NetworkScene::setHighlightedNeurons(const std::vector<NeuronId> &neurons)
{
    m_highlighted.clear();
    for (const NeuronId &id : neurons)
        if (id.isValid() && id.layer < m_layout.layerCount() && id.index < m_layout.sizes()[id.layer])
            m_highlighted.push_back(id);
    uploadColors();
}

void NetworkScene::rebuildLabels(const QStringList &layerTitles)
{
    emit contentChanged();
    const int last = m_layout.layerCount() - 1;
    if (last < 1) {
        m_channel->update(SceneState::Labels, [](SceneState &s) {
            s.labelAtlas = {};
            s.labelVertices.clear();
        });
        return;
    }
    std::vector<SceneLabel> labels;
    for (int digit = 0; digit < m_layout.sizes()[last]; ++digit) {
        const QVector3D p = m_layout.position({last, digit});
        labels.push_back({QString::number(digit), p + QVector3D(1.0f, -0.9f, 1.0f), 1.8f, m_palette.label, true});
    }
    for (int layer = 0; layer <= last && layer < layerTitles.size(); ++layer) {
        float top = -1e9f;
        for (int i = 0; i < m_layout.sizes()[layer]; ++i)
            top = std::max(top, m_layout.position({layer, i}).y());
        const QVector3D x = m_layout.position({layer, 0});
        // Farther layers look smaller in the three-quarter view: their titles grow to stay legible.
        const float size = 1.1f * (1.0f + 0.6f * float(layer) / float(last));
        labels.push_back(
            {layerTitles[layer], QVector3D(x.x() - 3.0f, top + 1.0f, 0), size, m_palette.mutedLabel, true});
    }
    std::vector<float> vertices;
    QImage atlas = LabelAtlas::paint(labels, &vertices);
    m_channel->update(SceneState::Labels, [&](SceneState &s) {
        s.labelAtlas = std::move(atlas);
        s.labelVertices = std::move(vertices);
    });
}
