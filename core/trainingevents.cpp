#include "trainingevents.h"

namespace core {

std::string teachingMomentReason(TeachingMomentKind kind)
{
    switch (kind) {
    case TeachingMomentKind::FirstForward: return "first_forward";
    case TeachingMomentKind::FirstBackward: return "first_backward";
    case TeachingMomentKind::HighLoss: return "high_loss";
    case TeachingMomentKind::Divergence: return "divergence";
    case TeachingMomentKind::Plateau: return "plateau";
    case TeachingMomentKind::EpochEnd: return "epoch_end";
    case TeachingMomentKind::DeadUnits: return "dead_units";
    case TeachingMomentKind::ConfidentMistake: return "confident_mistake";
    }
    return "first_forward";
}

std::array<TeachingMomentKind, teachingMomentKindCount> allTeachingMomentKinds()
{
    return {TeachingMomentKind::FirstForward, TeachingMomentKind::FirstBackward,   TeachingMomentKind::HighLoss,
            TeachingMomentKind::Divergence,   TeachingMomentKind::Plateau,         TeachingMomentKind::EpochEnd,
            TeachingMomentKind::DeadUnits,    TeachingMomentKind::ConfidentMistake};
}

bool teachingMomentKindFromReason(const std::string &reason, TeachingMomentKind *kind)
{
    for (TeachingMomentKind k : allTeachingMomentKinds()) {
        if (teachingMomentReason(k) == reason) {
            if (kind)
                *kind = k;
            return true;
        }
    }
    return false;
}

} // namespace core
