// A short non-modal note in the window's corner (an achievement earned): it never takes the
// focus or blocks input, and goes away by itself after a few seconds.
#pragma once

#include <QLabel>

class QTimer;

class Toast : public QLabel
{
    Q_OBJECT
public:
    explicit Toast(QWidget *window);
    ~Toast() override;

    void showText(const QString &text, int milliseconds = 5000);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();

    QTimer *m_timer;
};
