#include "invitedialog.h"

#include "colorscheme.h"
#include "qrcode.h"
#include "sharecontrol.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {

QLabel *urlLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignCenter);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    font.setBold(true);
    label->setFont(font);
    return label;
}

QLabel *qrLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setAlignment(Qt::AlignCenter);
    return label;
}

// A QR code of `url`, or the reason there is none, in `label`.
void showQr(QLabel *label, const QString &url, int scale)
{
    const QImage code = QrCode::encode(url, scale);
    if (code.isNull()) {
        label->setPixmap({});
        label->setText(QrCode::isAvailable() ? QObject::tr("(the link is too long for a QR code)")
                                             : QObject::tr("(no QR code: built without libqrencode)"));
        return;
    }
    label->setPixmap(QPixmap::fromImage(code));
}

} // namespace

InviteDialog::InviteDialog(ShareControl *control, QWidget *parent)
    : QDialog(parent), m_control(control), m_pages(new QStackedWidget(this))
{
    setWindowTitle(tr("Invite the class"));

    // Off the LAN: what is missing, and the switch.
    auto *offLan = new QWidget(m_pages);
    m_offLanText = new QLabel(offLan);
    m_offLanText->setWordWrap(true);
    m_offLanText->setTextFormat(Qt::PlainText);
    m_shareButton = new QPushButton(tr("Share on LAN"), offLan);
    m_shareButton->setObjectName(QStringLiteral("inviteShare"));
    auto *offLayout = new QVBoxLayout(offLan);
    offLayout->addWidget(m_offLanText);
    offLayout->addWidget(m_shareButton, 0, Qt::AlignLeft);
    offLayout->addStretch(1);
    connect(m_shareButton, &QPushButton::clicked, this, [this] {
        const QString error = m_control->setSharedOnLan(true);
        refresh(); // bindingChanged refreshes too; an error leaves the binding as it was
        if (!error.isEmpty())
            m_offLanText->setText(error);
    });

    // On the LAN: the student link first; the presenter link only on request.
    auto *onLan = new QWidget(m_pages);
    auto *heading = new QLabel(tr("Students: scan the code or open this link"), onLan);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.3);
    heading->setFont(headingFont);
    heading->setAlignment(Qt::AlignCenter);
    m_studentQr = qrLabel(onLan);
    m_studentQr->setObjectName(QStringLiteral("studentQr"));
    m_studentUrl = urlLabel(onLan);
    m_studentUrl->setObjectName(QStringLiteral("studentUrl"));
    auto *copyStudent = new QPushButton(tr("Copy student link"), onLan);
    connect(copyStudent, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_control->studentUrl()); });
    auto *how = new QLabel(tr("Students join as viewers and follow your view. Give one of them control in the "
                              "Participants panel; take it back there at any time."),
                           onLan);
    how->setWordWrap(true);
    how->setAlignment(Qt::AlignCenter);

    m_showPresenter = new QCheckBox(tr("Show presenter link"), onLan);
    m_showPresenter->setObjectName(QStringLiteral("showPresenterLink"));
    m_presenterBox = new QWidget(onLan);
    auto *warning = new QLabel(tr("Whoever opens this link controls the run, as you do. Open it only on your "
                                  "own screens and never show it to the class."),
                               m_presenterBox);
    warning->setWordWrap(true);
    warning->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::red.name()));
    m_presenterQr = qrLabel(m_presenterBox);
    m_presenterQr->setObjectName(QStringLiteral("presenterQr"));
    m_presenterUrl = urlLabel(m_presenterBox);
    m_presenterUrl->setObjectName(QStringLiteral("presenterUrl"));
    QFont smaller = m_presenterUrl->font();
    smaller.setBold(false);
    m_presenterUrl->setFont(smaller);
    m_presenterUrl->setWordWrap(true);
    m_presenterBox->setFixedWidth(320);
    how->setMaximumWidth(340);
    auto *copyPresenter = new QPushButton(tr("Copy presenter link"), m_presenterBox);
    connect(copyPresenter, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_control->joinUrl()); });
    auto *presenterLayout = new QVBoxLayout(m_presenterBox);
    presenterLayout->setContentsMargins(0, 0, 0, 0);
    presenterLayout->addWidget(warning);
    presenterLayout->addWidget(m_presenterQr);
    presenterLayout->addWidget(m_presenterUrl);
    presenterLayout->addWidget(copyPresenter, 0, Qt::AlignCenter);
    m_presenterBox->hide();
    connect(m_showPresenter, &QCheckBox::toggled, this, [this] {
        refresh();
        adjustSize();
    });

    // The presenter's link beside the students', so the dialog stays as high as one QR code.
    auto *studentColumn = new QVBoxLayout;
    studentColumn->addWidget(heading);
    studentColumn->addWidget(m_studentQr);
    studentColumn->addWidget(m_studentUrl);
    studentColumn->addWidget(copyStudent, 0, Qt::AlignCenter);
    studentColumn->addWidget(how);
    studentColumn->addSpacing(8);
    studentColumn->addWidget(m_showPresenter);
    studentColumn->addStretch(1);
    auto *onLayout = new QHBoxLayout(onLan);
    onLayout->addLayout(studentColumn);
    onLayout->addSpacing(16);
    onLayout->addWidget(m_presenterBox, 0, Qt::AlignTop);
    m_pages->addWidget(offLan);
    m_pages->addWidget(onLan);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    layout->addWidget(buttons);
    layout->setSizeConstraint(QLayout::SetFixedSize);
    connect(m_control, &ShareControl::bindingChanged, this, &InviteDialog::refresh);
    refresh();
}

InviteDialog::~InviteDialog() = default;

void InviteDialog::refresh()
{
    const bool shared = m_control->isListening() && m_control->isSharedOnLan();
    m_pages->setCurrentIndex(shared ? 1 : 0);
    if (!shared) {
        m_offLanText->setText(m_control->isListening()
                                  ? tr("This run is open on this computer only. Share it on the local network, then "
                                       "students open a link or scan a QR code on their phones.")
                                  : tr("The web server is not running, so nobody can join. Start the app with "
                                       "--port to choose a free port."));
        m_shareButton->setVisible(m_control->isListening());
        m_showPresenter->setChecked(false);
        m_presenterUrl->clear();
        m_presenterQr->clear();
        m_pages->setFixedWidth(420);
        return;
    }
    m_pages->setMinimumWidth(0);
    m_pages->setMaximumWidth(QWIDGETSIZE_MAX);
    const QString student = m_control->studentUrl();
    m_studentUrl->setText(student);
    showQr(m_studentQr, student, 7);
    const bool presenter = m_showPresenter->isChecked();
    m_presenterBox->setVisible(presenter);
    if (presenter) {
        m_presenterUrl->setText(m_control->joinUrl());
        showQr(m_presenterQr, m_control->joinUrl(), 5);
    } else { // the token leaves the widgets, not only the screen
        m_presenterUrl->clear();
        m_presenterQr->clear();
    }
}

QString InviteDialog::studentUrlText() const
{
    return m_pages->currentIndex() == 1 ? m_studentUrl->text() : QString();
}

QString InviteDialog::presenterUrlText() const
{
    return m_presenterBox->isVisibleTo(this) ? m_presenterUrl->text() : QString();
}

bool InviteDialog::isPresenterLinkShown() const
{
    return m_pages->currentIndex() == 1 && m_showPresenter->isChecked();
}

const QPixmap InviteDialog::studentQr() const
{
    return m_studentQr->pixmap();
}
