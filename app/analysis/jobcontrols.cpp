#include "jobcontrols.h"

#include "analysisworker.h"

#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>

JobControls::JobControls(const QString &runText, const QList<QWidget *> &parameters, AnalysisWorker *jobs,
                         QWidget *parent)
    : QWidget(parent), m_parameters(parameters), m_run(new QPushButton(runText, this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_progress(new QProgressBar(this))
{
    connect(m_run, &QPushButton::clicked, this, &JobControls::runClicked);
    connect(m_cancel, &QPushButton::clicked, this, &JobControls::cancelClicked);
    connect(jobs, &AnalysisWorker::progressChanged, this, [this](int done, int total) {
        if (!m_running)
            return;
        m_progress->setMaximum(std::max(1, total));
        m_progress->setValue(done);
    });
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *parameter : parameters)
        layout->addWidget(parameter);
    layout->addWidget(m_run);
    layout->addWidget(m_cancel);
    layout->addWidget(m_progress, 1);
    setRunning(false);
}

void JobControls::setRunning(bool running)
{
    m_running = running;
    for (QWidget *widget : std::as_const(m_parameters))
        widget->setEnabled(!running);
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    if (!running)
        m_progress->setValue(0);
}
