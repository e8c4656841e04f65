// Mistakes: pick a cell of the confusion matrix (true digit T, predicted P) to see the test
// images in it, most confident first, each with the network's confidence; clicking one makes it
// the network's input, as a drawn digit, so the 3D view shows how it lit up.
#pragma once

#include "analysis/mistakes.h"
#include "analysissource.h"

#include <QWidget>

class AnalysisWorker;
class ConfusionMatrixView;
class QLabel;

class MistakesView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kLimit = 40;

    MistakesView(AnalysisSource source, AnalysisWorker *worker, QWidget *parent = nullptr);
    ~MistakesView() override;

    void refresh(); // the matrix of the last epoch
    void showCell(int trueLabel, int predicted);
    ConfusionMatrixView *matrix() const { return m_matrix; }
    const core::MistakeList &mistakes() const { return m_list; }
    QRect itemRect(int item) const; // in imagesArea() coordinates
    QWidget *imagesArea() const { return m_images; }

signals:
    void imageChosen(const std::vector<float> &pixels, const QString &caption);
    void mistakesReady();

private:
    AnalysisSource m_source;
    AnalysisWorker *m_worker;
    ConfusionMatrixView *m_matrix;
    QLabel *m_title;
    QWidget *m_images;
    core::MistakeList m_list;
    std::shared_ptr<const core::MnistData> m_data; // the images m_list indexes
    int m_requested = 0;
};
