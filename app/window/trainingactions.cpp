#include "trainingactions.h"

#include <QAction>
#include <QKeySequence>

namespace {
QAction *makeAction(QObject *parent, const QString &text, const QKeySequence &shortcut, const QString &tip,
                    bool checkable = false)
{
    auto *action = new QAction(text, parent);
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    action->setToolTip(
        shortcut.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    action->setCheckable(checkable);
    return action;
}
} // namespace

TrainingActions::TrainingActions(QObject *parent) : QObject(parent)
{
    playPause = makeAction(this, tr("▶  Train"), Qt::Key_Space, tr("Start, pause or resume training"));
    step = makeAction(this, tr("Step"), Qt::Key_Right, tr("Run one batch, then pause"));
    stop = makeAction(this, tr("■  Stop"), QKeySequence(Qt::CTRL | Qt::Key_Period), tr("Stop training"));
    teaching = makeAction(this, tr("Teaching mode"), Qt::Key_T, tr("Pause at key moments and explain them"), true);
    connections = makeAction(this, tr("Connections"), Qt::Key_C, tr("Show the strongest weights as lines"), true);
    particles = makeAction(this, tr("Backprop particles"), Qt::Key_P, tr("Show gradients flowing backwards"), true);
    learningViews = makeAction(this, tr("Learning views"), Qt::Key_L,
                               tr("What the network learned: features, histograms, mistakes, loss landscape…"), true);
    architecture = makeAction(this, tr("Architecture…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                              tr("Change the layers of the network"));
    resetCamera = makeAction(this, tr("Reset camera"), Qt::Key_Home, tr("Frame the whole network"));
    clearDrawing = makeAction(this, tr("Clear drawing"), Qt::Key_Delete, tr("Clear the drawing canvas"));
    openModel = makeAction(this, tr("Open model…"), QKeySequence::Open, tr("Load a saved model file"));
    saveModel = makeAction(this, tr("Save model as…"), QKeySequence::Save, tr("Save the current network"));
    exportImage = makeAction(this, tr("Export 3D view as PNG…"), QKeySequence(Qt::CTRL | Qt::Key_E),
                             tr("Save a picture of the 3D view"));
    shareOnLan = makeAction(this, tr("Share on LAN"), QKeySequence(Qt::CTRL | Qt::Key_L),
                            tr("Let browsers on the local network join this run"), true);
    copyJoinUrl = makeAction(this, tr("Copy join link"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                             tr("Copy the link students open (they join as viewers)"));
    downloadData = makeAction(this, tr("Get MNIST data…"), {}, tr("Download MNIST or choose a folder that holds it"));
    quit = makeAction(this, tr("Quit"), QKeySequence::Quit, tr("Quit Neural Network Journey"));
    connections->setChecked(true);
    particles->setChecked(true);
    teaching->setChecked(true);
    setRunState(RunState::Idle);
}

TrainingActions::~TrainingActions() = default;

void TrainingActions::setRunState(RunState state)
{
    m_state = state;
    switch (state) {
    case RunState::Idle: playPause->setText(tr("▶  Train")); break;
    case RunState::Running: playPause->setText(tr("❚❚  Pause")); break;
    case RunState::Paused: playPause->setText(tr("▶  Resume")); break;
    }
    stop->setEnabled(state != RunState::Idle);
    architecture->setEnabled(state == RunState::Idle);
    openModel->setEnabled(state == RunState::Idle);
}
