// "Participants": who is connected to the run's page (name, role, phone or computer, since when),
// raised hands first, with "Give control" per participant and "Take back" for the driver. The
// desktop is the presenter: it grants and revokes through the classroom directly. Names are shown
// as plain text, never interpreted.
#pragma once

#include <QIcon>
#include <QWidget>

#include <functional>
#include <vector>

namespace server {
class Classroom;
struct Participant;
} // namespace server
class QGridLayout;
class QLabel;
class QPushButton;
class QTimer;

class ParticipantsPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kSinceRefreshMs = 15000;

    explicit ParticipantsPanel(server::Classroom &classroom, QWidget *parent = nullptr);
    ~ParticipantsPanel() override;

    // "You drive" while nobody else does, else "Ada drives".
    QString driverText() const;
    // The participants' names in the order shown (raised hands first).
    QStringList shownNames() const;
    // The row's button ("Give control" or "Take back"); null when the row has none or is absent.
    QPushButton *rowButton(const QString &clientId) const;
    QPushButton *takeBackButton() const { return m_takeBack; }
    QLabel *messageLabel() const { return m_message; }
    void setClock(std::function<qint64()> clock); // ms since the Unix epoch (tests)

    static QString displayName(const server::Participant &participant);
    // "just now", "3 min", "1 h 5 min".
    static QString sinceText(qint64 sinceMs, qint64 nowMs);
    static QIcon handIcon(int size = 16);

signals:
    void driverChanged(const QString &text);

public slots:
    void refresh();

private:
    void refreshSince();
    void give(const QString &clientId);

    struct Row
    {
        QString clientId;
        QString name;
        qint64 sinceMs = 0;
        QLabel *since = nullptr;
        QPushButton *button = nullptr;
    };

    server::Classroom &m_classroom;
    std::function<qint64()> m_clock;
    QLabel *m_summary;
    QPushButton *m_takeBack;
    QLabel *m_message;
    QLabel *m_empty;
    QWidget *m_rowsHost;
    QGridLayout *m_grid;
    std::vector<Row> m_rows;
    std::vector<QWidget *> m_rowWidgets;
    QTimer *m_sinceTimer;
    QString m_driverText;
};
