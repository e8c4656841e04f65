// libFuzzer harness for the WebSocket client messages (server/transport/clientmessage.h): the
// input is one text message. It is parsed as the bytes it is and as WebSocketHub::onMessage gets
// it (decoded to a QString, back to UTF-8), and the error the hub would send back is built. Every
// result must be consistent: an Invalid message carries its error, a command either names a run
// control (or set_teaching_moments with at least one moment) or carries its error, and every
// error answer is a JSON object.
#include "clientmessage.h"
#include "fuzzcheck.h"
#include "messages.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

namespace {

void checkErrorAnswer(const QString &error)
{
    NNJ_FUZZ_CHECK(!error.isEmpty() && error.size() <= 200); // echoed input is cut to 50 characters
    QJsonParseError parseError;
    const QJsonDocument answer = QJsonDocument::fromJson(server::messages::error(error), &parseError);
    NNJ_FUZZ_CHECK(parseError.error == QJsonParseError::NoError && answer.isObject());
    NNJ_FUZZ_CHECK(answer.object().value(QStringLiteral("type")).toString() == QStringLiteral("error"));
}

void parse(const QByteArray &utf8)
{
    const server::ClientMessage message = server::parseClientMessage(utf8);
    switch (message.kind) {
    case server::ClientMessageKind::Invalid: checkErrorAnswer(message.error); break;
    case server::ClientMessageKind::Ping:
    case server::ClientMessageKind::GetState: NNJ_FUZZ_CHECK(message.error.isEmpty() && !message.runCommand); break;
    case server::ClientMessageKind::Command:
        NNJ_FUZZ_CHECK(message.runCommand.has_value() == message.error.isEmpty());
        if (message.runCommand && *message.runCommand == server::CommandKind::SetTeachingMoments)
            NNJ_FUZZ_CHECK(!message.moments.empty() && server::commandName(*message.runCommand) == message.command);
        else if (message.runCommand)
            NNJ_FUZZ_CHECK(server::isRunCommand(*message.runCommand) && message.moments.empty()
                           && server::commandName(*message.runCommand) == message.command);
        else
            checkErrorAnswer(message.error);
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    parse(bytes);
    const QByteArray received = QString::fromUtf8(bytes).toUtf8(); // what onMessage parses
    if (received != bytes)
        parse(received);
    return 0;
}
