#include "networklayout.h"

#include <QPointF>
#include <QSize>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {
constexpr float kLayerGap = 16.0f; // distance between drawn layers along x
constexpr float kInputSpacing = 0.5f; // 28 x 0.5 = 14 units: the input image
constexpr int kInputSide = 28;
// The output column is the farthest layer from the camera's three-quarter view: larger spheres,
// spread over about the input image's height, keep the ten answers readable at that distance.
constexpr float kOutputSpacing = 1.75f;
} // namespace

NetworkLayout::NetworkLayout(const std::vector<int> &sizes) : m_sizes(sizes)
{
    int offset = 0;
    for (int size : m_sizes) {
        m_layerOffsets.push_back(offset);
        offset += size;
    }
    m_positions.resize(offset);
    m_radii.resize(m_sizes.size());
    m_spacings.resize(m_sizes.size());
    m_columns.resize(m_sizes.size());
    for (int layer = 0; layer < layerCount(); ++layer) {
        const bool last = layer == layerCount() - 1;
        const float x = float(layer) * kLayerGap;
        if (layer == 0) {
            placeGrid(layer, x, kInputSpacing, kInputSide);
            m_radii[layer] = kInputSpacing * 0.46f; // tiles almost touch: the image reads as one
        } else if (last) {
            // Outputs: one vertical column, digit 0 at the top.
            placeGrid(layer, x, kOutputSpacing, 1);
            m_radii[layer] = 0.8f;
        } else {
            // Hidden grids: about as wide as the input image, denser layers get smaller spheres.
            const int side = std::max(1, int(std::ceil(std::sqrt(double(m_sizes[layer])))));
            const float spacing = std::min(1.2f, 14.0f / float(side));
            placeGrid(layer, x, spacing, side);
            m_radii[layer] = std::clamp(spacing * 0.38f, 0.12f, 0.42f);
        }
    }
    const float inf = std::numeric_limits<float>::max();
    m_min = {inf, inf, inf};
    m_max = {-inf, -inf, -inf};
    float largest = 0;
    for (float r : m_radii)
        largest = std::max(largest, r);
    for (const QVector3D &p : m_positions) {
        m_min = {std::min(m_min.x(), p.x()), std::min(m_min.y(), p.y()), std::min(m_min.z(), p.z())};
        m_max = {std::max(m_max.x(), p.x()), std::max(m_max.y(), p.y()), std::max(m_max.z(), p.z())};
    }
    if (m_positions.empty())
        m_min = m_max = {};
    m_min -= QVector3D(largest, largest, largest);
    m_max += QVector3D(largest, largest, largest);
}

void NetworkLayout::placeGrid(int layer, float x, float spacing, int columns)
{
    m_spacings[layer] = spacing;
    m_columns[layer] = columns;
    const int n = m_sizes[layer];
    const int rows = (n + columns - 1) / columns;
    for (int i = 0; i < n; ++i) {
        const int row = i / columns;
        const int column = i % columns;
        // Grid in the y-z plane; row 0 at the top, column 0 towards -z (the viewer's left).
        const float y = (float(rows - 1) * 0.5f - float(row)) * spacing;
        const float z = (float(column) - float(columns - 1) * 0.5f) * spacing;
        m_positions[m_layerOffsets[layer] + i] = {x, y, z};
    }
}

NeuronId NetworkLayout::neuronAt(int flat) const
{
    for (int layer = layerCount() - 1; layer >= 0; --layer) {
        if (flat >= m_layerOffsets[layer])
            return flat - m_layerOffsets[layer] < m_sizes[layer] ? NeuronId{layer, flat - m_layerOffsets[layer]}
                                                                 : NeuronId{};
    }
    return {};
}

NeuronId NetworkLayout::pick(const QVector3D &origin, const QVector3D &direction, float slack) const
{
    const QVector3D d = direction.normalized();
    float best = std::numeric_limits<float>::max();
    int bestIndex = -1;
    // The input image is a plane of square tiles: intersect the plane and take the cell.
    if (layerCount() > 0 && std::abs(d.x()) > 1e-6f) {
        const QVector3D first = m_positions[0];
        const float t = (first.x() - origin.x()) / d.x();
        if (t > 0) {
            const QVector3D hit = origin + d * t;
            const float spacing = kInputSpacing;
            const int column = int(std::floor((hit.z() - first.z()) / spacing + 0.5f));
            const int row = int(std::floor((first.y() - hit.y()) / spacing + 0.5f));
            const int side = kInputSide;
            if (row >= 0 && column >= 0 && column < side && row * side + column < m_sizes[0]) {
                best = t;
                bestIndex = row * side + column;
            }
        }
    }
    for (int layer = 1; layer < layerCount(); ++layer) {
        const float r = m_radii[layer] * slack;
        const float r2 = r * r;
        for (int i = 0; i < m_sizes[layer]; ++i) {
            const int flat = m_layerOffsets[layer] + i;
            // |o + t d - c|^2 = r^2  with |d| = 1:  t = b -+ sqrt(b^2 - (|oc|^2 - r^2)), b = d.(c - o)
            const QVector3D oc = m_positions[flat] - origin;
            const float b = QVector3D::dotProduct(d, oc);
            const float disc = b * b - (oc.lengthSquared() - r2);
            if (disc < 0)
                continue;
            const float t = b - std::sqrt(disc);
            if (t > 0 && t < best) {
                best = t;
                bestIndex = flat;
            }
        }
    }
    return bestIndex < 0 ? NeuronId{} : neuronAt(bestIndex);
}

void NetworkLayout::viewportRay(const QPointF &point, const QSize &viewport, const QMatrix4x4 &view,
                                const QMatrix4x4 &projection, QVector3D *origin, QVector3D *direction)
{
    const float ndcX = float(2.0 * point.x() / std::max(1, viewport.width()) - 1.0);
    const float ndcY = float(1.0 - 2.0 * point.y() / std::max(1, viewport.height()));
    const QMatrix4x4 inverse = (projection * view).inverted();
    const QVector3D nearPoint = inverse.map(QVector3D(ndcX, ndcY, -1.0f));
    const QVector3D farPoint = inverse.map(QVector3D(ndcX, ndcY, 1.0f));
    *origin = nearPoint;
    *direction = (farPoint - nearPoint).normalized();
}

QPointF NetworkLayout::project(const QVector3D &world, const QSize &viewport, const QMatrix4x4 &view,
                               const QMatrix4x4 &projection)
{
    const QVector3D ndc = (projection * view).map(world);
    return {(double(ndc.x()) + 1.0) * 0.5 * viewport.width(), (1.0 - double(ndc.y())) * 0.5 * viewport.height()};
}
