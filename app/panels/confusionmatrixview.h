// The 10x10 confusion matrix of the last epoch's test-set evaluation: rows are true digits,
// columns predictions; cell shade is the row-normalised share, the diagonal in teal.
#pragma once

#include "trainingevents.h"

#include <QWidget>

#include <optional>

class ConfusionMatrixView : public QWidget
{
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);
    ~ConfusionMatrixView() override;

    void setMatrix(const std::optional<core::ConfusionMatrix> &matrix);
    const std::optional<core::ConfusionMatrix> &matrix() const { return m_matrix; }
    QSize sizeHint() const override { return {260, 240}; }
    // The learning views let a click pick a cell (and mark it); the charts dock does not.
    void setCellsClickable(bool clickable) { m_clickable = clickable; }
    void setSelectedCell(int trueLabel, int predicted);
    QRectF cellRect(int trueLabel, int predicted) const;

signals:
    void cellClicked(int trueLabel, int predicted);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    std::optional<core::ConfusionMatrix> m_matrix;
    bool m_clickable = false;
    int m_selectedRow = -1;
    int m_selectedColumn = -1;
};
