#include "momentpicture.h"

#include "colorscheme.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace {
using Kind = core::TeachingMomentKind;
constexpr int kImageSide = 28;
} // namespace

MomentPicture::MomentPicture(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("momentPicture"));
    setMinimumSize(300, 120);
}

MomentPicture::~MomentPicture() = default;

void MomentPicture::setMoment(const server::PauseMoment &moment)
{
    m_moment = moment.moment;
    m_lossHistory = moment.lossHistory;
    m_pixels.clear();
    m_probabilities.clear();
    if (const core::BatchReport *report = moment.update.report.get(); report && !report->focusActivations.empty()) {
        if (report->focusActivations.front().size() == kImageSide * kImageSide)
            m_pixels = report->focusActivations.front();
        if (report->focusActivations.size() > 1 && report->focusActivations.back().size() == 10)
            m_probabilities = report->focusActivations.back();
    }
    switch (m_moment.kind) {
    case Kind::FirstForward: m_content = QStringLiteral("digit+probabilities"); break;
    case Kind::FirstBackward: m_content = QStringLiteral("output-gradient"); break;
    case Kind::HighLoss: m_content = QStringLiteral("loss"); break;
    case Kind::Divergence: m_content = QStringLiteral("loss+minimum"); break;
    case Kind::Plateau: m_content = QStringLiteral("loss+plateau"); break;
    case Kind::EpochEnd: m_content = QStringLiteral("train-vs-test"); break;
    case Kind::DeadUnits: m_content = QStringLiteral("dead-units"); break;
    case Kind::ConfidentMistake: m_content = QStringLiteral("digit+guesses"); break;
    }
    update();
}

void MomentPicture::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF all = QRectF(rect()).adjusted(2, 2, -2, -2);
    const qreal side = std::min(all.height() - 18, 110.0);
    const QRectF image(all.left(), all.top(), side, side);
    const QRectF beside = all.adjusted(side + 12, 0, 0, 0);
    const core::TeachingMoment &m = m_moment;
    switch (m.kind) {
    case Kind::FirstForward: {
        paintDigit(painter, image);
        paintCaption(painter, image, tr("label %1").arg(m.label));
        paintProbabilities(painter, beside);
        break;
    }
    case Kind::FirstBackward: paintOutputGradient(painter, all); break;
    case Kind::HighLoss: paintLoss(painter, all, false); break;
    case Kind::Divergence: paintLoss(painter, all, true); break;
    case Kind::Plateau: {
        const QRectF left = all.adjusted(0, 0, -all.width() * 0.45, 0);
        paintLoss(painter, left, false);
        paintBars(painter, all.adjusted(all.width() * 0.58, 0, 0, 0),
                  {tr("%1 batches ago").arg(m.windowBatches), tr("now")}, {m.lossBefore, m.loss},
                  {QString::number(double(m.lossBefore), 'f', 3), QString::number(double(m.loss), 'f', 3)});
        break;
    }
    case Kind::EpochEnd:
        paintBars(painter, all, {tr("train accuracy"), tr("test accuracy")}, {m.trainAccuracy, m.testAccuracy},
                  {QStringLiteral("%1%").arg(double(m.trainAccuracy) * 100.0, 0, 'f', 1),
                   QStringLiteral("%1%").arg(double(m.testAccuracy) * 100.0, 0, 'f', 1)});
        break;
    case Kind::DeadUnits:
        paintBars(painter, all, {tr("hidden layer %1: dead").arg(m.layer), tr("hidden layer %1: alive").arg(m.layer)},
                  {m.fraction, 1.0f - m.fraction},
                  {tr("%1 of %2").arg(m.dead).arg(m.units), tr("%1 of %2").arg(m.units - m.dead).arg(m.units)});
        break;
    case Kind::ConfidentMistake:
        paintDigit(painter, image);
        paintCaption(painter, image, tr("label %1").arg(m.label));
        paintBars(painter, beside,
                  {tr("guess %1").arg(m.guess), tr("runner-up %1").arg(m.runnerUp), tr("true %1").arg(m.label)},
                  {m.confidence, m.runnerUpProbability, m.trueProbability},
                  {QStringLiteral("%1%").arg(double(m.confidence) * 100.0, 0, 'f', 1),
                   QStringLiteral("%1%").arg(double(m.runnerUpProbability) * 100.0, 0, 'f', 1),
                   QStringLiteral("%1%").arg(double(m.trueProbability) * 100.0, 0, 'f', 1)});
        break;
    }
}

void MomentPicture::paintDigit(QPainter &painter, const QRectF &area) const
{
    if (m_pixels.size() != kImageSide * kImageSide)
        return;
    QImage image(kImageSide, kImageSide, QImage::Format_Grayscale8);
    for (int y = 0; y < kImageSide; ++y)
        for (int x = 0; x < kImageSide; ++x)
            image.scanLine(y)[x] = uchar(std::clamp(m_pixels[std::size_t(y * kImageSide + x)], 0.0f, 1.0f) * 255.0f);
    painter.drawImage(area, image);
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(area);
}

void MomentPicture::paintCaption(QPainter &painter, const QRectF &area, const QString &text) const
{
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 16), Qt::AlignCenter, text);
}

void MomentPicture::paintProbabilities(QPainter &painter, const QRectF &area) const
{
    if (m_probabilities.size() != 10)
        return;
    QStringList labels, texts;
    QVector<float> values;
    for (int digit = 0; digit < 10; ++digit) {
        labels << QString::number(digit);
        values << m_probabilities[std::size_t(digit)];
        texts << QStringLiteral("%1%").arg(double(m_probabilities[std::size_t(digit)]) * 100.0, 0, 'f', 1);
    }
    paintBars(painter, area, labels, values, texts);
}

void MomentPicture::paintOutputGradient(QPainter &painter, const QRectF &area) const
{
    const std::vector<float> &g = m_moment.focusOutputGradient;
    if (g.size() != 10)
        return;
    // One column per digit around a zero line: p − onehot is positive for every wrong digit
    // (pushed down) and negative for the true one (pushed up).
    const QFontMetricsF metrics(font());
    const qreal titleHeight = metrics.height() + 4;
    const QRectF plot = area.adjusted(0, titleHeight, 0, -2 * metrics.height() - 4);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRectF(area.left(), area.top(), area.width(), titleHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(tr("This image's error at the output: p − onehot(%1)").arg(m_moment.label),
                                        Qt::ElideRight, area.width()));
    float largest = 1e-6f;
    for (float value : g)
        largest = std::max(largest, std::abs(value));
    const qreal middle = plot.center().y();
    const qreal half = plot.height() / 2;
    const qreal column = plot.width() / 10;
    painter.setPen(QPen(colorscheme::zero, 1));
    painter.drawLine(QPointF(plot.left(), middle), QPointF(plot.right(), middle));
    for (int digit = 0; digit < 10; ++digit) {
        const float value = g[std::size_t(digit)];
        const qreal length = half * double(std::abs(value) / largest);
        const QRectF bar(plot.left() + column * digit + column * 0.2, value >= 0 ? middle - length : middle,
                         column * 0.6, std::max(1.0, length));
        painter.setPen(Qt::NoPen);
        painter.setBrush(std::abs(value) < 1e-4f ? colorscheme::zero
                         : value > 0             ? colorscheme::positive
                                                 : colorscheme::negative);
        painter.drawRect(bar);
        // The digit, and under it the value, two decimals (the true digit's is near −1).
        const QRectF cell(plot.left() + column * digit, plot.bottom() + 2, column, metrics.height());
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(cell, Qt::AlignCenter, QString::number(digit));
        painter.setPen(value < 0 ? colorscheme::negative : palette().color(QPalette::PlaceholderText));
        painter.drawText(cell.translated(0, metrics.height()), Qt::AlignCenter, QString::number(double(value), 'f', 2));
    }
}

void MomentPicture::paintLoss(QPainter &painter, const QRectF &area, bool markMinimum) const
{
    if (m_lossHistory.size() < 2)
        return;
    const QFontMetricsF metrics(font());
    const QRectF plot = area.adjusted(0, 0, 0, -metrics.height() - 4);
    float largest = 1e-6f;
    int lowest = 0;
    for (int i = 0; i < m_lossHistory.size(); ++i) {
        const float value = m_lossHistory[i];
        if (std::isfinite(value))
            largest = std::max(largest, value);
        if (std::isfinite(value) && (!std::isfinite(m_lossHistory[lowest]) || value < m_lossHistory[lowest]))
            lowest = i;
    }
    auto point = [&](int i) {
        const float value = std::isfinite(m_lossHistory[i]) ? m_lossHistory[i] : largest;
        return QPointF(plot.left() + plot.width() * i / (m_lossHistory.size() - 1),
                       plot.bottom() - plot.height() * double(value / largest));
    };
    QPainterPath path;
    for (int i = 0; i < m_lossHistory.size(); ++i)
        i == 0 ? path.moveTo(point(i)) : path.lineTo(point(i));
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
    painter.setPen(QPen(colorscheme::teal, 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(path);
    painter.setPen(palette().color(QPalette::WindowText));
    QString caption = tr("loss so far (highest %1)").arg(double(largest), 0, 'f', 2);
    if (markMinimum) {
        // The lowest point of the curve shown, so the rise after it is visible.
        const QPointF minimum = point(lowest);
        painter.setBrush(colorscheme::green);
        painter.drawEllipse(minimum, 4, 4);
        caption = tr("loss so far · ● lowest %1, now %2")
                      .arg(double(m_lossHistory[lowest]), 0, 'f', 3)
                      .arg(double(m_lossHistory.back()), 0, 'f', 3);
    }
    painter.drawText(QRectF(area.left(), plot.bottom() + 2, area.width(), metrics.height()), Qt::AlignCenter, caption);
}

void MomentPicture::paintBars(QPainter &painter, const QRectF &area, const QStringList &labels,
                              const QVector<float> &values, const QStringList &valueTexts) const
{
    if (labels.isEmpty())
        return;
    const QFontMetricsF metrics(font());
    qreal labelWidth = 0, valueWidth = 0;
    for (const QString &label : labels)
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(label) + 8);
    for (const QString &text : valueTexts)
        valueWidth = std::max(valueWidth, metrics.horizontalAdvance(text) + 8);
    float largest = 1e-6f;
    for (float value : values)
        largest = std::max(largest, value);
    largest = std::max(largest, 1.0f); // fractions on a 0..1 scale; a larger loss stretches it
    const qreal row = std::min(area.height() / labels.size(), metrics.height() * 1.8);
    const qreal track = std::max(10.0, area.width() - labelWidth - valueWidth);
    for (int i = 0; i < labels.size(); ++i) {
        const qreal top = area.top() + row * i;
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRectF(area.left(), top, labelWidth - 6, row), Qt::AlignRight | Qt::AlignVCenter, labels[i]);
        const QRectF back(area.left() + labelWidth, top + row * 0.2, track, row * 0.6);
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette().color(QPalette::AlternateBase));
        painter.drawRoundedRect(back, 3, 3);
        const float value = std::clamp(values.value(i), 0.0f, largest);
        painter.setBrush(colorscheme::teal);
        painter.drawRoundedRect(
            QRectF(back.topLeft(), QSizeF(std::max(2.0, back.width() * double(value / largest)), back.height())), 3, 3);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRectF(back.right() + 4, top, valueWidth, row), Qt::AlignLeft | Qt::AlignVCenter,
                         valueTexts.value(i));
    }
}
