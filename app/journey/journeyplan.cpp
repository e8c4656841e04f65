#include "journeyplan.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

QStringList JourneyPlan::allTasks() const
{
    QStringList tasks;
    for (const JourneyChapter &chapter : chapters)
        tasks << chapter.tasks;
    return tasks;
}

const JourneyAchievement *JourneyPlan::achievement(const QString &id) const
{
    for (const JourneyAchievement &achievement : achievements)
        if (achievement.id == id)
            return &achievement;
    return nullptr;
}

JourneyPlan JourneyPlan::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        *error = QObject::tr("journey.json is not a JSON object: %1").arg(parseError.errorString());
        return {};
    }
    JourneyPlan plan;
    for (const QJsonValue &value : document.object().value(QStringLiteral("chapters")).toArray()) {
        JourneyChapter chapter;
        chapter.id = value.toObject().value(QStringLiteral("id")).toString();
        for (const QJsonValue &task : value.toObject().value(QStringLiteral("tasks")).toArray())
            chapter.tasks << task.toString();
        if (chapter.id.isEmpty() || chapter.tasks.isEmpty() || chapter.tasks.contains(QString())) {
            *error = QObject::tr("journey.json: chapter %1 needs an \"id\" and a list of task ids")
                         .arg(plan.chapters.size() + 1);
            return {};
        }
        plan.chapters << chapter;
    }
    for (const QJsonValue &value : document.object().value(QStringLiteral("achievements")).toArray()) {
        const QJsonObject object = value.toObject();
        JourneyAchievement achievement;
        achievement.id = object.value(QStringLiteral("id")).toString();
        achievement.threshold = object.value(QStringLiteral("threshold")).toDouble();
        achievement.views = object.value(QStringLiteral("views")).toInt();
        achievement.architectures = object.value(QStringLiteral("architectures")).toInt();
        if (achievement.id.isEmpty()) {
            *error = QObject::tr("journey.json: achievement %1 has no \"id\"").arg(plan.achievements.size() + 1);
            return {};
        }
        plan.achievements << achievement;
    }
    if (plan.chapters.isEmpty()) {
        *error = QObject::tr("journey.json has no \"chapters\"");
        return {};
    }
    return plan;
}

JourneyPlan JourneyPlan::fromResource(QString *error)
{
    QFile file(QStringLiteral(":/journey/journey.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("The journey (:/journey/journey.json) is missing from this build.");
        return {};
    }
    return fromJson(file.readAll(), error);
}
