#include "networkview.h"

#include "colorscheme.h"

#include <Qt3DCore/QEntity>
#include <Qt3DExtras/QForwardRenderer>
#include <Qt3DLogic/QFrameAction>
#include <Qt3DRender/QCamera>
#include <Qt3DRender/QRenderCapture>
#include <Qt3DRender/QRenderSettings>

#include <QMouseEvent>
#include <QWheelEvent>
#include <QtMath>

NetworkView::NetworkView(QScreen *screen) : Qt3DWindow(screen), m_root(new Qt3DCore::QEntity)
{
    // No MSAA: on software renderers it costs a third of the frame rate for thin geometry.
    QSurfaceFormat surface = format();
    surface.setSamples(0);
    surface.setSwapInterval(qEnvironmentVariableIsSet("NNJ_NO_VSYNC") ? 0 : 1);
    setFormat(surface);

    defaultFrameGraph()->setClearColor(colorscheme::background);
    defaultFrameGraph()->setFrustumCullingEnabled(false); // instances live far from the base sphere
    m_capture = new Qt3DRender::QRenderCapture;
    activeFrameGraph()->setParent(m_capture);
    setActiveFrameGraph(m_capture);

    camera()->lens()->setPerspectiveProjection(40.0f, 16.0f / 9.0f, 0.5f, 1000.0f);
    m_scene = new NetworkScene(m_root, this);
    connect(m_scene, &NetworkScene::contentChanged, this, [this] { m_contentDirty = true; });

    auto *frameAction = new Qt3DLogic::QFrameAction(m_root);
    connect(frameAction, &Qt3DLogic::QFrameAction::triggered, this, &NetworkView::onFrame);
    m_root->addComponent(frameAction);
    setRootEntity(m_root);
    renderSettings()->setRenderPolicy(Qt3DRender::QRenderSettings::OnDemand);
    m_fpsClock.start();
    m_animation = new QTimer(this);
    m_animation->setTimerType(Qt::PreciseTimer);
    connect(m_animation, &QTimer::timeout, this, [this] {
        const float seconds = float(m_animationClock.restart()) / 1000.0f;
        m_scene->advanceClock(std::min(seconds, 0.25f)); // changing the uniform requests a frame
    });
}

NetworkView::~NetworkView() = default;

void NetworkView::frameNetwork()
{
    const NetworkLayout &layout = m_scene->layout();
    // Aim slightly past the middle: the near input image looks larger than the far layers.
    m_target = layout.center() + QVector3D((layout.boundsMax().x() - layout.boundsMin().x()) * 0.05f, 0, 0);
    // Distance at which the bounding sphere fits the vertical field of view, with a margin.
    const float halfFov = qDegreesToRadians(camera()->fieldOfView() * 0.5f);
    m_distance = std::max(5.0f, layout.boundingRadius() / std::sin(halfFov) * 0.76f);
    m_yaw = -52;
    m_pitch = 14;
    applyCamera();
}

void NetworkView::applyCamera()
{
    const float yaw = qDegreesToRadians(m_yaw);
    const float pitch = qDegreesToRadians(m_pitch);
    const QVector3D offset(std::sin(yaw) * std::cos(pitch), std::sin(pitch), std::cos(yaw) * std::cos(pitch));
    camera()->setPosition(m_target + offset * m_distance);
    camera()->setViewCenter(m_target);
    camera()->setUpVector({0, 1, 0});
}

NeuronId NetworkView::neuronAt(const QPointF &point) const
{
    QVector3D origin, direction;
    NetworkLayout::viewportRay(point, size(), camera()->viewMatrix(), camera()->projectionMatrix(), &origin, &direction);
    return m_scene->layout().pick(origin, direction);
}

QPointF NetworkView::screenPosition(NeuronId id) const
{
    return NetworkLayout::project(m_scene->layout().position(id), size(), camera()->viewMatrix(),
                                  camera()->projectionMatrix());
}

void NetworkView::capture(std::function<void(const QImage &)> done)
{
    Qt3DRender::QRenderCaptureReply *reply = m_capture->requestCapture();
    if (!reply) {
        done({});
        return;
    }
    // Qt 3D 6.4's RHI renderer on its OpenGL backend returns the read-back bottom-up.
    const QByteArray renderer = qgetenv("QT3D_RENDERER");
    const QByteArray backend = qgetenv("QSG_RHI_BACKEND");
    const bool flip = renderer != "opengl" && (backend.isEmpty() || backend == "opengl");
    connect(reply, &Qt3DRender::QRenderCaptureReply::completed, this, [reply, done, flip] {
        done(flip ? reply->image().mirrored() : reply->image());
        reply->deleteLater();
    });
    requestUpdate();
}

void NetworkView::updateRenderPolicy()
{
    const bool animating = m_scene->isAnimating();
    const bool continuous = animating && m_animationHz == 0;
    renderSettings()->setRenderPolicy(continuous ? Qt3DRender::QRenderSettings::Always
                                                 : Qt3DRender::QRenderSettings::OnDemand);
    if (animating && !continuous) {
        if (!m_animation->isActive()) {
            m_animationClock.start();
            m_animation->start(1000 / m_animationHz);
        }
    } else {
        m_animation->stop();
    }
}

void NetworkView::setAnimationRate(int animationHz)
{
    m_animationHz = std::max(0, animationHz);
    m_animation->stop();
    updateRenderPolicy();
}

void NetworkView::onFrame(float seconds)
{
    // Each aspect-engine frame waits for the previous render, so a frame that had new
    // content is a rendered frame; on-demand frames without changes render nothing.
    const bool continuous = renderSettings()->renderPolicy() == Qt3DRender::QRenderSettings::Always;
    if (continuous || m_contentDirty)
        ++m_frames;
    m_contentDirty = false;
    if (m_scene->isAnimating() && m_animationHz == 0)
        m_scene->advanceClock(seconds);
    const qint64 elapsed = m_fpsClock.elapsed();
    if (elapsed >= 1000) {
        m_framesPerSecond = double(m_frames - m_framesAtLastSecond) * 1000.0 / double(elapsed);
        m_framesAtLastSecond = m_frames;
        m_fpsClock.restart();
        emit framesPerSecondChanged(m_framesPerSecond);
    }
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
        const float perPixel = 2.0f * m_distance * std::tan(qDegreesToRadians(camera()->fieldOfView() * 0.5f))
                               / float(std::max(1, height()));
        const QVector3D forward = (camera()->viewCenter() - camera()->position()).normalized();
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
    Qt3DWindow::keyPressEvent(event);
}
