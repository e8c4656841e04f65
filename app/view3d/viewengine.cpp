#include "viewengine.h"

#include "colorscheme.h"
#include "labelatlas.h"
#include "quadgeometry.h"
#include "shadermaterial.h"

#include <Qt3DCore/QAspectEngine>
#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QEntity>
#include <Qt3DCore/QGeometry>
#include <Qt3DExtras/QForwardRenderer>
#include <Qt3DLogic/QFrameAction>
#include <Qt3DLogic/QLogicAspect>
#include <Qt3DRender/QCamera>
#include <Qt3DRender/QGeometryRenderer>
#include <Qt3DRender/QParameter>
#include <Qt3DRender/QRenderAspect>
#include <Qt3DRender/QRenderCapture>
#include <Qt3DRender/QRenderSettings>
#include <Qt3DRender/QRenderSurfaceSelector>

#include <QScreen>
#include <QTimer>
#include <QWindow>

#include <cmath>

using Qt3DCore::QAttribute;
using Qt3DCore::QBuffer;

namespace {

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

} // namespace

ViewEngine::ViewEngine(QWindow *surface, std::shared_ptr<SceneChannel> channel)
    : m_surface(surface), m_channel(std::move(channel)), m_forward(new Qt3DExtras::QForwardRenderer)
{
    // The forward renderer's surface selector installs a filter on the window that tells the
    // renderer when the platform surface goes away; that filter must live on the window's
    // thread, so the selector gets its surface here and the node moves with this object.
    static_cast<QObject *>(m_forward)->setParent(this); // moves to the render thread with this
    m_forward->setSurface(surface);
    // It also connects to the window's size and screen signals without a context object, so
    // they would run on the GUI thread and touch render-thread nodes. The renderer reads the
    // surface size each frame (and the camera's aspect ratio changes with it); the pixel ratio
    // is forwarded below, on the render thread.
    QObject::disconnect(surface, SIGNAL(widthChanged(int)), surface, nullptr);
    QObject::disconnect(surface, SIGNAL(heightChanged(int)), surface, nullptr);
    QObject::disconnect(surface, SIGNAL(screenChanged(QScreen *)), surface, nullptr);
}

ViewEngine::~ViewEngine()
{
    m_channel->setWake({});
    delete m_engine; // shuts the aspects down and deletes the scene while the window still exists
}

void ViewEngine::start()
{
    m_engine = new Qt3DCore::QAspectEngine;
    m_engine->registerAspect(new Qt3DRender::QRenderAspect);
    m_engine->registerAspect(new Qt3DLogic::QLogicAspect);

    m_root = new Qt3DCore::QEntity;
    m_settings = new Qt3DRender::QRenderSettings(m_root);
    m_capture = new Qt3DRender::QRenderCapture;
    Qt3DExtras::QForwardRenderer *forward = m_forward;
    forward->setParent(m_capture);
    m_camera = new Qt3DRender::QCamera(m_root);
    forward->setCamera(m_camera);
    forward->setClearColor(m_state.background);
    forward->setFrustumCullingEnabled(false); // instances live far from the base geometry
    if (auto *selector = forward->findChild<Qt3DRender::QRenderSurfaceSelector *>()) {
        connect(m_surface, &QWindow::screenChanged, selector, [selector](QScreen *screen) {
            if (screen)
                selector->setSurfacePixelRatio(float(screen->devicePixelRatio()));
        });
    }
    m_settings->setActiveFrameGraph(m_capture);
    m_settings->setRenderPolicy(Qt3DRender::QRenderSettings::OnDemand);
    m_root->addComponent(m_settings);

    createConnections();
    createNeurons();
    createParticles();
    m_labelRoot = new Qt3DCore::QEntity(m_root);

    auto *frameAction = new Qt3DLogic::QFrameAction(m_root);
    connect(frameAction, &Qt3DLogic::QFrameAction::triggered, this, &ViewEngine::onFrame);
    m_root->addComponent(frameAction);

    m_animation = new QTimer(this);
    m_animation->setTimerType(Qt::PreciseTimer);
    connect(m_animation, &QTimer::timeout, this, [this] {
        if (m_syncPending) { // what arrived since the last tick goes into this tick's frame
            m_syncPending = false;
            apply(m_channel->take(&m_state));
        }
        const float seconds = float(m_animationClock.restart()) / 1000.0f;
        advanceClock(std::min(seconds, 0.25f));
    });

    apply(m_channel->take(&m_state));
    m_engine->setRootEntity(Qt3DCore::QEntityPtr(m_root));
    m_channel->setWake([this] { QMetaObject::invokeMethod(this, &ViewEngine::sync, Qt::QueuedConnection); });
    sync(); // whatever arrived while the engine was being built
}

void ViewEngine::sync()
{
    if (!m_engine)
        return;
    // While the animation ticks, changes wait for the next tick: training updates and the
    // particle clock then share one frame instead of costing one frame each.
    if (m_animation->isActive()) {
        m_syncPending = true;
        return;
    }
    apply(m_channel->take(&m_state));
}

void ViewEngine::createBatch(InstanceBatch &batch, Qt3DCore::QGeometry *geometry, Qt3DCore::QEntity *entity,
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
    auto *material = new ShaderMaterial(shader, Blending::Opaque, entity);
    entity->addComponent(material);
    if (!m_frameParameter) {
        // Not read by any shader: changing it is how a frame is requested on demand.
        m_frameParameter = new Qt3DRender::QParameter(QStringLiteral("frameNonce"), 0, material);
        material->addParameter(m_frameParameter);
    }
}

void ViewEngine::createNeurons()
{
    auto *tileEntity = new Qt3DCore::QEntity(m_root);
    // Every neuron is one quad (2 triangles): software rasterisers pay per triangle, and the
    // spheres are shaded as spheres in the fragment shader (impostors).
    createBatch(m_tiles, new QuadGeometry(QuadGeometry::Facing::SideX, tileEntity), tileEntity,
                QStringLiteral("neuron"));
    auto *sphereEntity = new Qt3DCore::QEntity(m_root);
    createBatch(m_spheres, new QuadGeometry(QuadGeometry::Facing::Camera, sphereEntity), sphereEntity,
                QStringLiteral("sphere"));
}

void ViewEngine::createConnections()
{
    m_lineEntity = new Qt3DCore::QEntity(m_root);
    auto *geometry = new Qt3DCore::QGeometry(m_lineEntity);
    m_lineBuffer = new QBuffer(geometry);
    m_lineBuffer->setUsage(QBuffer::DynamicDraw);
    m_linePositionAttribute
        = addAttribute(geometry, m_lineBuffer, QAttribute::defaultPositionAttributeName(), 3, 7, 0, false);
    m_lineColorAttribute
        = addAttribute(geometry, m_lineBuffer, QAttribute::defaultColorAttributeName(), 4, 7, 3, false);
    m_lineRenderer = new Qt3DRender::QGeometryRenderer(m_lineEntity);
    m_lineRenderer->setGeometry(geometry);
    m_lineRenderer->setPrimitiveType(Qt3DRender::QGeometryRenderer::Lines);
    m_lineRenderer->setVertexCount(0);
    m_lineEntity->addComponent(m_lineRenderer);
    m_lineMaterial = new ShaderMaterial(QStringLiteral("line"), Blending::Additive, m_lineEntity);
    m_lineEntity->addComponent(m_lineMaterial);
    m_lineEntity->setEnabled(false);
}

void ViewEngine::createParticles()
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
    m_particleMaterial = material;
    m_timeParameter = new Qt3DRender::QParameter(QStringLiteral("time"), 0.0f, material);
    material->addParameter(m_timeParameter);
    m_particleEntity->addComponent(material);
    m_particleEntity->setEnabled(false);
}

void ViewEngine::apply(unsigned parts)
{
    const SceneState &s = m_state;
    // Only changed buffers are replaced; each replacement is one QBuffer::setData of data the
    // GUI thread prepared (shared, not copied).
    if (parts & SceneState::Offsets) {
        m_tiles.offsets->setData(s.tileOffsets);
        m_spheres.offsets->setData(s.sphereOffsets);
        m_tiles.offsetAttribute->setCount(uint(s.tileCount));
        m_spheres.offsetAttribute->setCount(uint(s.sphereCount));
        m_tiles.renderer->setInstanceCount(s.tileCount);
        m_spheres.renderer->setInstanceCount(s.sphereCount);
    }
    if (parts & SceneState::Colors) {
        m_tiles.colors->setData(s.tileColors);
        m_spheres.colors->setData(s.sphereColors);
        m_tiles.colorAttribute->setCount(uint(s.tileCount));
        m_spheres.colorAttribute->setCount(uint(s.sphereCount));
    }
    if (parts & SceneState::Lines) {
        m_lineBuffer->setData(s.lines);
        m_linePositionAttribute->setCount(uint(s.lineVertices));
        m_lineColorAttribute->setCount(uint(s.lineVertices));
        m_lineRenderer->setVertexCount(s.lineVertices);
    }
    if (parts & SceneState::Particles) {
        if (s.particleCount > 0)
            m_particleBuffer->setData(s.particles);
        for (QAttribute *attribute : m_particleAttributes)
            attribute->setCount(uint(s.particleCount));
        m_particleRenderer->setInstanceCount(s.particleCount);
    }
    if (parts & SceneState::Labels) {
        delete m_labelRoot;
        m_labelRoot = new Qt3DCore::QEntity(m_root);
        if (!s.labelVertices.empty())
            LabelAtlas::createEntity(s.labelAtlas, s.labelVertices, m_labelRoot);
    }
    if (parts & (SceneState::Lines | SceneState::Particles | SceneState::Labels | SceneState::Visibility)) {
        m_lineEntity->setEnabled(s.linesVisible && s.lineVertices > 0);
        m_particleEntity->setEnabled(s.particlesVisible && s.particleCount > 0);
        m_labelRoot->setEnabled(s.labelsVisible);
    }
    if (parts & SceneState::Theme) {
        m_forward->setClearColor(s.background);
        const Blending blending = s.additiveBlending ? Blending::Additive : Blending::Alpha;
        m_lineMaterial->setBlending(blending);
        m_particleMaterial->setBlending(blending);
    }
    if (parts & SceneState::Camera) {
        const CameraState &c = s.camera;
        m_camera->lens()->setPerspectiveProjection(c.fieldOfView, c.aspectRatio, c.nearPlane, c.farPlane);
        m_camera->setPosition(c.position);
        m_camera->setViewCenter(c.viewCenter);
        m_camera->setUpVector(c.up);
    }
    if (parts & SceneState::Animation) {
        const bool continuous = s.animation == AnimationMode::Continuous;
        m_settings->setRenderPolicy(continuous ? Qt3DRender::QRenderSettings::Always
                                               : Qt3DRender::QRenderSettings::OnDemand);
        if (s.animation == AnimationMode::Capped) {
            const int interval = 1000 / std::max(1, s.animationHz);
            if (!m_animation->isActive() || m_animation->interval() != interval) {
                m_animationClock.start();
                m_animation->start(interval);
            }
        } else {
            m_animation->stop();
        }
    }
    if (parts & ~SceneState::Animation)
        m_contentDirty = true;
    if (parts & SceneState::Redraw)
        requestFrame();
}

void ViewEngine::requestFrame()
{
    m_contentDirty = true;
    m_frameParameter->setValue(++m_frameNonce);
}

void ViewEngine::advanceClock(float seconds)
{
    m_contentDirty = true;
    m_clock = std::fmod(m_clock + seconds, 1000.0f);
    m_timeParameter->setValue(m_clock); // changing the uniform requests a frame
}

void ViewEngine::onFrame(float seconds)
{
    // Each aspect-engine frame follows the previous render, so a frame that had new content
    // is a rendered frame; on-demand frames without changes render nothing.
    const bool continuous = m_state.animation == AnimationMode::Continuous;
    if (continuous || m_contentDirty)
        m_frames.fetch_add(1, std::memory_order_relaxed);
    m_contentDirty = false;
    if (continuous)
        advanceClock(seconds);
}

void ViewEngine::capture(std::function<void(const QImage &)> done)
{
    Qt3DRender::QRenderCaptureReply *reply = m_capture ? m_capture->requestCapture() : nullptr;
    if (!reply) {
        done({});
        return;
    }
    connect(reply, &Qt3DRender::QRenderCaptureReply::completed, this, [reply, done] {
        done(reply->image());
        reply->deleteLater();
    });
    requestFrame();
}
