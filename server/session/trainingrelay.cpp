#include "trainingrelay.h"

#include "session.h"

namespace server {

void TrainingRelay::batchFinished(const core::BatchReport &report)
{
    m_session.relayBatch(report);
}

void TrainingRelay::teachingMoment(const core::TeachingMoment &moment, const core::BatchReport &report)
{
    m_session.relayTeachingMoment(moment, report);
}

void TrainingRelay::epochFinished(const core::EpochReport &report)
{
    m_session.relayEpoch(report);
}

void TrainingRelay::trainingFailed(const std::string &message)
{
    m_failure = QString::fromStdString(message);
}

} // namespace server
