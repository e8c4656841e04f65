// WebSocket client messages: JSON object -> ClientMessage, every error text the client can get
// for a message it sent.
#include "clientmessage.h"

#include "classroom.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace server {

namespace {
// The "type" of every message kind but Invalid.
const std::array<std::pair<ClientMessageKind, QStringView>, 3> kTypes{{
    {ClientMessageKind::Ping, u"ping"},
    {ClientMessageKind::GetState, u"get_state"},
    {ClientMessageKind::Command, u"command"},
}};

// {"plateau": false, ...}: every key a moment's wire name, every value true or false, at least one.
void parseMoments(ClientMessage &message, const QJsonValue &value)
{
    if (!value.isObject() || value.toObject().isEmpty()) {
        message.error = u"set_teaching_moments needs \"moments\": an object such as {\"plateau\": false}"_s;
        return;
    }
    const QJsonObject moments = value.toObject();
    for (auto it = moments.begin(); it != moments.end(); ++it) {
        core::TeachingMomentKind kind = core::TeachingMomentKind::FirstForward;
        if (!core::teachingMomentKindFromReason(it.key().toStdString(), &kind)) {
            message.error = u"Unknown teaching moment '%1' in moments"_s.arg(it.key().left(50));
            message.moments.clear();
            return;
        }
        if (!it.value().isBool()) {
            message.error = u"moments.%1 must be true or false"_s.arg(it.key().left(50));
            message.moments.clear();
            return;
        }
        message.moments.emplace_back(kind, it.value().toBool());
    }
    message.runCommand = CommandKind::SetTeachingMoments;
}

ClientMessage invalid(ClientMessage message, const QString &error)
{
    message.kind = ClientMessageKind::Invalid;
    message.error = error;
    return message;
}
} // namespace

ClientMessage parseClientMessage(const QByteArray &utf8)
{
    ClientMessage message;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(utf8, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return invalid(message, u"Messages must be JSON objects with a \"type\""_s);
    const QJsonObject object = document.object();
    message.type = object.value(u"type"_s).toString();
    const auto known
        = std::find_if(kTypes.begin(), kTypes.end(), [&](const auto &entry) { return entry.second == message.type; });
    if (Classroom::handles(message.type)) {
        message.kind = ClientMessageKind::Classroom;
        message.object = object;
        return message;
    }
    if (known == kTypes.end())
        return invalid(message, u"Unknown message type '%1'"_s.arg(message.type.left(50)));
    message.kind = known->first;

    switch (message.kind) {
    case ClientMessageKind::Command: {
        message.command = object.value(u"command"_s).toString();
        const auto kind = commandFromName(message.command);
        if (kind && isRunCommand(*kind))
            message.runCommand = kind;
        else if (kind == CommandKind::SetTeachingMoments)
            parseMoments(message, object.value(u"moments"_s));
        else
            message.error = u"Unknown command '%1' (start, stop, pause, resume, step, set_teaching_moments)"_s.arg(
                message.command.left(50));
        break;
    }
    case ClientMessageKind::Invalid:
    case ClientMessageKind::Classroom:
    case ClientMessageKind::Ping:
    case ClientMessageKind::GetState: break;
    }
    return message;
}

} // namespace server
