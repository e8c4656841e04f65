// The commands every client gives the shared run, and their results. Every surface (the HTTP
// routes, the WebSocket messages, the desktop window) builds a Command, hands it to
// Session::execute() and turns the CommandResult into its own answer; none of them decides
// anything itself, so the same command in the same state answers the same everywhere.
#pragma once

#include "architecture.h"
#include "sessiontypes.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace server {

enum class CommandKind {
    Start,
    Stop,
    Pause,
    Resume,
    Step,
    SetLearningRate,
    SetBatchDelay,
    SetSpeed,
    SetPace,
    SetTeachingMode,
    SetTeachingMoments,
    SetArchitecture,
    SetBatchSize,
    SetEpochs,
    LoadModel,
};

// The run's controls, which take no argument: start, stop, pause, resume, step.
bool isRunCommand(CommandKind kind);

// The name a command has on the wire ("start", "set_learning_rate", ...), and back.
QString commandName(CommandKind kind);
std::optional<CommandKind> commandFromName(const QString &name);

struct Command
{
    CommandKind kind = CommandKind::Stop;
    double number = 0; // learning rate, batch delay (ms), pace (batches/s), batch size, epochs
    bool enabled = false; // teaching mode
    std::vector<std::pair<core::TeachingMomentKind, bool>> moments; // SetTeachingMoments: kind, on
    SpeedMode speed = SpeedMode::Normal;
    core::Architecture architecture; // SetArchitecture
    QByteArray modelBytes; // LoadModel: the model file
    QString sourceName; // LoadModel: where it came from, for error messages

    static Command of(CommandKind kind);
    static Command learningRate(double value);
    static Command batchDelay(int milliseconds);
    static Command speedMode(SpeedMode mode);
    static Command pace(double batchesPerSecond);
    static Command teachingMode(bool enabled);
    static Command teachingMoments(std::vector<std::pair<core::TeachingMomentKind, bool>> moments);
    static Command setArchitecture(core::Architecture architecture);
    static Command batchSize(int size);
    static Command epochs(int count);
    static Command loadModel(QByteArray bytes, QString sourceName);
};

// Why a command was refused. Each surface maps these in one table (HTTP: 400, 409, 503).
enum class ErrorKind {
    None,
    InvalidArgument, // a value out of range or malformed
    Conflict, // not possible in the run's current state (e.g. pause while idle)
    Unavailable, // the run cannot start: data missing, download failed
};

struct CommandResult
{
    // The original's status words where it has them: "started", "busy", "stopped", "paused",
    // "resumed", "stepped", "updated"; "error" when refused.
    QString status;
    ErrorKind error = ErrorKind::None;
    QString message; // why it was refused, or a note ("Training already in progress")

    bool ok() const { return error == ErrorKind::None; }
    static CommandResult done(QString status, QString message = {});
    static CommandResult refused(ErrorKind error, QString message);
};

} // namespace server
