// All text labels of the scene (layer titles, output digits) painted once into one texture and
// drawn as textured quads in a single draw call. Replaces one Qt 3D text entity per label,
// which cost more than all neurons together on a software renderer.
#pragma once

#include <QColor>
#include <QImage>
#include <QString>
#include <QVector3D>

#include <vector>

namespace Qt3DCore {
class QEntity;
}

struct SceneLabel
{
    QString text;
    QVector3D anchor; // bottom-left corner of the text in the world (x-y plane, facing +z)
    float height = 1.0f; // world units
    QColor color;
    bool bold = true;
};

class LabelAtlas
{
public:
    // Paints the atlas image and the quad vertices (x y z u v per vertex, 6 per label).
    static QImage paint(const std::vector<SceneLabel> &labels, std::vector<float> *vertices);
    // An entity drawing `labels` under `parent`.
    static Qt3DCore::QEntity *createEntity(const std::vector<SceneLabel> &labels, Qt3DCore::QEntity *parent);
    // The same from an atlas painted beforehand (paint() runs where the fonts are: the GUI thread).
    static Qt3DCore::QEntity *createEntity(const QImage &atlas, const std::vector<float> &vertices,
                                           Qt3DCore::QEntity *parent);
};
