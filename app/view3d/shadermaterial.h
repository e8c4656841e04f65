// A Qt 3D material from one of our shader pairs (app/view3d/shaders/<name>.vert/.frag), with the two
// techniques Qt 3D 6.4 needs: OpenGL 3.2 core (the "opengl" renderer) and RHI (the default).
// Blending is optional: additive for glowing connections and particles.
#pragma once

#include <Qt3DRender/QMaterial>

enum class Blending { Opaque, Additive, Alpha };

namespace Qt3DRender {
class QBlendEquationArguments;
}

class ShaderMaterial : public Qt3DRender::QMaterial
{
    Q_OBJECT
public:
    ShaderMaterial(const QString &shaderName, Blending blending, Qt3DCore::QNode *parent = nullptr);
    ~ShaderMaterial() override;
    // Switches a blended material between Additive and Alpha (the light theme's background would
    // turn additive lines white); an Opaque material stays opaque.
    void setBlending(Blending blending);

private:
    QList<Qt3DRender::QBlendEquationArguments *> m_blendArguments; // one per technique
};
