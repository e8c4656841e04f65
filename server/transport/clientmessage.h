// The messages a WebSocket client sends (docs/protocol.md), parsed by a pure function: their kind,
// their fields, or the error text to send back. WebSocketHub::onMessage acts on the result (access
// checks, the session); tests/fuzz/fuzz_ws_message.cpp feeds the parser arbitrary bytes.
// A new message type: a ClientMessageKind, its wire name in kTypes (clientmessage.cpp), its
// fields in ClientMessage (parsed in parseClientMessage), its case in WebSocketHub::onMessage.
#pragma once

#include "command.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace server {

enum class ClientMessageKind {
    Invalid, // not a JSON object, or a "type" not understood: `error` says why
    Ping, // {"type": "ping"}: answered with pong
    GetState, // {"type": "get_state"}: answered with a state snapshot
    Command, // {"type": "command", "command": "start"}: a run control, by name, or
             // {"type": "command", "command": "set_teaching_moments", "moments": {"plateau": false}}
    Classroom, // hello, raise_hand, grant_control, ... (Classroom::handles): `object` is the message
};

struct ClientMessage
{
    ClientMessageKind kind = ClientMessageKind::Invalid;
    QString type; // the "type" field ("" when missing or not a string)
    // Invalid: the error to send back. Command: the error to send back when the name is no run
    // control (runCommand empty), once the hub has checked that the client may command at all.
    QString error;

    // Command: the "command" field ("" when missing or not a string), and the run control it
    // names (start, stop, pause, resume, step, set_teaching_moments), if any.
    QString command;
    std::optional<CommandKind> runCommand;
    // set_teaching_moments: the "moments" object, each known moment name with true or false.
    std::vector<std::pair<core::TeachingMomentKind, bool>> moments;
    // Classroom: the whole message, for Classroom::handle (which checks its fields).
    QJsonObject object;
};

// `utf8` is the text of one WebSocket text message.
ClientMessage parseClientMessage(const QByteArray &utf8);

} // namespace server
