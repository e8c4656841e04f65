// The 3D window: owns the Qt 3D root, the NetworkScene, an orbit/zoom/pan camera that frames the
// network, click picking (ray-sphere against the instance positions), PNG capture and a
// frame-rate counter. Embed it with QWidget::createWindowContainer.
#pragma once

#include "networkscene.h"

#include <Qt3DExtras/Qt3DWindow>

#include <QElapsedTimer>
#include <QImage>
#include <QTimer>
#include <functional>

namespace Qt3DRender {
class QRenderCapture;
}

class NetworkView : public Qt3DExtras::Qt3DWindow
{
    Q_OBJECT
public:
    explicit NetworkView(QScreen *screen = nullptr);
    ~NetworkView() override;

    NetworkScene *scene() const { return m_scene; }
    // Camera framing the whole network from the default angle.
    void frameNetwork();
    // Picks the neuron under a point in window coordinates.
    NeuronId neuronAt(const QPointF &point) const;
    // Where a neuron's centre appears in window coordinates.
    QPointF screenPosition(NeuronId id) const;
    // Frames rendered during the last completed second.
    double framesPerSecond() const { return m_framesPerSecond; }
    // Frames that showed new content (continuous mode: every frame).
    long long framesRendered() const { return m_frames; }
    // Asynchronous capture of the next rendered frame; `done` gets a null image on failure.
    void capture(std::function<void(const QImage &)> done);
    // Re-evaluates whether the particle animation clock runs. The view always renders on
    // demand: animation ticks at most `animationHz` times a second, so rendering never takes
    // more CPU than that from training and the event loop. `animationHz` 0 = unthrottled
    // (continuous rendering: what bench/app_bench uses to measure the renderer's capacity).
    void updateRenderPolicy();
    void setAnimationRate(int animationHz);

signals:
    void neuronClicked(NeuronId id);
    void framesPerSecondChanged(double fps);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void onFrame(float seconds);
    void applyCamera();

    Qt3DCore::QEntity *m_root;
    NetworkScene *m_scene;
    Qt3DRender::QRenderCapture *m_capture;
    QVector3D m_target;
    float m_distance = 40;
    float m_yaw = -52;   // degrees around +y; 0 looks along -z
    float m_pitch = 14;  // degrees above the horizon
    QPointF m_pressPosition;
    QPointF m_lastPosition;
    Qt::MouseButton m_dragButton = Qt::NoButton;
    bool m_dragged = false;
    long long m_frames = 0;
    bool m_contentDirty = true;
    long long m_framesAtLastSecond = 0;
    QElapsedTimer m_fpsClock;
    QTimer *m_animation;
    QElapsedTimer m_animationClock;
    int m_animationHz = 30;
    double m_framesPerSecond = 0;
};
