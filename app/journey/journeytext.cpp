#include "journeytext.h"

#include <QHash>
#include <QVector>

QString JourneyText::chapterTitle(const QString &chapter)
{
    if (chapter == QLatin1String("neuron"))
        return tr("1 · Meet a neuron");
    if (chapter == QLatin1String("forward"))
        return tr("2 · The forward pass");
    if (chapter == QLatin1String("learning"))
        return tr("3 · Learning");
    if (chapter == QLatin1String("going-wrong"))
        return tr("4 · When learning goes wrong");
    if (chapter == QLatin1String("choices"))
        return tr("5 · Design choices");
    return chapter;
}

QString JourneyText::chapterHint(const QString &chapter)
{
    if (chapter == QLatin1String("neuron"))
        return tr("Press Train with Teaching mode on and read the first card; click a neuron of the first hidden "
                  "layer to see its 784 weights; open a term in the glossary (F1).");
    if (chapter == QLatin1String("forward"))
        return tr("Draw a digit on the pad. Choose the Step speed to watch the signal sweep through the layers; "
                  "open Learning views → Features to see what the neurons look for.");
    if (chapter == QLatin1String("learning"))
        return tr("Train for an epoch, watch the first backward pass card, and keep going until the test "
                  "accuracy passes 90%.");
    if (chapter == QLatin1String("going-wrong"))
        return tr("Set the learning rate to 0.5 or more and train: watch the loss blow up. Find a plateau, and "
                  "look for dead neurons in Learning views → Histograms.");
    if (chapter == QLatin1String("choices"))
        return tr("Train with two activation functions, change the architecture, and open the loss landscape.");
    return {};
}

QString JourneyText::taskLabel(const QString &task)
{
    static const QHash<QString, const char *> labels{
        {QStringLiteral("watch-forward-pass"), QT_TR_NOOP("Watch a forward pass")},
        {QStringLiteral("inspect-neuron"), QT_TR_NOOP("Inspect a first-layer neuron")},
        {QStringLiteral("read-glossary"), QT_TR_NOOP("Read a glossary entry")},
        {QStringLiteral("draw-digit"), QT_TR_NOOP("Draw a digit and get a prediction")},
        {QStringLiteral("watch-sweep"), QT_TR_NOOP("Watch the sweep for your drawing")},
        {QStringLiteral("open-features"), QT_TR_NOOP("Open the features gallery")},
        {QStringLiteral("start-training"), QT_TR_NOOP("Train to the end of an epoch")},
        {QStringLiteral("see-backward"), QT_TR_NOOP("See the first backward pass")},
        {QStringLiteral("reach-90"), QT_TR_NOOP("Reach 90% test accuracy")},
        {QStringLiteral("diverge"), QT_TR_NOOP("Make training diverge (learning rate ≥ 0.5)")},
        {QStringLiteral("see-plateau-or-stuck"), QT_TR_NOOP("See a plateau or a stuck run")},
        {QStringLiteral("find-dead-neuron"), QT_TR_NOOP("Find dead neurons")},
        {QStringLiteral("compare-activations"), QT_TR_NOOP("Train with two activation functions")},
        {QStringLiteral("change-architecture"), QT_TR_NOOP("Change the architecture")},
        {QStringLiteral("explore-landscape"), QT_TR_NOOP("Explore the loss landscape")},
    };
    const auto found = labels.constFind(task);
    return found == labels.constEnd() ? task : tr(found.value());
}

QString JourneyText::achievementTitle(const QString &id)
{
    if (id == QLatin1String("first-prediction"))
        return tr("First prediction");
    if (id == QLatin1String("accuracy-90"))
        return tr("90% club");
    if (id == QLatin1String("accuracy-95"))
        return tr("95% club");
    if (id == QLatin1String("accuracy-98"))
        return tr("98% club");
    if (id == QLatin1String("survived-divergence"))
        return tr("Survived a divergence");
    if (id == QLatin1String("explorer"))
        return tr("Explorer");
    if (id == QLatin1String("architect"))
        return tr("Architect");
    return id;
}

QString JourneyText::achievementDescription(const QString &id)
{
    if (id == QLatin1String("first-prediction"))
        return tr("The network read your first drawing.");
    if (id == QLatin1String("accuracy-90"))
        return tr("A test accuracy of 90% or more at an epoch end.");
    if (id == QLatin1String("accuracy-95"))
        return tr("A test accuracy of 95% or more at an epoch end.");
    if (id == QLatin1String("accuracy-98"))
        return tr("A test accuracy of 98% or more at an epoch end.");
    if (id == QLatin1String("survived-divergence"))
        return tr("A run that learned after one that diverged.");
    if (id == QLatin1String("explorer"))
        return tr("Opened all seven learning views.");
    if (id == QLatin1String("architect"))
        return tr("Trained three different architectures to an epoch end.");
    return {};
}

QVector<JourneyText::TourStep> JourneyText::tourSteps()
{
    return {
        {QStringLiteral("networkContainer"), tr("The network in 3D"),
         tr("Every sphere is a neuron: 784 input pixels on the left, the 10 output digits on the right. Teal "
            "brightness is how strongly a neuron fires; orange and blue lines are positive and negative weights. "
            "Drag to orbit, scroll to zoom, click a neuron to inspect it.")},
        {QStringLiteral("trainingToolbar"), tr("The controls"),
         tr("Train (Space) starts, pauses and resumes; Step runs one batch. The speed sets how many batches run "
            "per second, the learning rate how big each step is. Teaching mode pauses at key moments.")},
        {QStringLiteral("drawDock"), tr("Draw a digit"),
         tr("Draw with the mouse: the network predicts your digit at once and the 3D view lights up with its "
            "activations.")},
        {QStringLiteral("chartsDock"), tr("The charts"),
         tr("Loss and accuracy per batch, the test accuracy per epoch, and the confusion matrix: which digits "
            "the network mixes up.")},
        {QStringLiteral("journeyDock"), tr("Your journey"),
         tr("Five chapters of small tasks, ticked as you do them, with a hint for what to try next. Help → "
            "Glossary (F1) explains every term.")},
    };
}

QString JourneyText::caption(const core::Caption &c)
{
    switch (c.kind) {
    case core::CaptionKind::EpochResult:
        return tr("Epoch %1 done: %2% right on images it never trained on (%3% on the training images).")
            .arg(c.epoch)
            .arg(double(c.value) * 100.0, 0, 'f', 1)
            .arg(double(c.previous) * 100.0, 0, 'f', 1);
    case core::CaptionKind::LearningRateChanged:
        return tr("The learning rate changed from %1 to %2: every step is now %3 times as big.")
            .arg(double(c.previous), 0, 'g', 3)
            .arg(double(c.value), 0, 'g', 3)
            .arg(c.previous > 0 ? double(c.value / c.previous) : 0.0, 0, 'g', 2);
    case core::CaptionKind::LossRising:
        return tr("The loss is rising: %1 at batch %2, %3 now. Steps that are too big overshoot.")
            .arg(double(c.previous), 0, 'f', 3)
            .arg(c.sinceBatch)
            .arg(double(c.value), 0, 'f', 3);
    case core::CaptionKind::LossHalved:
        return tr("The loss has halved since batch %1: %2 → %3. The network is learning.")
            .arg(c.sinceBatch)
            .arg(double(c.previous), 0, 'f', 3)
            .arg(double(c.value), 0, 'f', 3);
    case core::CaptionKind::FocusMistake:
        return tr("This %1 was read as a %2 (%3% sure); the true digit got %4%.")
            .arg(c.label)
            .arg(c.guess)
            .arg(double(c.confidence) * 100.0, 0, 'f', 0)
            .arg(double(c.labelProbability) * 100.0, 0, 'f', 0);
    }
    return {};
}

QString JourneyText::verdictSummary(const QString &outcome, double testAccuracy, double initialLoss, double finalLoss,
                                    double learningRate)
{
    const QString accuracy
        = testAccuracy >= 0 ? tr("test accuracy %1%").arg(testAccuracy * 100.0, 0, 'f', 1) : tr("no test run");
    const QString loss = tr("loss %1 → %2").arg(initialLoss, 0, 'f', 3).arg(finalLoss, 0, 'f', 3);
    if (outcome == QLatin1String("learned"))
        return tr("Learned: %1, %2. Draw a digit to try it.").arg(accuracy, loss);
    if (outcome == QLatin1String("diverged"))
        return tr("Diverged: %1, %2. The steps were too big; try a learning rate of %3.")
            .arg(accuracy, loss)
            .arg(learningRate / 10.0, 0, 'g', 2);
    if (outcome == QLatin1String("stuck"))
        return tr("Stuck: %1, %2 — it barely learned. Try a larger learning rate than %3 or another activation.")
            .arg(accuracy, loss)
            .arg(learningRate, 0, 'g', 2);
    if (outcome == QLatin1String("stopped"))
        return tr("Stopped: %1, %2.").arg(accuracy, loss);
    return tr("Failed: %1, %2.").arg(accuracy, loss);
}
