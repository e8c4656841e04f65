#version 450
layout(location = 0) in vec2 texCoord;
layout(location = 0) out vec4 fragColor;
layout(binding = 3) uniform sampler2D atlas;
void main()
{
    fragColor = texture(atlas, texCoord);
}
