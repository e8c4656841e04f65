#version 450
layout(location = 0) in vec3 vertexPosition;
layout(location = 2) in vec4 instanceStart;
layout(location = 3) in vec4 instanceEnd;
layout(location = 4) in vec4 instanceColor;
layout(location = 0) out vec4 color;
layout(std140, binding = 1) uniform qt3d_command_uniforms {
    mat4 modelMatrix; mat4 inverseModelMatrix; mat4 modelViewMatrix; mat3 modelNormalMatrix;
    mat4 inverseModelViewMatrix; mat4 mvp; mat4 inverseModelViewProjectionMatrix;
};
layout(std140, binding = 2) uniform particle_uniforms {
    float time;
};
void main()
{
    float t = fract(instanceStart.w + time * instanceEnd.w);
    vec3 centre = mix(instanceStart.xyz, instanceEnd.xyz, t);
    color = vec4(instanceColor.rgb, sin(3.14159 * t));
    gl_Position = mvp * vec4(vertexPosition * instanceColor.a + centre, 1.0);
}
