// Which journey tasks and achievements a person has done, from the real events the window sees:
// a teaching card shown, a sweep played, a neuron inspected, an epoch ended, a verdict, ... Each
// event ticks only the tasks the journey contract ties to it (a full training run ticks none of
// the drawing or inspecting tasks). No widgets, no session: the window reports events, this
// decides; progress is saved in QSettings group "journey".
#pragma once

#include "journeyplan.h"

#include <QObject>
#include <QSet>
#include <QStringList>

class QSettings;

class JourneyTracker : public QObject
{
    Q_OBJECT
public:
    enum class SweepInput { Drawing, DatasetImage }; // what the forward-pass sweep played for

    explicit JourneyTracker(JourneyPlan plan, QObject *parent = nullptr);
    ~JourneyTracker() override;

    const JourneyPlan &plan() const { return m_plan; }
    bool isDone(const QString &task) const { return m_tasks.contains(task); }
    bool hasAchievement(const QString &id) const { return m_achievements.contains(id); }
    int doneCount() const { return int(m_tasks.size()); }
    // The first chapter with a task left, or -1 when every task is done.
    int currentChapter() const;

    // --- Events ---------------------------------------------------------------------------
    // A teaching card was shown (its wire reason), with the run's learning rate at that moment.
    void teachingCardShown(const QString &reason, double learningRate);
    void forwardSweepFinished(SweepInput input);
    // The inspector drew a neuron of drawn layer `layer` (1 = the first hidden layer, whose
    // neurons show their 784 weights as a 28×28 picture).
    void neuronInspected(int layer);
    void glossaryEntryOpened();
    void drawingPredicted(); // the person drew and a prediction came back
    void featuresShown(int tiles);
    // An epoch ended with this test accuracy, for a network of this activation and architecture.
    void epochEnded(double testAccuracy, const QString &activation, const QString &architecture);
    // A run ended with this verdict outcome ("learned", "diverged", "stuck", ...).
    void verdictReceived(const QString &outcome, double learningRate);
    void deadUnitsHighlighted();
    void architectureChanged();
    void landscapeShown();
    void learningViewOpened(const QString &view);

    void load(QSettings &settings);
    void save(QSettings &settings) const;
    void reset();

    static constexpr double kDivergeLearningRate = 0.5; // the diverge task needs a rate this high

signals:
    void taskCompleted(const QString &task);
    void achievementEarned(const QString &id);
    void changed();

private:
    void complete(const QString &task);
    void earn(const QString &id);

    JourneyPlan m_plan;
    QSet<QString> m_tasks;
    QSet<QString> m_achievements;
    QSet<QString> m_activations; // activation functions that reached an epoch end
    QSet<QString> m_architectures; // architectures that reached an epoch end
    QSet<QString> m_views; // learning views opened
};
