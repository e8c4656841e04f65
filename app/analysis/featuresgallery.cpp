#include "featuresgallery.h"

#include "analysispaint.h"
#include "analysisworker.h"
#include "colorscheme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

constexpr int kTile = 56; // pixels: two screen pixels per weight
constexpr int kGap = 6;

// The tile grid: as many columns as fit, its height follows its width.
class TilesWidget : public QWidget
{
public:
    std::vector<QImage> images; // per neuron
    std::vector<QString> captions; // per neuron
    std::vector<int> order; // position -> neuron
    int selected = -1;
    std::function<void(int neuron)> clicked;
    QString emptyText;

    explicit TilesWidget(QWidget *parent) : QWidget(parent) { setMouseTracking(false); }

    int columns() const { return std::max(1, (width() - kGap) / (kTile + kGap)); }
    int captionHeight() const { return fontMetrics().height(); }
    QRect rectAt(int position) const
    {
        const int column = position % columns(), row = position / columns();
        return {kGap + column * (kTile + kGap), kGap + row * (kTile + kGap + captionHeight()), kTile, kTile};
    }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override
    {
        const int cols = std::max(1, (w - kGap) / (kTile + kGap));
        const int rows = (int(order.size()) + cols - 1) / cols;
        return std::max(80, kGap + rows * (kTile + kGap + captionHeight()));
    }
    QSize sizeHint() const override { return {8 * (kTile + kGap) + kGap, heightForWidth(8 * (kTile + kGap) + kGap)}; }
    void contentChanged()
    {
        updateGeometry();
        setMinimumHeight(heightForWidth(width()));
        update();
    }

protected:
    void resizeEvent(QResizeEvent *) override { setMinimumHeight(heightForWidth(width())); }
    void paintEvent(QPaintEvent *event) override
    {
        QPainter painter(this);
        painter.setPen(palette().color(QPalette::WindowText));
        if (order.empty()) {
            analysispaint::centeredMessage(painter, rect(), emptyText);
            return;
        }
        QFont small = font();
        small.setPointSizeF(std::max(6.5, font().pointSizeF() * 0.8));
        painter.setFont(small);
        for (int position = 0; position < int(order.size()); ++position) {
            const QRect r = rectAt(position);
            if (!event->rect().intersects(r.adjusted(0, 0, 0, captionHeight())))
                continue;
            const int neuron = order[std::size_t(position)];
            painter.drawImage(r, images[std::size_t(neuron)]);
            painter.setPen(
                QPen(neuron == selected ? colorscheme::orange : colorscheme::panelBorder, neuron == selected ? 2 : 1));
            painter.drawRect(r.adjusted(0, 0, -1, -1));
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(QRect(r.left() - kGap / 2, r.bottom() + 1, kTile + kGap, captionHeight()), Qt::AlignCenter,
                             captions[std::size_t(neuron)]);
        }
    }
    void mousePressEvent(QMouseEvent *event) override
    {
        for (int position = 0; position < int(order.size()); ++position)
            if (rectAt(position).contains(event->position().toPoint())) {
                selected = order[std::size_t(position)];
                update();
                if (clicked)
                    clicked(selected);
                return;
            }
    }
};

// The top test images of one neuron: the mean image first, then each image with its activation.
class TopStrip : public QWidget
{
public:
    QImage mean;
    std::vector<QImage> images;
    std::vector<QString> captions;
    QString emptyText;

    explicit TopStrip(QWidget *parent) : QWidget(parent) { setMinimumHeight(84); }
    QSize sizeHint() const override { return {600, 84}; }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setPen(palette().color(QPalette::WindowText));
        if (mean.isNull()) {
            analysispaint::centeredMessage(painter, rect(), emptyText);
            return;
        }
        const int side = std::max(24, height() - fontMetrics().height() - 4);
        const int line = fontMetrics().height();
        auto draw = [&](int x, const QImage &image, const QString &caption, const QColor &border) {
            const QRect r(x, 0, side, side);
            painter.drawImage(r, image);
            painter.setPen(border);
            painter.drawRect(r.adjusted(0, 0, -1, -1));
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(QRect(x - 8, side + 2, side + 16, line), Qt::AlignCenter, caption);
        };
        draw(0, mean, QObject::tr("mean"), colorscheme::cyan);
        for (std::size_t i = 0; i < images.size(); ++i)
            draw(int(i + 1) * (side + 10) + 10, images[i], captions[i], colorscheme::panelBorder);
    }
};

TilesWidget *tilesOf(QWidget *widget)
{
    return static_cast<TilesWidget *>(widget);
}

} // namespace

FeaturesGallery::FeaturesGallery(AnalysisSource source, AnalysisWorker *worker, QWidget *parent)
    : QWidget(parent), m_source(std::move(source)), m_worker(worker), m_sortBox(new QComboBox(this)),
      m_sharedBox(new QCheckBox(tr("Shared colour scale"), this)), m_summary(new QLabel(this)),
      m_layerBox(new QSpinBox(this)), m_neuronBox(new QSpinBox(this)), m_detailTitle(new QLabel(this))
{
    m_sortBox->addItem(tr("Sort by neuron number"));
    m_sortBox->addItem(tr("Sort by weight strength (norm)"));
    m_sortBox->addItem(tr("Sort by how often it fires"));
    m_sortBox->setToolTip(tr("Firing: the share of the first %1 test images for which the neuron's input "
                             "sum is above zero")
                              .arg(kStatisticsImages));
    connect(m_sortBox, &QComboBox::currentIndexChanged, this, [this](int index) { setSort(Sort(index)); });
    m_sharedBox->setToolTip(tr("Off: each tile uses its own strongest weight as full colour. "
                               "On: one scale for all tiles, so strong and weak neurons compare."));
    connect(m_sharedBox, &QCheckBox::toggled, this, &FeaturesGallery::setSharedScale);
    m_summary->setObjectName(QStringLiteral("caption"));
    m_summary->setWordWrap(true);

    auto *tiles = new TilesWidget(this);
    tiles->emptyText = tr("No network yet.");
    tiles->clicked = [this](int neuron) {
        emit neuronChosen({1, neuron});
        showNeuron({1, neuron});
    };
    m_tiles = tiles;
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(tiles);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *legend = new QWidget(this);
    legend->setFixedHeight(3 * fontMetrics().height() + 10);
    legend->installEventFilter(this);

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_sortBox);
    controls->addWidget(m_sharedBox);
    controls->addStretch();

    m_layerBox->setPrefix(tr("layer "));
    m_neuronBox->setPrefix(tr("neuron "));
    m_layerBox->setToolTip(tr("1 is the first hidden layer"));
    connect(m_layerBox, &QSpinBox::valueChanged, this, [this](int layer) {
        showNeuron({layer, m_neuronBox->value()});
    });
    connect(m_neuronBox, &QSpinBox::valueChanged, this, [this](int neuron) {
        showNeuron({m_layerBox->value(), neuron});
    });
    auto *detailRow = new QHBoxLayout;
    detailRow->addWidget(m_detailTitle, 1);
    detailRow->addWidget(m_layerBox);
    detailRow->addWidget(m_neuronBox);
    auto *strip = new TopStrip(this);
    strip->emptyText = tr("The top test images appear once MNIST is loaded (start training once).");
    m_detailImages = strip;

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(scroll, 1);
    layout->addWidget(legend);
    layout->addLayout(detailRow);
    layout->addWidget(strip);
    m_legend = legend;
    refresh();
}

FeaturesGallery::~FeaturesGallery() = default;

bool FeaturesGallery::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_legend && event->type() == QEvent::Paint) {
        QPainter painter(m_legend);
        painter.setPen(palette().color(QPalette::WindowText));
        const QString low = m_shared ? tr("%1 (negative: inhibits)").arg(-double(m_sharedScale), 0, 'g', 3)
                                     : tr("−largest (negative: inhibits)");
        const QString high = m_shared ? tr("+%1 (positive: excites)").arg(double(m_sharedScale), 0, 'g', 3)
                                      : tr("+largest (positive: excites)");
        analysispaint::legend(
            painter, QRectF(4, 2, std::min(520, m_legend->width() - 8), m_legend->height() - 4),
            [](float t) { return colorscheme::signedValue(2.0f * t - 1.0f); }, low, high,
            m_shared ? tr("Incoming weight, one scale for all tiles") : tr("Incoming weight, scaled per tile"));
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

int FeaturesGallery::tileCount() const
{
    return int(tilesOf(m_tiles)->order.size());
}

QImage FeaturesGallery::tileImage(int neuron) const
{
    const auto &images = tilesOf(m_tiles)->images;
    return neuron >= 0 && neuron < int(images.size()) ? images[std::size_t(neuron)] : QImage();
}

QRect FeaturesGallery::tileRect(int position) const
{
    return tilesOf(m_tiles)->rectAt(position);
}

QWidget *FeaturesGallery::tileArea() const
{
    return m_tiles;
}

void FeaturesGallery::setSort(Sort sort)
{
    m_sort = sort;
    if (m_sortBox->currentIndex() != int(sort))
        m_sortBox->setCurrentIndex(int(sort));
    rebuildTiles();
}

void FeaturesGallery::setSharedScale(bool shared)
{
    m_shared = shared;
    if (m_sharedBox->isChecked() != shared)
        m_sharedBox->setChecked(shared);
    rebuildTiles();
}

void FeaturesGallery::refresh()
{
    m_network = m_source.weights ? m_source.weights() : nullptr;
    if (m_network) {
        m_layerBox->setRange(1, m_network->layerCount());
        m_neuronBox->setRange(
            0,
            m_network->layer(m_detail.layer - 1 < m_network->layerCount() ? m_detail.layer - 1 : 0).outputSize() - 1);
    }
    rebuildTiles();
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    if (!m_network || !mnist)
        return;
    if (m_statisticsPending) { // one at a time: the newest weights once this one is back
        m_refreshAgain = true;
        return;
    }
    m_statisticsPending = true;
    m_worker->submit<core::NeuronStatistics>(
        [network = m_network, mnist](const AnalysisWorker::Progress &) {
            return core::neuronStatistics(*network, mnist->test, 0, kStatisticsImages);
        },
        [this](const core::NeuronStatistics &statistics) {
            m_statisticsPending = false;
            m_statistics = statistics;
            rebuildTiles();
            emit statisticsReady();
            if (m_refreshAgain) {
                m_refreshAgain = false;
                refresh();
            }
        });
    requestTopImages();
}

void FeaturesGallery::rebuildTiles()
{
    TilesWidget *tiles = tilesOf(m_tiles);
    tiles->images.clear();
    tiles->captions.clear();
    tiles->order.clear();
    if (!m_network || m_network->layerCount() == 0 || m_network->layer(0).inputSize() != 784) {
        m_summary->setText(tr("The gallery needs a network with 28×28 inputs."));
        tiles->contentChanged();
        return;
    }
    const core::Matrix &weights = m_network->layer(0).weights(); // (units, 784)
    const int units = int(weights.rows());
    m_sharedScale = std::max(1e-12f, weights.cwiseAbs().maxCoeff());
    const bool haveStatistics
        = int(m_statistics.weightNorms.size()) == units && int(m_statistics.firingRates.size()) == units;
    for (int neuron = 0; neuron < units; ++neuron) {
        const core::Vector row = weights.row(neuron).transpose();
        const float scale = m_shared ? m_sharedScale : std::max(1e-12f, row.cwiseAbs().maxCoeff());
        tiles->images.push_back(analysispaint::signedImage(row.data(), 28, scale));
        QString caption = QStringLiteral("#%1").arg(neuron);
        if (haveStatistics && m_sort == Sort::WeightNorm)
            caption = tr("#%1 ‖w‖%2").arg(neuron).arg(double(m_statistics.weightNorms[std::size_t(neuron)]), 0, 'f', 1);
        else if (haveStatistics && m_sort == Sort::FiringRate)
            caption
                = tr("#%1 %2%").arg(neuron).arg(double(m_statistics.firingRates[std::size_t(neuron)]) * 100, 0, 'f', 0);
        tiles->captions.push_back(caption);
    }
    m_order.resize(std::size_t(units));
    std::iota(m_order.begin(), m_order.end(), 0);
    if (haveStatistics && m_sort != Sort::Index) {
        const std::vector<float> &key
            = m_sort == Sort::WeightNorm ? m_statistics.weightNorms : m_statistics.firingRates;
        std::stable_sort(m_order.begin(), m_order.end(),
                         [&](int a, int b) { return key[std::size_t(a)] > key[std::size_t(b)]; });
    }
    tiles->order = m_order;
    QString sortText;
    if (m_sort == Sort::WeightNorm)
        sortText = haveStatistics ? tr(" Strongest weights (largest norm ‖w‖) first.")
                                  : tr(" Sorting once the statistics are computed…");
    else if (m_sort == Sort::FiringRate)
        sortText
            = haveStatistics
                  ? tr(" Most often firing first: the % is the share of the first %1 test images that make it fire.")
                        .arg(m_statistics.samples)
                  : tr(" Sorting needs MNIST (start training once).");
    m_summary->setText(tr("%1 neurons of the first hidden layer, each tile its 784 incoming weights laid out as the "
                          "28×28 image: orange pixels excite it, blue ones inhibit it.")
                           .arg(units)
                       + sortText);
    tiles->contentChanged();
    m_legend->update();
}

void FeaturesGallery::showNeuron(NeuronId id)
{
    if (!m_network || id.layer < 1 || id.layer > m_network->layerCount())
        return;
    const int units = m_network->layer(id.layer - 1).outputSize();
    if (id.index < 0 || id.index >= units)
        return;
    m_detail = id;
    {
        const QSignalBlocker blockLayer(m_layerBox), blockNeuron(m_neuronBox);
        m_layerBox->setValue(id.layer);
        m_neuronBox->setRange(0, units - 1);
        m_neuronBox->setValue(id.index);
    }
    if (id.layer == 1) {
        tilesOf(m_tiles)->selected = id.index;
        m_tiles->update();
    }
    if (m_topPending && *m_topPending == id)
        return; // a tile click comes back here through the 3D selection: one request is enough
    requestTopImages();
}

void FeaturesGallery::requestTopImages()
{
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    showTopImages();
    if (!m_network || !mnist)
        return;
    m_topPending = m_detail;
    m_worker->submit<core::TopImages>(
        [network = m_network, mnist, id = m_detail](const AnalysisWorker::Progress &) {
            return core::topActivatingImages(*network, mnist->test, core::subsetSize(mnist->test, kStatisticsImages),
                                             id.layer - 1, id.index, kTopImages);
        },
        [this, id = m_detail](const core::TopImages &top) {
            if (m_topPending && *m_topPending == id)
                m_topPending.reset();
            if (!(id == m_detail))
                return; // another neuron was chosen meanwhile
            m_top = top;
            showTopImages();
            emit topImagesReady();
        });
}

void FeaturesGallery::showTopImages()
{
    auto *strip = static_cast<TopStrip *>(m_detailImages);
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    const bool current = mnist && m_top.layerIndex == m_detail.layer - 1 && m_top.neuron == m_detail.index
                         && int(m_top.meanImage.size()) == 784 && !m_top.indices.empty();
    const bool output = m_network && m_detail.layer == m_network->layerCount();
    m_detailTitle->setText(tr("What <b>neuron %1 of layer %2</b> responds to: the mean of its top %3 of the first %4 "
                              "test images, then each with its %5")
                               .arg(m_detail.index)
                               .arg(m_detail.layer)
                               .arg(kTopImages)
                               .arg(kStatisticsImages)
                               .arg(output ? tr("probability") : tr("activation")));
    strip->images.clear();
    strip->captions.clear();
    strip->mean = QImage();
    if (current) {
        strip->mean = analysispaint::grayImage(m_top.meanImage.data(), 28);
        for (std::size_t i = 0; i < m_top.indices.size(); ++i) {
            strip->images.push_back(analysispaint::grayImage(mnist->test.image(m_top.indices[i]), 28));
            strip->captions.push_back(QString::number(double(m_top.activations[i]), 'f', 2));
        }
    }
    strip->update();
}
