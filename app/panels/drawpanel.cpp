#include "drawpanel.h"

#include "colorscheme.h"
#include "digitpreview.h"
#include "drawingcanvas.h"
#include "probabilitybars.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

DrawPanel::DrawPanel(QWidget *parent)
    : QWidget(parent), m_canvas(new DrawingCanvas(this)), m_preview(new DigitPreview(this)),
      m_bars(new ProbabilityBars(this)), m_verdict(new QLabel(this)), m_hint(new QLabel(this)),
      m_coalesce(new QTimer(this))
{
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(0);
    connect(m_coalesce, &QTimer::timeout, this, &DrawPanel::predictNow);
    connect(m_canvas, &DrawingCanvas::drawingChanged, this, [this] {
        if (!m_canvas->isEmpty())
            m_external = false; // the user draws: their drawing replaces a chosen image
        m_coalesce->start();
    });

    auto *clearButton = new QPushButton(tr("Clear"), this);
    clearButton->setToolTip(tr("Clear the drawing (right-click on the canvas does the same)"));
    connect(clearButton, &QPushButton::clicked, this, &DrawPanel::clear);

    m_verdict->setObjectName(QStringLiteral("verdict"));
    m_verdict->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setObjectName(QStringLiteral("hint"));

    auto *seesLabel = new QLabel(tr("What the network sees"), this);
    seesLabel->setObjectName(QStringLiteral("caption"));
    auto *previewColumn = new QVBoxLayout;
    previewColumn->addWidget(seesLabel);
    previewColumn->addWidget(m_preview, 1);
    previewColumn->addWidget(m_verdict);
    previewColumn->addStretch();

    auto *row = new QHBoxLayout;
    row->addLayout(previewColumn, 2);
    row->addWidget(m_bars, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_canvas, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_hint, 1);
    buttons->addWidget(clearButton);
    layout->addLayout(buttons);
    layout->addLayout(row);
    clear();
}

DrawPanel::~DrawPanel() = default;

void DrawPanel::setNetwork(std::shared_ptr<const core::Network> network, bool trained)
{
    m_network = std::move(network);
    m_trained = trained;
    m_hint->setText(m_trained ? tr("Draw a digit; the network predicts as you draw.")
                              : tr("The network is untrained: train it first for sensible predictions."));
    if (!m_canvas->isEmpty() || m_external)
        predictNow();
}

void DrawPanel::clear()
{
    m_external = false;
    m_canvas->clear();
    m_coalesce->stop();
    m_input = {};
    m_prediction = {};
    m_preview->setValues(std::vector<float>(784, 0.0f));
    m_bars->clear();
    m_verdict->setText(tr("Prediction: –"));
    emit cleared();
}

void DrawPanel::setInputImage(const std::vector<float> &pixels, const QString &caption)
{
    if (pixels.size() != m_input.pixels.size())
        return;
    m_canvas->clear();
    m_coalesce->stop();
    m_external = true;
    m_caption = caption;
    std::copy(pixels.begin(), pixels.end(), m_input.pixels.begin());
    m_input.empty = std::all_of(pixels.begin(), pixels.end(), [](float v) { return v <= 0; });
    m_hint->setText(tr("Showing %1 · draw to replace it").arg(caption));
    predictNow();
}

void DrawPanel::predictNow()
{
    if (m_external) {
        m_preview->setValues(std::vector<float>(m_input.pixels.begin(), m_input.pixels.end()));
        if (m_network && !m_input.empty)
            predictInput();
        return;
    }
    if (m_canvas->isEmpty())
        return;
    const QImage gray = m_canvas->grayscale();
    // QImage rows are padded to 4 bytes; the canvas is 280 wide, so bytesPerLine == width.
    std::vector<std::uint8_t> pixels(std::size_t(gray.width()) * gray.height());
    for (int y = 0; y < gray.height(); ++y)
        std::copy_n(gray.constScanLine(y), gray.width(), pixels.begin() + std::ptrdiff_t(y) * gray.width());
    m_input = core::preprocessDrawing(pixels.data(), gray.width(), gray.height());
    m_preview->setValues(std::vector<float>(m_input.pixels.begin(), m_input.pixels.end()));
    if (!m_network || m_input.empty)
        return;
    predictInput();
}

void DrawPanel::predictInput()
{
    m_prediction = m_network->predict(m_input.pixels.data());
    m_bars->setProbabilities(m_prediction.probabilities);
    const float confidence = m_prediction.probabilities[std::size_t(std::clamp(m_prediction.digit, 0, 9))];
    m_verdict->setText(tr("Prediction: <b style='color:%1;font-size:18px'>%2</b> (%3%)")
                           .arg(colorscheme::orange.name())
                           .arg(m_prediction.digit)
                           .arg(double(confidence) * 100.0, 0, 'f', 0));
    emit predictionReady(m_prediction);
}
