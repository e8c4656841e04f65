#include "weightpainterview.h"

#include "analysis/weightpainter.h"
#include "analysispaint.h"
#include "colorscheme.h"
#include "probabilitybars.h"

#include <QButtonGroup>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {

class PaintCanvas : public QWidget
{
public:
    QImage image;
    std::function<void(float x, float y)> painted;

    explicit PaintCanvas(QWidget *parent) : QWidget(parent)
    {
        setMinimumSize(224, 224);
        setCursor(Qt::CrossCursor);
    }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override { return w; }
    QRect square() const
    {
        const int side = std::min(width(), height());
        return {(width() - side) / 2, (height() - side) / 2, side, side};
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.drawImage(square(), image);
        painter.setPen(colorscheme::panelBorder);
        painter.drawRect(square().adjusted(0, 0, -1, -1));
    }
    void mousePressEvent(QMouseEvent *event) override { paint(event->position()); }
    void mouseMoveEvent(QMouseEvent *event) override
    {
        if (event->buttons() & Qt::LeftButton)
            paint(event->position());
    }

private:
    void paint(const QPointF &position)
    {
        const QRect s = square();
        if (s.isEmpty() || !painted)
            return;
        painted(float((position.x() - s.left()) * 28.0 / s.width()),
                float((position.y() - s.top()) * 28.0 / s.height()));
    }
};

} // namespace

WeightPainterView::WeightPainterView(AnalysisSource source, QWidget *parent)
    : QWidget(parent), m_source(std::move(source)), m_neuronBox(new QSpinBox(this)),
      m_excite(new QRadioButton(tr("Excite (+)"), this)), m_strength(new QSlider(Qt::Horizontal, this)),
      m_radius(new QSpinBox(this)), m_status(new QLabel(this)), m_bars(new ProbabilityBars(this))
{
    auto *intro = new QLabel(tr("Paint a first-layer neuron's incoming weights and see what your drawing's prediction "
                                "does. This paints a copy: training and the other views keep the real weights."),
                             this);
    intro->setWordWrap(true);
    intro->setObjectName(QStringLiteral("caption"));
    m_neuronBox->setPrefix(tr("neuron "));
    connect(m_neuronBox, &QSpinBox::valueChanged, this, &WeightPainterView::setNeuron);
    m_inhibit = new QRadioButton(tr("Inhibit (−)"), this);
    QRadioButton *inhibit = m_inhibit;
    m_excite->setChecked(true);
    auto *group = new QButtonGroup(this);
    group->addButton(m_excite);
    group->addButton(inhibit);
    m_strength->setRange(1, 50); // hundredths of a weight unit per dab
    m_strength->setValue(10);
    m_strength->setToolTip(tr("How much one dab changes the weight under the brush's centre"));
    m_radius->setRange(1, 10);
    m_radius->setValue(3);
    m_radius->setPrefix(tr("radius "));
    m_radius->setSuffix(tr(" px"));
    auto *resetButton = new QPushButton(tr("Reset"), this);
    resetButton->setToolTip(tr("Start again from the network's real weights"));
    connect(resetButton, &QPushButton::clicked, this, &WeightPainterView::reset);
    auto *canvas = new PaintCanvas(this);
    canvas->painted = [this](float x, float y) { paintAt(x, y); };
    m_canvas = canvas;
    m_status->setWordWrap(true);

    auto *tools = new QHBoxLayout;
    tools->addWidget(m_neuronBox);
    tools->addWidget(m_excite);
    tools->addWidget(inhibit);
    tools->addWidget(new QLabel(tr("strength"), this));
    tools->addWidget(m_strength, 1);
    tools->addWidget(m_radius);
    tools->addWidget(resetButton);
    auto *legend = new QLabel(tr("<span style='color:%1'>■</span> excites · <span style='color:%2'>■</span> inhibits "
                                 "(colour scale: the real neuron's largest |weight|)")
                                  .arg(colorscheme::positive.name(), colorscheme::negative.name()),
                              this);
    legend->setObjectName(QStringLiteral("caption"));
    auto *left = new QVBoxLayout;
    left->addWidget(canvas, 1);
    left->addWidget(legend);
    auto *right = new QVBoxLayout;
    right->addWidget(m_status);
    right->addWidget(m_bars, 1);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(tools);
    layout->addLayout(columns, 1);
    reset();
}

WeightPainterView::~WeightPainterView() = default;

void WeightPainterView::refresh()
{
    if (!m_dirty)
        reset();
}

void WeightPainterView::reset()
{
    m_original = m_source.weights ? m_source.weights() : nullptr;
    m_dirty = false;
    if (m_original && m_original->layerCount() > 0 && m_original->layer(0).inputSize() == 784) {
        m_scratch = *m_original; // the private copy
        m_neuronBox->setRange(0, m_original->layer(0).outputSize() - 1);
    } else {
        m_scratch.reset();
    }
    updatePrediction();
}

void WeightPainterView::setNeuron(int neuron)
{
    m_neuron = neuron;
    if (m_neuronBox->value() != neuron)
        m_neuronBox->setValue(neuron);
    updatePrediction();
}

void WeightPainterView::setDrawing(const std::optional<std::array<float, 784>> &pixels)
{
    m_drawing = pixels;
    updatePrediction();
}

void WeightPainterView::setBrush(int sign, float strength, float radius)
{
    (sign >= 0 ? m_excite : m_inhibit)->setChecked(true);
    m_strength->setValue(int(std::lround(strength * 100)));
    m_radius->setValue(int(std::lround(radius)));
}

void WeightPainterView::paintAt(float x, float y)
{
    if (!m_scratch)
        return;
    core::Brush brush;
    brush.x = x;
    brush.y = y;
    brush.radius = float(m_radius->value());
    brush.strength = float(m_strength->value()) / 100.0f;
    brush.sign = m_excite->isChecked() ? 1 : -1;
    core::paintFirstLayerNeuron(*m_scratch, m_neuron, brush);
    m_dirty = true;
    updatePrediction();
}

void WeightPainterView::updatePrediction()
{
    auto *canvas = static_cast<PaintCanvas *>(m_canvas);
    if (!m_scratch || !m_original || m_neuron >= m_scratch->layer(0).outputSize()) {
        canvas->image = QImage();
        m_status->setText(tr("No network with 28×28 inputs."));
        m_bars->clear();
        canvas->update();
        return;
    }
    const core::Vector row = m_scratch->layer(0).weights().row(m_neuron).transpose();
    const float scale = std::max(1e-12f, m_original->layer(0).weights().row(m_neuron).cwiseAbs().maxCoeff());
    canvas->image = analysispaint::signedImage(row.data(), 28, scale);
    canvas->update();
    if (!m_drawing) {
        m_painted.reset();
        m_bars->clear();
        m_status->setText(tr("Draw a digit (Draw & predict) to see the painted network's prediction."));
        emit predictionChanged();
        return;
    }
    // One image through one copy per stroke: as cheap as the drawing panel's prediction.
    m_painted = m_scratch->predict(m_drawing->data());
    const core::Prediction real = m_original->predict(m_drawing->data());
    m_bars->setProbabilities(m_painted->probabilities);
    m_status->setText(tr("Your drawing · painted copy: <b>%1</b> (%2%) · real network: <b>%3</b> (%4%)%5")
                          .arg(m_painted->digit)
                          .arg(double(m_painted->probabilities[std::size_t(m_painted->digit)]) * 100, 0, 'f', 1)
                          .arg(real.digit)
                          .arg(double(real.probabilities[std::size_t(real.digit)]) * 100, 0, 'f', 1)
                          .arg(m_dirty ? QString() : tr(" · nothing painted yet")));
    emit predictionChanged();
}
