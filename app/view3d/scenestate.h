// What the 3D view draws, as plain data. The GUI thread prepares it (NetworkScene: instance,
// line, particle and label buffers; NetworkView: the camera) and hands it to the Qt 3D engine on
// the render thread (ViewEngine) through a SceneChannel (scenechannel.h).
#pragma once

#include <QByteArray>
#include <QColor>
#include <QImage>
#include <QVector3D>

#include <vector>

struct CameraState
{
    QVector3D position{0, 0, 40};
    QVector3D viewCenter;
    QVector3D up{0, 1, 0};
    float fieldOfView = 40.0f; // vertical, degrees
    float aspectRatio = 16.0f / 9.0f;
    float nearPlane = 0.5f;
    float farPlane = 1000.0f;
};

// Continuous: render every frame the renderer can make (bench capacity figure);
// Capped: advance the particle clock `animationHz` times a second, render on demand.
enum class AnimationMode { Off, Capped, Continuous };

struct SceneState
{
    enum Part : unsigned {
        Offsets = 1u << 0,
        Colors = 1u << 1,
        Lines = 1u << 2,
        Particles = 1u << 3,
        Labels = 1u << 4,
        Visibility = 1u << 5,
        Camera = 1u << 6,
        Animation = 1u << 7,
        Redraw = 1u << 8, // nothing changed, but draw a frame (expose, capture)
        Theme = 1u << 9, // background colour and how connections blend
        All = (1u << 10) - 1,
    };
    int tileCount = 0; // input pixels drawn as flat tiles (first instances)
    int sphereCount = 0; // every other neuron
    QByteArray tileOffsets, sphereOffsets; // vec4 (xyz, size) per instance
    QByteArray tileColors, sphereColors; // vec4 rgba per instance
    QByteArray lines; // 7 floats (xyz rgba) per vertex
    int lineVertices = 0;
    QByteArray particles; // 12 floats per particle
    int particleCount = 0;
    QImage labelAtlas;
    std::vector<float> labelVertices; // x y z u v per vertex
    bool linesVisible = true;
    bool particlesVisible = true;
    bool labelsVisible = true;
    CameraState camera;
    AnimationMode animation = AnimationMode::Off;
    QColor background{0x0b, 0x10, 0x20};
    bool additiveBlending = true; // lines and particles glow on a dark background
    int animationHz = 30;
};
