// The Qt 3D engine of the network view, living on its own render thread. Qt 3D 6.4 renders
// where its QAspectEngine lives (the render aspect submits GL commands and swaps buffers right
// after each frame's jobs: there is no separate render thread any more). With the engine on the
// GUI thread, every frame held the event loop until the (software) rasteriser finished the
// frame; here the GUI thread only hands data over (SceneChannel) and never waits for a frame.
//
// Everything below is created, changed and destroyed on the render thread: the aspect engine,
// the frame graph (capture -> forward renderer onto the window), the camera and the scene
// entities (one instanced draw per neuron kind, one line buffer, one instanced particle draw
// animated in the vertex shader, one label atlas).
#pragma once

#include "scenechannel.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

class QTimer;
class ShaderMaterial;
class QWindow;
namespace Qt3DExtras {
class QForwardRenderer;
}
namespace Qt3DCore {
class QAspectEngine;
class QAttribute;
class QBuffer;
class QEntity;
class QGeometry;
} // namespace Qt3DCore
namespace Qt3DRender {
class QCamera;
class QGeometryRenderer;
class QParameter;
class QRenderCapture;
class QRenderSettings;
} // namespace Qt3DRender

class ViewEngine : public QObject
{
    Q_OBJECT
public:
    // Call on the GUI thread, then move to the render thread. The frame graph's surface selector
    // is made here, where its window lives: it watches the window's platform surface.
    ViewEngine(QWindow *surface, std::shared_ptr<SceneChannel> channel);
    ~ViewEngine() override; // on the render thread: shuts the aspect engine down

    // Render thread. Builds the engine onto `surface` (which must have its platform window).
    void start();
    // Render thread: applies what changed in the channel.
    void sync();
    // Render thread: captures the next frame; `done` runs on the render thread.
    void capture(std::function<void(const QImage &)> done);

    // Frames that showed new content (continuous mode: every frame). Any thread.
    long long framesRendered() const { return m_frames.load(std::memory_order_relaxed); }

private:
    struct InstanceBatch
    {
        Qt3DCore::QBuffer *offsets = nullptr;
        Qt3DCore::QBuffer *colors = nullptr;
        Qt3DCore::QAttribute *offsetAttribute = nullptr;
        Qt3DCore::QAttribute *colorAttribute = nullptr;
        Qt3DRender::QGeometryRenderer *renderer = nullptr;
    };
    void createBatch(InstanceBatch &batch, Qt3DCore::QGeometry *geometry, Qt3DCore::QEntity *entity,
                     const QString &shader);
    void createNeurons();
    void createConnections();
    void createParticles();
    void apply(unsigned parts);
    void onFrame(float seconds);
    void advanceClock(float seconds);
    void requestFrame();

    QWindow *m_surface;
    std::shared_ptr<SceneChannel> m_channel;
    Qt3DExtras::QForwardRenderer *m_forward; // a child of this until start()
    SceneState m_state;
    std::atomic<long long> m_frames{0};
    bool m_contentDirty = true;
    bool m_syncPending = false;

    Qt3DCore::QAspectEngine *m_engine = nullptr;
    Qt3DCore::QEntity *m_root = nullptr;
    Qt3DRender::QRenderSettings *m_settings = nullptr;
    Qt3DRender::QRenderCapture *m_capture = nullptr;
    Qt3DRender::QCamera *m_camera = nullptr;

    InstanceBatch m_tiles;
    InstanceBatch m_spheres;
    Qt3DCore::QEntity *m_lineEntity = nullptr;
    ShaderMaterial *m_lineMaterial = nullptr;
    ShaderMaterial *m_particleMaterial = nullptr;
    Qt3DCore::QBuffer *m_lineBuffer = nullptr;
    Qt3DCore::QAttribute *m_linePositionAttribute = nullptr;
    Qt3DCore::QAttribute *m_lineColorAttribute = nullptr;
    Qt3DRender::QGeometryRenderer *m_lineRenderer = nullptr;
    Qt3DCore::QEntity *m_particleEntity = nullptr;
    Qt3DCore::QBuffer *m_particleBuffer = nullptr;
    std::vector<Qt3DCore::QAttribute *> m_particleAttributes;
    Qt3DRender::QGeometryRenderer *m_particleRenderer = nullptr;
    Qt3DRender::QParameter *m_timeParameter = nullptr;
    Qt3DRender::QParameter *m_frameParameter = nullptr; // changed to force a frame on demand
    Qt3DCore::QEntity *m_labelRoot = nullptr;
    float m_clock = 0;
    int m_frameNonce = 0;
    QTimer *m_animation = nullptr;
    QElapsedTimer m_animationClock;
};
