// The right side of the status bar: the server URL (click opens the page), the number of
// connected browsers, the "Share on LAN" switch, and when shared the students' link (never the
// token) with a copy button; "Invite…" opens the invite dialog with the QR codes.
#pragma once

#include <QWidget>

class ShareControl;
class QAction;
class QCheckBox;
class QLabel;
class QToolButton;

class ShareStatus : public QWidget
{
    Q_OBJECT
public:
    ShareStatus(ShareControl *control, QAction *shareAction, QAction *copyAction, QWidget *parent = nullptr);
    ~ShareStatus() override;

    QString urlText() const;
    QString viewersText() const;

public slots:
    void refresh();
    void copyJoinUrl();
    void showInvite();

private:
    ShareControl *m_control;
    QAction *m_shareAction;
    QLabel *m_url;
    QLabel *m_viewers;
    QCheckBox *m_share;
    QToolButton *m_copy;
    QToolButton *m_qr;
};
