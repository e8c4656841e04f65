#include "inspectorpanel.h"

#include "digitpreview.h"

#include <QLabel>
#include <QVBoxLayout>

#include <cmath>

InspectorPanel::InspectorPanel(QWidget *parent)
    : QWidget(parent), m_title(new QLabel(this)), m_details(new QLabel(this)), m_weightsCaption(new QLabel(this)),
      m_weights(new DigitPreview(this))
{
    m_title->setObjectName(QStringLiteral("inspectorTitle"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_weightsCaption->setWordWrap(true);
    m_weightsCaption->setObjectName(QStringLiteral("caption"));
    m_weights->setFixedSize(224, 224); // 8 screen pixels per input pixel
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_details);
    layout->addWidget(m_weightsCaption);
    layout->addWidget(m_weights);
    layout->addStretch(1);
    m_title->setText(tr("No neuron selected"));
    m_details->setText(tr("Click a neuron in the 3D view to inspect it."));
    m_weightsCaption->hide();
    m_weights->hide();
}

InspectorPanel::~InspectorPanel() = default;

QString InspectorPanel::summaryText() const
{
    return m_title->text() + QLatin1Char('\n') + m_details->text();
}

void InspectorPanel::inspect(NeuronId id, const std::shared_ptr<const core::Network> &network,
                             const std::vector<std::vector<float>> &activations)
{
    m_id = id;
    m_weights->hide();
    m_weightsCaption->hide();
    if (!id.isValid() || !network || id.layer >= network->layerCount() + 1) {
        m_title->setText(tr("No neuron selected"));
        m_details->setText(tr("Click a neuron in the 3D view to inspect it."));
        return;
    }
    const int last = network->layerCount();
    const std::vector<int> &sizes = network->architecture().sizes;
    if (id.index >= sizes[id.layer]) {
        m_title->setText(tr("No neuron selected"));
        return;
    }
    QString layerName;
    if (id.layer == 0)
        layerName = tr("Input pixel");
    else if (id.layer == last)
        layerName = tr("Output neuron");
    else
        layerName = tr("Hidden layer %1 · %2")
                        .arg(id.layer)
                        .arg(QString::fromStdString(
                            core::activationTypeName(network->architecture().activations[id.layer - 1])));
    m_title->setText(QStringLiteral("<b>%1</b> · #%2").arg(layerName).arg(id.index));

    QStringList lines;
    if (id.layer < int(activations.size()) && id.index < int(activations[id.layer].size()))
        lines << tr("Activation: <b>%1</b>").arg(double(activations[id.layer][id.index]), 0, 'f', 4);
    else
        lines << tr("Activation: – (no sample shown yet)");
    if (id.layer == 0) {
        lines << tr("Pixel row %1, column %2 of the 28×28 image").arg(id.index / 28).arg(id.index % 28);
        m_details->setText(lines.join(QStringLiteral("<br>")));
        return;
    }
    if (id.layer == last)
        lines << tr("Stands for the digit <b style='font-size:16px'>%1</b>").arg(id.index);

    const core::DenseLayer &layer = network->layer(id.layer - 1);
    const int inputs = layer.inputSize();
    std::vector<float> incoming(static_cast<std::size_t>(inputs));
    float sum = 0, smallest = 1e30f, largest = -1e30f;
    for (int i = 0; i < inputs; ++i) {
        incoming[i] = layer.weights()(id.index, i);
        sum += incoming[i];
        smallest = std::min(smallest, incoming[i]);
        largest = std::max(largest, incoming[i]);
    }
    lines << tr("Bias %1 · %2 incoming weights: mean %3, min %4, max %5")
                 .arg(double(layer.bias()(id.index)), 0, 'f', 4)
                 .arg(inputs)
                 .arg(double(sum / float(inputs)), 0, 'f', 4)
                 .arg(double(smallest), 0, 'f', 3)
                 .arg(double(largest), 0, 'f', 3);
    m_details->setText(lines.join(QStringLiteral("<br>")));

    // The first hidden layer's weights are an image over the input pixels; deeper layers are
    // shown as a square grid of the previous layer's neurons (same order as in the 3D grid).
    const int side = inputs == 784 ? 28 : int(std::ceil(std::sqrt(double(inputs))));
    incoming.resize(std::size_t(side) * side, 0.0f);
    m_weights->setValues(incoming, side, DigitPreview::Scale::Signed);
    m_weightsCaption->setText(
        inputs == 784
            ? tr("Incoming weights as an image: orange pixels excite this neuron, blue pixels inhibit it, grey ones "
                 "hardly matter.")
            : tr("Incoming weights from the previous layer's %1 neurons (orange +, blue −).").arg(inputs));
    m_weightsCaption->show();
    m_weights->show();
}
