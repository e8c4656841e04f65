// The teaching overlay as a native panel: what just happened (first forward pass, first
// backward pass, high loss), explained with the real numbers of that batch — loss, the focus
// sample's label and prediction, its top output probabilities, gradient sizes per layer and
// the loss so far — a countdown until training resumes, Continue and "skip future pauses".
#pragma once

#include "sessiontypes.h"

#include <QElapsedTimer>
#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

class TeachingPanel : public QFrame
{
    Q_OBJECT
public:
    explicit TeachingPanel(QWidget *parent = nullptr);
    ~TeachingPanel() override;

    void showMoment(const server::PauseMoment &moment);
    // The moment in the window's own (translatable) words, from its numbers.
    static QString explanation(const core::TeachingMoment &moment);
    void finish(); // hides the panel (the session resumed)
    QString reason() const { return m_reason; }
    QString bodyText() const;
    static QString titleFor(const QString &reason);

signals:
    void continueRequested();
    void skipFuturePausesRequested();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void tick();

    QLabel *m_title;
    QLabel *m_message;
    QLabel *m_numbers;
    QProgressBar *m_countdown;
    QPushButton *m_continue;
    QPushButton *m_skip;
    QTimer *m_timer;
    QElapsedTimer m_clock;
    double m_durationSeconds = 0;
    QString m_reason;
    QVector<float> m_lossHistory;
};
