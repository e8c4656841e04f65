#version 450
layout(location = 0) in vec2 corner;
layout(location = 1) in vec4 color;
layout(location = 0) out vec4 fragColor;
void main()
{
    float r2 = dot(corner, corner);
    if (r2 > 1.0)
        discard;
    float glow = (1.0 - r2) * color.a;
    fragColor = vec4(color.rgb * (0.6 + 0.4 * glow), glow);
}
