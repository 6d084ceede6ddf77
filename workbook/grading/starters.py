"""Is a starter untouched? Fingerprints of the starters as shipped, in exercises/starters.sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..launcher import LANGUAGES
from ..paths import EXERCISES
from .exercises import Exercise, exercises

STARTERS_RECORD = EXERCISES / "starters.sha256"  # fingerprints of the untouched starters


def fingerprint(directory: Path) -> str:
    """sha256 over a directory's files (names and bytes), ignoring caches and hidden files."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if path.is_file() and not any(p.startswith((".", "__pycache__")) for p in relative.parts):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_starters() -> dict[str, str]:
    """The committed fingerprints of the untouched starters: "NN_slug/language" -> sha256."""
    if not STARTERS_RECORD.exists():
        return {}
    pairs = (line.split() for line in STARTERS_RECORD.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def record_starters() -> None:
    """Write exercises/starters.sha256 from the starters as they are now (after changing a starter)."""
    lines = [
        f"{fingerprint(e.source(lang))}  {e.name}/{lang}"
        for e in exercises()
        for lang in LANGUAGES
        if e.source(lang).is_dir()
    ]
    STARTERS_RECORD.write_text("\n".join(lines) + "\n")


def untouched(exercise: Exercise, language: str) -> bool:
    """True while the learner's copy is byte for byte the starter the workbook ships."""
    recorded = recorded_starters().get(f"{exercise.name}/{language}")
    return recorded == fingerprint(exercise.source(language))
