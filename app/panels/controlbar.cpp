#include "controlbar.h"

#include "trainingactions.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QTimer>

#include <cmath>

namespace {
constexpr int kSliderSteps = 160; // 40 steps per decade over 1e-4 .. 1
} // namespace

ControlBar::ControlBar(TrainingActions *actions, QWidget *parent)
    : QToolBar(tr("Training"), parent), m_speed(new QComboBox(this)), m_slider(new QSlider(Qt::Horizontal, this)),
      m_learningRateLabel(new QLabel(this)), m_debounce(new QTimer(this))
{
    setObjectName(QStringLiteral("trainingToolbar"));
    setMovable(false);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    addAction(actions->playPause);
    addAction(actions->step);
    addAction(actions->stop);
    addSeparator();

    m_speed->addItem(tr("Step by step"), QVariant::fromValue(int(server::SpeedMode::Step)));
    m_speed->addItem(tr("Narrated"), QVariant::fromValue(int(server::SpeedMode::Narrated)));
    m_speed->addItem(tr("Normal"), QVariant::fromValue(int(server::SpeedMode::Normal)));
    m_speed->addItem(tr("Fast"), QVariant::fromValue(int(server::SpeedMode::Fast)));
    m_speed->setToolTip(tr("Speed: 1 s per batch, 200 ms per batch, full speed, or full speed with fewer updates"));
    m_speed->setCurrentIndex(2);
    connect(m_speed, &QComboBox::activated, this, [this] {
        if (!m_updating)
            emit speedChosen(speed());
    });
    auto *speedLabel = new QLabel(tr("Speed "), this);
    addWidget(speedLabel);
    addWidget(m_speed);
    addSeparator();

    m_slider->setRange(0, kSliderSteps);
    m_slider->setMinimumWidth(140);
    m_slider->setMaximumWidth(220);
    m_slider->setToolTip(tr("Learning rate (logarithmic scale)"));
    m_learningRateLabel->setMinimumWidth(96);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        showLearningRate(sliderToLearningRate(value));
        if (!m_updating)
            m_debounce->start();
    });
    connect(m_debounce, &QTimer::timeout, this, [this] { emit learningRateChosen(learningRate()); });
    addWidget(new QLabel(tr("Learning rate "), this));
    addWidget(m_slider);
    addWidget(m_learningRateLabel);
    addSeparator();
    addAction(actions->teaching);
    addAction(actions->connections);
    addAction(actions->particles);
    addAction(actions->learningViews);
    addSeparator();
    addAction(actions->architecture);
    setLearningRate(0.01);
}

ControlBar::~ControlBar() = default;

double ControlBar::sliderToLearningRate(int value)
{
    return std::pow(10.0, -4.0 + 4.0 * double(value) / kSliderSteps);
}

int ControlBar::learningRateToSlider(double learningRate)
{
    const double position = (std::log10(std::max(learningRate, 1e-12)) + 4.0) / 4.0 * kSliderSteps;
    return std::clamp(int(std::lround(position)), 0, kSliderSteps);
}

double ControlBar::learningRate() const
{
    // The label may hold an exact value set from the session; the slider is quantised.
    return m_learningRateLabel->property("value").toDouble();
}

void ControlBar::showLearningRate(double learningRate)
{
    m_learningRateLabel->setProperty("value", learningRate);
    m_learningRateLabel->setText(QStringLiteral("%1").arg(learningRate, 0, 'g', 3));
}

void ControlBar::setLearningRate(double learningRate)
{
    m_updating = true;
    m_slider->setValue(learningRateToSlider(learningRate));
    m_updating = false;
    showLearningRate(learningRate);
}

server::SpeedMode ControlBar::speed() const
{
    return server::SpeedMode(m_speed->currentData().toInt());
}

void ControlBar::setSpeed(server::SpeedMode mode)
{
    m_updating = true;
    m_speed->setCurrentIndex(m_speed->findData(QVariant::fromValue(int(mode))));
    m_updating = false;
}
