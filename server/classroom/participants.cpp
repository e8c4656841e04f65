#include "participants.h"

#include "security.h"

#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace server {

QString participantRoleName(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Presenter: return u"presenter"_s;
    case ParticipantRole::Driver: return u"driver"_s;
    case ParticipantRole::Viewer: return u"viewer"_s;
    }
    return u"viewer"_s;
}

QString Participants::cleanDisplayName(const QString &raw)
{
    QString cleaned;
    int length = 0;
    bool pendingSpace = false;
    for (char32_t c : raw.toUcs4()) {
        const QChar::Category category = QChar::category(c);
        if (QChar::isSpace(c)) {
            pendingSpace = !cleaned.isEmpty();
            continue;
        }
        // Control, format (bidi overrides, zero-width joiners), unassigned and private-use
        // characters could hide or reorder what others see.
        if (category == QChar::Other_Control || category == QChar::Other_Format || category == QChar::Other_Surrogate
            || category == QChar::Other_NotAssigned || category == QChar::Other_PrivateUse)
            continue;
        if (length + (pendingSpace ? 2 : 1) > kMaxNameLength)
            break;
        if (pendingSpace)
            cleaned += u' ', ++length, pendingSpace = false;
        const char32_t one[1] = {c};
        cleaned += QString::fromUcs4(one, 1);
        ++length;
    }
    return cleaned;
}

void Participants::join(const QString &clientId, bool presenter, DeviceKind device, qint64 nowMs)
{
    if (Participant *known = findMutable(clientId)) {
        known->presenter = presenter;
        return;
    }
    m_participants.push_back({clientId, {}, presenter, device, nowMs, false});
}

void Participants::leave(const QString &clientId)
{
    std::erase_if(m_participants, [&](const Participant &p) { return p.clientId == clientId; });
    if (m_driver == clientId)
        revokeAsDesktop();
}

QString Participants::setName(const QString &clientId, const QString &raw)
{
    Participant *participant = findMutable(clientId);
    if (!participant)
        return u"unknown participant"_s;
    participant->name = cleanDisplayName(raw);
    return {};
}

QString Participants::setDevice(const QString &clientId, DeviceKind device)
{
    Participant *participant = findMutable(clientId);
    if (!participant)
        return u"unknown participant"_s;
    participant->device = device;
    return {};
}

QString Participants::raiseHand(const QString &clientId, bool raised)
{
    Participant *participant = findMutable(clientId);
    if (!participant)
        return u"unknown participant"_s;
    if (raised && (participant->presenter || m_driver == clientId))
        return u"you already have control"_s;
    participant->handRaised = raised;
    return {};
}

QString Participants::grant(const QString &byClientId, const QString &toClientId)
{
    const Participant *by = find(byClientId);
    if (!by || !by->presenter)
        return u"only the presenter can hand over control"_s;
    return grantTo(toClientId);
}

QString Participants::grantTo(const QString &toClientId)
{
    Participant *to = findMutable(toClientId);
    if (!to)
        return u"client_id: no participant %1 is connected"_s.arg(toClientId);
    if (to->presenter)
        return u"client_id: %1 is a presenter and already has control"_s.arg(toClientId);
    to->handRaised = false;
    m_driver = toClientId;
    m_driverKey = AccessPolicy::generateToken();
    return {};
}

QString Participants::revoke(const QString &byClientId)
{
    const Participant *by = find(byClientId);
    // The driver may also give control back by itself.
    if (!by || (!by->presenter && byClientId != m_driver))
        return u"only the presenter can take control back"_s;
    revokeAsDesktop();
    return {};
}

bool Participants::driverKeyMatches(const QByteArray &candidate) const
{
    return !m_driverKey.isEmpty() && AccessPolicy::constantTimeEquals(candidate, m_driverKey);
}

ParticipantRole Participants::role(const QString &clientId) const
{
    const Participant *participant = find(clientId);
    if (participant && participant->presenter)
        return ParticipantRole::Presenter;
    if (!m_driver.isEmpty() && clientId == m_driver)
        return ParticipantRole::Driver;
    return ParticipantRole::Viewer;
}

const Participant *Participants::find(const QString &clientId) const
{
    const auto it = std::find_if(m_participants.begin(), m_participants.end(),
                                 [&](const Participant &p) { return p.clientId == clientId; });
    return it == m_participants.end() ? nullptr : &*it;
}

Participant *Participants::findMutable(const QString &clientId)
{
    return const_cast<Participant *>(find(clientId));
}

QJsonArray Participants::toJson() const
{
    QJsonArray list;
    for (const Participant &p : m_participants)
        list.append(QJsonObject{{u"client_id"_s, p.clientId},
                                {u"name"_s, p.name},
                                {u"role"_s, participantRoleName(role(p.clientId))},
                                {u"driver"_s, p.clientId == m_driver},
                                {u"hand_raised"_s, p.handRaised},
                                {u"device"_s, p.device == DeviceKind::Phone ? u"phone"_s : u"computer"_s},
                                {u"since_ms"_s, double(p.sinceMs)}});
    return list;
}

} // namespace server
