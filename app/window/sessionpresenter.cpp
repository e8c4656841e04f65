#include "sessionpresenter.h"

#include "architecturedialog.h"
#include "captionstrip.h"
#include "chartspanel.h"
#include "controlbar.h"
#include "datadialog.h"
#include "drawpanel.h"
#include "forwardsweep.h"
#include "inspectorpanel.h"
#include "journey/verdict.h"
#include "journeytext.h"
#include "journeytracker.h"
#include "learningviews.h"
#include "mainwindow.h"
#include "networkview.h"
#include "session.h"
#include "teachingpanel.h"
#include "trainingactions.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

namespace {

QStringList layerTitles(const core::Architecture &architecture)
{
    QStringList titles{QObject::tr("Input · 28×28 pixels")};
    for (std::size_t i = 1; i + 1 < architecture.sizes.size(); ++i)
        titles << QObject::tr("Hidden %1 · %2 %3")
                      .arg(i)
                      .arg(architecture.sizes[i])
                      .arg(QString::fromStdString(core::activationTypeName(architecture.activations[i - 1])));
    titles << QObject::tr("Output · softmax");
    return titles;
}

QString architectureToString(const core::Architecture &architecture)
{
    QStringList sizes, activations;
    for (int size : architecture.sizes)
        sizes << QString::number(size);
    for (core::Activation activation : architecture.activations)
        activations << QString::fromStdString(core::activationName(activation));
    return sizes.join(QLatin1Char(',')) + QLatin1Char(' ') + activations.join(QLatin1Char(','));
}

std::optional<core::Architecture> architectureFromString(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return std::nullopt;
    try {
        core::Architecture architecture = core::parseArchitecture(parts[0].toStdString());
        const QStringList names = parts.size() > 1 ? parts[1].split(QLatin1Char(',')) : QStringList();
        for (int i = 0; i < names.size() && i < int(architecture.activations.size()); ++i)
            if (auto activation = core::activationFromName(names[i].toStdString()))
                architecture.activations[i] = *activation;
        if (!architecture.validate().empty())
            return std::nullopt;
        return architecture;
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

} // namespace

SessionPresenter::SessionPresenter(server::Session &session, MainWindow *window)
    : QObject(window), m_session(session), m_window(window), m_stats(new QLabel(window)), m_fps(new QLabel(window)),
      m_sweep(new ForwardSweep(this))
{
    // Permanent (left of the sharing status) so transient messages never hide them.
    window->statusBar()->insertPermanentWidget(0, m_stats);
    window->statusBar()->insertPermanentWidget(1, m_fps);
    connectSession();
    connectActions();
    connectLearningViews();
    onSettingsChanged();
    onWeightsChanged();
    if (auto last = m_session.lastUpdate())
        onBatch(*last);
    if (auto confusion = m_session.confusion())
        m_window->charts()->setConfusion(confusion);
    m_window->charts()->setHistory(m_session.history());
    refreshRunState();
    for (const QString &warning : m_session.startupWarnings())
        showMessage(warning, 15000);
}

SessionPresenter::~SessionPresenter() = default;

void SessionPresenter::connectSession()
{
    using server::Session;
    connect(&m_session, &Session::trainingStarted, this, [this] {
        m_shownRunId = m_session.runId();
        m_batchesSeen = 0;
        m_window->teachingPanel()->finish();
        m_window->verdictLabel()->hide();
        m_window->charts()->setHistory({});
        m_window->charts()->setConfusion(std::nullopt);
        setSource(Source::Training);
        refreshRunState();
        showMessage(tr("Training started"));
    });
    connect(&m_session, &Session::batchReported, this, &SessionPresenter::onBatch);
    connect(&m_session, &Session::pauseMomentReached, this, &SessionPresenter::onPauseMoment);
    connect(&m_session, &Session::pauseMomentEnded, this, [this] {
        m_window->teachingPanel()->finish();
        refreshRunState();
    });
    connect(&m_session, &Session::runStateChanged, this, &SessionPresenter::refreshRunState);
    connect(&m_session, &Session::narration, m_window->captions(), &CaptionStrip::showCaption);
    connect(&m_session, &Session::epochFinished, this, [this](const core::EpochReport &report) {
        m_window->charts()->setConfusion(report.confusion);
        m_window->charts()->setHistory(m_session.history());
        showMessage(tr("Epoch %1 of %2: test accuracy %3%, test loss %4")
                        .arg(report.epoch)
                        .arg(report.epochs)
                        .arg(double(report.testAccuracy) * 100.0, 0, 'f', 2)
                        .arg(double(report.testLoss), 0, 'f', 4),
                    15000);
    });
    connect(&m_session, &Session::trainingFinished, this, &SessionPresenter::onTrainingFinished);
    connect(&m_session, &Session::trainingFailed, this,
            [this](const QString &message) { QMessageBox::warning(m_window, tr("Training stopped"), message); });
    connect(&m_session, &Session::settingsChanged, this, &SessionPresenter::onSettingsChanged);
    connect(&m_session, &Session::weightsChanged, this, &SessionPresenter::onWeightsChanged);
    connect(&m_session, &Session::downloadProgress, this,
            [this](const QString &file, qint64 received, qint64 total, bool done) {
                showMessage(done ? tr("Downloaded %1").arg(file)
                                 : tr("Downloading %1: %2 of %3 KB").arg(file).arg(received / 1024).arg(total / 1024));
            });
    connect(&m_session, &Session::warning, this, [this](const QString &message) { showMessage(message, 15000); });
}

void SessionPresenter::connectActions()
{
    TrainingActions *actions = m_window->actions();
    NetworkView *view = m_window->networkView();
    connect(actions->playPause, &QAction::triggered, this, &SessionPresenter::playPause);
    connect(actions->step, &QAction::triggered, this, [this] {
        setSource(Source::Training);
        const server::CommandResult result = execute(server::Command::of(server::CommandKind::Step));
        if (!result.ok())
            showMessage(result.message, 10000);
        refreshRunState();
    });
    connect(actions->stop, &QAction::triggered, this,
            [this] { execute(server::Command::of(server::CommandKind::Stop)); });
    connect(actions->teaching, &QAction::toggled, this, [this](bool on) {
        if (m_session.settings().teachingMode != on)
            execute(server::Command::teachingMode(on));
    });
    connect(actions->architecture, &QAction::triggered, this, &SessionPresenter::editArchitecture);
    connect(actions->openModel, &QAction::triggered, this, &SessionPresenter::openModel);
    connect(actions->saveModel, &QAction::triggered, this, &SessionPresenter::saveModel);
    connect(actions->downloadData, &QAction::triggered, this, &SessionPresenter::showDataDialog);
    connect(actions->resetCamera, &QAction::triggered, view, &NetworkView::frameNetwork);
    connect(actions->clearDrawing, &QAction::triggered, m_window->drawPanel(), &DrawPanel::clear);
    connect(actions->connections, &QAction::toggled, this, [view](bool on) {
        view->scene()->setConnectionsVisible(on);
        view->updateRenderPolicy();
    });
    connect(actions->particles, &QAction::toggled, this, [view](bool on) {
        view->scene()->setParticlesVisible(on);
        view->updateRenderPolicy();
    });
    view->scene()->setConnectionsVisible(actions->connections->isChecked());
    view->scene()->setParticlesVisible(actions->particles->isChecked());

    connect(m_window->controlBar(), &ControlBar::learningRateChosen, this, [this](double learningRate) {
        const server::CommandResult result = execute(server::Command::learningRate(learningRate));
        if (!result.ok()) {
            showMessage(result.message);
            m_window->controlBar()->setLearningRate(m_session.settings().learningRate);
        }
    });
    connect(m_window->controlBar(), &ControlBar::speedChosen, this,
            [this](server::SpeedMode mode) { execute(server::Command::speedMode(mode)); });
    connect(m_window->controlBar(), &ControlBar::paceChosen, this, [this](double batchesPerSecond) {
        const server::CommandResult result = execute(server::Command::pace(batchesPerSecond));
        if (!result.ok()) {
            showMessage(result.message);
            m_window->controlBar()->setPace(m_session.settings().pace);
        }
    });

    TeachingPanel *teaching = m_window->teachingPanel();
    connect(teaching, &TeachingPanel::continueRequested, this,
            [this] { execute(server::Command::of(server::CommandKind::Resume)); });
    // Skip closes the card and runs on, as Continue does (the session's moment ends either way).
    connect(teaching, &TeachingPanel::skipRequested, this,
            [this] { execute(server::Command::of(server::CommandKind::Resume)); });
    connect(teaching, &TeachingPanel::kindDisabled, this, [this](core::TeachingMomentKind kind) {
        const server::CommandResult result = execute(server::Command::teachingMoments({{kind, false}}));
        if (!result.ok())
            showMessage(result.message);
        if (m_session.isPaused() && !m_session.pauseReason().isEmpty())
            execute(server::Command::of(server::CommandKind::Resume));
    });
    connect(teaching, &TeachingPanel::glossaryRequested, m_window, &MainWindow::showGlossary);

    connect(view, &NetworkView::neuronClicked, this, [this, view](NeuronId id) {
        view->scene()->setSelectedNeuron(id);
        inspectSelected();
    });
    connect(view, &NetworkView::framesPerSecondChanged, this, [this, view](double fps) {
        // Without animation the view renders only on change: a frame rate would mean nothing.
        m_fps->setText(view->scene()->isAnimating() ? tr("3D %1 fps").arg(fps, 0, 'f', 0) : tr("3D idle"));
    });
    DrawPanel *draw = m_window->drawPanel();
    connect(draw, &DrawPanel::predictionReady, this, [this](const core::Prediction &prediction) {
        setSource(Source::Drawing);
        presentActivations(prediction.layerActivations,
                           m_sweepNext || m_session.settings().speed == server::SpeedMode::Step, !m_sweepNext);
        m_sweepNext = false;
        // A chosen image names itself ("Ada's drawing" from the class gallery): escaped, the
        // title is rich text and the name comes from a browser.
        const QString caption = m_window->drawPanel()->inputCaption();
        m_window->viewTitle()->setText(tr("Showing <b>%1</b>: the network predicts <b>%2</b> · "
                                          "clear the canvas to follow training again")
                                           .arg(caption.isEmpty() ? tr("your drawing") : caption.toHtmlEscaped())
                                           .arg(prediction.digit));
    });
    connect(draw, &DrawPanel::cleared, this, [this] {
        setSource(Source::Training);
        // onBatch replaces m_lastUpdate: hold the update it reads.
        if (const auto last = m_lastUpdate; last && last->report)
            onBatch(*last);
    });
}

void SessionPresenter::connectLearningViews()
{
    LearningViews *learning = m_window->learningViews();
    NetworkView *view = m_window->networkView();
    DrawPanel *draw = m_window->drawPanel();
    // A sweep plays what the view shows: a drawing, or a training step in Step speed. Switching the
    // source stops it (setSource), so its frames always belong to the source on show.
    connect(m_sweep, &ForwardSweep::frame, this, [this](const std::vector<std::vector<float>> &activations) {
        m_window->networkView()->scene()->setActivations(activations);
    });
    connect(m_sweep, &ForwardSweep::finished, this,
            [this](const std::vector<std::vector<float>> &activations) { showActivations(activations); });
    connect(&m_session, &server::Session::weightsChanged, learning, &LearningViews::weightsChanged);
    connect(&m_session, &server::Session::epochFinished, learning, &LearningViews::confusionChanged);
    connect(&m_session, &server::Session::trainingStarted, learning, &LearningViews::confusionChanged);
    connect(&m_session, &server::Session::settingsChanged, learning, &LearningViews::weightsChanged);
    connect(draw, &DrawPanel::predictionReady, learning,
            [learning, draw] { learning->setDrawing(draw->input().pixels); });
    connect(draw, &DrawPanel::cleared, learning, [learning] { learning->setDrawing(std::nullopt); });
    connect(learning, &LearningViews::neuronChosen, view, &NetworkView::selectNeuron);
    connect(view, &NetworkView::neuronClicked, learning, &LearningViews::showNeuron);
    connect(learning, &LearningViews::neuronsHighlighted, this, [this, view](const std::vector<NeuronId> &neurons) {
        view->scene()->setHighlightedNeurons(neurons);
        if (!neurons.empty()) {
            view->selectNeuron(neurons.front());
            showMessage(tr("%n neuron(s) of layer %1 marked red in the 3D view", nullptr, int(neurons.size()))
                            .arg(neurons.front().layer));
        }
    });
    connect(learning, &LearningViews::inputChosen, this,
            [this, draw](const std::vector<float> &pixels, const QString &caption) {
                m_sweepNext = true;
                draw->setInputImage(pixels, caption);
            });
}

void SessionPresenter::setSource(Source source)
{
    m_source = source;
    if (source == Source::Training)
        m_sweep->stop();
    NetworkView *view = m_window->networkView();
    if (source == Source::Drawing)
        view->scene()->clearGradients();
    view->updateRenderPolicy();
    if (source == Source::Training && m_batchesSeen == 0)
        m_window->viewTitle()->setText(
            m_session.hasTrainedWeights()
                ? tr("Trained network loaded · draw a digit to see it light up, or press Train")
                : tr("Untrained network · press <b>Train</b> (Space) to start"));
}

void SessionPresenter::presentActivations(const std::vector<std::vector<float>> &activations, bool sweep, bool drawing)
{
    if (!sweep) {
        m_sweep->stop();
        showActivations(activations);
        return;
    }
    m_sweepShowsDrawing = drawing;
    m_shownActivations = activations; // what the inspector reads meanwhile
    m_sweep->start(activations);
}

void SessionPresenter::showActivations(const std::vector<std::vector<float>> &activations)
{
    if (m_window->networkView()->scene()->setActivations(activations))
        m_shownActivations = activations;
    if (m_window->inspector()->isVisible())
        inspectSelected();
}

void SessionPresenter::onBatch(const server::BatchUpdate &update)
{
    if (!update.report)
        return;
    m_lastUpdate = std::make_shared<const server::BatchUpdate>(update);
    ++m_batchesSeen;
    const core::BatchReport &report = *update.report;
    m_window->charts()->setHistory(m_session.history());
    m_stats->setText(statsText());
    if (m_source != Source::Training)
        return;
    NetworkScene *scene = m_window->networkView()->scene();
    // Step by step, each step's forward pass runs through the layers one after another.
    presentActivations(report.focusActivations, m_session.settings().speed == server::SpeedMode::Step, false);
    if (scene->particlesVisible() && m_session.isTraining())
        scene->setGradients(report.neuronGradients, report.layerGradients);
    m_window->networkView()->updateRenderPolicy();
    updateTrainingTitle();
}

void SessionPresenter::updateTrainingTitle()
{
    if (m_source != Source::Training || !m_lastUpdate || !m_lastUpdate->report)
        return;
    const core::BatchReport &report = *m_lastUpdate->report;
    const bool right = report.focusLabel == report.focusPrediction;
    m_window->viewTitle()->setText(tr("%1 · epoch %2/%3 · batch %4/%5 · this image is a <b>%6</b>, "
                                      "the network says <b style='color:%8'>%7</b>")
                                       .arg(runStateText())
                                       .arg(report.epoch)
                                       .arg(report.epochs)
                                       .arg(report.batch)
                                       .arg(report.batchesPerEpoch)
                                       .arg(report.focusLabel)
                                       .arg(report.focusPrediction)
                                       .arg(right ? QStringLiteral("#4ade80") : QStringLiteral("#fb923c")));
}

QString SessionPresenter::runStateText() const
{
    using server::RunState;
    switch (m_session.runState()) {
    case RunState::Idle:
        switch (m_session.lastOutcome()) {
        case server::Session::RunOutcome::Stopped: return tr("Stopped");
        case server::Session::RunOutcome::Failed: return tr("Failed");
        case server::Session::RunOutcome::Finished: return tr("Finished");
        case server::Session::RunOutcome::None: break;
        }
        return tr("Idle");
    case RunState::LoadingData: return tr("Loading data");
    case RunState::Running: return tr("Training");
    case RunState::Paused: return tr("Paused");
    case RunState::TeachingPause: return tr("Teaching pause");
    case RunState::Stopping: return tr("Stopping");
    }
    return {};
}

QString SessionPresenter::statsText() const
{
    const server::SessionStats stats = m_session.stats();
    if (!stats.training && stats.globalBatch == 0)
        return tr("Idle");
    return tr("%1 · epoch %2/%3 · batch %4/%5 · loss %6 · accuracy %7%")
        .arg(runStateText())
        .arg(stats.epoch)
        .arg(stats.epochs)
        .arg(stats.batch)
        .arg(stats.batchesPerEpoch)
        .arg(double(stats.loss), 0, 'f', 3)
        .arg(double(stats.accuracy) * 100.0, 0, 'f', 1);
}

void SessionPresenter::onPauseMoment(const server::PauseMoment &moment)
{
    m_window->teachingPanel()->showMoment(moment);
    if (moment.update.report && m_source == Source::Training)
        showActivations(moment.update.report->focusActivations);
    refreshRunState();
}

void SessionPresenter::onTrainingFinished(const core::FinishReport &report)
{
    m_window->teachingPanel()->finish();
    m_window->networkView()->scene()->clearGradients();
    m_window->networkView()->updateRenderPolicy();
    refreshRunState();
    m_stats->setText(statsText());
    m_window->charts()->setHistory(m_session.history());
    if (report.stopped)
        showMessage(tr("Training stopped after %1 epoch(s)").arg(report.epochsCompleted), 10000);
    showVerdict();
}

void SessionPresenter::showVerdict()
{
    const std::optional<core::Verdict> verdict = m_session.lastVerdict();
    if (!verdict)
        return;
    const QString outcome = QString::fromStdString(core::verdictOutcomeName(verdict->outcome));
    const double learningRate = m_session.settings().learningRate;
    QLabel *label = m_window->verdictLabel();
    label->setText(JourneyText::verdictSummary(outcome, double(verdict->testAccuracy), double(verdict->initialLoss),
                                               double(verdict->finalLoss), learningRate));
    label->setToolTip(QString::fromStdString(verdict->reason));
    label->setProperty("outcome", outcome);
    label->show();
    m_window->journey()->verdictReceived(outcome, learningRate);
}

void SessionPresenter::refreshRunState()
{
    // Paused with a card on show: the card holds until Continue.
    TeachingPanel *teaching = m_window->teachingPanel();
    if (!teaching->reason().isEmpty())
        teaching->setHeld(m_session.runState() == server::RunState::Paused);
    using State = TrainingActions::RunState;
    m_window->actions()->setRunState(!m_session.isTraining() ? State::Idle
                                     : m_session.isPaused()  ? State::Paused
                                                             : State::Running);
    m_stats->setText(statsText());
    updateTrainingTitle();
}

void SessionPresenter::onSettingsChanged()
{
    const server::SessionSettings settings = m_session.settings();
    m_window->controlBar()->setLearningRate(settings.learningRate);
    m_window->controlBar()->setSpeed(settings.speed);
    m_window->controlBar()->setPace(settings.pace);
    m_window->actions()->teaching->setChecked(settings.teachingMode);
    if (!m_hasArchitecture || !(settings.architecture == m_shownArchitecture))
        showArchitecture();
    if (m_session.runId() != m_shownRunId)
        clearRunViews();
}

void SessionPresenter::clearRunViews()
{
    // A new network (or a new run) starts a new run identity: nothing of the old run stays on
    // screen — curves, confusion matrix, teaching card, status line.
    m_shownRunId = m_session.runId();
    if (!m_session.isTraining()) {
        m_lastUpdate.reset();
        m_batchesSeen = 0;
        if (m_source == Source::Training)
            setSource(Source::Training); // the title for an untrained or loaded network
    }
    m_window->teachingPanel()->finish();
    m_window->charts()->setHistory(m_session.history());
    m_window->charts()->setConfusion(m_session.confusion());
    m_window->networkView()->scene()->clearGradients();
    m_stats->setText(statsText());
    refreshRunState();
}

void SessionPresenter::showArchitecture()
{
    m_shownArchitecture = m_session.settings().architecture;
    m_hasArchitecture = true;
    NetworkView *view = m_window->networkView();
    view->scene()->setArchitecture(m_shownArchitecture.sizes, layerTitles(m_shownArchitecture));
    view->frameNetwork();
    m_shownActivations.clear();
    m_lastUpdate.reset();
    m_window->inspector()->inspect({}, nullptr, {});
    onWeightsChanged();
}

void SessionPresenter::onWeightsChanged()
{
    m_network = m_session.weights();
    if (!m_network)
        return;
    if (!(m_network->architecture() == m_shownArchitecture)) {
        if (m_hasArchitecture && m_network->architecture().sizes != m_shownArchitecture.sizes)
            return; // a new architecture is on its way through settingsChanged
    }
    std::vector<core::Matrix> weights;
    weights.reserve(std::size_t(m_network->layerCount()));
    for (int i = 0; i < m_network->layerCount(); ++i)
        weights.push_back(m_network->layer(i).weights());
    m_window->networkView()->scene()->setWeights(weights);
    m_window->drawPanel()->setNetwork(m_network, m_session.hasTrainedWeights());
    if (m_window->inspector()->isVisible())
        inspectSelected();
    if (m_batchesSeen == 0 && m_source == Source::Training)
        setSource(Source::Training);
}

void SessionPresenter::inspectSelected()
{
    m_window->inspector()->inspect(m_window->networkView()->scene()->selectedNeuron(), m_network, m_shownActivations);
}

void SessionPresenter::playPause()
{
    using server::CommandKind;
    if (!m_session.isTraining()) {
        setSource(Source::Training);
        const server::CommandResult result = execute(server::Command::of(CommandKind::Start));
        if (result.error == server::ErrorKind::Unavailable && !m_session.dataStatus().ready)
            showDataDialog();
        else if (!result.ok())
            QMessageBox::warning(m_window, tr("Cannot start training"), result.message);
        else if (!result.message.isEmpty())
            showMessage(result.message);
    } else {
        const server::CommandResult result
            = execute(server::Command::of(m_session.isPaused() ? CommandKind::Resume : CommandKind::Pause));
        if (!result.ok())
            showMessage(result.message);
    }
    refreshRunState();
}

void SessionPresenter::editArchitecture()
{
    ArchitectureDialog dialog(m_session.settings().architecture, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const server::CommandResult result = execute(server::Command::setArchitecture(dialog.architecture()));
    if (!result.ok())
        QMessageBox::warning(m_window, tr("Architecture not changed"), result.message);
}

void SessionPresenter::openModel()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open model"), QString(),
                                                      tr("Neural Network Journey models (*.nnjmodel);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (file.size() > 64 * 1024 * 1024) {
        QMessageBox::critical(m_window, tr("Cannot open model"), tr("%1 is too large to be a model file.").arg(path));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        QMessageBox::critical(m_window, tr("Cannot open model"),
                              tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    loadModelBytes(file.readAll(), path);
}

bool SessionPresenter::loadModelBytes(const QByteArray &bytes, const QString &sourceName)
{
    const server::CommandResult result = execute(server::Command::loadModel(bytes, sourceName));
    if (!result.ok()) {
        QMessageBox::critical(m_window, tr("Cannot open model"), result.message);
        return false;
    }
    showMessage(tr("Loaded %1").arg(sourceName));
    return true;
}

void SessionPresenter::saveModel()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path
        = QFileDialog::getSaveFileName(m_window, tr("Save model"), folder + QStringLiteral("/mnist.nnjmodel"),
                                       tr("Neural Network Journey models (*.nnjmodel)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    const QByteArray bytes = m_session.modelFile();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        QMessageBox::critical(m_window, tr("Cannot save model"),
                              tr("Cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    showMessage(tr("Saved %1").arg(path));
}

void SessionPresenter::showDataDialog()
{
    auto *dialog = new DataDialog(m_session.dataStatus().directory, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DataDialog::dataReady, this,
            [this] { showMessage(tr("MNIST is ready: press Train to start"), 15000); });
    dialog->show();
}

server::CommandResult SessionPresenter::execute(const server::Command &command)
{
    return m_session.execute(command);
}

void SessionPresenter::showMessage(const QString &text, int milliseconds)
{
    m_window->statusBar()->showMessage(text, milliseconds);
}

void SessionPresenter::restoreSettings(QSettings &settings)
{
    if (!m_session.isTraining() && !m_session.hasTrainedWeights()) {
        if (auto architecture
            = architectureFromString(settings.value(QStringLiteral("training/architecture")).toString()))
            if (!(*architecture == m_session.settings().architecture))
                execute(server::Command::setArchitecture(*architecture));
    }
    bool ok = false;
    const double learningRate = settings.value(QStringLiteral("training/learningRate")).toDouble(&ok);
    if (ok)
        execute(server::Command::learningRate(learningRate));
    if (settings.contains(QStringLiteral("training/teaching")))
        execute(server::Command::teachingMode(settings.value(QStringLiteral("training/teaching")).toBool()));
    if (auto speed = server::speedModeFromName(settings.value(QStringLiteral("training/speed")).toString()))
        execute(server::Command::speedMode(*speed));
    else if (settings.value(QStringLiteral("training/speed")).toString()
             == server::speedModeName(server::SpeedMode::Custom))
        execute(server::Command::pace(settings.value(QStringLiteral("training/pace")).toDouble()));
}

void SessionPresenter::saveSettings(QSettings &settings) const
{
    const server::SessionSettings current = m_session.settings();
    settings.setValue(QStringLiteral("training/architecture"), architectureToString(current.architecture));
    settings.setValue(QStringLiteral("training/learningRate"), double(current.learningRate));
    settings.setValue(QStringLiteral("training/teaching"), current.teachingMode);
    settings.setValue(QStringLiteral("training/speed"), server::speedModeName(current.speed));
    settings.setValue(QStringLiteral("training/pace"), current.pace);
}
