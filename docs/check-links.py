#!/usr/bin/env python3
"""Checks every relative Markdown link in README.md and docs/: the file exists, and a #fragment names a heading.

Run by hand from the repository root: python3 docs/check-links.py (exit 1 and one line per broken link)."""
import pathlib
import re
import sys

LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*)$")
FENCE = re.compile(r"^\s*```")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path):
    found, fenced = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := HEADING.match(line)):
            found.add(slug(m.group(1)))
    return found


def links(path):
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            for target in LINK.findall(line):
                yield number, target


def main():
    root = pathlib.Path.cwd()
    files = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    broken = 0
    for source in files:
        for number, target in links(source):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: not checked here
            name, _, fragment = target.partition("#")
            resolved = (source.parent / name).resolve() if name else source
            problem = None
            if not resolved.exists():
                problem = "no such file"
            elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
                problem = "no heading #" + fragment
            if problem:
                broken += 1
                print(f"{source.relative_to(root)}:{number}: {target}: {problem}")
    print(f"{broken} broken link(s) in {len(files)} files", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
