// Every learner-facing word of the journey in one place, translatable: chapter titles and hints,
// task labels, achievement names, the first-launch tour's steps, the narration captions and the
// run's verdict. Built from ids and real numbers; no text elsewhere repeats these.
#pragma once

#include "narrator.h"

#include <QCoreApplication>
#include <QString>

class JourneyText
{
    Q_DECLARE_TR_FUNCTIONS(JourneyText)
public:
    static QString chapterTitle(const QString &chapter);
    static QString chapterHint(const QString &chapter); // what to do next in this chapter
    static QString taskLabel(const QString &task);
    static QString achievementTitle(const QString &id);
    static QString achievementDescription(const QString &id);

    struct TourStep
    {
        QString target; // objectName of the widget it points at
        QString title;
        QString text;
    };
    static QVector<TourStep> tourSteps();

    static QString caption(const core::Caption &caption); // a narration caption
    // The run's end in words, from the verdict's outcome and numbers (see core/journey/verdict.h).
    static QString verdictSummary(const QString &outcome, double testAccuracy, double initialLoss, double finalLoss,
                                  double learningRate);
};
