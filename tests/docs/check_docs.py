#!/usr/bin/env python3
"""The documentation's links and pictures hold together.

Checks README.md, TUTORIAL.md and docs/teaching/*.md:
- every relative link and image points at a file that exists, and every #anchor at a heading of
  that file (GitHub's heading ids);
- every picture they show lies in docs/images/ and is one scripts/screenshots makes (listed in
  scripts/screenshots.d/images.txt), so regenerating the pictures regenerates all of them;
- every PNG in docs/images/ is listed there, shown by some document, a real PNG, and small enough
  for the repository.
Usage: check_docs.py SOURCE_DIR
"""
import re
import sys
from pathlib import Path

MAX_IMAGE_BYTES = 400 * 1024
LINK = re.compile(r'(!?)\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
HTML_IMAGE = re.compile(r'<img\s[^>]*src="([^"]+)"', re.IGNORECASE)
FENCE = re.compile(r'^(```|~~~)')


def prose(text):
    """The text without fenced code blocks and inline code (links there are not links)."""
    lines, inside = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            inside = not inside
            continue
        lines.append('' if inside else re.sub(r'`[^`]*`', '', line))
    return '\n'.join(lines)


def anchors(path):
    """GitHub's ids for the headings of a Markdown file."""
    found, seen = set(), {}
    for line in prose(path.read_text(encoding='utf-8')).splitlines():
        match = re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
        if not match:
            continue
        slug = re.sub(r'[^\w\- ]', '', match.group(1).strip().lower()).replace(' ', '-')
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f'{slug}-{count}')
    return found


def main():
    root = Path(sys.argv[1]).resolve()
    images_dir = root / 'docs' / 'images'
    listed = {}
    for line in (root / 'scripts' / 'screenshots.d' / 'images.txt').read_text(encoding='utf-8').splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            fields = line.split()
            if len(fields) != 3 or not fields[2].isdigit():
                print(f'images.txt: not "<name> <source> <width>": {line}')
                return 1
            listed[fields[0]] = fields[1]

    documents = [root / 'README.md', root / 'TUTORIAL.md'] + sorted((root / 'docs' / 'teaching').glob('*.md'))
    problems, shown = [], set()
    for document in documents:
        if not document.exists():
            problems.append(f'{document.relative_to(root)} is missing')
            continue
        name = document.relative_to(root)
        text = prose(document.read_text(encoding='utf-8'))
        targets = [(bang == '!', target) for bang, target in LINK.findall(text)]
        targets += [(True, target) for target in HTML_IMAGE.findall(text)]
        for is_image, target in targets:
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):  # http:, https:, mailto:
                continue
            path_part, _, anchor = target.partition('#')
            resolved = (document.parent / path_part).resolve() if path_part else document
            if not resolved.exists():
                problems.append(f'{name}: link to {target}: no such file')
                continue
            if anchor and resolved.suffix == '.md' and anchor not in anchors(resolved):
                problems.append(f'{name}: link to {target}: no heading with the id "{anchor}"')
            if is_image:
                if resolved.parent != images_dir:
                    problems.append(f'{name}: picture {target} is not in docs/images/ (made by scripts/screenshots)')
                elif resolved.name not in listed:
                    problems.append(f'{name}: picture {target} is not in scripts/screenshots.d/images.txt')
                shown.add(resolved.name)

    pngs = sorted(p.name for p in images_dir.glob('*.png')) if images_dir.exists() else []
    for png in pngs:
        data = (images_dir / png).read_bytes()
        if not data.startswith(b'\x89PNG\r\n\x1a\n'):
            problems.append(f'docs/images/{png} is not a PNG')
        if len(data) > MAX_IMAGE_BYTES:
            problems.append(f'docs/images/{png} is {len(data) // 1024} KiB (at most {MAX_IMAGE_BYTES // 1024})')
        if png not in listed:
            problems.append(f'docs/images/{png} is not made by scripts/screenshots (not in images.txt)')
        if png not in shown:
            problems.append(f'docs/images/{png} is shown by no document')
    for name in sorted(set(listed) - set(pngs)):
        problems.append(f'images.txt lists {name}, but docs/images/ has no such file (run scripts/screenshots)')
    for name in sorted(set(listed) - shown):
        if name in pngs:
            continue  # reported above
        problems.append(f'images.txt lists {name}, but no document shows it')

    for problem in problems:
        print(problem)
    print(f'{len(documents)} documents, {len(shown)} pictures shown, {len(pngs)} in docs/images, '
          f'{len(listed)} listed: {len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
