#version 330 core
// Instanced neuron spheres: the unit sphere scaled by instanceOffset.w and moved to .xyz.
in vec3 vertexPosition;
in vec3 vertexNormal;
in vec4 instanceOffset; // centre xyz, radius w
in vec4 instanceColor;  // rgb, glow in a
out vec3 normal;
out vec4 color;
uniform mat4 modelViewProjection;
void main()
{
    normal = vertexNormal;
    color = instanceColor;
    gl_Position = modelViewProjection * vec4(vertexPosition * instanceOffset.w + instanceOffset.xyz, 1.0);
}
