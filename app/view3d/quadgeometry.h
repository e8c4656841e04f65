// A unit quad (4 vertices, 2 triangles) for instanced drawing. Facing::Camera: corners in
// vertexPosition.xy = (+-1, +-1), expanded towards the camera by the impostor shaders.
// Facing::SideX: a square in the y-z plane (+-1), normal -x, for the input pixel tiles.
#pragma once

#include <Qt3DCore/QGeometry>

class QuadGeometry : public Qt3DCore::QGeometry
{
    Q_OBJECT
public:
    enum class Facing { Camera, SideX };
    explicit QuadGeometry(Facing facing, Qt3DCore::QNode *parent = nullptr);
    ~QuadGeometry() override;
};
