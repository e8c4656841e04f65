#version 450
layout(location = 0) in vec3 normal;
layout(location = 1) in vec4 color;
layout(location = 0) out vec4 fragColor;
void main()
{
    float diffuse = max(dot(normalize(normal), normalize(vec3(-0.45, 0.75, 0.55))), 0.0);
    vec3 lit = color.rgb * (0.38 + 0.62 * diffuse);
    fragColor = vec4(mix(lit, color.rgb, color.a * 0.6), 1.0);
}
