// The 3D window: owns the NetworkScene, an orbit/zoom/pan camera that frames the network, click
// picking (ray-sphere against the instance positions), PNG capture and a frame-rate counter.
// Embed it with QWidget::createWindowContainer.
//
// The Qt 3D engine that draws into this window runs on its own render thread (ViewEngine): the
// window, the scene data and the camera stay on the GUI thread, which hands changes over and
// never waits for a frame to be rendered.
#pragma once

#include "networkscene.h"

#include <QElapsedTimer>
#include <QImage>
#include <QMatrix4x4>
#include <QThread>
#include <QTimer>
#include <QWindow>
#include <functional>
#include <memory>

class ViewEngine;

class NetworkView : public QWindow
{
    Q_OBJECT
public:
    explicit NetworkView(QScreen *screen = nullptr);
    ~NetworkView() override; // stops the render thread before the window goes

    NetworkScene *scene() const { return m_scene; }
    // Camera framing the whole network from the default angle.
    void frameNetwork();
    // Picks the neuron under a point in window coordinates.
    NeuronId neuronAt(const QPointF &point) const;
    // Selects a neuron as a click on it would (the learning views' tiles use this).
    void selectNeuron(NeuronId id) { emit neuronClicked(id); }
    // Where a neuron's centre appears in window coordinates.
    QPointF screenPosition(NeuronId id) const;
    // Frames rendered during the last completed second.
    double framesPerSecond() const { return m_framesPerSecond; }
    // Frames that showed new content (continuous mode: every frame).
    long long framesRendered() const;
    // Asynchronous capture of the next rendered frame; `done` gets a null image on failure.
    void capture(std::function<void(const QImage &)> done);
    // Re-evaluates whether the particle animation clock runs. The view always renders on
    // demand: animation ticks at most `animationHz` times a second (on the render thread), so
    // rendering never takes more CPU than that from training. `animationHz` 0 = unthrottled
    // (continuous rendering: what bench/app_bench uses to measure the renderer's capacity).
    void updateRenderPolicy();
    void setAnimationRate(int animationHz);
    // The camera as the renderer uses it, in this window's scene coordinates.
    QVector3D cameraPosition() const { return m_camera.position; }
    QVector3D cameraTarget() const { return m_target; }
    // The camera relative to the home view that frameNetwork() sets: degrees turned about +y
    // (right-handed) and tilted up, and home distance / distance (2 = twice as close). This is
    // what carries over to the web page, whose scene is laid out differently.
    struct Orbit
    {
        float yaw = 0;
        float pitch = 0;
        float zoom = 1;
    };
    Orbit orbitFromHome() const;
    // The camera's matrices as the renderer uses them.
    QMatrix4x4 viewMatrix() const;
    QMatrix4x4 projectionMatrix() const;

signals:
    void neuronClicked(NeuronId id);
    void framesPerSecondChanged(double fps);
    // Whenever the camera moves (orbit, pan, zoom, frameNetwork); at the frame rate while
    // dragging, so receivers throttle.
    void cameraChanged(const QVector3D &position, const QVector3D &target);

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyCamera();
    void startEngine();
    void countFrames();

    std::shared_ptr<SceneChannel> m_channel;
    NetworkScene *m_scene;
    QThread m_renderThread;
    ViewEngine *m_engine = nullptr; // lives on m_renderThread
    CameraState m_camera;
    QVector3D m_target;
    float m_distance = 40;
    float m_yaw = -52; // degrees around +y; 0 looks along -z
    float m_pitch = 14; // degrees above the horizon
    Orbit m_home{-44, 12, 40}; // frameNetwork's yaw, pitch and distance (in `zoom`)
    QPointF m_pressPosition;
    QPointF m_lastPosition;
    Qt::MouseButton m_dragButton = Qt::NoButton;
    bool m_dragged = false;
    long long m_framesAtLastSecond = 0;
    QElapsedTimer m_fpsClock;
    QTimer *m_fpsTimer;
    int m_animationHz = 30;
    double m_framesPerSecond = 0;
};
