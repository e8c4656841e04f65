// The narration captions (Session::narration, Narrated speed) as a strip over the 3D view. Each
// caption stays at least kMinimumMs so it can be read; newer ones wait their turn (only the
// latest waiting one is kept, older ones are stale by then). A link opens its glossary term.
#pragma once

#include "narrator.h"

#include <QLabel>

class QTimer;

class CaptionStrip : public QLabel
{
    Q_OBJECT
public:
    static constexpr int kMinimumMs = 3000;
    static constexpr int kShownMs = 6000; // a caption with nothing after it goes after this

    explicit CaptionStrip(QWidget *parent = nullptr);
    ~CaptionStrip() override;

    void showCaption(const core::Caption &caption);
    QString captionText() const { return m_text; }
    static QString termFor(core::CaptionKind kind);

signals:
    void glossaryRequested(const QString &termId);

private:
    void display(const core::Caption &caption);
    void minimumPassed();

    QTimer *m_minimum;
    QTimer *m_hide;
    std::optional<core::Caption> m_waiting;
    QString m_text;
};
