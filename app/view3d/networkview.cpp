#include "networkview.h"

#include "viewengine.h"

#include <QGuiApplication>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QPalette>
#include <QPointer>
#include <QWheelEvent>

#include <QtMath>
#include <cmath>

NetworkView::NetworkView(QScreen *screen)
    : QWindow(screen), m_channel(std::make_shared<SceneChannel>()), m_fpsTimer(new QTimer(this))
{
    // What Qt3DWindow (Qt 3D 6.4) sets up, except for MSAA: on software renderers it costs a
    // third of the frame rate for thin geometry.
    if (qEnvironmentVariableIsEmpty("QT3D_RENDERER"))
        qputenv("QT3D_RENDERER", "rhi");
    const bool rhi = qgetenv("QT3D_RENDERER") == "rhi";
    if (rhi && qEnvironmentVariableIsEmpty("QSG_RHI_BACKEND"))
        qputenv("QSG_RHI_BACKEND", "opengl");
    setSurfaceType(QSurface::OpenGLSurface);
    resize(1024, 768);
    QSurfaceFormat surface = QSurfaceFormat::defaultFormat();
    if (!rhi) {
#ifdef QT_OPENGL_ES_2
        surface.setRenderableType(QSurfaceFormat::OpenGLES);
#else
        if (QOpenGLContext::openGLModuleType() == QOpenGLContext::LibGL) {
            surface.setVersion(4, 3);
            surface.setProfile(QSurfaceFormat::CoreProfile);
        }
#endif
    }
    surface.setDepthBufferSize(24);
    surface.setStencilBufferSize(8);
    surface.setSamples(0);
    surface.setSwapInterval(qEnvironmentVariableIsSet("NNJ_NO_VSYNC") ? 0 : 1);
    setFormat(surface);
    QSurfaceFormat::setDefaultFormat(surface); // the renderer's context follows the default

    m_scene = new NetworkScene(m_channel, this);
    // The window theme (app/style) sets the application palette; the scene follows it.
    m_scene->setPalette(ViewPalette::forWindowColor(QGuiApplication::palette().color(QPalette::Window)));
    qGuiApp->installEventFilter(this);
    m_renderThread.setObjectName(QStringLiteral("nnj-3d-render"));
    m_fpsClock.start();
    connect(m_fpsTimer, &QTimer::timeout, this, &NetworkView::countFrames);
    m_fpsTimer->start(1000);
    applyCamera();
}

NetworkView::~NetworkView()
{
    if (m_engine) {
        // The engine shuts down on its own thread, while this window (its surface) still exists.
        ViewEngine *engine = m_engine;
        m_engine = nullptr;
        QMetaObject::invokeMethod(
            engine, [engine] { delete engine; }, Qt::BlockingQueuedConnection);
    }
    m_renderThread.quit();
    m_renderThread.wait();
}

void NetworkView::startEngine()
{
    if (m_engine)
        return;
    m_renderThread.start();
    m_engine = new ViewEngine(this, m_channel);
    m_engine->moveToThread(&m_renderThread);
    QMetaObject::invokeMethod(m_engine, &ViewEngine::start, Qt::QueuedConnection);
}

void NetworkView::showEvent(QShowEvent *event)
{
    startEngine(); // the platform window exists now: the renderer can draw into it
    QWindow::showEvent(event);
}

void NetworkView::resizeEvent(QResizeEvent *event)
{
    QWindow::resizeEvent(event);
    m_camera.aspectRatio = float(width()) / std::max(1.0f, float(height()));
    m_channel->update(SceneState::Camera, [this](SceneState &s) { s.camera = m_camera; });
}

bool NetworkView::event(QEvent *event)
{
    // Rendering is on demand: a newly exposed or explicitly updated window gets a fresh frame.
    if ((event->type() == QEvent::Expose && isExposed()) || event->type() == QEvent::UpdateRequest)
        m_channel->update(SceneState::Redraw, [](SceneState &) {});
    return QWindow::event(event);
}

long long NetworkView::framesRendered() const
{
    return m_engine ? m_engine->framesRendered() : 0;
}

void NetworkView::countFrames()
{
    const long long frames = framesRendered();
    const qint64 elapsed = m_fpsClock.restart();
    m_framesPerSecond = double(frames - m_framesAtLastSecond) * 1000.0 / double(std::max<qint64>(1, elapsed));
    m_framesAtLastSecond = frames;
    emit framesPerSecondChanged(m_framesPerSecond);
}

void NetworkView::frameNetwork()
{
    const NetworkLayout &layout = m_scene->layout();
    // A three-quarter view from the input side: the digit image faces the camera and every
    // layer, the output labels included, is seen at a readable size.
    m_yaw = -44;
    m_pitch = 12;
    m_target = layout.center();
    const float halfFov = qDegreesToRadians(m_camera.fieldOfView * 0.5f);
    m_distance = std::max(5.0f, layout.boundingRadius() / std::sin(halfFov));
    // Perspective makes the near input image large and the far layers small, so the middle of
    // the network is not the middle of the picture: project the bounding box's corners, then
    // move the target to the centre of what is seen and come in until it fills 88% of the
    // view. A few rounds converge.
    // The layer titles stand up to about 2.5 units above the neurons (NetworkScene::rebuildLabels).
    const QVector3D low = layout.boundsMin(), high = layout.boundsMax() + QVector3D(0, 2.5f, 0);
    for (int round = 0; round < 4; ++round) {
        applyCamera();
        const QMatrix4x4 viewProjection = projectionMatrix() * viewMatrix();
        float left = 1, right = -1, bottom = 1, top = -1;
        for (int corner = 0; corner < 8; ++corner) {
            const QVector3D point(corner & 1 ? high.x() : low.x(), corner & 2 ? high.y() : low.y(),
                                  corner & 4 ? high.z() : low.z());
            const QVector3D ndc = viewProjection.map(point); // divides by w
            left = std::min(left, ndc.x());
            right = std::max(right, ndc.x());
            bottom = std::min(bottom, ndc.y());
            top = std::max(top, ndc.y());
        }
        // NDC to world units in the plane of the target.
        const float halfHeight = m_distance * std::tan(halfFov);
        const float halfWidth = halfHeight * m_camera.aspectRatio;
        const QVector3D forward = (m_target - m_camera.position).normalized();
        const QVector3D rightAxis = QVector3D::crossProduct(forward, m_camera.up).normalized();
        const QVector3D upAxis = QVector3D::crossProduct(rightAxis, forward);
        m_target += rightAxis * ((left + right) * 0.5f * halfWidth) + upAxis * ((bottom + top) * 0.5f * halfHeight);
        const float extent = std::max((right - left) * 0.5f, (top - bottom) * 0.5f);
        m_distance = std::max(2.0f, m_distance * std::clamp(extent / 0.88f, 0.5f, 2.0f));
    }
    m_home = {m_yaw, m_pitch, m_distance};
    applyCamera();
}

NetworkView::Orbit NetworkView::orbitFromHome() const
{
    const float turn = std::remainder(m_yaw - m_home.yaw, 360.0f); // dragging winds m_yaw up
    return {turn, m_pitch - m_home.pitch, m_home.zoom / std::max(1e-3f, m_distance)};
}

bool NetworkView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qGuiApp && event->type() == QEvent::ApplicationPaletteChange) {
        const ViewPalette palette = ViewPalette::forWindowColor(QGuiApplication::palette().color(QPalette::Window));
        if (palette.light != m_scene->palette().light)
            m_scene->setPalette(palette);
    }
    return QWindow::eventFilter(watched, event);
}

void NetworkView::applyCamera()
{
    const float yaw = qDegreesToRadians(m_yaw);
    const float pitch = qDegreesToRadians(m_pitch);
    const QVector3D offset(std::sin(yaw) * std::cos(pitch), std::sin(pitch), std::cos(yaw) * std::cos(pitch));
    m_camera.position = m_target + offset * m_distance;
    m_camera.viewCenter = m_target;
    m_camera.up = {0, 1, 0};
    m_channel->update(SceneState::Camera, [this](SceneState &s) { s.camera = m_camera; });
    emit cameraChanged(m_camera.position, m_target);
}

QMatrix4x4 NetworkView::viewMatrix() const
{
    QMatrix4x4 view; // what QCamera computes from position, view centre and up vector
    view.lookAt(m_camera.position, m_camera.viewCenter, m_camera.up);
    return view;
}

QMatrix4x4 NetworkView::projectionMatrix() const
{
    QMatrix4x4 projection; // QCameraLens::setPerspectiveProjection
    projection.perspective(m_camera.fieldOfView, m_camera.aspectRatio, m_camera.nearPlane, m_camera.farPlane);
    return projection;
}

NeuronId NetworkView::neuronAt(const QPointF &point) const
{
    QVector3D origin, direction;
    NetworkLayout::viewportRay(point, size(), viewMatrix(), projectionMatrix(), &origin, &direction);
    return m_scene->layout().pick(origin, direction);
}

QPointF NetworkView::screenPosition(NeuronId id) const
{
    return NetworkLayout::project(m_scene->layout().position(id), size(), viewMatrix(), projectionMatrix());
}

void NetworkView::capture(std::function<void(const QImage &)> done)
{
    if (!m_engine) {
        done({});
        return;
    }
    // Qt 3D 6.4's RHI renderer on its OpenGL backend returns the read-back bottom-up.
    const QByteArray renderer = qgetenv("QT3D_RENDERER");
    const QByteArray backend = qgetenv("QSG_RHI_BACKEND");
    const bool flip = renderer != "opengl" && (backend.isEmpty() || backend == "opengl");
    // The reply arrives on the render thread; `done` runs here. This window outlives the
    // engine (the destructor waits for it), so it is a safe context for the queued call.
    ViewEngine *engine = m_engine;
    QMetaObject::invokeMethod(engine, [this, engine, done, flip] {
        engine->capture([this, done, flip](const QImage &image) {
            const QImage shown = flip && !image.isNull() ? image.mirrored() : image;
            QMetaObject::invokeMethod(
                this, [done, shown] { done(shown); }, Qt::QueuedConnection);
        });
    });
}

void NetworkView::updateRenderPolicy()
{
    const bool animating = m_scene->isAnimating();
    const AnimationMode mode = !animating           ? AnimationMode::Off
                               : m_animationHz == 0 ? AnimationMode::Continuous
                                                    : AnimationMode::Capped;
    const int hz = m_animationHz;
    m_channel->update(SceneState::Animation, [mode, hz](SceneState &s) {
        s.animation = mode;
        s.animationHz = hz;
    });
}

void NetworkView::setAnimationRate(int animationHz)
{
    m_animationHz = std::max(0, animationHz);
    updateRenderPolicy();
}

void NetworkView::mousePressEvent(QMouseEvent *event)
{
    m_pressPosition = m_lastPosition = event->position();
    m_dragButton = event->button();
    m_dragged = false;
}

void NetworkView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragButton == Qt::NoButton)
        return;
    const QPointF delta = event->position() - m_lastPosition;
    m_lastPosition = event->position();
    if ((event->position() - m_pressPosition).manhattanLength() > 4)
        m_dragged = true;
    if (m_dragButton == Qt::LeftButton) {
        m_yaw -= float(delta.x()) * 0.3f;
        m_pitch = std::clamp(m_pitch + float(delta.y()) * 0.3f, -85.0f, 85.0f);
    } else {
        // Pan in the camera plane, scaled so the point under the cursor follows it.
        const float perPixel = 2.0f * m_distance * std::tan(qDegreesToRadians(m_camera.fieldOfView * 0.5f))
                               / float(std::max(1, height()));
        const QVector3D forward = (m_camera.viewCenter - m_camera.position).normalized();
        const QVector3D right = QVector3D::crossProduct(forward, {0, 1, 0}).normalized();
        const QVector3D up = QVector3D::crossProduct(right, forward);
        m_target += (-right * float(delta.x()) + up * float(delta.y())) * perPixel;
    }
    applyCamera();
}

void NetworkView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragButton == Qt::LeftButton && !m_dragged)
        emit neuronClicked(neuronAt(event->position()));
    m_dragButton = Qt::NoButton;
}

void NetworkView::wheelEvent(QWheelEvent *event)
{
    const float steps = float(event->angleDelta().y()) / 120.0f;
    m_distance = std::clamp(m_distance * std::pow(0.88f, steps), 3.0f, 400.0f);
    applyCamera();
}

void NetworkView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Home) {
        frameNetwork();
        return;
    }
    QWindow::keyPressEvent(event);
}
