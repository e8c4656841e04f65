#include "glossary.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

const GlossaryTerm *Glossary::find(const QString &id) const
{
    for (const GlossaryTerm &term : terms)
        if (term.id == id)
            return &term;
    return nullptr;
}

Glossary Glossary::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        *error = QObject::tr("glossary.json is not a JSON object: %1").arg(parseError.errorString());
        return {};
    }
    Glossary glossary;
    for (const QJsonValue &value : document.object().value(QStringLiteral("terms")).toArray()) {
        const QJsonObject object = value.toObject();
        GlossaryTerm term;
        term.id = object.value(QStringLiteral("id")).toString();
        term.term = object.value(QStringLiteral("term")).toString();
        term.plain = object.value(QStringLiteral("plain")).toString();
        term.formula = object.value(QStringLiteral("formula")).toString();
        for (const QJsonValue &see : object.value(QStringLiteral("see")).toArray())
            term.see << see.toString();
        if (term.id.isEmpty() || term.term.isEmpty() || term.plain.isEmpty()) {
            *error = QObject::tr("glossary.json: term %1 needs \"id\", \"term\" and \"plain\"")
                         .arg(glossary.terms.size() + 1);
            return {};
        }
        glossary.terms << term;
    }
    return glossary;
}

Glossary Glossary::fromResource(QString *error)
{
    QFile file(QStringLiteral(":/journey/glossary.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("The glossary (:/journey/glossary.json) is missing from this build.");
        return {};
    }
    return fromJson(file.readAll(), error);
}
