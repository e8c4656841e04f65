#include "presenterviewsync.h"

#include <QJsonArray>

#include <cmath>

namespace {

// Hundredths of a scene unit (a neuron spacing is about one): finer than anyone sees, and float
// noise from the orbit maths never counts as a change.
double rounded(float x, double step)
{
    return std::round(double(x) / step) * step;
}

QJsonArray vector3(const QVector3D &v)
{
    return QJsonArray{rounded(v.x(), 0.01), rounded(v.y(), 0.01), rounded(v.z(), 0.01)};
}

} // namespace

PresenterViewSync::PresenterViewSync(Sender send, QObject *parent) : QObject(parent), m_send(std::move(send))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire early: more than 5 a second
    connect(&m_timer, &QTimer::timeout, this, &PresenterViewSync::send);
}

QString PresenterViewSync::learningViewName(int tabIndex)
{
    static const char *const names[]
        = {"features", "histograms", "mistakes", "compare", "steps", "landscape", "painter"};
    return tabIndex >= 0 && tabIndex < int(std::size(names)) ? QString::fromLatin1(names[tabIndex]) : QString();
}

QJsonObject PresenterViewSync::view() const
{
    QJsonObject view;
    if (m_camera)
        view.insert(QStringLiteral("camera"),
                    QJsonObject{{QStringLiteral("position"), vector3(m_camera->position)},
                                {QStringLiteral("target"), vector3(m_camera->target)},
                                {QStringLiteral("frame"), QStringLiteral("window")},
                                {QStringLiteral("orbit"),
                                 QJsonObject{{QStringLiteral("yaw"), rounded(m_camera->yaw, 0.1)},
                                             {QStringLiteral("pitch"), rounded(m_camera->pitch, 0.1)},
                                             {QStringLiteral("zoom"), rounded(m_camera->zoom, 0.001)}}}});
    view.insert(QStringLiteral("selected"), m_selected.isValid()
                                                ? QJsonValue(QJsonObject{{QStringLiteral("layer"), m_selected.layer},
                                                                         {QStringLiteral("neuron"), m_selected.index}})
                                                : QJsonValue(QJsonValue::Null));
    view.insert(QStringLiteral("view"), m_view);
    return view;
}

void PresenterViewSync::setCamera(const Camera &camera)
{
    m_camera = camera;
    changed();
}

void PresenterViewSync::setSelected(NeuronId id)
{
    m_selected = id;
    changed();
}

void PresenterViewSync::setView(const QString &view)
{
    m_view = view.isEmpty() ? QStringLiteral("network") : view;
    changed();
}

void PresenterViewSync::changed()
{
    if (m_timer.isActive())
        return; // the pending send takes the newest view
    const qint64 since = m_sinceSent.isValid() ? m_sinceSent.elapsed() : kMinIntervalMs;
    m_timer.start(int(std::max<qint64>(0, kMinIntervalMs - since)));
}

void PresenterViewSync::send()
{
    const QJsonObject current = view();
    if (current == m_lastSent)
        return;
    m_lastSent = current;
    m_sinceSent.start();
    ++m_sent;
    m_send(current);
}
