#include "classroom.h"

#include "jsonwriter.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace server {

namespace {
QByteArray errorMessage(const QString &message)
{
    return json::compact({{u"type"_s, u"error"_s}, {u"message"_s, message}});
}

// The presenter's view is relayed as given, but only the known members, each of a bounded
// size: it goes to every screen in the room.
QJsonObject cleanPresenterView(const QJsonObject &in)
{
    QJsonObject view{{u"type"_s, u"presenter_view"_s}};
    const auto vector3 = [](const QJsonValue &value) -> QJsonValue {
        const QJsonArray array = value.toArray();
        if (array.size() != 3)
            return QJsonValue::Null;
        for (const QJsonValue &v : array)
            if (!v.isDouble() || !std::isfinite(v.toDouble()))
                return QJsonValue::Null;
        return array;
    };
    const auto finite = [](const QJsonValue &value, double lo, double hi) -> QJsonValue {
        const double v = value.toDouble(std::nan(""));
        return value.isDouble() && std::isfinite(v) && v >= lo && v <= hi ? QJsonValue(v) : QJsonValue::Null;
    };
    const QJsonObject camera = in.value(u"camera"_s).toObject();
    if (!camera.isEmpty()) {
        QJsonObject out{{u"position"_s, vector3(camera.value(u"position"_s))},
                        {u"target"_s, vector3(camera.value(u"target"_s))}};
        // The page and the window lay the network out differently: position and target are in the
        // sender's `frame`; `orbit` (turn, tilt and zoom from that surface's home view) carries over.
        const QString frame = camera.value(u"frame"_s).toString();
        if (frame == u"page"_s || frame == u"window"_s)
            out.insert(u"frame"_s, frame);
        const QJsonObject orbit = camera.value(u"orbit"_s).toObject();
        if (!orbit.isEmpty())
            out.insert(u"orbit"_s, QJsonObject{{u"yaw"_s, finite(orbit.value(u"yaw"_s), -360, 360)},
                                               {u"pitch"_s, finite(orbit.value(u"pitch"_s), -180, 180)},
                                               {u"zoom"_s, finite(orbit.value(u"zoom"_s), 0.01, 100)}});
        view.insert(u"camera"_s, out);
    }
    const QJsonValue selected = in.value(u"selected"_s);
    if (selected.isObject()) {
        const QJsonObject s = selected.toObject();
        const int layer = s.value(u"layer"_s).toInt(-1), neuron = s.value(u"neuron"_s).toInt(-1);
        view.insert(u"selected"_s, layer >= 0 && neuron >= 0 && layer < 64 && neuron < 65536
                                       ? QJsonValue(QJsonObject{{u"layer"_s, layer}, {u"neuron"_s, neuron}})
                                       : QJsonValue::Null);
    } else if (in.contains(u"selected"_s)) {
        view.insert(u"selected"_s, QJsonValue::Null);
    }
    const QString panel = in.value(u"view"_s).toString();
    if (!panel.isEmpty())
        view.insert(u"view"_s, panel.left(32));
    return view;
}
} // namespace

Classroom::Classroom(Predictor predictor, QObject *parent)
    : QObject(parent), m_predictor(std::move(predictor)), m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

bool Classroom::handles(QStringView type)
{
    static const QStringList types{
        u"hello"_s,          u"raise_hand"_s,        u"grant_control"_s,       u"revoke_control"_s, u"submit_drawing"_s,
        u"presenter_view"_s, u"show_gallery_item"_s, u"remove_gallery_item"_s, u"clear_gallery"_s};
    return types.contains(type);
}

void Classroom::join(const QString &clientId, bool presenter, DeviceKind device)
{
    m_participants.join(clientId, presenter, device, m_clock());
    announceParticipants();
}

void Classroom::leave(const QString &clientId)
{
    const bool wasDriver = isDriver(clientId);
    m_participants.leave(clientId);
    m_gallery.forget(clientId);
    announceParticipants();
    if (wasDriver)
        announceControl();
}

QList<QByteArray> Classroom::snapshot() const
{
    QList<QByteArray> messages{participantsMessage(), controlMessage()};
    for (const GalleryItem &item : m_gallery.items())
        messages.append(Gallery::itemMessage(item));
    if (!m_presenterView.isEmpty())
        messages.append(json::compact(m_presenterView));
    return messages;
}

void Classroom::handle(const QString &clientId, const QJsonObject &message)
{
    const QString type = message.value(u"type"_s).toString();
    if (type == u"hello") {
        if (message.contains(u"name"_s)) {
            if (!message.value(u"name"_s).isString())
                return refuse(clientId, u"name: must be a string"_s);
            m_participants.setName(clientId, message.value(u"name"_s).toString());
        }
        const QString device = message.value(u"device"_s).toString();
        if (device == u"phone")
            m_participants.setDevice(clientId, DeviceKind::Phone);
        else if (device == u"computer")
            m_participants.setDevice(clientId, DeviceKind::Computer);
        return announceParticipants();
    }
    if (type == u"raise_hand") {
        const QString why = m_participants.raiseHand(clientId, message.value(u"raised"_s).toBool(true));
        return why.isEmpty() ? announceParticipants() : refuse(clientId, why);
    }
    if (type == u"grant_control") {
        const QString why = m_participants.grant(clientId, message.value(u"client_id"_s).toString());
        if (!why.isEmpty())
            return refuse(clientId, why);
        announceParticipants();
        return announceControl();
    }
    if (type == u"revoke_control") {
        const QString why = m_participants.revoke(clientId);
        if (!why.isEmpty())
            return refuse(clientId, why);
        announceParticipants();
        return announceControl();
    }
    if (type == u"submit_drawing")
        return submitDrawing(clientId, message);
    if (!requirePresenter(clientId))
        return;
    if (type == u"presenter_view")
        return setPresenterView(message);
    const double id = message.value(u"id"_s).toDouble(-1);
    if (type == u"show_gallery_item" || type == u"remove_gallery_item") {
        const QString why
            = type == u"show_gallery_item" ? showGalleryItem(quint64(id)) : removeGalleryItem(quint64(id));
        if (!why.isEmpty())
            refuse(clientId, why);
        return;
    }
    if (type == u"clear_gallery")
        clearGallery();
}

bool Classroom::requirePresenter(const QString &clientId)
{
    if (m_participants.role(clientId) == ParticipantRole::Presenter)
        return true;
    refuse(clientId, u"Only the presenter can do that"_s);
    return false;
}

void Classroom::submitDrawing(const QString &clientId, const QJsonObject &message)
{
    const QJsonArray pixels = message.value(u"pixels"_s).toArray();
    if (pixels.size() != 784)
        return refuse(clientId, u"pixels: must be an array of 784 numbers in 0..1 (got %1)"_s.arg(pixels.size()));
    GalleryItem item;
    item.pixels.resize(784);
    for (int i = 0; i < 784; ++i) {
        const double value = pixels[i].toDouble(-1);
        if (!pixels[i].isDouble() || !(value >= 0 && value <= 1))
            return refuse(clientId, u"pixels[%1]: must be a number in 0..1"_s.arg(i));
        item.pixels[i] = float(value);
    }
    double retryAfter = 0;
    if (!m_gallery.admit(clientId, m_clock(), &retryAfter))
        return refuse(clientId, u"Too many drawings; you can send the next one in %1 s"_s.arg(std::ceil(retryAfter)));
    const Participant *participant = m_participants.find(clientId);
    item.clientId = clientId;
    item.name = participant ? participant->name : QString();
    item.prediction = m_predictor(item.pixels.data());
    item.atMs = m_clock();
    std::vector<quint64> evicted;
    const GalleryItem &added = m_gallery.add(std::move(item), &evicted);
    if (!evicted.empty())
        emit toAll(Gallery::removedMessage(evicted, false));
    emit toAll(Gallery::itemMessage(added));
    emit galleryChanged();
}

QString Classroom::grantFromDesktop(const QString &clientId)
{
    const QString why = m_participants.grantAsDesktop(clientId);
    if (why.isEmpty()) {
        announceParticipants();
        announceControl();
    }
    return why;
}

void Classroom::revokeFromDesktop()
{
    m_participants.revokeAsDesktop();
    announceParticipants();
    announceControl();
}

void Classroom::setPresenterView(const QJsonObject &view)
{
    m_presenterView = cleanPresenterView(view);
    emit toAll(json::compact(m_presenterView));
    emit presenterViewChanged(m_presenterView);
}

QString Classroom::showGalleryItem(quint64 id)
{
    const GalleryItem *item = m_gallery.find(id);
    if (!item)
        return u"id: no drawing %1 in the gallery"_s.arg(id);
    emit toAll(json::compact({{u"type"_s, u"gallery_show"_s}, {u"id"_s, double(id)}}));
    emit galleryItemShown(*item);
    return {};
}

QString Classroom::removeGalleryItem(quint64 id)
{
    if (!m_gallery.remove(id))
        return u"id: no drawing %1 in the gallery"_s.arg(id);
    emit toAll(Gallery::removedMessage({id}, false));
    emit galleryChanged();
    return {};
}

void Classroom::clearGallery()
{
    m_gallery.clear();
    emit toAll(Gallery::removedMessage({}, true));
    emit galleryChanged();
}

QByteArray Classroom::participantsMessage() const
{
    return json::compact({{u"type"_s, u"participants"_s}, {u"participants"_s, m_participants.toJson()}});
}

QByteArray Classroom::controlMessage() const
{
    const QString &driver = m_participants.driver();
    return json::compact({{u"type"_s, u"control"_s}, {u"driver"_s, driver.isEmpty() ? QJsonValue() : driver}});
}

void Classroom::refuse(const QString &clientId, const QString &message)
{
    emit toClient(clientId, errorMessage(message));
}

void Classroom::announceParticipants()
{
    emit toAll(participantsMessage());
    emit participantsChanged();
}

void Classroom::announceControl()
{
    emit toAll(controlMessage());
    // The driver alone learns its key, for its HTTP commands (header X-NNJ-Driver).
    if (!m_participants.driver().isEmpty())
        emit toClient(m_participants.driver(),
                      json::compact({{u"type"_s, u"control_granted"_s},
                                     {u"driver_key"_s, QString::fromLatin1(m_participants.driverKey())}}));
}

} // namespace server
