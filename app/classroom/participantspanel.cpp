#include "participantspanel.h"

#include "classroom.h"
#include "colorscheme.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

using server::ParticipantRole;

namespace {

QLabel *plainLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // names come from browsers: never rich text
    label->setText(text);
    return label;
}

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    QLabel *label = plainLabel(text, parent);
    label->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::mutedText.name()));
    return label;
}

} // namespace

ParticipantsPanel::ParticipantsPanel(server::Classroom &classroom, QWidget *parent)
    : QWidget(parent), m_classroom(classroom), m_clock([] { return QDateTime::currentMSecsSinceEpoch(); }),
      m_summary(new QLabel(this)), m_takeBack(new QPushButton(tr("Take back"), this)), m_message(new QLabel(this)),
      m_empty(new QLabel(this)), m_rowsHost(new QWidget), m_grid(new QGridLayout(m_rowsHost)),
      m_sinceTimer(new QTimer(this))
{
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_takeBack->setObjectName(QStringLiteral("takeBackControl"));
    m_takeBack->setToolTip(tr("Take control back: only you drive the run again"));
    connect(m_takeBack, &QPushButton::clicked, this, [this] { m_classroom.revokeFromDesktop(); });
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::red.name()));
    m_message->hide();
    m_empty->setWordWrap(true);
    m_empty->setText(tr("Nobody has joined yet. Use Share → Invite the class… to show students the link and "
                        "QR code."));
    m_empty->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::mutedText.name()));

    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setHorizontalSpacing(10);
    m_grid->setVerticalSpacing(6);
    m_grid->setColumnStretch(1, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *scrolled = new QWidget;
    auto *scrolledLayout = new QVBoxLayout(scrolled);
    scrolledLayout->setContentsMargins(0, 0, 0, 0);
    scrolledLayout->addWidget(m_empty);
    scrolledLayout->addWidget(m_rowsHost);
    scrolledLayout->addStretch(1);
    scroll->setWidget(scrolled);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_takeBack);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(scroll, 1);

    m_sinceTimer->setInterval(kSinceRefreshMs);
    connect(m_sinceTimer, &QTimer::timeout, this, &ParticipantsPanel::refreshSince);
    m_sinceTimer->start();
    connect(&m_classroom, &server::Classroom::participantsChanged, this, &ParticipantsPanel::refresh);
    refresh();
}

ParticipantsPanel::~ParticipantsPanel() = default;

void ParticipantsPanel::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
    refreshSince();
}

QString ParticipantsPanel::displayName(const server::Participant &participant)
{
    return participant.name.isEmpty() ? tr("Guest %1").arg(participant.clientId) : participant.name;
}

QString ParticipantsPanel::sinceText(qint64 sinceMs, qint64 nowMs)
{
    const qint64 minutes = std::max<qint64>(0, nowMs - sinceMs) / 60000;
    if (minutes < 1)
        return tr("just now");
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    return minutes % 60 == 0 ? tr("%1 h").arg(minutes / 60) : tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

QIcon ParticipantsPanel::handIcon(int size)
{
    // A raised open hand: four fingers, a thumb and the palm, in the "asking" orange.
    QPixmap pixmap(size * 2, size * 2); // drawn at twice the size for high-DPI screens
    pixmap.setDevicePixelRatio(2);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.scale(size / 16.0, size / 16.0);
    QPainterPath hand;
    hand.setFillRule(Qt::WindingFill);
    const double fingerTops[4] = {3.2, 1.6, 2.0, 3.4};
    for (int i = 0; i < 4; ++i)
        hand.addRoundedRect(QRectF(4.0 + i * 2.3, fingerTops[i], 2.0, 9.0), 1.0, 1.0);
    hand.addRoundedRect(QRectF(4.0, 7.5, 8.9, 7.3), 2.6, 2.6);
    QPainterPath thumb;
    thumb.addRoundedRect(QRectF(-1.0, -4.5, 2.0, 6.5), 1.0, 1.0);
    hand.addPath(QTransform().translate(3.6, 11.0).rotate(-40).map(thumb));
    painter.setPen(QPen(colorscheme::background, 0.6));
    painter.setBrush(colorscheme::orange);
    painter.drawPath(hand.simplified());
    return QIcon(pixmap);
}

QString ParticipantsPanel::driverText() const
{
    return m_driverText;
}

QStringList ParticipantsPanel::shownNames() const
{
    QStringList names;
    for (const Row &row : m_rows)
        names << row.name;
    return names;
}

QPushButton *ParticipantsPanel::rowButton(const QString &clientId) const
{
    for (const Row &row : m_rows)
        if (row.clientId == clientId)
            return row.button;
    return nullptr;
}

void ParticipantsPanel::give(const QString &clientId)
{
    const QString why = m_classroom.grantFromDesktop(clientId);
    m_message->setText(why);
    m_message->setVisible(!why.isEmpty());
}

void ParticipantsPanel::refresh()
{
    const server::Participants &participants = m_classroom.participants();
    for (QWidget *widget : m_rowWidgets)
        delete widget;
    m_rowWidgets.clear();
    m_rows.clear();

    // Raised hands first (who asked first, first), then everyone else in the order they came.
    std::vector<const server::Participant *> ordered;
    for (const server::Participant &p : participants.all())
        if (p.handRaised)
            ordered.push_back(&p);
    for (const server::Participant &p : participants.all())
        if (!p.handRaised)
            ordered.push_back(&p);

    const QIcon hand = handIcon(18);
    const qint64 now = m_clock();
    int line = 0;
    for (const server::Participant *p : ordered) {
        const ParticipantRole role = participants.role(p->clientId);
        Row row{p->clientId, displayName(*p), p->sinceMs};
        auto *icon = new QLabel(m_rowsHost);
        icon->setFixedWidth(20);
        if (p->handRaised) {
            icon->setPixmap(hand.pixmap(18, 18));
            icon->setToolTip(tr("Asks to drive"));
        }
        QLabel *name = plainLabel(row.name, m_rowsHost);
        QFont bold = name->font();
        bold.setBold(role == ParticipantRole::Driver);
        name->setFont(bold);
        name->setToolTip(tr("Participant %1").arg(p->clientId));
        const QString roleText = role == ParticipantRole::Presenter ? tr("presenter")
                                 : role == ParticipantRole::Driver  ? tr("drives")
                                 : p->handRaised                    ? tr("asks to drive")
                                                                    : tr("viewer");
        QLabel *roleLabel = plainLabel(roleText, m_rowsHost);
        if (role == ParticipantRole::Driver)
            roleLabel->setStyleSheet(QStringLiteral("color:%1; font-weight:bold").arg(colorscheme::green.name()));
        else if (p->handRaised)
            roleLabel->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::orange.name()));
        QLabel *device = mutedLabel(p->device == server::DeviceKind::Phone ? tr("phone") : tr("computer"), m_rowsHost);
        row.since = mutedLabel(sinceText(p->sinceMs, now), m_rowsHost);
        row.since->setToolTip(
            tr("Joined at %1").arg(QDateTime::fromMSecsSinceEpoch(p->sinceMs).toString(QStringLiteral("HH:mm"))));
        QWidget *action = nullptr;
        if (role == ParticipantRole::Driver) {
            row.button = new QPushButton(tr("Take back"), m_rowsHost);
            connect(row.button, &QPushButton::clicked, this, [this] { m_classroom.revokeFromDesktop(); });
            action = row.button;
        } else if (role == ParticipantRole::Viewer) {
            row.button = new QPushButton(tr("Give control"), m_rowsHost);
            row.button->setToolTip(tr("Let %1 run the training and change its settings").arg(row.name));
            connect(row.button, &QPushButton::clicked, this, [this, id = p->clientId] { give(id); });
            action = row.button;
        } else {
            action = mutedLabel(tr("has the link"), m_rowsHost);
            action->setToolTip(tr("Opened the presenter link: controls the run as you do"));
        }
        // Two lines, so a narrow dock needs no scrolling: the name, then role · device · since.
        auto *cell = new QWidget(m_rowsHost);
        name->setParent(cell);
        roleLabel->setParent(cell);
        device->setParent(cell);
        row.since->setParent(cell);
        auto *details = new QHBoxLayout;
        details->setSpacing(4);
        details->addWidget(roleLabel);
        details->addWidget(mutedLabel(QStringLiteral("·"), cell));
        details->addWidget(device);
        details->addWidget(mutedLabel(QStringLiteral("·"), cell));
        details->addWidget(row.since);
        details->addStretch(1);
        auto *cellLayout = new QVBoxLayout(cell);
        cellLayout->setContentsMargins(0, 0, 0, 0);
        cellLayout->setSpacing(0);
        cellLayout->addWidget(name);
        cellLayout->addLayout(details);
        m_grid->addWidget(icon, line, 0, Qt::AlignTop);
        m_grid->addWidget(cell, line, 1);
        m_grid->addWidget(action, line, 2, Qt::AlignVCenter);
        m_rowWidgets.insert(m_rowWidgets.end(), {icon, cell, action});
        m_rows.push_back(row);
        ++line;
    }
    m_empty->setVisible(m_rows.empty());

    const QString &driver = participants.driver();
    const server::Participant *driving = driver.isEmpty() ? nullptr : participants.find(driver);
    const QString text = driving ? tr("%1 drives").arg(displayName(*driving)) : tr("You drive");
    m_summary->setText(tr("%n connected", nullptr, int(ordered.size())) + QStringLiteral(" · ") + text);
    m_takeBack->setEnabled(driving != nullptr);
    if (driving)
        m_message->hide();
    if (text != m_driverText) {
        m_driverText = text;
        emit driverChanged(text);
    }
}

void ParticipantsPanel::refreshSince()
{
    const qint64 now = m_clock();
    for (const Row &row : m_rows)
        row.since->setText(sinceText(row.sinceMs, now));
}
