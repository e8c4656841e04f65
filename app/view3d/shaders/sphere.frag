#version 330 core
in vec2 corner;
in vec4 color;
out vec4 fragColor;
void main()
{
    float r2 = dot(corner, corner);
    if (r2 > 1.0)
        discard;
    // View-space normal of the sphere point under this pixel; light from the upper left.
    vec3 normal = vec3(corner, sqrt(1.0 - r2));
    float diffuse = max(dot(normal, normalize(vec3(-0.4, 0.6, 0.7))), 0.0);
    float rim = smoothstep(0.75, 1.0, r2) * 0.25;
    vec3 lit = color.rgb * (0.35 + 0.65 * diffuse) + rim * color.rgb;
    fragColor = vec4(mix(lit, color.rgb, color.a * 0.55), 1.0);
}
