#include "landscapeview.h"

#include "analysispaint.h"
#include "analysisworker.h"
#include "colorscheme.h"
#include "jobcontrols.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

// A small software renderer: the grid as quads, sorted back to front (painter's algorithm),
// each filled with its loss colour and lit by one light so the shape reads. Drag to rotate.
class LandscapeSurface : public QWidget
{
public:
    const LandscapeResult *result = nullptr;
    QString emptyText;
    float yaw = -35; // degrees
    float pitch = 32;

    explicit LandscapeSurface(QWidget *parent) : QWidget(parent)
    {
        setMinimumSize(360, 280);
        setCursor(Qt::OpenHandCursor);
    }

protected:
    void mousePressEvent(QMouseEvent *event) override { m_last = event->position(); }
    void mouseMoveEvent(QMouseEvent *event) override
    {
        const QPointF delta = event->position() - m_last;
        m_last = event->position();
        yaw += float(delta.x()) * 0.5f;
        pitch = std::clamp(pitch + float(delta.y()) * 0.4f, 5.0f, 85.0f);
        update();
    }

    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        const QColor textColor = palette().color(QPalette::WindowText);
        painter.setPen(textColor);
        if (!result) {
            analysispaint::centeredMessage(painter, rect(), emptyText);
            return;
        }
        const core::LossLandscape &l = result->landscape;
        const int g = l.gridSize;
        float low = INFINITY, high = -INFINITY;
        for (float v : l.losses)
            if (std::isfinite(v) && v > 0) {
                low = std::min(low, v);
                high = std::max(high, v);
            }
        if (g < 2 || !std::isfinite(low)) {
            analysispaint::centeredMessage(painter, rect(), tr("No finite loss to draw."));
            return;
        }
        // Height and colour follow log(loss): a landscape spans orders of magnitude.
        const float logLow = std::log(low), logHigh = std::log(std::max(high, low * 1.0001f));
        const auto level = [&](float loss) {
            return std::isfinite(loss) && loss > 0 ? (std::log(loss) - logLow) / (logHigh - logLow) : NAN;
        };
        const float span = result->span;
        const float cy = std::cos(yaw * float(M_PI) / 180), sy = std::sin(yaw * float(M_PI) / 180);
        const float cp = std::cos(pitch * float(M_PI) / 180), sp = std::sin(pitch * float(M_PI) / 180);
        const int legendWidth = 90;
        const QRectF area(0, 0, width() - legendWidth, height());
        const float scale = float(std::min(area.width(), area.height())) * 0.36f;
        struct Projected
        {
            QPointF point;
            float depth;
        };
        const auto project = [&](float x, float y, float z) {
            const float rx = cy * x + sy * z, rz = -sy * x + cy * z; // yaw around y
            const float ry = cp * y - sp * rz, depth = sp * y + cp * rz; // pitch around x
            return Projected{QPointF(area.center().x() + rx * scale, area.center().y() + 0.1 * scale - ry * scale),
                             depth};
        };
        const float heightScale = 0.9f;
        const auto vertex = [&](int i, int j) {
            return QVector3D(l.alphas[std::size_t(i)] / span, level(l.losses[std::size_t(j * g + i)]) * heightScale,
                             l.betas[std::size_t(j)] / span);
        };
        struct Quad
        {
            QPolygonF polygon;
            float depth;
            QColor color;
        };
        std::vector<Quad> quads;
        quads.reserve(std::size_t((g - 1) * (g - 1)));
        const QVector3D light = QVector3D(-0.4f, 1.0f, -0.3f).normalized();
        for (int j = 0; j + 1 < g; ++j)
            for (int i = 0; i + 1 < g; ++i) {
                const QVector3D a = vertex(i, j), b = vertex(i + 1, j), c = vertex(i + 1, j + 1), d = vertex(i, j + 1);
                if (!std::isfinite(a.y()) || !std::isfinite(b.y()) || !std::isfinite(c.y()) || !std::isfinite(d.y()))
                    continue;
                const QVector3D normal = QVector3D::crossProduct(d - a, b - a).normalized();
                const float shade = 0.55f + 0.45f * std::abs(QVector3D::dotProduct(normal, light));
                QColor color = colorscheme::sequential((a.y() + b.y() + c.y() + d.y()) / (4 * heightScale));
                color = QColor::fromRgbF(color.redF() * shade, color.greenF() * shade, color.blueF() * shade);
                Quad quad;
                float depth = 0;
                for (const QVector3D &p : {a, b, c, d}) {
                    const Projected q = project(p.x(), p.y(), p.z());
                    quad.polygon << q.point;
                    depth += q.depth;
                }
                quad.depth = depth;
                quad.color = color;
                quads.push_back(std::move(quad));
            }
        std::sort(quads.begin(), quads.end(), [](const Quad &x, const Quad &y) { return x.depth > y.depth; });
        for (const Quad &quad : quads) {
            painter.setPen(QPen(quad.color.darker(115), 0.6));
            painter.setBrush(quad.color);
            painter.drawPolygon(quad.polygon);
        }
        // The run's path, drawn on the surface at its projection onto the plane.
        const auto surfaceAt = [&](float alpha, float beta) {
            const float fi = (alpha / span + 1) * 0.5f * float(g - 1), fj = (beta / span + 1) * 0.5f * float(g - 1);
            const int i = std::clamp(int(fi), 0, g - 2), j = std::clamp(int(fj), 0, g - 2);
            const float u = std::clamp(fi - float(i), 0.0f, 1.0f), v = std::clamp(fj - float(j), 0.0f, 1.0f);
            const float h = (1 - u) * (1 - v) * vertex(i, j).y() + u * (1 - v) * vertex(i + 1, j).y()
                            + u * v * vertex(i + 1, j + 1).y() + (1 - u) * v * vertex(i, j + 1).y();
            return project(std::clamp(alpha / span, -1.0f, 1.0f), h + 0.02f, std::clamp(beta / span, -1.0f, 1.0f));
        };
        QPainterPath path;
        bool first = true;
        QPointF start;
        for (const core::TrajectoryPoint &p : result->trajectory.points) {
            if (!std::isfinite(p.alpha) || !std::isfinite(p.beta))
                continue;
            const QPointF q = surfaceAt(p.alpha, p.beta).point;
            if (first) {
                path.moveTo(q);
                start = q;
                first = false;
            } else {
                path.lineTo(q);
            }
        }
        if (!first) {
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(colorscheme::green, 2.2));
            painter.drawPath(path);
            painter.setBrush(colorscheme::green);
            painter.drawEllipse(start, 4, 4);
            painter.setPen(textColor);
            // Left of the dot: the path often ends beside the centre, whose label is on the right.
            const QString label = tr("start");
            painter.drawText(start + QPointF(-6 - painter.fontMetrics().horizontalAdvance(label), -6), label);
        }
        const QPointF centrePoint = project(0, level(l.centerLoss) * heightScale + 0.02f, 0).point;
        painter.setPen(QPen(Qt::white, 1.5));
        painter.setBrush(colorscheme::red);
        painter.drawEllipse(centrePoint, 5, 5);
        painter.setPen(textColor);
        painter.drawText(centrePoint + QPointF(8, 4),
                         tr("current weights (loss %1)").arg(double(l.centerLoss), 0, 'f', 3));
        // Axis names at two edges of the base.
        painter.setPen(colorscheme::mutedText);
        painter.drawText(project(1.15f, 0, -1).point, tr("α"));
        painter.drawText(project(-1, 0, 1.15f).point, tr("β"));
        // Legend: loss on a log scale, top = high.
        const QRectF bar(width() - legendWidth + 16, 30, 16, height() - 70);
        QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
        for (int k = 0; k <= 10; ++k)
            gradient.setColorAt(k / 10.0, colorscheme::sequential(float(k) / 10.0f));
        painter.fillRect(bar, gradient);
        painter.setPen(textColor);
        painter.drawText(QRectF(width() - legendWidth, 4, legendWidth, 22), Qt::AlignCenter, tr("test loss"));
        for (int k = 0; k <= 4; ++k) {
            const float t = float(k) / 4.0f;
            const double value = std::exp(double(logLow + t * (logHigh - logLow)));
            const qreal y = bar.bottom() - t * bar.height();
            painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
            painter.drawText(QPointF(bar.right() + 6, y + 4), QString::number(value, 'g', 3));
        }
        painter.drawText(QRectF(width() - legendWidth, bar.bottom() + 4, legendWidth, 30),
                         Qt::AlignHCenter | Qt::TextWordWrap, tr("log scale"));
    }

private:
    QPointF m_last;
};

// Two random directions among many weights are almost perpendicular to the way training went, so the
// projected path often stays near the centre: the view says so rather than leave an unexplained dot.
QString pathNote(const core::Trajectory &trajectory, float span)
{
    if (trajectory.points.size() < 2 || core::trajectoryExtent(trajectory, span) >= 0.05f)
        return {};
    return LandscapeView::tr(" The path stays close to the centre: among this many weights, two random directions are "
                             "almost perpendicular to the way training went, so this slice shows little of it.");
}

} // namespace

LandscapeView::LandscapeView(AnalysisSource source, AnalysisWorker *jobs, QWidget *parent)
    : QWidget(parent), m_source(std::move(source)), m_jobs(jobs), m_grid(new QSpinBox(this)),
      m_span(new QDoubleSpinBox(this)), m_samples(new QSpinBox(this)),
      m_controls(new JobControls(tr("Compute"), {m_grid, m_span, m_samples}, jobs, this)), m_summary(new QLabel(this))
{
    m_grid->setRange(3, 81);
    m_grid->setSingleStep(2);
    m_grid->setValue(31);
    m_grid->setPrefix(tr("grid "));
    m_grid->setToolTip(tr("Points per side: an odd number puts the current weights on the grid"));
    m_span->setRange(0.05, 5);
    m_span->setSingleStep(0.25);
    m_span->setValue(1);
    m_span->setPrefix(tr("span ±"));
    m_span->setToolTip(tr("How far along each direction, in units of the weights' own size"));
    m_samples->setRange(10, 10000);
    m_samples->setSingleStep(100);
    m_samples->setValue(1000);
    m_samples->setPrefix(tr("test images "));
    connect(m_controls, &JobControls::runClicked, this, &LandscapeView::start);
    connect(m_controls, &JobControls::cancelClicked, this, &LandscapeView::cancel);
    m_summary->setWordWrap(true);
    m_summary->setText(tr("The loss around the current weights along two random directions (scaled to each neuron's "
                          "weights). The green line is the run's path projected onto this plane."));
    auto *surface = new LandscapeSurface(this);
    surface->emptyText = tr("Press Compute.");
    m_surface = surface;
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_controls);
    layout->addWidget(surface, 1);
}

LandscapeView::~LandscapeView() = default;

void LandscapeView::setSettings(const core::LandscapeSettings &settings)
{
    m_grid->setValue(settings.gridSize);
    m_span->setValue(double(settings.span));
    m_samples->setValue(settings.count);
}

bool LandscapeView::isRunning() const
{
    return m_controls->isRunning();
}

void LandscapeView::start()
{
    const auto center = m_source.weights ? m_source.weights() : nullptr;
    const auto mnist = m_source.data ? m_source.data() : nullptr;
    if (isRunning())
        return;
    if (!center || !mnist) {
        m_summary->setText(tr("This needs MNIST, which loads when training starts: press Train once."));
        return;
    }
    core::LandscapeSettings settings;
    settings.gridSize = m_grid->value();
    settings.span = float(m_span->value());
    settings.count = m_samples->value();
    std::vector<std::shared_ptr<const core::Network>> path
        = m_source.trajectory ? m_source.trajectory() : decltype(path){};
    if (!path.empty() && m_source.initialWeights)
        path.insert(path.begin(), m_source.initialWeights());
    m_controls->setRunning(true);
    m_jobs->submit<LandscapeResult>(
        [center, path, mnist, settings](const AnalysisWorker::Progress &progress) {
            LandscapeResult result;
            result.span = settings.span;
            const int cells = settings.gridSize * settings.gridSize;
            const int total = cells + int(path.size());
            const core::LandscapePlane plane = core::makeLandscapePlane(*center, 1);
            result.landscape = core::computeLossLandscape(*center, plane, mnist->test, settings,
                                                          [&](int done, int) { return progress(done, total); });
            if (result.landscape.cancelled) {
                result.cancelled = true;
                return result;
            }
            std::vector<core::Network> snapshots;
            for (const auto &snapshot : path)
                if (snapshot && snapshot->architecture() == center->architecture())
                    snapshots.push_back(*snapshot);
            result.trajectory = core::projectTrajectory(*center, plane, snapshots, mnist->test, settings.count,
                                                        [&](int done, int) { return progress(cells + done, total); });
            result.cancelled = result.trajectory.cancelled;
            progress(total, total);
            return result;
        },
        [this](const LandscapeResult &result) {
            m_controls->setRunning(false);
            if (result.cancelled) {
                emit finished(true);
                return;
            }
            m_result = result;
            static_cast<LandscapeSurface *>(m_surface)->result = &*m_result;
            const core::LossLandscape &l = result.landscape;
            m_summary->setText(tr("Loss at the current weights (red dot): <b>%1</b> on %2 test images · %3×%4 points "
                                  "over ±%5 · green: the run's path through %6 snapshots, projected. Drag to rotate.")
                                   .arg(double(l.centerLoss), 0, 'f', 3)
                                   .arg(l.count)
                                   .arg(l.gridSize)
                                   .arg(l.gridSize)
                                   .arg(double(result.span))
                                   .arg(result.trajectory.points.size())
                               + pathNote(result.trajectory, result.span));
            m_surface->update();
            emit finished(false);
        });
}

void LandscapeView::cancel()
{
    if (!isRunning())
        return;
    m_jobs->cancel();
    m_controls->setRunning(false);
    m_summary->setText(tr("Cancelled; the last finished landscape stays."));
    emit finished(true);
}
