#include "drawingcanvas.h"

#include "colorscheme.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTabletEvent>
#include <QTouchEvent>

namespace {
constexpr int kCanvasSide = 280; // 10x MNIST; the stroke width matches a pen on paper
} // namespace

DrawingCanvas::DrawingCanvas(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_AcceptTouchEvents);
    setAttribute(Qt::WA_StaticContents);
    setCursor(Qt::CrossCursor);
    setMinimumSize(180, 180);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setToolTip(tr("Draw a digit with the mouse, a pen or a finger"));
    m_image = QImage(kCanvasSide, kCanvasSide, QImage::Format_RGB32);
    clear();
}

DrawingCanvas::~DrawingCanvas() = default;

QSize DrawingCanvas::sizeHint() const
{
    return {kCanvasSide, kCanvasSide};
}

void DrawingCanvas::clear()
{
    m_image.fill(Qt::black);
    m_empty = true;
    m_drawing = false;
    update();
    emit drawingChanged();
}

QImage DrawingCanvas::grayscale() const
{
    return m_image.convertToFormat(QImage::Format_Grayscale8);
}

QPointF DrawingCanvas::toImage(const QPointF &widgetPoint) const
{
    const qreal side = std::min(width(), height());
    const QPointF origin((width() - side) / 2.0, (height() - side) / 2.0);
    return (widgetPoint - origin) * (kCanvasSide / std::max<qreal>(side, 1));
}

void DrawingCanvas::drawSegment(const QPointF &from, const QPointF &to, qreal pressure)
{
    QPainter painter(&m_image);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal penWidth = m_penWidth * std::clamp<qreal>(0.4 + 0.8 * pressure, 0.4, 1.4);
    painter.setPen(QPen(Qt::white, penWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    if (from == to)
        painter.drawPoint(to);
    else
        painter.drawLine(from, to);
    if (m_empty) { // the first ink: the whole canvas repaints once, so the placeholder goes
        m_empty = false;
        update();
        return;
    }
    // Repaint only the touched rectangle, mapped back to widget coordinates.
    const qreal side = std::min(width(), height());
    const qreal scale = side / kCanvasSide;
    const QPointF origin((width() - side) / 2.0, (height() - side) / 2.0);
    const QRectF dirty = QRectF(from, to).normalized().adjusted(-penWidth, -penWidth, penWidth, penWidth);
    update(QRectF(origin + dirty.topLeft() * scale, dirty.size() * scale).toAlignedRect().adjusted(-2, -2, 2, 2));
}

void DrawingCanvas::beginStroke(const QPointF &widgetPoint, qreal pressure)
{
    m_drawing = true;
    m_lastPoint = toImage(widgetPoint);
    drawSegment(m_lastPoint, m_lastPoint, pressure);
    emit drawingChanged();
}

void DrawingCanvas::continueStroke(const QPointF &widgetPoint, qreal pressure)
{
    if (!m_drawing)
        return;
    const QPointF point = toImage(widgetPoint);
    drawSegment(m_lastPoint, point, pressure);
    m_lastPoint = point;
    emit drawingChanged();
}

void DrawingCanvas::endStroke()
{
    if (!m_drawing)
        return;
    m_drawing = false;
    emit strokeFinished();
}

void DrawingCanvas::drawStroke(const QList<QPointF> &points, qreal pressure)
{
    if (points.isEmpty())
        return;
    QPointF last = points.first();
    drawSegment(last, last, pressure);
    for (const QPointF &p : points) {
        drawSegment(last, p, pressure);
        last = p;
    }
    emit drawingChanged();
    emit strokeFinished();
}

void DrawingCanvas::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    // The light theme shows dark ink on a light pad; the image itself stays white on black, what
    // the preprocessing reads.
    const bool light = palette().color(QPalette::Window).lightness() > 128;
    painter.fillRect(event->rect(), light ? palette().color(QPalette::Base) : colorscheme::panel);
    const int side = std::min(width(), height());
    const QRect target((width() - side) / 2, (height() - side) / 2, side, side);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    if (light) {
        QImage shown = m_image.copy();
        shown.invertPixels();
        painter.drawImage(target, shown);
    } else {
        painter.drawImage(target, m_image);
    }
    painter.setPen(QPen(colorscheme::panelBorder, 1));
    painter.drawRect(target.adjusted(0, 0, -1, -1));
    if (m_empty) {
        painter.setPen(colorscheme::mutedText);
        painter.drawText(target, Qt::AlignCenter, tr("Draw a digit here"));
    }
}

void DrawingCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        beginStroke(event->position(), 1.0);
    else if (event->button() == Qt::RightButton)
        clear();
}

void DrawingCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        continueStroke(event->position(), 1.0);
}

void DrawingCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        endStroke();
}

void DrawingCanvas::tabletEvent(QTabletEvent *event)
{
    switch (event->type()) {
    case QEvent::TabletPress: beginStroke(event->position(), event->pressure()); break;
    case QEvent::TabletMove: continueStroke(event->position(), event->pressure()); break;
    case QEvent::TabletRelease: endStroke(); break;
    default: break;
    }
    event->accept();
}

bool DrawingCanvas::event(QEvent *event)
{
    switch (event->type()) {
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TouchEnd: {
        auto *touch = static_cast<QTouchEvent *>(event);
        if (touch->points().isEmpty())
            return true;
        const QEventPoint &point = touch->points().first(); // one finger draws
        if (event->type() == QEvent::TouchBegin)
            beginStroke(point.position(), 1.0);
        else if (event->type() == QEvent::TouchUpdate)
            continueStroke(point.position(), 1.0);
        else
            endStroke();
        return true;
    }
    default: return QWidget::event(event);
    }
}

void DrawingCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    update();
}
