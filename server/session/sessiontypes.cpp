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
    case SpeedMode::Custom: return u"custom"_s;
    }
    return u"normal"_s;
}

// Custom is not a button: it is reached by setting a pace directly.
std::optional<SpeedMode> speedModeFromName(const QString &name)
{
    for (SpeedMode mode : {SpeedMode::Step, SpeedMode::Narrated, SpeedMode::Normal, SpeedMode::Fast}) {
        if (name == speedModeName(mode))
            return mode;
    }
    return std::nullopt;
}

double speedModePace(SpeedMode mode)
{
    switch (mode) {
    case SpeedMode::Step: return 1;
    case SpeedMode::Narrated: return 5;
    case SpeedMode::Normal: return 50;
    case SpeedMode::Fast:
    case SpeedMode::Custom: return kPaceUnlimited;
    }
    return kPaceUnlimited;
}

int speedModeUpdateInterval(SpeedMode mode)
{
    return mode == SpeedMode::Fast ? 200 : 33;
}

} // namespace server
