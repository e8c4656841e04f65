// The toolbar above the 3D view: play/pause, step, stop, speed mode with a continuous pace slider
// (logarithmic, 0.1 .. 1000 batches/s, then unlimited; a pace set anywhere shows as "Custom"),
// learning-rate slider (logarithmic, 1e-4 .. 1), teaching/connection/particle toggles and the
// architecture button.
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
    void setPace(double batchesPerSecond); // server::kPaceUnlimited: no limit
    double learningRate() const;
    server::SpeedMode speed() const;
    double pace() const { return m_paceValue; }
    QSlider *learningRateSlider() const { return m_slider; }
    QSlider *paceSlider() const { return m_paceSlider; }
    QLabel *paceLabel() const { return m_paceLabel; }
    QComboBox *speedBox() const { return m_speed; }

    static double sliderToLearningRate(int value);
    static int learningRateToSlider(double learningRate);
    static double sliderToPace(int value); // the last step is kPaceUnlimited
    static int paceToSlider(double batchesPerSecond);
    static QString paceText(double batchesPerSecond); // "12.5 batches/s", "unlimited"

signals:
    void learningRateChosen(double learningRate); // debounced while dragging
    void speedChosen(server::SpeedMode mode);
    void paceChosen(double batchesPerSecond); // debounced while dragging

private:
    void showLearningRate(double learningRate);
    void showPace(double batchesPerSecond);

    QComboBox *m_speed;
    QSlider *m_slider;
    QLabel *m_learningRateLabel;
    QSlider *m_paceSlider;
    QLabel *m_paceLabel;
    double m_paceValue = 50;
    QTimer *m_debounce;
    QTimer *m_paceDebounce;
    bool m_updating = false;
};
