// Help → Glossary (F1): the terms in a searchable list; an entry shows its plain words first and
// its formula below (the second level), and links to the related terms.
#pragma once

#include "glossary.h"

#include <QDialog>

class QLineEdit;
class QListWidget;
class QTextBrowser;

class GlossaryWindow : public QDialog
{
    Q_OBJECT
public:
    explicit GlossaryWindow(Glossary glossary, QWidget *parent = nullptr);
    ~GlossaryWindow() override;

    void showTerm(const QString &id); // selects it (clearing a search that hides it) and shows it
    int visibleTermCount() const;
    QString shownTerm() const { return m_shown; }
    QLineEdit *searchField() const { return m_search; }
    QString entryText() const;

signals:
    void entryOpened(const QString &id);

private:
    void filter(const QString &text);
    void display(const QString &id);

    Glossary m_glossary;
    QLineEdit *m_search;
    QListWidget *m_list;
    QTextBrowser *m_entry;
    QString m_shown;
};
