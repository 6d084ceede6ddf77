"""The learner's own copy of the lessons: what `make lab` opens, so the tracked notebooks stay as
shipped (autosave, outputs, edits all land in the copy, which git ignores).

    python tools/my_lessons.py prepare      # copy every lesson my-lessons/ does not have yet
    python tools/my_lessons.py reset 03     # put lesson 03 back as shipped (the old copy is kept)

`make test` compares the tracked notebooks/, never my-lessons/.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "notebooks"
MINE = ROOT / "my-lessons"


def prepare(shipped: Path = SHIPPED, mine: Path = MINE) -> list[str]:
    """Copy each shipped lesson that the learner's folder lacks; the names copied."""
    mine.mkdir(exist_ok=True)
    copied = []
    for lesson in sorted(shipped.glob("*.ipynb")):
        if not (mine / lesson.name).exists():
            shutil.copy2(lesson, mine / lesson.name)
            copied.append(lesson.name)
    return copied


def reset(number: str, shipped: Path = SHIPPED, mine: Path = MINE) -> str:
    """Replace the learner's copy of lesson `number` with the shipped one; keep theirs as .bak."""
    found = sorted(shipped.glob(f"{int(number):02}_*.ipynb"))
    if not found:
        names = ", ".join(path.name[:2] for path in sorted(shipped.glob("*.ipynb")))
        raise SystemExit(f"no lesson {number}: the lessons are {names}")
    lesson = found[0]
    mine.mkdir(exist_ok=True)
    if (mine / lesson.name).exists():
        backup = mine / f"{lesson.stem}.{time.strftime('%Y%m%d-%H%M%S')}.bak.ipynb"
        (mine / lesson.name).rename(backup)
        print(f"your copy is kept as {backup.relative_to(ROOT) if backup.is_relative_to(ROOT) else backup}")
    shutil.copy2(lesson, mine / lesson.name)
    return lesson.name


def main(args: list[str]) -> int:
    if args[:1] == ["prepare"]:
        for name in prepare():
            print(f"my-lessons/{name}: a fresh copy of notebooks/{name}")
        return 0
    if args[:1] == ["reset"] and len(args) == 2:
        print(f"my-lessons/{reset(args[1])}: back as shipped")
        return 0
    print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
