#include "toast.h"

#include "colorscheme.h"

#include <QEvent>
#include <QTimer>

Toast::Toast(QWidget *window) : QLabel(window), m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("toast"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setFocusPolicy(Qt::NoFocus);
    setWordWrap(true);
    setMargin(10);
    setStyleSheet(
        QStringLiteral("QLabel#toast { background: %1; color: %2; border: 1px solid %3; border-radius: 8px; }")
            .arg(colorscheme::panel.name(), colorscheme::text.name(), colorscheme::teal.name()));
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &QWidget::hide);
    window->installEventFilter(this);
    hide();
}

Toast::~Toast() = default;

void Toast::showText(const QString &text, int milliseconds)
{
    setText(text);
    setFixedWidth(320);
    adjustSize();
    place();
    show();
    raise();
    m_timer->start(milliseconds);
}

bool Toast::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parent() && event->type() == QEvent::Resize && isVisible())
        place();
    return QLabel::eventFilter(watched, event);
}

void Toast::place()
{
    const QWidget *window = parentWidget();
    move(window->width() - width() - 16, window->height() - height() - 40);
}
