#version 330 core
// Backprop particles: camera-facing glowing discs, each travelling from `start` to `end`
// (output towards input), animated entirely here from the `time` uniform, so the buffer only
// changes when new gradients arrive.
in vec3 vertexPosition;
in vec4 instanceStart; // xyz, phase in w
in vec4 instanceEnd;   // xyz, speed (journeys per second) in w
in vec4 instanceColor; // rgb, radius in a
out vec2 corner;
out vec4 color;
uniform mat4 modelView;
uniform mat4 modelViewProjection;
uniform float time;
void main()
{
    float t = fract(instanceStart.w + time * instanceEnd.w);
    vec3 centre = mix(instanceStart.xyz, instanceEnd.xyz, t);
    corner = vertexPosition.xy;
    color = vec4(instanceColor.rgb, sin(3.14159 * t)); // fade in and out along the journey
    vec3 right = vec3(modelView[0][0], modelView[1][0], modelView[2][0]);
    vec3 up = vec3(modelView[0][1], modelView[1][1], modelView[2][1]);
    vec3 world = centre + (right * corner.x + up * corner.y) * instanceColor.a;
    gl_Position = modelViewProjection * vec4(world, 1.0);
}
