// Who is in the classroom and who drives (docs/protocol.md, "Classroom"). Every WebSocket
// client is a participant with a server-given id; it may give a display name. Roles:
//   presenter  the desktop app, or a client that proved control (the join token, or loopback
//              where no token is needed)
//   driver     one participant the presenter granted driving to; may run the training and
//              change its settings, never upload a model or see the token
//   viewer     everyone else; may raise a hand to ask for driving
// Pure bookkeeping on the main thread; the hub (and the HTTP routes through driver keys)
// enforce it.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QString>

#include <optional>
#include <vector>

namespace server {

enum class ParticipantRole { Presenter, Driver, Viewer };
enum class DeviceKind { Computer, Phone };

QString participantRoleName(ParticipantRole role);

struct Participant
{
    QString clientId;
    QString name; // display name, already cleaned (cleanDisplayName); may be empty
    bool presenter = false; // holds control by itself (token/loopback/desktop)
    DeviceKind device = DeviceKind::Computer;
    qint64 sinceMs = 0; // when it joined, ms since the Unix epoch
    bool handRaised = false;
};

class Participants
{
public:
    static constexpr int kMaxNameLength = 24; // characters (Unicode code points) after trimming

    // Trims, removes control and format characters, folds runs of white space to one space and
    // keeps at most kMaxNameLength code points. Any script is welcome.
    static QString cleanDisplayName(const QString &raw);

    void join(const QString &clientId, bool presenter, DeviceKind device, qint64 nowMs);
    void leave(const QString &clientId); // a leaving driver gives driving back
    bool contains(const QString &clientId) const { return find(clientId) != nullptr; }
    // Empty on success, else why not (the client is unknown).
    QString setName(const QString &clientId, const QString &raw);
    QString setDevice(const QString &clientId, DeviceKind device);
    QString raiseHand(const QString &clientId, bool raised);

    // Driving: only a presenter may grant or revoke; the grantee must be a connected
    // non-presenter. Granting lowers the grantee's hand; granting another replaces the driver.
    // Empty on success, else the refusal for the caller.
    QString grant(const QString &byClientId, const QString &toClientId);
    QString revoke(const QString &byClientId);
    // The desktop app is a presenter without a WebSocket connection.
    QString grantAsDesktop(const QString &toClientId) { return grantTo(toClientId); }
    void revokeAsDesktop() { m_driver.clear(), m_driverKey.clear(); }

    const QString &driver() const { return m_driver; } // empty when nobody drives
    // A secret the driver's page sends with its HTTP commands (header X-NNJ-Driver): a new one
    // per grant, so a revoked or replaced driver's key stops working at once.
    const QByteArray &driverKey() const { return m_driverKey; }
    bool driverKeyMatches(const QByteArray &candidate) const;

    ParticipantRole role(const QString &clientId) const;
    const Participant *find(const QString &clientId) const;
    const std::vector<Participant> &all() const { return m_participants; }
    // [{"client_id","name","role","driver","hand_raised","device","since_ms"}], join order.
    QJsonArray toJson() const;

private:
    Participant *findMutable(const QString &clientId);
    QString grantTo(const QString &toClientId);

    std::vector<Participant> m_participants;
    QString m_driver;
    QByteArray m_driverKey;
};

} // namespace server
