// The hand-over of the 3D view's SceneState from the GUI thread to the render thread: it keeps
// only the newest value of each part, so training updates that arrive faster than frames are
// coalesced, never queued, and wakes the render thread once until it takes the state.
#pragma once

#include "scenestate.h"

#include <QMutex>

#include <functional>

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
