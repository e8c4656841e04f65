#version 450
layout(location = 0) in vec3 vertexPosition;
layout(location = 2) in vec4 instanceStart;
layout(location = 3) in vec4 instanceEnd;
layout(location = 4) in vec4 instanceColor;
layout(location = 0) out vec2 corner;
layout(location = 1) out vec4 color;
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
    corner = vertexPosition.xy;
    color = vec4(instanceColor.rgb, sin(3.14159 * t));
    vec3 right = vec3(modelViewMatrix[0][0], modelViewMatrix[1][0], modelViewMatrix[2][0]);
    vec3 up = vec3(modelViewMatrix[0][1], modelViewMatrix[1][1], modelViewMatrix[2][1]);
    vec3 world = centre + (right * corner.x + up * corner.y) * instanceColor.a;
    gl_Position = mvp * vec4(world, 1.0);
}
