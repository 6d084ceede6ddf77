"""Where things live in the workbook checkout."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ROOT / "servers"
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"
BUILD = ROOT / ".build"
