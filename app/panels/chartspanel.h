// Live charts (Qt Charts): loss and batch accuracy per reported batch, test accuracy and loss
// per epoch, and the confusion matrix. Fed from the session's thinned history; redraws are
// rate-limited so a 30 Hz update stream costs the event loop a few repaints a second.
#pragma once

#include "sessiontypes.h"

#include <QList>
#include <QPointF>
#include <QWidget>

class ConfusionMatrixView;
class QChart;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
class QTimer;

class ChartsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget *parent = nullptr);
    ~ChartsPanel() override;

    // Marks the history as changed; the charts catch up at most `refreshHz` times a second.
    void setHistory(const server::TrainingHistory &history);
    void setConfusion(const std::optional<core::ConfusionMatrix> &matrix);
    // Applies a pending history right away (tests, screenshots).
    void flush();
    int lossPointCount() const;
    int testPointCount() const;
    ConfusionMatrixView *confusionView() const { return m_confusion; }
    // The points a series draws of `values` (x = index * stride, y = value * scale). A line chart
    // shows at most a couple of points per horizontal pixel; more only cost the GUI thread (Qt
    // Charts strokes the whole path on every change, then antialiases it). Up to `buckets` runs
    // of values each become their lowest and highest point, in order, so the noisy batch curves
    // keep their band; non-finite values are left out.
    static QList<QPointF> envelope(const QVector<float> &values, int stride, double scale, int buckets);

protected:
    void changeEvent(QEvent *event) override; // the theme changed: the charts follow it

private:
    void applyPalette();
    void refresh();

    QChart *m_batchChart;
    QChart *m_epochChart;
    QLineSeries *m_loss;
    QLineSeries *m_accuracy;
    QLineSeries *m_testAccuracy;
    QScatterSeries *m_testAccuracyPoints;
    QLineSeries *m_testLoss;
    QValueAxis *m_batchAxis;
    QValueAxis *m_lossAxis;
    QValueAxis *m_accuracyAxis;
    QValueAxis *m_epochAxis;
    QValueAxis *m_epochAccuracyAxis;
    QValueAxis *m_epochLossAxis;
    ConfusionMatrixView *m_confusion;
    QTimer *m_refresh;
    server::TrainingHistory m_history;
    bool m_dirty = false;
};
