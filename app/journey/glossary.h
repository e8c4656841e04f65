// The glossary shared with the web page (:/journey/glossary.json): each term in plain words and
// as a formula (two levels), with related terms.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

struct GlossaryTerm
{
    QString id; // "learning-rate"
    QString term; // "Learning rate"
    QString plain; // everyday words
    QString formula; // the maths
    QStringList see; // related term ids
};

struct Glossary
{
    QVector<GlossaryTerm> terms;

    const GlossaryTerm *find(const QString &id) const; // null when there is none
    // Parses glossary.json; on a problem returns an empty glossary and sets *error.
    static Glossary fromJson(const QByteArray &json, QString *error);
    static Glossary fromResource(QString *error); // :/journey/glossary.json
};
