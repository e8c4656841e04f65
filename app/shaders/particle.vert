#version 330 core
// Backprop particles: each instance travels from `start` to `end` (output towards input),
// animated entirely here from the `time` uniform, so the buffer only changes when new
// gradients arrive.
in vec3 vertexPosition;
in vec4 instanceStart; // xyz, phase in w
in vec4 instanceEnd;   // xyz, speed (journeys per second) in w
in vec4 instanceColor; // rgb, radius in a
out vec4 color;
uniform mat4 modelViewProjection;
uniform float time;
void main()
{
    float t = fract(instanceStart.w + time * instanceEnd.w);
    vec3 centre = mix(instanceStart.xyz, instanceEnd.xyz, t);
    // Fade in and out at the ends of the journey.
    color = vec4(instanceColor.rgb, sin(3.14159 * t));
    gl_Position = modelViewProjection * vec4(vertexPosition * instanceColor.a + centre, 1.0);
}
