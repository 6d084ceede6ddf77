"""Tools for one lesson each: the probes, tables and clients the notebooks call by name.

Each module names its lesson in its first line. They build on the core (`workbook.serve`, the wire
view, `table`) and know nothing of grading.
"""
