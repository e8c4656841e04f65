#include "teachingpanel.h"

#include "colorscheme.h"
#include "momentpicture.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {
// Two significant digits in plain decimals (0.00018, not 1.8e-4): learners read these.
QString plainNumber(double value)
{
    if (value == 0 || !std::isfinite(value))
        return QString::number(value);
    const int decimals = std::clamp(1 - int(std::floor(std::log10(std::abs(value)))), 0, 8);
    return QString::number(value, 'f', decimals);
}
} // namespace

TeachingPanel::TeachingPanel(QWidget *parent)
    : QFrame(parent), m_title(new QLabel(this)), m_message(new QLabel(this)), m_numbers(new QLabel(this)),
      m_terms(new QLabel(this)), m_countdown(new QProgressBar(this)), m_picture(new MomentPicture(this)),
      m_continue(new QPushButton(tr("Continue"), this)), m_skip(new QPushButton(tr("Skip"), this)),
      m_never(new QPushButton(tr("Don't show this kind again"), this)), m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("teachingPanel"));
    setFrameShape(QFrame::StyledPanel);
    m_title->setObjectName(QStringLiteral("teachingTitle"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_numbers->setWordWrap(true);
    m_numbers->setTextFormat(Qt::RichText);
    m_terms->setObjectName(QStringLiteral("teachingTerms"));
    m_terms->setTextFormat(Qt::RichText);
    m_terms->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_terms, &QLabel::linkActivated, this, &TeachingPanel::glossaryRequested);
    m_countdown->setTextVisible(true);
    m_countdown->setMaximumHeight(14);
    m_continue->setDefault(true);
    m_skip->setToolTip(tr("Close this card and go on training"));
    m_never->setToolTip(tr("Never pause for this kind of moment again (Training → Teaching moments)"));
    connect(m_continue, &QPushButton::clicked, this, &TeachingPanel::continueRequested);
    connect(m_skip, &QPushButton::clicked, this, &TeachingPanel::skipRequested);
    connect(m_never, &QPushButton::clicked, this, [this] { emit kindDisabled(m_kind); });
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &TeachingPanel::tick);

    auto *text = new QVBoxLayout;
    text->addWidget(m_title);
    text->addWidget(m_message);
    text->addWidget(m_numbers);
    text->addWidget(m_terms);
    text->addWidget(m_countdown);
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_continue);
    buttons->addWidget(m_skip);
    buttons->addWidget(m_never);
    buttons->addStretch();
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(text, 3);
    layout->addWidget(m_picture, 2);
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
    case core::TeachingMomentKind::FirstBackward: {
        // "784-128-64-10 relu,relu": the dense layers are the sizes after the first.
        const QString sizes = QString::fromStdString(m.architecture).section(u' ', 0, 0);
        const int denseLayers = int(sizes.count(u'-'));
        const QString layer
            = m.strongestLayer == denseLayers ? tr("The output layer") : tr("Hidden layer %1").arg(m.strongestLayer);
        return tr("The error has flowed backward from the outputs: every weight now has a gradient. %1 got "
                  "the largest mean |dL/dz|, %2. Each weight now steps downhill by the learning rate (%3) times "
                  "its gradient; the loss is %4.")
            .arg(layer)
            .arg(double(m.strongestGradient), 0, 'f', 5)
            .arg(double(m.learningRate), 0, 'f', 4)
            .arg(double(m.loss), 0, 'f', 3);
    }
    case core::TeachingMomentKind::HighLoss:
        return tr("After %1 batches the loss is still %2 and the batch accuracy %3%. The network is still "
                  "searching; if the loss stays this high, a learning rate other than %4 may help.")
            .arg(m.globalBatch)
            .arg(double(m.loss), 0, 'f', 3)
            .arg(double(m.accuracy) * 100.0, 0, 'f', 1)
            .arg(double(m.learningRate), 0, 'f', 4);
    case core::TeachingMomentKind::Divergence:
        if (m.nonFinite)
            return tr("The loss is no longer a number: at learning rate %1 the weights grew so large that the "
                      "arithmetic overflowed. The steps downhill were too big and overshot. A smaller learning rate "
                      "(try %2) keeps the steps inside the valley.")
                .arg(double(m.learningRate), 0, 'g', 3)
                .arg(double(m.learningRate) / 10.0, 0, 'g', 3);
        return tr("The loss is climbing: it has risen for %1 batches in a row and is now %2, far above its lowest "
                  "%3 (batch %4). With learning rate %5 each step overshoots the valley floor and lands higher up. "
                  "Try a smaller learning rate, such as %6.")
            .arg(m.risingBatches)
            .arg(double(m.loss), 0, 'f', 3)
            .arg(double(m.minLoss), 0, 'f', 3)
            .arg(m.minLossBatch)
            .arg(double(m.learningRate), 0, 'g', 3)
            .arg(double(m.learningRate) / 10.0, 0, 'g', 3);
    case core::TeachingMomentKind::Plateau:
        return tr("The loss has hardly moved in %1 batches: %2 then, %3 now. The network is stuck on a flat "
                  "stretch where the gradient is tiny. A larger learning rate than %4, or another activation "
                  "function, can get it moving again.")
            .arg(m.windowBatches)
            .arg(double(m.lossBefore), 0, 'f', 3)
            .arg(double(m.loss), 0, 'f', 3)
            .arg(double(m.learningRate), 0, 'g', 3);
    case core::TeachingMomentKind::EpochEnd:
        return tr("Epoch %1 is done: the network has seen every training image once. On the training images it "
                  "got %2% right (loss %3); on the %4 — images it never trained on — %5% (loss %6). "
                  "Only the test figure says how well it really reads digits.")
            .arg(m.epoch)
            .arg(double(m.trainAccuracy) * 100.0, 0, 'f', 1)
            .arg(double(m.trainLoss), 0, 'f', 3)
            .arg(tr("test set"))
            .arg(double(m.testAccuracy) * 100.0, 0, 'f', 1)
            .arg(double(m.testLoss), 0, 'f', 3);
    case core::TeachingMomentKind::DeadUnits:
        return tr("%1 of the %2 neurons of hidden layer %3 (%4%) never fired for any image: a ReLU neuron whose "
                  "weighted sum is always negative outputs 0, gets no gradient and stops learning. A smaller "
                  "learning rate or another activation keeps more of them alive.")
            .arg(m.dead)
            .arg(m.units)
            .arg(m.layer)
            .arg(double(m.fraction) * 100.0, 0, 'f', 0);
    case core::TeachingMomentKind::ConfidentMistake:
        return tr("This %1 was read as a %2 with %3% confidence: a confident mistake. The runner-up was %4 "
                  "(%5%) and the true digit got only %6%. Cross-entropy punishes exactly this hardest, so this "
                  "image pulls the weights strongly.")
            .arg(m.label)
            .arg(m.guess)
            .arg(double(m.confidence) * 100.0, 0, 'f', 1)
            .arg(m.runnerUp)
            .arg(double(m.runnerUpProbability) * 100.0, 0, 'f', 1)
            .arg(double(m.trueProbability) * 100.0, 0, 'f', 1);
    }
    return {};
}

QStringList TeachingPanel::termsFor(core::TeachingMomentKind kind)
{
    using Kind = core::TeachingMomentKind;
    switch (kind) {
    case Kind::FirstForward: return {QStringLiteral("neuron"), QStringLiteral("activation"), QStringLiteral("softmax")};
    case Kind::FirstBackward:
        return {QStringLiteral("gradient"), QStringLiteral("backpropagation"), QStringLiteral("learning-rate")};
    case Kind::HighLoss: return {QStringLiteral("loss"), QStringLiteral("learning-rate")};
    case Kind::Divergence: return {QStringLiteral("learning-rate"), QStringLiteral("loss"), QStringLiteral("gradient")};
    case Kind::Plateau: return {QStringLiteral("loss"), QStringLiteral("gradient"), QStringLiteral("momentum")};
    case Kind::EpochEnd: return {QStringLiteral("epoch"), QStringLiteral("test-set"), QStringLiteral("overfitting")};
    case Kind::DeadUnits: return {QStringLiteral("relu"), QStringLiteral("activation")};
    case Kind::ConfidentMistake: return {QStringLiteral("softmax"), QStringLiteral("cross-entropy")};
    }
    return {};
}

QString TeachingPanel::kindName(core::TeachingMomentKind kind)
{
    using Kind = core::TeachingMomentKind;
    switch (kind) {
    case Kind::FirstForward: return tr("The first forward pass");
    case Kind::FirstBackward: return tr("The first backward pass");
    case Kind::HighLoss: return tr("High loss");
    case Kind::Divergence: return tr("Divergence");
    case Kind::Plateau: return tr("Plateau");
    case Kind::EpochEnd: return tr("End of the first epoch");
    case Kind::DeadUnits: return tr("Dead neurons");
    case Kind::ConfidentMistake: return tr("A confident mistake");
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
    if (reason == QLatin1String("divergence"))
        return tr("Teaching pause · the loss is blowing up");
    if (reason == QLatin1String("plateau"))
        return tr("Teaching pause · learning has stalled");
    if (reason == QLatin1String("epoch_end"))
        return tr("Teaching pause · the first epoch is done");
    if (reason == QLatin1String("dead_units"))
        return tr("Teaching pause · dead neurons");
    if (reason == QLatin1String("confident_mistake"))
        return tr("Teaching pause · a confident mistake");
    return tr("Teaching pause");
}

void TeachingPanel::showMoment(const server::PauseMoment &moment)
{
    m_reason = moment.reason;
    m_kind = moment.moment.kind;
    m_durationSeconds = moment.durationSeconds;
    m_held = m_durationSeconds <= 0;
    m_title->setText(titleFor(moment.reason));
    m_message->setText(explanation(moment.moment));
    m_picture->setMoment(moment);
    QStringList links;
    for (const QString &term : termsFor(m_kind))
        links << QStringLiteral("<a href=\"%1\">%2</a>").arg(term, term);
    m_terms->setText(tr("Glossary: %1").arg(links.join(QStringLiteral(" · "))));

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
                gradients << plainNumber(double(g));
            facts << tr("gradient size per layer, input side first: %1").arg(gradients.join(QStringLiteral(" · ")));
        }
    }
    m_numbers->setText(facts.join(QStringLiteral(" · ")));
    m_countdown->setRange(0, std::max(1, int(m_durationSeconds * 10)));
    m_countdown->setValue(m_countdown->maximum());
    m_clock.start();
    setHeld(m_held);
    show();
    update();
}

void TeachingPanel::setHeld(bool held)
{
    m_held = held;
    m_countdown->setVisible(!held);
    if (held)
        m_timer->stop();
    else if (!m_reason.isEmpty()) {
        m_timer->start();
        tick();
    }
    m_continue->setToolTip(held ? tr("Paused: this card stays until you press Continue") : QString());
}

QString TeachingPanel::bodyText() const
{
    return m_title->text() + QLatin1Char('\n') + m_message->text() + QLatin1Char('\n') + m_numbers->text();
}

void TeachingPanel::finish()
{
    m_timer->stop();
    m_reason.clear();
    m_held = false;
    hide();
}

void TeachingPanel::tick()
{
    const double left = std::max(0.0, m_durationSeconds - m_clock.elapsed() / 1000.0);
    m_countdown->setValue(int(left * 10));
    m_countdown->setFormat(tr("Resuming in %1 s").arg(left, 0, 'f', 1));
}
