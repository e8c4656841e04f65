#include "sharestatus.h"

#include "colorscheme.h"
#include "invitedialog.h"
#include "sharecontrol.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QToolButton>
#include <QVBoxLayout>

ShareStatus::ShareStatus(ShareControl *control, QAction *shareAction, QAction *copyAction, QWidget *parent)
    : QWidget(parent), m_control(control), m_shareAction(shareAction), m_url(new QLabel(this)),
      m_viewers(new QLabel(this)), m_share(new QCheckBox(tr("Share on LAN"), this)), m_copy(new QToolButton(this)),
      m_qr(new QToolButton(this))
{
    m_url->setOpenExternalLinks(true);
    m_url->setTextFormat(Qt::RichText);
    m_share->setToolTip(shareAction->toolTip());
    m_copy->setDefaultAction(copyAction);
    m_copy->setText(tr("Copy link"));
    m_qr->setText(tr("Invite…"));
    m_qr->setObjectName(QStringLiteral("inviteButton"));
    m_qr->setToolTip(tr("Invite the class: the link and QR code students open"));

    connect(m_share, &QCheckBox::clicked, shareAction, &QAction::trigger);
    connect(shareAction, &QAction::triggered, this, [this](bool checked) {
        const QString error = m_control->setSharedOnLan(checked);
        if (!error.isEmpty())
            QMessageBox::warning(window(), tr("Share on LAN"), error);
        refresh();
    });
    connect(copyAction, &QAction::triggered, this, &ShareStatus::copyJoinUrl);
    connect(m_qr, &QToolButton::clicked, this, &ShareStatus::showInvite);
    connect(m_control, &ShareControl::viewerCountChanged, this, &ShareStatus::refresh);
    connect(m_control, &ShareControl::bindingChanged, this, &ShareStatus::refresh);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_viewers);
    layout->addSpacing(8);
    layout->addWidget(m_url);
    layout->addWidget(m_share);
    layout->addWidget(m_copy);
    layout->addWidget(m_qr);
    refresh();
}

ShareStatus::~ShareStatus() = default;

QString ShareStatus::urlText() const
{
    return m_url->text();
}

QString ShareStatus::viewersText() const
{
    return m_viewers->text();
}

void ShareStatus::refresh()
{
    const bool shared = m_control->isSharedOnLan();
    m_share->setChecked(shared);
    m_shareAction->setChecked(shared);
    if (!m_control->isListening()) {
        m_url->setText(tr("<span style='color:%1'>server not running</span>").arg(colorscheme::red.name()));
    } else {
        // Shared: the students' link. The presenter's (with the token) shows only in the invite
        // dialog, on request.
        const QString url = shared ? m_control->studentUrl() : m_control->localUrl();
        m_url->setText(QStringLiteral("<a style='color:%1' href='%2'>%3</a>")
                           .arg(colorscheme::cyan.name(), url.toHtmlEscaped(), url.toHtmlEscaped()));
        m_url->setToolTip(shared ? tr("Students open this link to join the run as viewers")
                                 : tr("Open the web page of this run in a browser on this computer"));
    }
    m_copy->setEnabled(m_control->isListening());
    m_qr->setEnabled(m_control->isListening());
    const int viewers = m_control->viewerCount();
    m_viewers->setText(tr("%n browser(s) connected", nullptr, viewers));
}

void ShareStatus::copyJoinUrl()
{
    const QString url = m_control->isSharedOnLan() ? m_control->studentUrl() : m_control->localUrl();
    QApplication::clipboard()->setText(url);
}

void ShareStatus::showInvite()
{
    InviteDialog dialog(m_control, window());
    dialog.exec();
}
