#include "trainingevents.h"

namespace core {

std::string teachingMomentReason(TeachingMomentKind kind)
{
    switch (kind) {
    case TeachingMomentKind::FirstForward: return "first_forward";
    case TeachingMomentKind::FirstBackward: return "first_backward";
    case TeachingMomentKind::HighLoss: return "high_loss";
    }
    return "first_forward";
}

} // namespace core
