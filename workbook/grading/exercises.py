"""Where the exercises are: each directory exercises/NN_slug/, its hints and its checks."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..paths import EXERCISES, SOLUTIONS
from .api import Check


@dataclass(frozen=True)
class Exercise:
    """One exercise directory, exercises/NN_slug/."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name  # "03_respect_methods"

    @property
    def number(self) -> str:
        return self.name[:2]

    @property
    def title(self) -> str:
        """The first heading of its README.md."""
        readme = self.path / "README.md"
        for line in readme.read_text(encoding="utf-8").splitlines() if readme.exists() else []:
            if line.startswith("# "):
                return line[2:].strip()
        return self.name

    def source(self, language: str, solution: bool = False) -> Path:
        """The learner's server (or the solution) in one language: a directory the launcher runs."""
        return (SOLUTIONS / self.name if solution else self.path) / language


def exercises() -> list[Exercise]:
    """Every exercise, in order: the directories exercises/NN_slug/."""
    return [Exercise(p) for p in sorted(EXERCISES.glob("[0-9][0-9]_*")) if p.is_dir()]


def find_exercise(wanted: str) -> Exercise:
    """An exercise by number ("3", "03"), full name or slug; ValueError naming the choices."""
    for exercise in exercises():
        if (wanted.isdigit() and int(wanted) == int(exercise.number)) or wanted in (
            exercise.name,
            exercise.name[3:],
        ):
            return exercise
    known = ", ".join(e.number for e in exercises())
    raise ValueError(f"there is no exercise {wanted!r}; the exercises are {known} (see exercises/README.md)")


def load_checks(exercise: Exercise) -> tuple[ModuleType, list[Check]]:
    """The exercise's checks.py as a module, and its checks in the order they are written."""
    spec = importlib.util.spec_from_file_location(f"checks_{exercise.name}", exercise.path / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, [value for value in vars(module).values() if isinstance(value, Check)]


def hints(exercise: Exercise) -> dict[int, tuple[str, str]]:
    """The numbered sections of HINTS.md: number -> (title, text). Headings: `## 2. Title`."""
    path = exercise.path / "HINTS.md"
    found: dict[int, tuple[str, str]] = {}
    if not path.exists():
        return found
    parts = re.split(r"^## (\d+)\.\s*(.*)$", path.read_text(encoding="utf-8"), flags=re.M)
    for number, title, text in zip(parts[1::3], parts[2::3], parts[3::3]):
        found[int(number)] = (title.strip(), text.strip())
    return found
