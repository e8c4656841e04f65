// Sends the presenter's view to the class (docs/protocol.md, "Classroom"): the 3D camera, the
// selected neuron and the open view, as one presenter_view message — only when something changed,
// and at most once per kMinIntervalMs (a drag moves the camera at the frame rate; followers need
// only where it went).
#pragma once

#include "networklayout.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QVector3D>

#include <functional>
#include <optional>

class PresenterViewSync : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMinIntervalMs = 200; // at most 5 a second

    using Sender = std::function<void(const QJsonObject &view)>;
    explicit PresenterViewSync(Sender send, QObject *parent = nullptr);

    // Where the window's camera is: position and target in the window's own scene ("frame":
    // "window"), and the orbit from its home view (degrees turned about +y and tilted up, home
    // distance / distance), which is what a page, laid out differently, can follow.
    struct Camera
    {
        QVector3D position;
        QVector3D target;
        float yaw = 0;
        float pitch = 0;
        float zoom = 1;
    };

    // {"camera":{"position","target","frame":"window","orbit":{"yaw","pitch","zoom"}},
    //  "selected":{"layer","neuron"}|null,"view":"…"}
    QJsonObject view() const;
    int sentCount() const { return m_sent; }
    // The view names the page uses for the learning views' tabs, in the desktop's tab order.
    static QString learningViewName(int tabIndex);

public slots:
    void setCamera(const PresenterViewSync::Camera &camera);
    void setSelected(NeuronId id);
    void setView(const QString &view);

private:
    void changed();
    void send();

    Sender m_send;
    std::optional<Camera> m_camera;
    NeuronId m_selected;
    QString m_view = QStringLiteral("network");
    QJsonObject m_lastSent;
    QElapsedTimer m_sinceSent;
    QTimer m_timer;
    int m_sent = 0;
};
