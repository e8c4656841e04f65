// The picture on a teaching card, drawn from the moment's own numbers: the focus digit and its
// output probabilities, the signed output gradient (p − onehot), the loss so far with its lowest
// point, train vs test bars, the share of dead units, a confident mistake's top guesses. It
// invents nothing: a kind whose data is missing draws nothing.
#pragma once

#include "sessiontypes.h"

#include <QWidget>

class MomentPicture : public QWidget
{
    Q_OBJECT
public:
    explicit MomentPicture(QWidget *parent = nullptr);
    ~MomentPicture() override;

    void setMoment(const server::PauseMoment &moment);
    // What the picture shows, in words (tests and accessibility): "digit+probabilities", ...
    QString content() const { return m_content; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void paintDigit(QPainter &painter, const QRectF &area) const;
    void paintProbabilities(QPainter &painter, const QRectF &area) const;
    void paintOutputGradient(QPainter &painter, const QRectF &area) const;
    void paintLoss(QPainter &painter, const QRectF &area, bool markMinimum) const;
    void paintBars(QPainter &painter, const QRectF &area, const QStringList &labels, const QVector<float> &values,
                   const QStringList &valueTexts) const;
    void paintCaption(QPainter &painter, const QRectF &area, const QString &text) const;

    core::TeachingMoment m_moment;
    std::vector<float> m_pixels; // the focus image, 784 values in 0..1, or empty
    std::vector<float> m_probabilities; // the focus sample's 10 output probabilities, or empty
    QVector<float> m_lossHistory;
    QString m_content;
};
