// The journey's structure as shared by the web page and the desktop: chapters of task ids and
// the achievements with their thresholds (resources/journey/journey.json, compiled into the
// Qt resources as :/journey/journey.json). Ids only: the words live in JourneyText.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

struct JourneyChapter
{
    QString id;
    QStringList tasks;
};

struct JourneyAchievement
{
    QString id;
    double threshold = 0; // accuracy-90/95/98: the test accuracy to reach
    int views = 0; // explorer: the learning views to open
    int architectures = 0; // architect: the distinct architectures trained to an epoch end
};

struct JourneyPlan
{
    QVector<JourneyChapter> chapters;
    QVector<JourneyAchievement> achievements;

    QStringList allTasks() const;
    const JourneyAchievement *achievement(const QString &id) const; // null when there is none
    // Parses journey.json; on a problem returns an empty plan and sets *error to what is wrong.
    static JourneyPlan fromJson(const QByteArray &json, QString *error);
    // :/journey/journey.json; *error names the resource when it is missing or invalid.
    static JourneyPlan fromResource(QString *error);
};
