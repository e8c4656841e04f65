// What the 3D view draws, as plain data. The GUI thread prepares it (NetworkScene: instance,
// line, particle and label buffers; NetworkView: the camera) and hands it to the Qt 3D engine on
// the render thread (ViewEngine) through a SceneChannel, which keeps only the newest value of
// each part: training updates that arrive faster than frames are coalesced, never queued.
#pragma once

#include <QByteArray>
#include <QImage>
#include <QMutex>
#include <QVector3D>

#include <functional>
#include <vector>

struct CameraState
{
    QVector3D position{0, 0, 40};
    QVector3D viewCenter;
    QVector3D up{0, 1, 0};
    float fieldOfView = 40.0f; // vertical, degrees
    float aspectRatio = 16.0f / 9.0f;
    float nearPlane = 0.5f;
    float farPlane = 1000.0f;
};

// Continuous: render every frame the renderer can make (bench capacity figure);
// Capped: advance the particle clock `animationHz` times a second, render on demand.
enum class AnimationMode { Off, Capped, Continuous };

struct SceneState
{
    enum Part : unsigned {
        Offsets = 1u << 0,
        Colors = 1u << 1,
        Lines = 1u << 2,
        Particles = 1u << 3,
        Labels = 1u << 4,
        Visibility = 1u << 5,
        Camera = 1u << 6,
        Animation = 1u << 7,
        Redraw = 1u << 8, // nothing changed, but draw a frame (expose, capture)
        All = (1u << 9) - 1,
    };
    int tileCount = 0;   // input pixels drawn as flat tiles (first instances)
    int sphereCount = 0; // every other neuron
    QByteArray tileOffsets, sphereOffsets; // vec4 (xyz, size) per instance
    QByteArray tileColors, sphereColors;   // vec4 rgba per instance
    QByteArray lines;                      // 7 floats (xyz rgba) per vertex
    int lineVertices = 0;
    QByteArray particles; // 12 floats per particle
    int particleCount = 0;
    QImage labelAtlas;
    std::vector<float> labelVertices; // x y z u v per vertex
    bool linesVisible = true;
    bool particlesVisible = true;
    bool labelsVisible = true;
    CameraState camera;
    AnimationMode animation = AnimationMode::Off;
    int animationHz = 30;
};

class SceneChannel
{
public:
    // GUI thread: `edit` changes the parts named in `parts` (under the lock); the render thread
    // is woken once until it takes the state.
    void update(unsigned parts, const std::function<void(SceneState &)> &edit)
    {
        std::function<void()> wake;
        {
            QMutexLocker lock(&m_mutex);
            edit(m_state);
            m_dirty |= parts;
            if (!m_woken && m_wake) {
                m_woken = true;
                wake = m_wake;
            }
        }
        if (wake)
            wake();
    }
    // Render thread: copies the newest state (buffers are shared, not copied) and returns the
    // parts changed since the last take.
    unsigned take(SceneState *state)
    {
        QMutexLocker lock(&m_mutex);
        *state = m_state;
        const unsigned dirty = m_dirty;
        m_dirty = 0;
        m_woken = false;
        return dirty;
    }
    // Called (from the GUI thread) when there is something to take; empty: nobody listens.
    void setWake(std::function<void()> wake)
    {
        QMutexLocker lock(&m_mutex);
        m_wake = std::move(wake);
        m_woken = false;
    }

private:
    QMutex m_mutex;
    SceneState m_state;
    unsigned m_dirty = SceneState::All;
    bool m_woken = false;
    std::function<void()> m_wake;
};
