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
constexpr int kPaceSteps = 160; // 40 steps per decade over 0.1 .. 1000 batches/s; one more: unlimited
} // namespace

ControlBar::ControlBar(TrainingActions *actions, QWidget *parent)
    : QToolBar(tr("Training"), parent), m_speed(new QComboBox(this)), m_slider(new QSlider(Qt::Horizontal, this)),
      m_learningRateLabel(new QLabel(this)), m_paceSlider(new QSlider(Qt::Horizontal, this)),
      m_paceLabel(new QLabel(this)), m_debounce(new QTimer(this)), m_paceDebounce(new QTimer(this))
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
    m_speed->addItem(tr("Custom"), QVariant::fromValue(int(server::SpeedMode::Custom)));
    m_speed->setToolTip(tr("Speed: one batch per press, 5 batches/s, 50 batches/s, as fast as the computer goes, "
                           "or a pace of your own (the slider)"));
    m_speed->setCurrentIndex(2);
    connect(m_speed, &QComboBox::activated, this, [this] {
        if (m_updating)
            return;
        if (speed() == server::SpeedMode::Custom)
            emit paceChosen(m_paceValue); // the pace the slider shows becomes the run's
        else
            emit speedChosen(speed());
    });
    auto *speedLabel = new QLabel(tr("Speed "), this);
    addWidget(speedLabel);
    addWidget(m_speed);
    m_paceSlider->setObjectName(QStringLiteral("paceSlider"));
    m_paceSlider->setRange(0, kPaceSteps + 1);
    m_paceSlider->setMinimumWidth(90);
    m_paceSlider->setMaximumWidth(150);
    m_paceSlider->setToolTip(tr("Pace: batches per second (logarithmic scale; far right: no limit)"));
    m_paceLabel->setObjectName(QStringLiteral("paceLabel"));
    m_paceLabel->setMinimumWidth(m_paceLabel->fontMetrics().horizontalAdvance(tr("1000 batches/s")) + 4);
    m_paceDebounce->setSingleShot(true);
    m_paceDebounce->setInterval(150);
    connect(m_paceSlider, &QSlider::valueChanged, this, [this](int value) {
        showPace(sliderToPace(value));
        if (!m_updating)
            m_paceDebounce->start();
    });
    connect(m_paceDebounce, &QTimer::timeout, this, [this] { emit paceChosen(m_paceValue); });
    addWidget(m_paceSlider);
    addWidget(m_paceLabel);
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
    setPace(server::speedModePace(server::SpeedMode::Normal));
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

double ControlBar::sliderToPace(int value)
{
    if (value > kPaceSteps)
        return server::kPaceUnlimited;
    return std::pow(10.0, -1.0 + 4.0 * double(value) / kPaceSteps);
}

int ControlBar::paceToSlider(double batchesPerSecond)
{
    if (batchesPerSecond <= server::kPaceUnlimited)
        return kPaceSteps + 1;
    const double position = (std::log10(batchesPerSecond) + 1.0) / 4.0 * kPaceSteps;
    return std::clamp(int(std::lround(position)), 0, kPaceSteps);
}

QString ControlBar::paceText(double batchesPerSecond)
{
    if (batchesPerSecond <= server::kPaceUnlimited)
        return tr("unlimited");
    return tr("%1 batches/s").arg(batchesPerSecond, 0, 'g', batchesPerSecond < 10 ? 2 : 4);
}

void ControlBar::showPace(double batchesPerSecond)
{
    m_paceValue = batchesPerSecond;
    m_paceLabel->setText(paceText(batchesPerSecond));
}

void ControlBar::setPace(double batchesPerSecond)
{
    m_updating = true;
    m_paceSlider->setValue(paceToSlider(batchesPerSecond));
    m_updating = false;
    showPace(batchesPerSecond); // exact, not the slider's rounded step
}
