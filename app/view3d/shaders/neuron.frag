#version 330 core
in vec3 normal;
in vec4 color;
out vec4 fragColor;
void main()
{
    // One fixed world-space light plus ambient; `color.a` adds a self-lit glow for active neurons.
    float diffuse = max(dot(normalize(normal), normalize(vec3(-0.45, 0.75, 0.55))), 0.0);
    vec3 lit = color.rgb * (0.38 + 0.62 * diffuse);
    fragColor = vec4(mix(lit, color.rgb, color.a * 0.6), 1.0);
}
