#include "glossarywindow.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

GlossaryWindow::GlossaryWindow(Glossary glossary, QWidget *parent)
    : QDialog(parent), m_glossary(std::move(glossary)), m_search(new QLineEdit(this)), m_list(new QListWidget(this)),
      m_entry(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("glossaryWindow"));
    setWindowTitle(tr("Glossary"));
    m_search->setPlaceholderText(tr("Search the glossary"));
    m_search->setClearButtonEnabled(true);
    m_list->setMaximumWidth(200);
    m_entry->setOpenLinks(false);
    for (const GlossaryTerm &term : m_glossary.terms) {
        auto *item = new QListWidgetItem(term.term, m_list);
        item->setData(Qt::UserRole, term.id);
    }
    if (m_glossary.terms.isEmpty())
        m_entry->setPlainText(tr("The glossary could not be loaded."));
    connect(m_search, &QLineEdit::textChanged, this, &GlossaryWindow::filter);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            display(item->data(Qt::UserRole).toString());
    });
    connect(m_entry, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) { showTerm(url.toString()); });
    auto *columns = new QHBoxLayout;
    columns->addWidget(m_list);
    columns->addWidget(m_entry, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addLayout(columns, 1);
    resize(640, 420);
}

GlossaryWindow::~GlossaryWindow() = default;

int GlossaryWindow::visibleTermCount() const
{
    int count = 0;
    for (int i = 0; i < m_list->count(); ++i)
        count += m_list->item(i)->isHidden() ? 0 : 1;
    return count;
}

QString GlossaryWindow::entryText() const
{
    return m_entry->toPlainText();
}

void GlossaryWindow::filter(const QString &text)
{
    const QString needle = text.trimmed();
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        const GlossaryTerm *term = m_glossary.find(item->data(Qt::UserRole).toString());
        const bool match = needle.isEmpty() || term->term.contains(needle, Qt::CaseInsensitive)
                           || term->plain.contains(needle, Qt::CaseInsensitive)
                           || term->formula.contains(needle, Qt::CaseInsensitive);
        item->setHidden(!match);
    }
}

void GlossaryWindow::showTerm(const QString &id)
{
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        if (item->data(Qt::UserRole).toString() != id)
            continue;
        if (item->isHidden())
            m_search->clear();
        m_list->setCurrentItem(item);
        display(id); // also when it was already the current item
        return;
    }
}

void GlossaryWindow::display(const QString &id)
{
    const GlossaryTerm *term = m_glossary.find(id);
    if (!term || id == m_shown)
        return;
    m_shown = id;
    QStringList see;
    for (const QString &other : term->see)
        if (const GlossaryTerm *related = m_glossary.find(other))
            see << QStringLiteral("<a href=\"%1\">%2</a>").arg(other, related->term.toHtmlEscaped());
    QString html = QStringLiteral("<h2>%1</h2><p>%2</p>").arg(term->term.toHtmlEscaped(), term->plain.toHtmlEscaped());
    if (!term->formula.isEmpty())
        html += QStringLiteral("<h4>%1</h4><p><i>%2</i></p>").arg(tr("The maths"), term->formula.toHtmlEscaped());
    if (!see.isEmpty())
        html += QStringLiteral("<p>%1 %2</p>").arg(tr("See also:"), see.join(QStringLiteral(" · ")));
    m_entry->setHtml(html);
    emit entryOpened(id);
}
