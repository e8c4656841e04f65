#version 330 core
// Neuron spheres as impostors: one camera-facing quad per instance (2 triangles instead of
// ~200), shaded as a sphere in the fragment shader. vertexPosition.xy is the quad corner (+-1).
in vec3 vertexPosition;
in vec4 instanceOffset; // centre xyz, radius w
in vec4 instanceColor;  // rgb, glow in a
out vec2 corner;
out vec4 color;
uniform mat4 modelView;
uniform mat4 modelViewProjection;
void main()
{
    corner = vertexPosition.xy;
    color = instanceColor;
    // The camera's right and up axes in world space are the first two rows of the view rotation.
    vec3 right = vec3(modelView[0][0], modelView[1][0], modelView[2][0]);
    vec3 up = vec3(modelView[0][1], modelView[1][1], modelView[2][1]);
    vec3 world = instanceOffset.xyz + (right * corner.x + up * corner.y) * instanceOffset.w;
    gl_Position = modelViewProjection * vec4(world, 1.0);
}
