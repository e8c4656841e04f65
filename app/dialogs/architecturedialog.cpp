#include "architecturedialog.h"

#include "colorscheme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {
constexpr core::Activation kActivations[] = {core::Activation::ReLU, core::Activation::Sigmoid, core::Activation::Tanh};
} // namespace

ArchitectureDialog::ArchitectureDialog(const core::Architecture &initial, QWidget *parent)
    : QDialog(parent), m_table(new QTableWidget(0, 2, this)), m_summary(new QLabel(this)), m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Network architecture"));
    m_table->setHorizontalHeaderLabels({tr("Neurons"), tr("Activation")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setDefaultSectionSize(34);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);

    auto *add = new QPushButton(tr("Add hidden layer"), this);
    auto *remove = new QPushButton(tr("Remove selected"), this);
    connect(add, &QPushButton::clicked, this, [this] { addLayer(); });
    connect(remove, &QPushButton::clicked, this,
            [this] { removeLayer(m_table->currentRow() >= 0 ? m_table->currentRow() : m_table->rowCount() - 1); });
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Apply (resets the network)"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: %1").arg(colorscheme::red.name()));
    m_summary->setWordWrap(true);

    auto *intro
        = new QLabel(tr("Input: 784 pixels (fixed) → hidden layers below → output: 10 digits (fixed, softmax)."), this);
    intro->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_summary);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(460, 420);

    for (std::size_t i = 1; i + 1 < initial.sizes.size(); ++i)
        addLayer(initial.sizes[i],
                 i - 1 < initial.activations.size() ? initial.activations[i - 1] : core::Activation::ReLU);
    refresh();
}

ArchitectureDialog::~ArchitectureDialog() = default;

void ArchitectureDialog::addLayer(int units, core::Activation activation)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto *spin = new QSpinBox(m_table);
    // The spin box allows more than the limit on purpose: validate() says what the limit is.
    spin->setRange(1, 100000);
    spin->setValue(units);
    spin->setAccelerated(true);
    connect(spin, &QSpinBox::valueChanged, this, &ArchitectureDialog::refresh);
    auto *combo = new QComboBox(m_table);
    for (core::Activation a : kActivations)
        combo->addItem(QString::fromStdString(core::activationTypeName(a)), int(a));
    combo->setCurrentIndex(combo->findData(int(activation)));
    connect(combo, &QComboBox::currentIndexChanged, this, &ArchitectureDialog::refresh);
    m_table->setCellWidget(row, 0, spin);
    m_table->setCellWidget(row, 1, combo);
    refresh();
}

void ArchitectureDialog::removeLayer(int row)
{
    if (row < 0 || row >= m_table->rowCount())
        return;
    m_table->removeRow(row);
    refresh();
}

void ArchitectureDialog::setUnits(int row, int units)
{
    if (auto *spin = qobject_cast<QSpinBox *>(m_table->cellWidget(row, 0)))
        spin->setValue(units);
}

void ArchitectureDialog::setActivation(int row, core::Activation activation)
{
    if (auto *combo = qobject_cast<QComboBox *>(m_table->cellWidget(row, 1)))
        combo->setCurrentIndex(combo->findData(int(activation)));
}

int ArchitectureDialog::hiddenLayerCount() const
{
    return m_table->rowCount();
}

core::Architecture ArchitectureDialog::architecture() const
{
    core::Architecture result;
    result.sizes = {784};
    result.activations.clear();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        result.sizes.push_back(qobject_cast<QSpinBox *>(m_table->cellWidget(row, 0))->value());
        result.activations.push_back(
            core::Activation(qobject_cast<QComboBox *>(m_table->cellWidget(row, 1))->currentData().toInt()));
    }
    result.sizes.push_back(10);
    return result;
}

QString ArchitectureDialog::validationMessage() const
{
    return QString::fromStdString(architecture().validate());
}

bool ArchitectureDialog::isAcceptable() const
{
    return validationMessage().isEmpty();
}

void ArchitectureDialog::refresh()
{
    const core::Architecture current = architecture();
    const QString message = QString::fromStdString(current.validate());
    QStringList sizes;
    for (int s : current.sizes)
        sizes << QString::number(s);
    m_summary->setText(
        tr("<b>%1</b> · %2 trainable parameters")
            .arg(sizes.join(QStringLiteral(" → ")), QLocale().toString(qlonglong(current.parameterCount()))));
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(message.isEmpty());
}
