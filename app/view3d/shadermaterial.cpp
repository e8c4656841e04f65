#include "shadermaterial.h"

#include <Qt3DRender/QBlendEquation>
#include <Qt3DRender/QBlendEquationArguments>
#include <Qt3DRender/QEffect>
#include <Qt3DRender/QFilterKey>
#include <Qt3DRender/QGraphicsApiFilter>
#include <Qt3DRender/QNoDepthMask>
#include <Qt3DRender/QRenderPass>
#include <Qt3DRender/QShaderProgram>
#include <Qt3DRender/QTechnique>

#include <QUrl>

using namespace Qt3DRender;

namespace {

QUrl shaderUrl(const QString &name, const QString &suffix)
{
    return QUrl(QStringLiteral("qrc:/shaders/") + name + suffix);
}

QBlendEquationArguments::Blending destinationFor(Blending blending)
{
    return blending == Blending::Additive ? QBlendEquationArguments::One : QBlendEquationArguments::OneMinusSourceAlpha;
}

QTechnique *createTechnique(const QString &shaderName, QGraphicsApiFilter::Api api, Blending blending,
                            QList<QBlendEquationArguments *> *blendArguments)
{
    auto *technique = new QTechnique;
    auto *filter = technique->graphicsApiFilter();
    filter->setApi(api);
    if (api == QGraphicsApiFilter::OpenGL) {
        filter->setProfile(QGraphicsApiFilter::CoreProfile);
        filter->setMajorVersion(3);
        filter->setMinorVersion(2);
    } else {
        filter->setMajorVersion(1);
        filter->setMinorVersion(0);
    }
    auto *key = new QFilterKey(technique);
    key->setName(QStringLiteral("renderingStyle"));
    key->setValue(QStringLiteral("forward"));
    technique->addFilterKey(key);

    const QString variant = api == QGraphicsApiFilter::RHI ? QStringLiteral("_rhi") : QString();
    auto *program = new QShaderProgram;
    program->setVertexShaderCode(QShaderProgram::loadSource(shaderUrl(shaderName, variant + QStringLiteral(".vert"))));
    program->setFragmentShaderCode(
        QShaderProgram::loadSource(shaderUrl(shaderName, variant + QStringLiteral(".frag"))));

    auto *pass = new QRenderPass;
    pass->setShaderProgram(program);
    if (blending != Blending::Opaque) {
        auto *arguments = new QBlendEquationArguments(pass);
        arguments->setSourceRgb(QBlendEquationArguments::SourceAlpha);
        arguments->setDestinationRgb(destinationFor(blending));
        blendArguments->append(arguments);
        arguments->setSourceAlpha(QBlendEquationArguments::Zero);
        arguments->setDestinationAlpha(QBlendEquationArguments::One);
        auto *equation = new QBlendEquation(pass);
        equation->setBlendFunction(QBlendEquation::Add);
        pass->addRenderState(arguments);
        pass->addRenderState(equation);
        // Transparent geometry tests against depth but does not write it.
        pass->addRenderState(new QNoDepthMask(pass));
    }
    technique->addRenderPass(pass);
    return technique;
}

} // namespace

ShaderMaterial::ShaderMaterial(const QString &shaderName, Blending blending, Qt3DCore::QNode *parent)
    : QMaterial(parent)
{
    auto *effect = new QEffect(this);
    effect->addTechnique(createTechnique(shaderName, QGraphicsApiFilter::OpenGL, blending, &m_blendArguments));
    effect->addTechnique(createTechnique(shaderName, QGraphicsApiFilter::RHI, blending, &m_blendArguments));
    setEffect(effect);
}

void ShaderMaterial::setBlending(Blending blending)
{
    if (blending == Blending::Opaque)
        return;
    for (QBlendEquationArguments *arguments : std::as_const(m_blendArguments))
        arguments->setDestinationRgb(destinationFor(blending));
}

ShaderMaterial::~ShaderMaterial() = default;
