// Ten horizontal bars with the network's probability per digit; the winner is highlighted.
#pragma once

#include <QWidget>

#include <array>

class ProbabilityBars : public QWidget
{
    Q_OBJECT
public:
    explicit ProbabilityBars(QWidget *parent = nullptr);
    ~ProbabilityBars() override;

    void setProbabilities(const std::array<float, 10> &probabilities);
    void clear();
    const std::array<float, 10> &probabilities() const { return m_probabilities; }
    QSize sizeHint() const override { return {220, 200}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::array<float, 10> m_probabilities{};
    bool m_empty = true;
};
