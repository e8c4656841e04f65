// One JSON shape per message type (docs/protocol.md): the WebSocket events and the JSON bodies
// the HTTP API shares with them. Messages are built once and sent to every client as is.
#pragma once

#include "command.h"
#include "network.h"
#include "sessiontypes.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

namespace server {

class Session;

namespace messages {

// Significant digits for the visual arrays of live updates (activations, gradients): enough
// for colours and particles, half the bytes of round-trip floats.
constexpr int kVisualDigits = 4;

QJsonArray architectureSizes(const core::Architecture &architecture);
QJsonArray activationNames(const core::Architecture &architecture);
QJsonObject settings(const SessionSettings &settings);
QJsonObject seedStatus(const SessionStats &stats); // GET /status

// The original's /get-weights list: [{"type":"Dense","weights":[[in x out]],"bias":[[out]],...},
// {"type":"ReLU"}, ..., {"type":"Softmax"}]. Rows of "weights" are input indices.
QByteArray weightsList(const core::Network &network);

// JSON text, or (Binary) the same message as a binary frame whose big arrays are quantised
// (binarywire.h; docs/protocol.md "Binary frames"): update, pause_moment and training_complete.
enum class Wire { Json, Binary };

QByteArray update(const BatchUpdate &update, Wire wire = Wire::Json);
// pause_moment: the seed's fields plus "data" (the moment's numbers, per kind: momentData) and
// "focus_output_gradient" (the focus sample's p - onehot(label), 10 numbers).
QByteArray pauseMoment(const PauseMoment &moment, Wire wire = Wire::Json);
QJsonObject momentData(const core::TeachingMoment &moment);
// {"outcome":"learned",...,"reason":"..."}
QJsonObject verdict(const core::Verdict &verdict);
// A teaching moment in the original's English words (the `message` of pause_moment), the one
// place the server words it.
QString teachingText(const core::TeachingMoment &moment);
QByteArray pauseResumed(const QString &reason);
// {"type":"command_result","command":"pause","status":"paused"} or, refused, with "status":
// "error", "error": "invalid_argument" | "conflict" | "unavailable" and the "message".
QByteArray commandResult(const QString &command, const CommandResult &result);
// {"type":"run_state","state":"running",...,"verdict":{...}|null} (the verdict when idle after a run)
QByteArray runState(const Session &session);
QByteArray epochEnd(const core::EpochReport &report);
// Narrated speed: {"type":"narration","kind":"loss_halved","text":"…","batch":N,…} with the
// caption's numbers (core::Caption) and its English words, the one place the server words them.
QString captionKindName(core::CaptionKind kind); // "loss_halved", "epoch_result", ...
QString captionText(const core::Caption &caption);
QByteArray narration(const core::Caption &caption);
QByteArray trainingStarted(const Session &session);
QByteArray trainingComplete(const core::FinishReport &report, const QByteArray &weightsList);
// training_complete with "weights": null, "weights_layout" (the weights list without numbers) and
// the Dense layers' weights and biases as float16 arrays ("dense_weights", "dense_biases").
QByteArray trainingCompleteBinary(const core::FinishReport &report, const core::Network &network);
QByteArray settingsChanged(const Session &session);
QByteArray viewers(int count);
QByteArray downloadProgress(const QString &file, qint64 received, qint64 total, bool done);
QByteArray error(const QString &message);
QByteArray ofType(const char *type); // {"type":"…"}
// The full snapshot; `withType` adds "type":"state" (WebSocket), /api/state omits it.
QByteArray state(const Session &session, int viewerCount, bool withType);
// POST /predict response.
QByteArray prediction(const core::Prediction &prediction, bool trained);

} // namespace messages
} // namespace server
