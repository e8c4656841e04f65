#include "captionstrip.h"

#include "journeytext.h"

#include <QTimer>

CaptionStrip::CaptionStrip(QWidget *parent) : QLabel(parent), m_minimum(new QTimer(this)), m_hide(new QTimer(this))
{
    setObjectName(QStringLiteral("captionStrip"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    setMargin(6);
    m_minimum->setSingleShot(true);
    m_minimum->setInterval(kMinimumMs);
    m_hide->setSingleShot(true);
    m_hide->setInterval(kShownMs);
    connect(m_minimum, &QTimer::timeout, this, &CaptionStrip::minimumPassed);
    connect(m_hide, &QTimer::timeout, this, [this] {
        m_text.clear();
        hide();
    });
    connect(this, &QLabel::linkActivated, this, &CaptionStrip::glossaryRequested);
    hide();
}

CaptionStrip::~CaptionStrip() = default;

QString CaptionStrip::termFor(core::CaptionKind kind)
{
    switch (kind) {
    case core::CaptionKind::EpochResult: return QStringLiteral("test-set");
    case core::CaptionKind::LearningRateChanged: return QStringLiteral("learning-rate");
    case core::CaptionKind::LossRising: return QStringLiteral("learning-rate");
    case core::CaptionKind::LossHalved: return QStringLiteral("loss");
    case core::CaptionKind::FocusMistake: return QStringLiteral("softmax");
    }
    return {};
}

void CaptionStrip::showCaption(const core::Caption &caption)
{
    if (m_minimum->isActive())
        m_waiting = caption;
    else
        display(caption);
}

void CaptionStrip::display(const core::Caption &caption)
{
    m_text = JourneyText::caption(caption);
    const QString term = termFor(caption.kind);
    setText(QStringLiteral("%1 <a href=\"%2\">%3</a>").arg(m_text.toHtmlEscaped(), term, tr("(%1?)").arg(term)));
    show();
    m_minimum->start();
    m_hide->start();
}

void CaptionStrip::minimumPassed()
{
    if (m_waiting) {
        const core::Caption next = *m_waiting;
        m_waiting.reset();
        display(next);
    }
}
