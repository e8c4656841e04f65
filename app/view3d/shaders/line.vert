#version 330 core
// Connection segments: per-vertex position and colour (alpha = |weight| strength).
in vec3 vertexPosition;
in vec4 vertexColor;
out vec4 color;
uniform mat4 modelViewProjection;
void main()
{
    color = vertexColor;
    gl_Position = modelViewProjection * vec4(vertexPosition, 1.0);
}
