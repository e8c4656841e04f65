// The native drawing surface: a QImage backing store (white ink on the dark canvas), mouse,
// tablet (pressure widens the stroke) and touch input, repainting only the dirty rectangle.
// Emits drawingChanged while strokes happen; the 28x28 conversion lives in core.
#pragma once

#include <QImage>
#include <QWidget>

class DrawingCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit DrawingCanvas(QWidget *parent = nullptr);
    ~DrawingCanvas() override;

    const QImage &image() const { return m_image; }
    bool isEmpty() const { return m_empty; }
    // Width*height gray bytes (0 = black .. 255 = white), what core::preprocessDrawing takes.
    QImage grayscale() const;
    // For tests and scripted demos: draw a stroke through the points (canvas pixels).
    void drawStroke(const QList<QPointF> &points, qreal pressure = 1.0);
    void setPenWidth(qreal width) { m_penWidth = width; }

    QSize sizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

public slots:
    void clear();

signals:
    void drawingChanged();
    void strokeFinished();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void tabletEvent(QTabletEvent *event) override;
    bool event(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QPointF toImage(const QPointF &widgetPoint) const;
    void beginStroke(const QPointF &widgetPoint, qreal pressure);
    void continueStroke(const QPointF &widgetPoint, qreal pressure);
    void endStroke();
    void drawSegment(const QPointF &from, const QPointF &to, qreal pressure);

    QImage m_image; // fixed 280x280, scaled to the widget
    bool m_empty = true;
    bool m_drawing = false;
    QPointF m_lastPoint;
    qreal m_penWidth = 22;
};
