// The thin adapter between core::Trainer's observer callbacks (trainer thread) and the Session.
// It forwards each callback to the Session's relay* functions, which copy what they need under
// the session lock and post queued events to the main thread. Nothing here blocks training.
#pragma once

#include "trainingevents.h"

#include <QString>

namespace server {

class Session;

class TrainingRelay final : public core::TrainingObserver
{
public:
    explicit TrainingRelay(Session &session) : m_session(session) { }

    void batchFinished(const core::BatchReport &report) override;
    void teachingMoment(const core::TeachingMoment &moment, const core::BatchReport &report) override;
    void epochFinished(const core::EpochReport &report) override;
    void trainingFailed(const std::string &message) override;

    QString failure() const { return m_failure; } // read after run() returned

private:
    Session &m_session;
    QString m_failure;
};

} // namespace server
