// Trained versus untrained: the network the run started from against the current one on the
// first 1000 test images (accuracy, loss, mean confidence), and both networks' probabilities
// for the digit on the canvas.
#pragma once

#include "analysis/comparison.h"
#include "analysis/subsetpass.h"
#include "analysissource.h"

#include <QWidget>

#include <array>
#include <optional>

class AnalysisWorker;
class ProbabilityBars;
class QLabel;

class ComparisonView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kImages = 1000;

    ComparisonView(AnalysisSource source, AnalysisWorker *worker, QWidget *parent = nullptr);
    ~ComparisonView() override;

    void refresh();
    // The current input (784 values, 0..1), or nullopt when the canvas is empty.
    void setDrawing(const std::optional<std::array<float, 784>> &pixels);
    const std::optional<core::NetworkComparison> &comparison() const { return m_comparison; }
    const ProbabilityBars *initialBars() const { return m_initialBars; }
    const ProbabilityBars *currentBars() const { return m_currentBars; }

signals:
    void comparisonReady();

private:
    void showDrawing();

    AnalysisSource m_source;
    AnalysisWorker *m_worker;
    std::optional<core::NetworkComparison> m_comparison;
    std::optional<std::array<float, 784>> m_drawing;
    QLabel *m_initialText;
    QLabel *m_currentText;
    QLabel *m_drawingText;
    ProbabilityBars *m_initialBars;
    ProbabilityBars *m_currentBars;
    bool m_pending = false;
    bool m_again = false;
};
