// The classroom on top of the shared run (docs/protocol.md, "Classroom"): participants and their
// names, the control hand-off, the presenter's view that others follow, and the class gallery of
// submitted drawings. Transport-neutral: the WebSocket hub feeds it the messages of each client
// and delivers what it emits; the desktop app (a presenter without a connection) calls it
// directly. Main thread only.
#pragma once

#include "gallery.h"
#include "participants.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace server {

class Classroom : public QObject
{
    Q_OBJECT
public:
    // The shared network's prediction for 784 pixels in 0..1.
    using Predictor = std::function<core::Prediction(const float *pixels)>;
    using Clock = std::function<qint64()>; // ms since the Unix epoch

    explicit Classroom(Predictor predictor, QObject *parent = nullptr);
    void setClock(Clock clock) { m_clock = std::move(clock); } // tests

    // The message types handled here (hello, raise_hand, grant_control, revoke_control,
    // submit_drawing, presenter_view, show_gallery_item, remove_gallery_item, clear_gallery).
    static bool handles(QStringView type);

    void join(const QString &clientId, bool presenter, DeviceKind device);
    void leave(const QString &clientId);
    // One message of `clientId` (its "type" is one handles() accepts). Refusals go back to the
    // sender as {"type":"error","message":...}.
    void handle(const QString &clientId, const QJsonObject &message);

    // What a client that just joined needs: participants, control, the gallery, the presenter's
    // view (each a whole message).
    QList<QByteArray> snapshot() const;

    // The desktop app, presenter by itself.
    QString grantFromDesktop(const QString &clientId);
    void revokeFromDesktop();
    void setPresenterView(const QJsonObject &view); // broadcast to followers
    QString showGalleryItem(quint64 id);
    QString removeGalleryItem(quint64 id);
    void clearGallery();

    const Participants &participants() const { return m_participants; }
    const Gallery &gallery() const { return m_gallery; }
    // May this driver key run the training now (HTTP header X-NNJ-Driver)?
    bool driverKeyValid(const QByteArray &key) const { return m_participants.driverKeyMatches(key); }
    bool isDriver(const QString &clientId) const { return !clientId.isEmpty() && m_participants.driver() == clientId; }

    QByteArray participantsMessage() const;
    QByteArray controlMessage() const;

signals:
    void toClient(const QString &clientId, const QByteArray &message);
    void toAll(const QByteArray &message);
    void participantsChanged(); // names, roles, hands, the driver
    void galleryChanged();
    void galleryItemShown(const server::GalleryItem &item); // the presenter put it in the 3D view
    void presenterViewChanged(const QJsonObject &view);

private:
    void refuse(const QString &clientId, const QString &message);
    void announceParticipants();
    void announceControl();
    void submitDrawing(const QString &clientId, const QJsonObject &message);
    bool requirePresenter(const QString &clientId);

    Predictor m_predictor;
    Clock m_clock;
    Participants m_participants;
    Gallery m_gallery;
    QJsonObject m_presenterView; // the last one, for late joiners
};

} // namespace server
