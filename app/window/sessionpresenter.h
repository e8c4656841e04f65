// Connects the window to the shared server::Session, both ways: session events (batches,
// teaching moments, epochs, settings, weights) update the 3D scene, charts, panels and
// actions; user commands (actions, control bar, dialogs, drawing) become session commands —
// the same ones the browsers send, so every client sees one run. Heavy work never happens
// here: the session trains on its own thread and hands out immutable weight snapshots.
#pragma once

#include "command.h"
#include "network.h"
#include "sessiontypes.h"

#include <QObject>

#include <memory>

namespace server {
class Session;
}
class ForwardSweep;
class MainWindow;
class QLabel;
class QSettings;

class SessionPresenter : public QObject
{
    Q_OBJECT
public:
    enum class Source { Training, Drawing };

    SessionPresenter(server::Session &session, MainWindow *window);
    ~SessionPresenter() override;

    // The window's commands go through the session's one command path, as every client's do.
    server::CommandResult execute(const server::Command &command);

    Source source() const { return m_source; }
    const std::vector<std::vector<float>> &shownActivations() const { return m_shownActivations; }
    int batchesSeen() const { return m_batchesSeen; }
    QString statsText() const;
    QString runStateText() const; // "Training", "Paused", "Teaching pause", "Stopped", ...
    // Lights the 3D view up layer by layer for a drawn digit (in Step speed) or a chosen image.
    ForwardSweep *forwardSweep() const { return m_sweep; }
    // The sweep on show plays the person's own drawing (not a chosen test image).
    bool sweepShowsDrawing() const { return m_sweepShowsDrawing; }

    void restoreSettings(QSettings &settings);
    void saveSettings(QSettings &settings) const;

public slots:
    void playPause();
    void editArchitecture();
    void openModel();
    void saveModel();
    // Opens the MNIST dialog (download / choose folder); non-modal.
    void showDataDialog();
    // Loads a model file's bytes; shows a dialog naming the problem when it is invalid.
    bool loadModelBytes(const QByteArray &bytes, const QString &sourceName);

private:
    void clearRunViews(); // a new run identity: the old run's curves, matrix and card go
    void updateTrainingTitle(); // the view's title line for the last batch and the run state
    void connectSession();
    void connectActions();
    void onBatch(const server::BatchUpdate &update);
    void onPauseMoment(const server::PauseMoment &moment);
    void onSettingsChanged();
    void onWeightsChanged();
    void onTrainingFinished(const core::FinishReport &report);
    void showVerdict();
    void refreshRunState();
    void showArchitecture();
    // Shows `activations` in the 3D view at once, or sweeps them through it layer by layer;
    // `drawing`: the sweep plays the person's own drawing.
    void presentActivations(const std::vector<std::vector<float>> &activations, bool sweep, bool drawing);
    void showActivations(const std::vector<std::vector<float>> &activations);
    void setSource(Source source);
    void inspectSelected();
    void connectLearningViews();
    void showMessage(const QString &text, int milliseconds = 6000);

    server::Session &m_session;
    MainWindow *m_window;
    QLabel *m_stats;
    QLabel *m_fps;
    Source m_source = Source::Training;
    std::vector<std::vector<float>> m_shownActivations;
    std::shared_ptr<const server::BatchUpdate> m_lastUpdate;
    std::shared_ptr<const core::Network> m_network;
    core::Architecture m_shownArchitecture;
    bool m_hasArchitecture = false;
    int m_batchesSeen = 0;
    quint64 m_shownRunId = 0; // the session's run identity the views show
    ForwardSweep *m_sweep;
    bool m_sweepNext = false; // the next drawing prediction is a chosen image: sweep it
    bool m_sweepShowsDrawing = false;
};
