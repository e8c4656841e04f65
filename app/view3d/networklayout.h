// Where every neuron of a network sits in the 3D scene, and picking against those positions.
// Pure geometry (QVector3D / QMatrix4x4 only): no Qt 3D objects, so it is testable without a
// display. Layers run along +x; each drawn layer is a square-ish grid in the y-z plane, the
// 784 inputs as the 28x28 image (row 0 at the top), the 10 outputs as a labelled column.
//
// The grid rule (resources/web/layout.js follows it word for word; tests/data/layout-golden.json
// holds the cases both are tested against, on the page in its landscape orientation):
// 1. Columns: 28 for the input layer (the image's width), 1 for the output layer, ceil(sqrt(n))
//    for a hidden layer of n neurons. Rows: ceil(n / columns).
// 2. Neuron i sits in row floor(i / columns), column i mod columns: row 0 at the top.
// 3. Its offset from the layer's centre, in units of the layer's spacing, is
//    (column - (columns - 1) / 2) across and ((rows - 1) / 2 - row) up.
// The first layer is the input layer; the last, when there are two or more, the output layer.
// Spacings and where the layers' centres lie differ by design: the window stacks the layers in
// depth for a three-quarter view, the page lays them side by side in one plane.
#pragma once

#include <QMatrix4x4>
#include <QMetaType>
#include <QVector3D>

#include <vector>

struct NeuronId
{
    int layer = -1; // drawn layer: 0 = input, last = output
    int index = -1;
    bool isValid() const { return layer >= 0 && index >= 0; }
    bool operator==(const NeuronId &) const = default;
};

Q_DECLARE_METATYPE(NeuronId)

class NetworkLayout
{
public:
    NetworkLayout() = default;
    // `sizes` are the drawn layer sizes, e.g. {784, 128, 64, 10}.
    explicit NetworkLayout(const std::vector<int> &sizes);

    const std::vector<int> &sizes() const { return m_sizes; }
    int layerCount() const { return int(m_sizes.size()); }
    int neuronCount() const { return int(m_positions.size()); }
    // Index of (layer, index) in the flat instance order (layer by layer).
    int flatIndex(NeuronId id) const { return m_layerOffsets[id.layer] + id.index; }
    NeuronId neuronAt(int flatIndex) const;
    int layerOffset(int layer) const { return m_layerOffsets[layer]; }

    QVector3D position(NeuronId id) const { return m_positions[flatIndex(id)]; }
    const std::vector<QVector3D> &positions() const { return m_positions; }
    float radius(int layer) const { return m_radii[layer]; }
    // Distance between neighbouring neurons of a layer's grid; the grid is centred on (x, 0, 0),
    // "across" is +z, "up" is +y.
    float spacing(int layer) const { return m_spacings[layer]; }
    int columns(int layer) const { return m_columns[layer]; }
    // Axis-aligned bounds of all neuron centres, padded by the largest radius.
    QVector3D boundsMin() const { return m_min; }
    QVector3D boundsMax() const { return m_max; }
    QVector3D center() const { return (m_min + m_max) * 0.5f; }
    float boundingRadius() const { return (m_max - m_min).length() * 0.5f; }

    // Nearest neuron hit by the ray origin + t * direction (t > 0), or an invalid id.
    // Ray-sphere test against every instance; spheres are enlarged by `slack` (a factor
    // >= 1) so that small neurons stay clickable.
    NeuronId pick(const QVector3D &origin, const QVector3D &direction, float slack = 1.3f) const;
    // Ray through the viewport point (pixels, origin top-left) for the given camera matrices.
    static void viewportRay(const QPointF &point, const QSize &viewport, const QMatrix4x4 &view,
                            const QMatrix4x4 &projection, QVector3D *origin, QVector3D *direction);
    // Projects a world position to viewport pixels (origin top-left).
    static QPointF project(const QVector3D &world, const QSize &viewport, const QMatrix4x4 &view,
                           const QMatrix4x4 &projection);

private:
    void placeGrid(int layer, float x, float spacing, int columns);

    std::vector<int> m_sizes;
    std::vector<int> m_layerOffsets;
    std::vector<QVector3D> m_positions;
    std::vector<float> m_radii;
    std::vector<float> m_spacings;
    std::vector<int> m_columns;
    QVector3D m_min, m_max;
};
