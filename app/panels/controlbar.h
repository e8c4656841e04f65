// The toolbar above the 3D view: play/pause, step, stop, speed mode, learning-rate slider
// (logarithmic, 1e-4 .. 1), teaching/connection/particle toggles and the architecture button.
// It emits what the user chose; setters reflect the session without re-emitting.
#pragma once

#include "sessiontypes.h"

#include <QToolBar>

class TrainingActions;
class QComboBox;
class QLabel;
class QSlider;
class QTimer;

class ControlBar : public QToolBar
{
    Q_OBJECT
public:
    ControlBar(TrainingActions *actions, QWidget *parent = nullptr);
    ~ControlBar() override;

    void setLearningRate(double learningRate);
    void setSpeed(server::SpeedMode mode);
    double learningRate() const;
    server::SpeedMode speed() const;
    QSlider *learningRateSlider() const { return m_slider; }
    QComboBox *speedBox() const { return m_speed; }

    static double sliderToLearningRate(int value);
    static int learningRateToSlider(double learningRate);

signals:
    void learningRateChosen(double learningRate); // debounced while dragging
    void speedChosen(server::SpeedMode mode);

private:
    void showLearningRate(double learningRate);

    QComboBox *m_speed;
    QSlider *m_slider;
    QLabel *m_learningRateLabel;
    QTimer *m_debounce;
    bool m_updating = false;
};
