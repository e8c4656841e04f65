// The 10x10 confusion matrix of the last epoch's test-set evaluation: rows are true digits,
// columns predictions; cell shade is the row-normalised share, the diagonal in cyan.
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

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::optional<core::ConfusionMatrix> m_matrix;
};
