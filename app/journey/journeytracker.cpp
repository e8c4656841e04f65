#include "journeytracker.h"

#include <QSettings>

namespace {
QStringList sorted(const QSet<QString> &set)
{
    QStringList list(set.begin(), set.end());
    list.sort();
    return list;
}

QSet<QString> toSet(const QStringList &list)
{
    return QSet<QString>(list.begin(), list.end());
}
} // namespace

JourneyTracker::JourneyTracker(JourneyPlan plan, QObject *parent) : QObject(parent), m_plan(std::move(plan))
{
}

JourneyTracker::~JourneyTracker() = default;

int JourneyTracker::currentChapter() const
{
    for (int i = 0; i < m_plan.chapters.size(); ++i)
        for (const QString &task : m_plan.chapters[i].tasks)
            if (!m_tasks.contains(task))
                return i;
    return -1;
}

void JourneyTracker::complete(const QString &task)
{
    if (m_tasks.contains(task) || !m_plan.allTasks().contains(task))
        return;
    m_tasks.insert(task);
    emit taskCompleted(task);
    emit changed();
}

void JourneyTracker::earn(const QString &id)
{
    if (m_achievements.contains(id) || !m_plan.achievement(id))
        return;
    m_achievements.insert(id);
    emit achievementEarned(id);
    emit changed();
}

void JourneyTracker::teachingCardShown(const QString &reason, double learningRate)
{
    if (reason == QLatin1String("first_forward"))
        complete(QStringLiteral("watch-forward-pass"));
    else if (reason == QLatin1String("first_backward"))
        complete(QStringLiteral("see-backward"));
    else if (reason == QLatin1String("divergence") && learningRate >= kDivergeLearningRate)
        complete(QStringLiteral("diverge"));
    else if (reason == QLatin1String("plateau"))
        complete(QStringLiteral("see-plateau-or-stuck"));
    else if (reason == QLatin1String("dead_units"))
        complete(QStringLiteral("find-dead-neuron"));
}

void JourneyTracker::forwardSweepFinished(SweepInput input)
{
    complete(QStringLiteral("watch-forward-pass"));
    if (input == SweepInput::Drawing)
        complete(QStringLiteral("watch-sweep"));
}

void JourneyTracker::neuronInspected(int layer)
{
    if (layer == 1)
        complete(QStringLiteral("inspect-neuron"));
}

void JourneyTracker::glossaryEntryOpened()
{
    complete(QStringLiteral("read-glossary"));
}

void JourneyTracker::drawingPredicted()
{
    complete(QStringLiteral("draw-digit"));
    earn(QStringLiteral("first-prediction"));
}

void JourneyTracker::featuresShown(int tiles)
{
    if (tiles > 0)
        complete(QStringLiteral("open-features"));
}

void JourneyTracker::epochEnded(double testAccuracy, const QString &activation, const QString &architecture)
{
    complete(QStringLiteral("start-training"));
    if (testAccuracy >= 0.90)
        complete(QStringLiteral("reach-90"));
    for (const JourneyAchievement &achievement : m_plan.achievements)
        if (achievement.threshold > 0 && testAccuracy >= achievement.threshold)
            earn(achievement.id);
    m_activations.insert(activation);
    if (m_activations.size() >= 2)
        complete(QStringLiteral("compare-activations"));
    m_architectures.insert(architecture);
    if (const JourneyAchievement *architect = m_plan.achievement(QStringLiteral("architect"));
        architect && architect->architectures > 0 && m_architectures.size() >= architect->architectures)
        earn(architect->id);
    emit changed();
}

void JourneyTracker::verdictReceived(const QString &outcome, double learningRate)
{
    if (outcome == QLatin1String("diverged") && learningRate >= kDivergeLearningRate)
        complete(QStringLiteral("diverge"));
    else if (outcome == QLatin1String("stuck"))
        complete(QStringLiteral("see-plateau-or-stuck"));
    else if (outcome == QLatin1String("learned") && m_tasks.contains(QStringLiteral("diverge")))
        earn(QStringLiteral("survived-divergence"));
}

void JourneyTracker::deadUnitsHighlighted()
{
    complete(QStringLiteral("find-dead-neuron"));
}

void JourneyTracker::architectureChanged()
{
    complete(QStringLiteral("change-architecture"));
}

void JourneyTracker::landscapeShown()
{
    complete(QStringLiteral("explore-landscape"));
}

void JourneyTracker::learningViewOpened(const QString &view)
{
    m_views.insert(view);
    if (const JourneyAchievement *explorer = m_plan.achievement(QStringLiteral("explorer"));
        explorer && explorer->views > 0 && m_views.size() >= explorer->views)
        earn(explorer->id);
}

void JourneyTracker::load(QSettings &settings)
{
    settings.beginGroup(QStringLiteral("journey"));
    m_tasks = toSet(settings.value(QStringLiteral("tasks")).toStringList());
    m_achievements = toSet(settings.value(QStringLiteral("achievements")).toStringList());
    m_activations = toSet(settings.value(QStringLiteral("activations")).toStringList());
    m_architectures = toSet(settings.value(QStringLiteral("architectures")).toStringList());
    m_views = toSet(settings.value(QStringLiteral("views")).toStringList());
    settings.endGroup();
    emit changed();
}

void JourneyTracker::save(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("journey"));
    settings.setValue(QStringLiteral("tasks"), sorted(m_tasks));
    settings.setValue(QStringLiteral("achievements"), sorted(m_achievements));
    settings.setValue(QStringLiteral("activations"), sorted(m_activations));
    settings.setValue(QStringLiteral("architectures"), sorted(m_architectures));
    settings.setValue(QStringLiteral("views"), sorted(m_views));
    settings.endGroup();
}

void JourneyTracker::reset()
{
    m_tasks.clear();
    m_achievements.clear();
    m_activations.clear();
    m_architectures.clear();
    m_views.clear();
    emit changed();
}
