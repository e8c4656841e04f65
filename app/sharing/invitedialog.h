// "Invite the class": the link students open (no token: they join as viewers and the presenter
// hands control over) with its QR code and a copy button; behind "Show presenter link", the join
// link with the token and its QR code, for a second screen of the presenter's own. Off the LAN it
// says so and offers to share. The token shows nowhere else.
#pragma once

#include <QDialog>

class ShareControl;
class QCheckBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QWidget;

class InviteDialog : public QDialog
{
    Q_OBJECT
public:
    explicit InviteDialog(ShareControl *control, QWidget *parent = nullptr);
    ~InviteDialog() override;

    QString studentUrlText() const;
    QString presenterUrlText() const; // empty while hidden
    bool isPresenterLinkShown() const;
    QCheckBox *presenterToggle() const { return m_showPresenter; }
    QPushButton *shareButton() const { return m_shareButton; }
    const QPixmap studentQr() const;

public slots:
    void refresh();

private:
    ShareControl *m_control;
    QStackedWidget *m_pages;
    QLabel *m_offLanText;
    QPushButton *m_shareButton;
    QLabel *m_studentQr;
    QLabel *m_studentUrl;
    QCheckBox *m_showPresenter;
    QWidget *m_presenterBox;
    QLabel *m_presenterQr;
    QLabel *m_presenterUrl;
};
