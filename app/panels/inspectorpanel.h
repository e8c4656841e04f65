// The neuron inspector: for the neuron picked in the 3D view, its layer and index, its current
// activation, and its incoming weights — as a 28x28 image for the first hidden layer (what the
// neuron "looks for"), as a grid for deeper layers — plus bias and weight statistics; the digit
// for output neurons and the pixel position for inputs.
#pragma once

#include "network.h"
#include "networklayout.h"

#include <QWidget>

#include <memory>

class DigitPreview;
class QLabel;

class InspectorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit InspectorPanel(QWidget *parent = nullptr);
    ~InspectorPanel() override;

    // `activations` one array per drawn layer (may be empty); `network` may be null.
    void inspect(NeuronId id, const std::shared_ptr<const core::Network> &network,
                 const std::vector<std::vector<float>> &activations);
    NeuronId neuron() const { return m_id; }
    QString summaryText() const;
    const DigitPreview *weightImage() const { return m_weights; }

private:
    NeuronId m_id;
    QLabel *m_title;
    QLabel *m_details;
    QLabel *m_weightsCaption;
    DigitPreview *m_weights;
};
