#include "onboardingtour.h"

#include "colorscheme.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace {
const QString kSeenKey = QStringLiteral("onboarding/done");
}

OnboardingTour::OnboardingTour(QWidget *window)
    : QFrame(window), m_window(window), m_steps(JourneyText::tourSteps()), m_ring(new QFrame(window)),
      m_counter(new QLabel(this)), m_title(new QLabel(this)), m_text(new QLabel(this)),
      m_next(new QPushButton(tr("Next"), this)), m_skip(new QPushButton(tr("Skip tour"), this))
{
    setObjectName(QStringLiteral("onboardingTour"));
    // A window of its own, so it shows above the 3D view (a native window no sibling widget covers).
    setWindowFlags(Qt::Tool | Qt::FramelessWindowHint);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setFocusPolicy(Qt::StrongFocus);
    setStyleSheet(QStringLiteral("QFrame#onboardingTour { border: 2px solid %1; border-radius: 8px; }")
                      .arg(colorscheme::teal.name()));
    m_ring->setObjectName(QStringLiteral("tourHighlight"));
    m_ring->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_ring->setStyleSheet(QStringLiteral("QFrame#tourHighlight { border: 3px solid %1; border-radius: 6px; "
                                         "background: transparent; }")
                              .arg(colorscheme::teal.name()));
    m_ring->hide();
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    m_text->setWordWrap(true);
    m_counter->setForegroundRole(QPalette::PlaceholderText);
    m_next->setDefault(true);
    connect(m_next, &QPushButton::clicked, this, &OnboardingTour::next);
    connect(m_skip, &QPushButton::clicked, this, &OnboardingTour::skip);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_counter);
    buttons->addStretch();
    buttons->addWidget(m_skip);
    buttons->addWidget(m_next);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addLayout(buttons);
    setFixedWidth(360);
    window->installEventFilter(this);
    hide();
}

OnboardingTour::~OnboardingTour() = default;

bool OnboardingTour::wasSeen(QSettings &settings)
{
    return settings.value(kSeenKey, false).toBool();
}

void OnboardingTour::start()
{
    m_step = 0;
    showStep();
}

void OnboardingTour::next()
{
    if (m_step < 0)
        return;
    if (++m_step >= m_steps.size())
        end();
    else
        showStep();
}

void OnboardingTour::skip()
{
    if (m_step >= 0)
        end();
}

QString OnboardingTour::targetName() const
{
    return m_step >= 0 && m_step < m_steps.size() ? m_steps[m_step].target : QString();
}

void OnboardingTour::end()
{
    m_step = -1;
    m_ring->hide();
    hide();
    QSettings().setValue(kSeenKey, true);
    emit ended();
}

void OnboardingTour::showStep()
{
    const JourneyText::TourStep &step = m_steps[m_step];
    m_title->setText(step.title);
    m_text->setText(step.text);
    m_counter->setText(tr("%1 of %2").arg(m_step + 1).arg(m_steps.size()));
    m_next->setText(m_step + 1 == m_steps.size() ? tr("Done") : tr("Next"));
    if (QWidget *target = m_window->findChild<QWidget *>(step.target))
        target->show(); // a closed dock opens for its step
    show();
    place();
    raise();
    setFocus();
}

void OnboardingTour::place()
{
    // The note's wrapped text sets its height at the fixed width (adjustSize() would not wrap).
    resize(width(), layout()->totalHeightForWidth(width()));
    QWidget *target = m_window->findChild<QWidget *>(targetName());
    if (!target || !target->isVisibleTo(m_window)) {
        m_ring->hide();
        move(m_window->mapToGlobal(QPoint((m_window->width() - width()) / 2, (m_window->height() - height()) / 2)));
        return;
    }
    const QRect area(target->mapTo(m_window, QPoint(0, 0)), target->size());
    m_ring->setGeometry(area.adjusted(-3, -3, 3, 3));
    m_ring->show();
    m_ring->raise();
    // Beside the target where there is room, else inside it near its top-left corner (the 3D view
    // fills the middle of the window).
    const QRect window = m_window->rect().adjusted(8, 8, -8, -8);
    QPoint at(area.right() + 12, area.top());
    if (at.x() + width() > window.right())
        at.setX(area.left() - width() - 12);
    if (at.x() < window.left())
        at = QPoint(area.left() + 24, area.top() + 24);
    at.setY(std::clamp(at.y(), window.top(), std::max(window.top(), window.bottom() - height())));
    at.setX(std::clamp(at.x(), window.left(), std::max(window.left(), window.right() - width())));
    move(m_window->mapToGlobal(at));
}

void OnboardingTour::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        skip();
        return;
    }
    QFrame::keyPressEvent(event);
}

bool OnboardingTour::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && (event->type() == QEvent::Resize || event->type() == QEvent::Move) && m_step >= 0)
        place();
    return QFrame::eventFilter(watched, event);
}
