// Shows a 28x28 grid of values as an enlarged image: the input the network sees, or a
// neuron's incoming weights (signed: orange positive, blue negative).
#pragma once

#include <QWidget>

#include <vector>

class DigitPreview : public QWidget
{
    Q_OBJECT
public:
    enum class Scale { Unsigned, Signed };
    explicit DigitPreview(QWidget *parent = nullptr);
    ~DigitPreview() override;

    // `values` row-major side*side. Unsigned: 0..1 black to white. Signed: normalised by the
    // largest magnitude.
    void setValues(const std::vector<float> &values, int side = 28, Scale scale = Scale::Unsigned);
    const QImage &image() const { return m_image; }
    QSize sizeHint() const override { return {112, 112}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QImage m_image;
};
