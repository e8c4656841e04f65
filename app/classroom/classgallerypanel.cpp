#include "classgallerypanel.h"

#include "classroom.h"
#include "colorscheme.h"

#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>

ClassGalleryPanel::ClassGalleryPanel(server::Classroom &classroom, QWidget *parent)
    : QWidget(parent), m_classroom(classroom), m_summary(new QLabel(this)), m_empty(new QLabel(this)),
      m_message(new QLabel(this)), m_clear(new QPushButton(tr("Clear all"), this))
{
    m_summary->setTextFormat(Qt::PlainText);
    m_clear->setObjectName(QStringLiteral("clearGallery"));
    m_clear->setToolTip(tr("Remove every drawing from the class gallery, on every screen"));
    connect(m_clear, &QPushButton::clicked, this, &ClassGalleryPanel::clearAll);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::red.name()));
    m_message->hide();
    m_empty->setWordWrap(true);
    m_empty->setText(tr("No drawings yet. Students draw a digit on their phones and send it; each one appears "
                        "here with what the network thinks it is."));
    m_empty->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::mutedText.name()));

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *host = new QWidget;
    m_list = new QVBoxLayout(host);
    m_list->setContentsMargins(0, 0, 0, 0);
    m_list->setSpacing(6);
    m_list->addWidget(m_empty);
    m_list->addStretch(1);
    scroll->setWidget(host);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(scroll, 1);

    connect(&m_classroom, &server::Classroom::galleryChanged, this, &ClassGalleryPanel::refresh);
    connect(&m_classroom, &server::Classroom::galleryItemShown, this, [this](const server::GalleryItem &item) {
        markShown(item.id);
        emit showInNetwork(item.pixels, captionFor(item));
    });
    refresh();
}

ClassGalleryPanel::~ClassGalleryPanel() = default;

QImage ClassGalleryPanel::digitImage(const std::vector<float> &pixels, int scale)
{
    QImage image(28, 28, QImage::Format_Grayscale8);
    image.fill(0);
    for (int y = 0; y < 28 && std::size_t(y * 28 + 27) < pixels.size(); ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < 28; ++x)
            line[x] = uchar(std::clamp(pixels[std::size_t(y * 28 + x)], 0.0f, 1.0f) * 255.0f + 0.5f);
    }
    // Nearest neighbour: each of the network's pixels stays a crisp square.
    return image.scaled(28 * scale, 28 * scale, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

QString ClassGalleryPanel::captionFor(const server::GalleryItem &item)
{
    return item.name.isEmpty() ? tr("a drawing from the class") : tr("%1's drawing").arg(item.name);
}

std::vector<quint64> ClassGalleryPanel::shownIds() const
{
    std::vector<quint64> ids;
    for (auto it = m_rows.rbegin(); it != m_rows.rend(); ++it)
        ids.push_back(it->first);
    return ids;
}

QWidget *ClassGalleryPanel::row(quint64 id) const
{
    const auto it = m_rows.find(id);
    return it == m_rows.end() ? nullptr : it->second;
}

QPushButton *ClassGalleryPanel::showButton(quint64 id) const
{
    QWidget *w = row(id);
    return w ? w->findChild<QPushButton *>(QStringLiteral("showInNetwork")) : nullptr;
}

QPushButton *ClassGalleryPanel::hideButton(quint64 id) const
{
    QWidget *w = row(id);
    return w ? w->findChild<QPushButton *>(QStringLiteral("hideDrawing")) : nullptr;
}

QWidget *ClassGalleryPanel::makeRow(const server::GalleryItem &item)
{
    auto *frame = new QFrame;
    frame->setObjectName(QStringLiteral("galleryItem"));
    frame->setFrameShape(QFrame::StyledPanel);
    auto *image = new QLabel(frame);
    image->setPixmap(QPixmap::fromImage(digitImage(item.pixels)));
    image->setFixedSize(28 * kImageScale, 28 * kImageScale);
    image->setToolTip(tr("The 28×28 image the network saw"));

    const int digit = item.prediction.digit;
    const float confidence = digit >= 0 && digit < 10 ? item.prediction.probabilities[std::size_t(digit)] : 0.0f;
    auto *guess = new QLabel(frame);
    guess->setTextFormat(Qt::PlainText);
    guess->setText(digit >= 0 ? QString::number(digit) : QStringLiteral("–"));
    QFont big = guess->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    guess->setFont(big);
    guess->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::teal.name()));
    guess->setToolTip(tr("What the network predicted when the drawing arrived"));
    auto *sure = new QLabel(tr("%1% sure").arg(qRound(confidence * 100)), frame);
    sure->setTextFormat(Qt::PlainText);
    auto *name = new QLabel(frame);
    name->setTextFormat(Qt::PlainText); // names come from browsers: never rich text
    name->setText(item.name.isEmpty() ? tr("Guest %1").arg(item.clientId) : item.name);
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    auto *when = new QLabel(QDateTime::fromMSecsSinceEpoch(item.atMs).toString(QStringLiteral("HH:mm:ss")), frame);
    when->setStyleSheet(QStringLiteral("color:%1").arg(colorscheme::mutedText.name()));

    auto *show = new QPushButton(tr("Show in network"), frame);
    show->setObjectName(QStringLiteral("showInNetwork"));
    show->setToolTip(tr("Put this drawing through the network in the 3D view, here and on every screen"));
    connect(show, &QPushButton::clicked, this, [this, id = item.id] {
        const QString why = m_classroom.showGalleryItem(id);
        m_message->setText(why);
        m_message->setVisible(!why.isEmpty());
    });
    auto *hide = new QPushButton(tr("Hide"), frame);
    hide->setObjectName(QStringLiteral("hideDrawing"));
    hide->setToolTip(tr("Remove this drawing from the class gallery"));
    connect(hide, &QPushButton::clicked, this, [this, id = item.id] { m_classroom.removeGalleryItem(id); });

    // Narrow enough for a side dock: the image, then three short lines — the guess, who and when,
    // the buttons.
    auto *guessLine = new QHBoxLayout;
    guessLine->addWidget(guess);
    guessLine->addWidget(sure, 0, Qt::AlignBottom);
    guessLine->addStretch(1);
    auto *whoLine = new QHBoxLayout;
    whoLine->addWidget(name);
    whoLine->addWidget(when);
    whoLine->addStretch(1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(show);
    buttons->addWidget(hide);
    buttons->addStretch(1);
    auto *text = new QVBoxLayout;
    text->setSpacing(2);
    text->addLayout(guessLine);
    text->addLayout(whoLine);
    text->addStretch(1);
    text->addLayout(buttons);
    auto *layout = new QHBoxLayout(frame);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(image, 0, Qt::AlignTop);
    layout->addSpacing(4);
    layout->addLayout(text, 1);
    return frame;
}

void ClassGalleryPanel::refresh()
{
    const std::deque<server::GalleryItem> &items = m_classroom.gallery().items(); // oldest first
    // Rows of drawings that are gone (hidden, cleared, or pushed out by newer ones).
    for (auto it = m_rows.begin(); it != m_rows.end();) {
        if (!m_classroom.gallery().find(it->first)) {
            delete it->second;
            it = m_rows.erase(it);
        } else {
            ++it;
        }
    }
    // New drawings, at the top; ids only grow, so anything newer than the newest row is new.
    const quint64 newest = m_rows.empty() ? 0 : m_rows.rbegin()->first;
    for (const server::GalleryItem &item : items) {
        if (item.id <= newest)
            continue;
        QWidget *widget = makeRow(item);
        m_list->insertWidget(1, widget); // after the "no drawings" note, before older rows
        m_rows.emplace(item.id, widget);
    }
    if (!m_rows.count(m_shown))
        m_shown = 0;
    m_empty->setVisible(m_rows.empty());
    m_clear->setEnabled(!m_rows.empty());
    m_summary->setText(tr("%n drawing(s)", nullptr, int(m_rows.size())));
}

void ClassGalleryPanel::markShown(quint64 id)
{
    m_shown = id;
    for (const auto &[rowId, widget] : m_rows)
        widget->setStyleSheet(
            rowId == id ? QStringLiteral("QFrame#galleryItem { border: 2px solid %1; }").arg(colorscheme::teal.name())
                        : QString());
}

void ClassGalleryPanel::clearAll()
{
    if (m_rows.empty())
        return;
    if (m_confirmClear
        && QMessageBox::question(
               window(), tr("Clear the class gallery"),
               tr("Remove all %n drawing(s) from the class gallery, on every screen?", nullptr, int(m_rows.size())),
               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               != QMessageBox::Yes)
        return;
    m_classroom.clearGallery();
}
