#include "quadgeometry.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>

using Qt3DCore::QAttribute;

QuadGeometry::QuadGeometry(Facing facing, Qt3DCore::QNode *parent) : QGeometry(parent)
{
    // x y z nx ny nz per vertex.
    const float camera[] = {-1, -1, 0, 0, 0, 1, 1, -1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, -1, 1, 0, 0, 0, 1};
    const float side[] = {0, -1, -1, -1, 0, 0, 0, -1, 1, -1, 0, 0, 0, 1, 1, -1, 0, 0, 0, 1, -1, -1, 0, 0};
    const float *vertices = facing == Facing::Camera ? camera : side;
    const quint16 indices[] = {0, 1, 2, 0, 2, 3};
    auto *vertexBuffer = new Qt3DCore::QBuffer(this);
    vertexBuffer->setData(QByteArray(reinterpret_cast<const char *>(vertices), sizeof(camera)));
    auto *indexBuffer = new Qt3DCore::QBuffer(this);
    indexBuffer->setData(QByteArray(reinterpret_cast<const char *>(indices), sizeof(indices)));
    const std::pair<QString, int> layout[]
        = {{QAttribute::defaultPositionAttributeName(), 0}, {QAttribute::defaultNormalAttributeName(), 3}};
    for (const auto &[name, offset] : layout) {
        auto *attribute = new QAttribute(this);
        attribute->setName(name);
        attribute->setAttributeType(QAttribute::VertexAttribute);
        attribute->setVertexBaseType(QAttribute::Float);
        attribute->setVertexSize(3);
        attribute->setByteStride(6 * sizeof(float));
        attribute->setByteOffset(uint(offset * sizeof(float)));
        attribute->setCount(4);
        attribute->setBuffer(vertexBuffer);
        addAttribute(attribute);
    }
    auto *index = new QAttribute(this);
    index->setAttributeType(QAttribute::IndexAttribute);
    index->setVertexBaseType(QAttribute::UnsignedShort);
    index->setCount(6);
    index->setBuffer(indexBuffer);
    addAttribute(index);
}

QuadGeometry::~QuadGeometry() = default;
