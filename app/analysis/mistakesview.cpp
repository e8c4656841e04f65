#include "mistakesview.h"

#include "analysispaint.h"
#include "analysisworker.h"
#include "colorscheme.h"
#include "confusionmatrixview.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

namespace {

constexpr int kSide = 56;
constexpr int kGap = 8;

class ImagesWidget : public QWidget
{
public:
    std::vector<QImage> images;
    std::vector<QString> captions;
    std::function<void(int)> clicked;
    QString emptyText;

    explicit ImagesWidget(QWidget *parent) : QWidget(parent) { }
    int columns() const { return std::max(1, (width() - kGap) / (kSide + kGap)); }
    QRect rectAt(int i) const
    {
        const int line = fontMetrics().height();
        return {kGap + (i % columns()) * (kSide + kGap), kGap + (i / columns()) * (kSide + kGap + line), kSide, kSide};
    }
    void contentChanged()
    {
        const int rows = (int(images.size()) + columns() - 1) / columns();
        setMinimumHeight(std::max(60, kGap + rows * (kSide + kGap + fontMetrics().height())));
        update();
    }

protected:
    void resizeEvent(QResizeEvent *) override { contentChanged(); }
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setPen(palette().color(QPalette::WindowText));
        if (images.empty()) {
            analysispaint::centeredMessage(painter, rect(), emptyText);
            return;
        }
        const int line = fontMetrics().height();
        for (int i = 0; i < int(images.size()); ++i) {
            const QRect r = rectAt(i);
            painter.drawImage(r, images[std::size_t(i)]);
            painter.setPen(colorscheme::panelBorder);
            painter.drawRect(r.adjusted(0, 0, -1, -1));
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(QRect(r.left() - 4, r.bottom() + 1, kSide + 8, line), Qt::AlignCenter,
                             captions[std::size_t(i)]);
        }
    }
    void mousePressEvent(QMouseEvent *event) override
    {
        for (int i = 0; i < int(images.size()); ++i)
            if (rectAt(i).contains(event->position().toPoint()) && clicked)
                return clicked(i);
    }
};

} // namespace

MistakesView::MistakesView(AnalysisSource source, AnalysisWorker *worker, QWidget *parent)
    : QWidget(parent), m_source(std::move(source)), m_worker(worker), m_matrix(new ConfusionMatrixView(this)),
      m_title(new QLabel(this))
{
    m_matrix->setCellsClickable(true);
    m_matrix->setToolTip(tr("Click a cell: the test images of that true digit (row) the network predicted as "
                            "the column's digit"));
    connect(m_matrix, &ConfusionMatrixView::cellClicked, this, &MistakesView::showCell);
    m_title->setWordWrap(true);
    auto *images = new ImagesWidget(this);
    images->emptyText = tr("Click a cell of the confusion matrix.");
    images->clicked = [this](int i) {
        if (!m_data || i >= int(m_list.items.size()))
            return;
        const core::MistakeItem &item = m_list.items[std::size_t(i)];
        std::vector<float> pixels(784);
        const std::uint8_t *image = m_data->test.image(item.index);
        for (int p = 0; p < 784; ++p)
            pixels[std::size_t(p)] = float(image[p]) / 255.0f;
        emit imageChosen(pixels, tr("test image %1 (a %2)").arg(item.index).arg(item.label));
    };
    m_images = images;
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(images);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *right = new QVBoxLayout;
    right->addWidget(m_title);
    right->addWidget(scroll, 1);
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(m_matrix, 2);
    layout->addLayout(right, 3);
    m_title->setText(tr("Which digits does the network confuse? Click a cell of the matrix, then an image to "
                        "send it through the network."));
    refresh();
}

MistakesView::~MistakesView() = default;

void MistakesView::refresh()
{
    m_matrix->setMatrix(m_source.confusion ? m_source.confusion() : std::nullopt);
}

QRect MistakesView::itemRect(int item) const
{
    return static_cast<ImagesWidget *>(m_images)->rectAt(item);
}

void MistakesView::showCell(int trueLabel, int predicted)
{
    const auto network = m_source.weights ? m_source.weights() : nullptr;
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    m_matrix->setSelectedCell(trueLabel, predicted);
    if (!network || !mnist) {
        m_title->setText(tr("The test images need MNIST, which loads when training starts."));
        return;
    }
    const int request = ++m_requested;
    m_title->setText(tr("Looking for test images of a %1 predicted as %2…").arg(trueLabel).arg(predicted));
    m_worker->submit<core::MistakeList>(
        [network, mnist, trueLabel, predicted](const AnalysisWorker::Progress &) {
            return core::findMistakes(*network, mnist->test, trueLabel, predicted, kLimit);
        },
        [this, mnist, request](const core::MistakeList &list) {
            if (request != m_requested)
                return;
            m_list = list;
            m_data = mnist;
            auto *images = static_cast<ImagesWidget *>(m_images);
            images->images.clear();
            images->captions.clear();
            for (const core::MistakeItem &item : list.items) {
                images->images.push_back(analysispaint::grayImage(mnist->test.image(item.index), 28));
                images->captions.push_back(tr("%1%").arg(double(item.confidence) * 100, 0, 'f', 0));
            }
            images->emptyText = tr("No test image is in this cell.");
            images->contentChanged();
            const bool right = list.trueLabel == list.predictedLabel;
            m_title->setText(
                (right ? tr("<b>%1</b> test images of a <b>%2</b> predicted correctly")
                             .arg(list.total)
                             .arg(list.trueLabel)
                       : tr("<b>%1</b> test images of a <b>%2</b> the current network predicts as <b>%3</b>")
                             .arg(list.total)
                             .arg(list.trueLabel)
                             .arg(list.predictedLabel))
                + tr(" · the %1 most confident shown, with the network's confidence in its prediction · click one "
                     "to send it through the network")
                      .arg(list.items.size()));
            emit mistakesReady();
        });
}
