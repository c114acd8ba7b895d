"""Rewrites the generated part of a page in docs/: the lines between two HTML-comment
markers, so that the prose around a results table stays as written. make formal and
make coverage use it (scripts/formal.py, scripts/coverage.py)."""

import sys
from pathlib import Path


def replace_section(path, begin, end, lines, tool):
    """Puts `lines` between the markers `begin` and `end` of the page at `path` (a new
    page holds only the markers). A page without both markers is left alone, and `tool`
    says so on stderr."""
    path = Path(path)
    text = path.read_text() if path.exists() else f"{begin}\n{end}\n"
    if begin not in text or end not in text:
        print(f"{tool}: {path} has no result markers; not updated", file=sys.stderr)
        return False
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(head + "\n".join([begin, ""] + list(lines) + ["", end]) + tail)
    return True
