#include "teachingpanel.h"

#include "colorscheme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

TeachingPanel::TeachingPanel(QWidget *parent)
    : QFrame(parent), m_title(new QLabel(this)), m_message(new QLabel(this)), m_numbers(new QLabel(this)),
      m_countdown(new QProgressBar(this)), m_continue(new QPushButton(tr("Continue"), this)),
      m_skip(new QPushButton(tr("Skip future pauses"), this)), m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("teachingPanel"));
    setFrameShape(QFrame::StyledPanel);
    m_title->setObjectName(QStringLiteral("teachingTitle"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_numbers->setWordWrap(true);
    m_numbers->setTextFormat(Qt::RichText);
    m_countdown->setTextVisible(true);
    m_countdown->setMaximumHeight(14);
    m_continue->setDefault(true);
    connect(m_continue, &QPushButton::clicked, this, &TeachingPanel::continueRequested);
    connect(m_skip, &QPushButton::clicked, this, &TeachingPanel::skipFuturePausesRequested);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &TeachingPanel::tick);

    auto *text = new QVBoxLayout;
    text->addWidget(m_title);
    text->addWidget(m_message);
    text->addWidget(m_numbers);
    text->addWidget(m_countdown);
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_continue);
    buttons->addWidget(m_skip);
    buttons->addStretch();
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(text, 1);
    layout->addSpacing(150); // the loss sparkline is painted here
    layout->addLayout(buttons);
    hide();
}

TeachingPanel::~TeachingPanel() = default;

QString TeachingPanel::explanation(const core::TeachingMoment &m)
{
    switch (m.kind) {
    case core::TeachingMomentKind::FirstForward:
        return tr("The first %1 images have flowed forward through %2. The untrained network calls this %3 a %4, "
                  "%5% sure: random weights make random guesses. Guessing among 10 digits gives a loss near "
                  "2.303 (ln 10); this batch's loss is %6.")
            .arg(m.batchSize)
            .arg(QString::fromStdString(m.architecture))
            .arg(m.label)
            .arg(m.guess)
            .arg(double(m.confidence) * 100.0, 0, 'f', 1)
            .arg(double(m.loss), 0, 'f', 3);
    case core::TeachingMomentKind::FirstBackward:
        return tr("The error has flowed backward from the outputs: every weight now has a gradient. Layer %1 got "
                  "the largest mean |dL/dz|, %2. Each weight now steps downhill by the learning rate (%3) times "
                  "its gradient; the loss is %4.")
            .arg(m.strongestLayer)
            .arg(double(m.strongestGradient), 0, 'f', 5)
            .arg(double(m.learningRate), 0, 'f', 4)
            .arg(double(m.loss), 0, 'f', 3);
    case core::TeachingMomentKind::HighLoss:
        return tr("After %1 batches the loss is still %2 and the batch accuracy %3%. The network is still "
                  "searching; if the loss stays this high, a learning rate other than %4 may help.")
            .arg(m.globalBatch)
            .arg(double(m.loss), 0, 'f', 3)
            .arg(double(m.accuracy) * 100.0, 0, 'f', 1)
            .arg(double(m.learningRate), 0, 'f', 4);
    }
    return {};
}

QString TeachingPanel::titleFor(const QString &reason)
{
    if (reason == QLatin1String("first_forward"))
        return tr("Teaching pause · the first forward pass");
    if (reason == QLatin1String("first_backward"))
        return tr("Teaching pause · the first backward pass");
    if (reason == QLatin1String("high_loss"))
        return tr("Teaching pause · the loss jumped");
    return tr("Teaching pause");
}

void TeachingPanel::showMoment(const server::PauseMoment &moment)
{
    m_reason = moment.reason;
    m_durationSeconds = moment.durationSeconds;
    m_lossHistory = moment.lossHistory;
    m_title->setText(titleFor(moment.reason));
    m_message->setText(explanation(moment.moment));

    QStringList facts;
    if (const core::BatchReport *report = moment.update.report.get()) {
        facts << tr("Epoch %1, batch %2 of %3").arg(report->epoch).arg(report->batch).arg(report->batchesPerEpoch);
        facts << tr("loss <b>%1</b>").arg(double(report->loss), 0, 'f', 3);
        facts << tr("batch accuracy <b>%1%</b>").arg(double(report->accuracy) * 100.0, 0, 'f', 1);
        if (report->focusLabel >= 0)
            facts << tr("the first image is a <b>%1</b>, the network says <b style='color:%3'>%2</b>")
                         .arg(report->focusLabel)
                         .arg(report->focusPrediction)
                         .arg(report->focusLabel == report->focusPrediction ? colorscheme::green.name()
                                                                            : colorscheme::orange.name());
        if (!report->focusActivations.empty() && report->focusActivations.back().size() == 10) {
            const std::vector<float> &p = report->focusActivations.back();
            std::array<int, 10> order;
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
            QStringList top;
            for (int k = 0; k < 3; ++k)
                top << QStringLiteral("%1: %2%").arg(order[k]).arg(double(p[order[k]]) * 100.0, 0, 'f', 1);
            facts << tr("top guesses %1").arg(top.join(QStringLiteral(", ")));
        }
        if (!report->layerGradients.empty()) {
            QStringList gradients;
            for (float g : report->layerGradients)
                gradients << QString::number(double(g), 'g', 2);
            facts << tr("gradient size per layer, input side first: %1").arg(gradients.join(QStringLiteral(" · ")));
        }
    }
    m_numbers->setText(facts.join(QStringLiteral(" · ")));
    m_countdown->setRange(0, std::max(1, int(m_durationSeconds * 10)));
    m_countdown->setValue(m_countdown->maximum());
    m_countdown->setVisible(m_durationSeconds > 0);
    m_clock.start();
    m_timer->start();
    tick();
    show();
    update();
}

QString TeachingPanel::bodyText() const
{
    return m_title->text() + QLatin1Char('\n') + m_message->text() + QLatin1Char('\n') + m_numbers->text();
}

void TeachingPanel::finish()
{
    m_timer->stop();
    m_reason.clear();
    hide();
}

void TeachingPanel::tick()
{
    const double left = std::max(0.0, m_durationSeconds - m_clock.elapsed() / 1000.0);
    m_countdown->setValue(int(left * 10));
    m_countdown->setFormat(tr("Resuming in %1 s").arg(left, 0, 'f', 1));
}

void TeachingPanel::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    if (m_lossHistory.size() < 2)
        return;
    // Loss-so-far sparkline, left of the buttons.
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int right = m_continue->geometry().left() - 12;
    const QRectF area(right - 140, 16, 136, height() - 40);
    painter.setPen(colorscheme::mutedText);
    painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 18), Qt::AlignCenter, tr("loss so far"));
    const float largest = *std::max_element(m_lossHistory.begin(), m_lossHistory.end());
    QPainterPath path;
    for (int i = 0; i < m_lossHistory.size(); ++i) {
        const QPointF p(area.left() + area.width() * i / (m_lossHistory.size() - 1),
                        area.bottom() - area.height() * double(m_lossHistory[i] / std::max(largest, 1e-6f)));
        i == 0 ? path.moveTo(p) : path.lineTo(p);
    }
    painter.setPen(QPen(colorscheme::orange, 1.5));
    painter.drawPath(path);
}
