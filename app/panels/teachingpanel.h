// The teaching overlay as a native panel: what just happened (the eight teaching moments),
// explained with the real numbers of that batch and a picture drawn from them (MomentPicture),
// links to the glossary terms it uses, a countdown until training resumes (none while the run
// is paused: the card then stays until Continue), Continue, Skip and "Don't show this kind again".
#pragma once

#include "sessiontypes.h"

#include <QElapsedTimer>
#include <QFrame>

class MomentPicture;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

class TeachingPanel : public QFrame
{
    Q_OBJECT
public:
    explicit TeachingPanel(QWidget *parent = nullptr);
    ~TeachingPanel() override;

    void showMoment(const server::PauseMoment &moment);
    // The moment in the window's own (translatable) words, from its numbers.
    static QString explanation(const core::TeachingMoment &moment);
    void finish(); // hides the panel (the session resumed)
    // Held: the run is paused with the card on show, so no countdown runs; Continue resumes.
    void setHeld(bool held);
    bool isHeld() const { return m_held; }
    QString reason() const { return m_reason; }
    core::TeachingMomentKind kind() const { return m_kind; }
    QString bodyText() const;
    static QString titleFor(const QString &reason);
    static QString kindName(core::TeachingMomentKind kind); // "The first forward pass", for menus
    // The glossary terms (ids) a kind of moment uses.
    static QStringList termsFor(core::TeachingMomentKind kind);
    MomentPicture *picture() const { return m_picture; }

signals:
    void continueRequested();
    void skipRequested();
    void kindDisabled(core::TeachingMomentKind kind); // "Don't show this kind again"
    void glossaryRequested(const QString &termId);

private:
    void tick();

    QLabel *m_title;
    QLabel *m_message;
    QLabel *m_numbers;
    QLabel *m_terms;
    QProgressBar *m_countdown;
    MomentPicture *m_picture;
    QPushButton *m_continue;
    QPushButton *m_skip;
    QPushButton *m_never;
    QTimer *m_timer;
    QElapsedTimer m_clock;
    double m_durationSeconds = 0;
    bool m_held = false;
    QString m_reason;
    core::TeachingMomentKind m_kind = core::TeachingMomentKind::FirstForward;
};
