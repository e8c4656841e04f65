#include "labelatlas.h"

#include "shadermaterial.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QEntity>
#include <Qt3DCore/QGeometry>
#include <Qt3DRender/QGeometryRenderer>
#include <Qt3DRender/QPaintedTextureImage>
#include <Qt3DRender/QParameter>
#include <Qt3DRender/QTexture>

#include <QFont>
#include <QFontMetrics>
#include <QPainter>

namespace {

constexpr int kPixelsPerLine = 48; // texture resolution of one label line

class AtlasImage : public Qt3DRender::QPaintedTextureImage
{
public:
    AtlasImage(QImage image, Qt3DCore::QNode *parent) : QPaintedTextureImage(parent), m_image(std::move(image))
    {
        setSize(m_image.size());
    }

protected:
    void paint(QPainter *painter) override
    {
        painter->setCompositionMode(QPainter::CompositionMode_Source);
        painter->drawImage(0, 0, m_image);
    }

private:
    QImage m_image;
};

Qt3DCore::QAttribute *attribute(Qt3DCore::QGeometry *geometry, Qt3DCore::QBuffer *buffer, const QString &name, int size,
                                int offset, int count)
{
    auto *a = new Qt3DCore::QAttribute(geometry);
    a->setName(name);
    a->setAttributeType(Qt3DCore::QAttribute::VertexAttribute);
    a->setVertexBaseType(Qt3DCore::QAttribute::Float);
    a->setVertexSize(uint(size));
    a->setByteStride(5 * sizeof(float));
    a->setByteOffset(uint(offset * sizeof(float)));
    a->setCount(uint(count));
    a->setBuffer(buffer);
    geometry->addAttribute(a);
    return a;
}

} // namespace

QImage LabelAtlas::paint(const std::vector<SceneLabel> &labels, std::vector<float> *vertices)
{
    std::vector<QRect> rects;
    int width = 1;
    for (const SceneLabel &label : labels) {
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setPixelSize(kPixelsPerLine * 3 / 4);
        font.setBold(label.bold);
        const int w = QFontMetrics(font).horizontalAdvance(label.text) + 8;
        rects.push_back(QRect(0, int(rects.size()) * kPixelsPerLine, w, kPixelsPerLine));
        width = std::max(width, w);
    }
    QImage image(width, std::max(1, int(labels.size()) * kPixelsPerLine), QImage::Format_RGBA8888_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::TextAntialiasing);
    vertices->clear();
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const SceneLabel &label = labels[i];
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setPixelSize(kPixelsPerLine * 3 / 4);
        font.setBold(label.bold);
        painter.setFont(font);
        painter.setPen(label.color);
        painter.drawText(rects[i].adjusted(4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, label.text);
        // Quad: world width follows the text's aspect ratio. The image's first row is v = 0,
        // so the quad's bottom edge takes the text row's bottom (v0) and its top edge v1.
        const float w = label.height * float(rects[i].width()) / float(kPixelsPerLine);
        const float u0 = 0, u1 = float(rects[i].width()) / float(image.width());
        const float v0 = float(rects[i].bottom() + 1) / float(image.height());
        const float v1 = float(rects[i].top()) / float(image.height());
        const QVector3D a = label.anchor;
        const float corners[4][5] = {{a.x(), a.y(), a.z(), u0, v0},
                                     {a.x() + w, a.y(), a.z(), u1, v0},
                                     {a.x() + w, a.y() + label.height, a.z(), u1, v1},
                                     {a.x(), a.y() + label.height, a.z(), u0, v1}};
        for (int corner : {0, 1, 2, 0, 2, 3})
            vertices->insert(vertices->end(), corners[corner], corners[corner] + 5);
    }
    return image;
}

Qt3DCore::QEntity *LabelAtlas::createEntity(const std::vector<SceneLabel> &labels, Qt3DCore::QEntity *parent)
{
    std::vector<float> vertices;
    const QImage image = paint(labels, &vertices);
    return createEntity(image, vertices, parent);
}

Qt3DCore::QEntity *LabelAtlas::createEntity(const QImage &image, const std::vector<float> &vertices,
                                            Qt3DCore::QEntity *parent)
{
    auto *entity = new Qt3DCore::QEntity(parent);
    auto *geometry = new Qt3DCore::QGeometry(entity);
    auto *buffer = new Qt3DCore::QBuffer(geometry);
    buffer->setData(
        QByteArray(reinterpret_cast<const char *>(vertices.data()), qsizetype(vertices.size() * sizeof(float))));
    const int count = int(vertices.size() / 5);
    attribute(geometry, buffer, Qt3DCore::QAttribute::defaultPositionAttributeName(), 3, 0, count);
    attribute(geometry, buffer, Qt3DCore::QAttribute::defaultTextureCoordinateAttributeName(), 2, 3, count);
    auto *renderer = new Qt3DRender::QGeometryRenderer(entity);
    renderer->setGeometry(geometry);
    renderer->setPrimitiveType(Qt3DRender::QGeometryRenderer::Triangles);
    renderer->setVertexCount(count);

    auto *material = new ShaderMaterial(QStringLiteral("label"), Blending::Alpha, entity);
    auto *texture = new Qt3DRender::QTexture2D(material);
    texture->setFormat(Qt3DRender::QAbstractTexture::RGBA8_UNorm);
    texture->setGenerateMipMaps(true);
    texture->setMinificationFilter(Qt3DRender::QAbstractTexture::LinearMipMapLinear);
    texture->setMagnificationFilter(Qt3DRender::QAbstractTexture::Linear);
    texture->addTextureImage(new AtlasImage(image, texture));
    material->addParameter(new Qt3DRender::QParameter(QStringLiteral("atlas"), texture, material));
    entity->addComponent(renderer);
    entity->addComponent(material);
    return entity;
}
