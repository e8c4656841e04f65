// Command names on the wire.
#include "command.h"

#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace server {

namespace {
const std::array<std::pair<CommandKind, QStringView>, 15> kNames{{
    {CommandKind::Start, u"start"},
    {CommandKind::Stop, u"stop"},
    {CommandKind::Pause, u"pause"},
    {CommandKind::Resume, u"resume"},
    {CommandKind::Step, u"step"},
    {CommandKind::SetLearningRate, u"set_learning_rate"},
    {CommandKind::SetBatchDelay, u"set_batch_delay"},
    {CommandKind::SetSpeed, u"set_speed"},
    {CommandKind::SetPace, u"set_pace"},
    {CommandKind::SetTeachingMode, u"set_teaching_mode"},
    {CommandKind::SetTeachingMoments, u"set_teaching_moments"},
    {CommandKind::SetArchitecture, u"set_architecture"},
    {CommandKind::SetBatchSize, u"set_batch_size"},
    {CommandKind::SetEpochs, u"set_epochs"},
    {CommandKind::LoadModel, u"load_model"},
}};
} // namespace

Command Command::of(CommandKind kind)
{
    Command command;
    command.kind = kind;
    return command;
}

Command Command::learningRate(double value)
{
    Command command = of(CommandKind::SetLearningRate);
    command.number = value;
    return command;
}

Command Command::batchDelay(int milliseconds)
{
    Command command = of(CommandKind::SetBatchDelay);
    command.number = milliseconds;
    return command;
}

Command Command::speedMode(SpeedMode mode)
{
    Command command = of(CommandKind::SetSpeed);
    command.speed = mode;
    return command;
}

Command Command::pace(double batchesPerSecond)
{
    Command command = of(CommandKind::SetPace);
    command.number = batchesPerSecond;
    return command;
}

Command Command::teachingMode(bool enabled)
{
    Command command = of(CommandKind::SetTeachingMode);
    command.enabled = enabled;
    return command;
}

Command Command::teachingMoments(std::vector<std::pair<core::TeachingMomentKind, bool>> moments)
{
    Command command = of(CommandKind::SetTeachingMoments);
    command.moments = std::move(moments);
    return command;
}

Command Command::setArchitecture(core::Architecture architecture)
{
    Command command = of(CommandKind::SetArchitecture);
    command.architecture = std::move(architecture);
    return command;
}

Command Command::batchSize(int size)
{
    Command command = of(CommandKind::SetBatchSize);
    command.number = size;
    return command;
}

Command Command::epochs(int count)
{
    Command command = of(CommandKind::SetEpochs);
    command.number = count;
    return command;
}

Command Command::loadModel(QByteArray bytes, QString sourceName)
{
    Command command = of(CommandKind::LoadModel);
    command.modelBytes = std::move(bytes);
    command.sourceName = std::move(sourceName);
    return command;
}

CommandResult CommandResult::done(QString status, QString message)
{
    return CommandResult{std::move(status), ErrorKind::None, std::move(message)};
}

CommandResult CommandResult::refused(ErrorKind error, QString message)
{
    return CommandResult{u"error"_s, error, std::move(message)};
}

bool isRunCommand(CommandKind kind)
{
    return kind == CommandKind::Start || kind == CommandKind::Stop || kind == CommandKind::Pause
           || kind == CommandKind::Resume || kind == CommandKind::Step;
}

QString commandName(CommandKind kind)
{
    for (const auto &[k, name] : kNames) {
        if (k == kind)
            return name.toString();
    }
    return {};
}

std::optional<CommandKind> commandFromName(const QString &name)
{
    for (const auto &[kind, known] : kNames) {
        if (known == name)
            return kind;
    }
    return std::nullopt;
}

} // namespace server
