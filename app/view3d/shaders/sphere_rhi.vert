#version 450
layout(location = 0) in vec3 vertexPosition;
layout(location = 2) in vec4 instanceOffset;
layout(location = 3) in vec4 instanceColor;
layout(location = 0) out vec2 corner;
layout(location = 1) out vec4 color;
layout(std140, binding = 1) uniform qt3d_command_uniforms {
    mat4 modelMatrix; mat4 inverseModelMatrix; mat4 modelViewMatrix; mat3 modelNormalMatrix;
    mat4 inverseModelViewMatrix; mat4 mvp; mat4 inverseModelViewProjectionMatrix;
};
void main()
{
    corner = vertexPosition.xy;
    color = instanceColor;
    vec3 right = vec3(modelViewMatrix[0][0], modelViewMatrix[1][0], modelViewMatrix[2][0]);
    vec3 up = vec3(modelViewMatrix[0][1], modelViewMatrix[1][1], modelViewMatrix[2][1]);
    vec3 world = instanceOffset.xyz + (right * corner.x + up * corner.y) * instanceOffset.w;
    gl_Position = mvp * vec4(world, 1.0);
}
