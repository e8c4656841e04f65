#include "journeypanel.h"

#include "colorscheme.h"
#include "journeytext.h"
#include "journeytracker.h"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

JourneyPanel::JourneyPanel(JourneyTracker *tracker, QWidget *parent)
    : QWidget(parent), m_tracker(tracker), m_progress(new QLabel(this)), m_hint(new QLabel(this))
{
    setObjectName(QStringLiteral("journeyPanel"));
    auto *layout = new QVBoxLayout(this);
    m_progress->setObjectName(QStringLiteral("journeyProgress"));
    layout->addWidget(m_progress);
    m_hint->setObjectName(QStringLiteral("journeyHint"));
    m_hint->setWordWrap(true);
    m_hint->setFrameShape(QFrame::StyledPanel);
    m_hint->setMargin(6);
    layout->addWidget(m_hint);
    for (const JourneyChapter &chapter : tracker->plan().chapters) {
        auto *title = new QLabel(JourneyText::chapterTitle(chapter.id), this);
        title->setObjectName(QStringLiteral("chapter-") + chapter.id);
        QFont bold = title->font();
        bold.setBold(true);
        title->setFont(bold);
        layout->addSpacing(4);
        layout->addWidget(title);
        m_chapterTitles << title;
        for (const QString &task : chapter.tasks) {
            auto *line = new QLabel(this);
            line->setObjectName(task);
            line->setIndent(12);
            layout->addWidget(line);
            m_tasks << line;
        }
    }
    layout->addSpacing(8);
    auto *achievements = new QLabel(tr("Achievements"), this);
    QFont bold = achievements->font();
    bold.setBold(true);
    achievements->setFont(bold);
    layout->addWidget(achievements);
    for (const JourneyAchievement &achievement : tracker->plan().achievements) {
        auto *line = new QLabel(this);
        line->setObjectName(QStringLiteral("achievement-") + achievement.id);
        line->setIndent(12);
        line->setToolTip(JourneyText::achievementDescription(achievement.id));
        layout->addWidget(line);
        m_achievements << line;
    }
    layout->addStretch();
    connect(tracker, &JourneyTracker::changed, this, &JourneyPanel::refresh);
    refresh();
}

JourneyPanel::~JourneyPanel() = default;

void JourneyPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::ApplicationPaletteChange)
        refresh();
}

QString JourneyPanel::hintText() const
{
    return m_hint->text();
}

void JourneyPanel::refresh()
{
    const int total = int(m_tasks.size());
    m_progress->setText(tr("%1 of %2 tasks done").arg(m_tracker->doneCount()).arg(total));
    const int current = m_tracker->currentChapter();
    const QVector<JourneyChapter> &chapters = m_tracker->plan().chapters;
    m_hint->setText(current < 0 ? tr("Every task is done: well travelled!")
                                : tr("Next: %1").arg(JourneyText::chapterHint(chapters[current].id)));
    for (int i = 0; i < m_chapterTitles.size(); ++i) {
        QPalette palette = m_chapterTitles[i]->palette();
        palette.setColor(QPalette::WindowText,
                         i == current ? colorscheme::teal : this->palette().color(QPalette::WindowText));
        m_chapterTitles[i]->setPalette(palette);
    }
    for (QLabel *line : std::as_const(m_tasks)) {
        const bool done = m_tracker->isDone(line->objectName());
        line->setProperty("done", done);
        line->setText((done ? QStringLiteral("✔  ") : QStringLiteral("○  "))
                      + JourneyText::taskLabel(line->objectName()));
        QPalette palette = line->palette();
        palette.setColor(QPalette::WindowText, done ? colorscheme::green : this->palette().color(QPalette::WindowText));
        line->setPalette(palette);
    }
    for (QLabel *line : std::as_const(m_achievements)) {
        const QString id = line->objectName().mid(int(qstrlen("achievement-")));
        const bool earned = m_tracker->hasAchievement(id);
        line->setProperty("done", earned);
        line->setText((earned ? QStringLiteral("★  ") : QStringLiteral("☆  ")) + JourneyText::achievementTitle(id));
    }
}
