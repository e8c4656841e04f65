// Edits the hidden layers of the network (units and activation per layer; input 784 and output
// 10 are fixed), shows the live parameter count and validates with core::Architecture::validate,
// the same rule the server applies. OK stays disabled while the architecture is invalid.
#pragma once

#include "architecture.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QTableWidget;

class ArchitectureDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ArchitectureDialog(const core::Architecture &initial, QWidget *parent = nullptr);
    ~ArchitectureDialog() override;

    core::Architecture architecture() const;
    // Empty when valid, else the validation message shown in the dialog.
    QString validationMessage() const;
    bool isAcceptable() const;
    int hiddenLayerCount() const;

    void addLayer(int units = 32, core::Activation activation = core::Activation::ReLU);
    void removeLayer(int row);
    void setUnits(int row, int units);
    void setActivation(int row, core::Activation activation);

private:
    void refresh();

    QTableWidget *m_table;
    QLabel *m_summary;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};
