// Run states' and speed modes' names; speed modes' mapping onto the batch delay and the live
// update rate.
#include "sessiontypes.h"

using namespace Qt::StringLiterals;

namespace server {

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Idle: return u"idle"_s;
    case RunState::LoadingData: return u"loading_data"_s;
    case RunState::Running: return u"running"_s;
    case RunState::Paused: return u"paused"_s;
    case RunState::TeachingPause: return u"teaching_pause"_s;
    case RunState::Stopping: return u"stopping"_s;
    }
    return u"idle"_s;
}

QString speedModeName(SpeedMode mode)
{
    switch (mode) {
    case SpeedMode::Step: return u"step"_s;
    case SpeedMode::Narrated: return u"narrated"_s;
    case SpeedMode::Normal: return u"normal"_s;
    case SpeedMode::Fast: return u"fast"_s;
    }
    return u"normal"_s;
}

std::optional<SpeedMode> speedModeFromName(const QString &name)
{
    for (SpeedMode mode : {SpeedMode::Step, SpeedMode::Narrated, SpeedMode::Normal, SpeedMode::Fast}) {
        if (name == speedModeName(mode))
            return mode;
    }
    return std::nullopt;
}

int speedModeBatchDelay(SpeedMode mode)
{
    return mode == SpeedMode::Step ? 1000 : mode == SpeedMode::Narrated ? 200 : 0;
}

int speedModeUpdateInterval(SpeedMode mode)
{
    return mode == SpeedMode::Fast ? 200 : 33;
}

} // namespace server
