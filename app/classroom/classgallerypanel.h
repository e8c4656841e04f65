// "Class gallery": every drawing participants submitted, newest first — the 28x28 the network
// saw (scaled up crisp), its prediction and confidence, who drew it and when — with "Show in
// network" (the class sees it in the 3D view and so does this window) and "Hide" per drawing, and
// "Clear all". Follows the classroom's gallery, so a presenter's browser acting on it shows here.
#pragma once

#include <QImage>
#include <QWidget>

#include <map>
#include <vector>

namespace server {
class Classroom;
struct GalleryItem;
} // namespace server
class QLabel;
class QPushButton;
class QVBoxLayout;

class ClassGalleryPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kImageScale = 3; // 28x28 shown as 84x84, each pixel a crisp square

    explicit ClassGalleryPanel(server::Classroom &classroom, QWidget *parent = nullptr);
    ~ClassGalleryPanel() override;

    int itemCount() const { return int(m_rows.size()); }
    // The ids in the order shown (newest first).
    std::vector<quint64> shownIds() const;
    QWidget *row(quint64 id) const;
    QPushButton *showButton(quint64 id) const;
    QPushButton *hideButton(quint64 id) const;
    QPushButton *clearButton() const { return m_clear; }
    quint64 shownInNetwork() const { return m_shown; }
    // Asks before clearing (the default); tests switch it off.
    void setConfirmClear(bool confirm) { m_confirmClear = confirm; }

    static QImage digitImage(const std::vector<float> &pixels, int scale = kImageScale);
    static QString captionFor(const server::GalleryItem &item);

signals:
    // A drawing was shown to the class: make it this window's input too.
    void showInNetwork(const std::vector<float> &pixels, const QString &caption);

public slots:
    void refresh();
    void clearAll();

private:
    QWidget *makeRow(const server::GalleryItem &item);
    void markShown(quint64 id);

    server::Classroom &m_classroom;
    QLabel *m_summary;
    QLabel *m_empty;
    QLabel *m_message;
    QPushButton *m_clear;
    QVBoxLayout *m_list;
    std::map<quint64, QWidget *> m_rows;
    quint64 m_shown = 0;
    bool m_confirmClear = true;
};
