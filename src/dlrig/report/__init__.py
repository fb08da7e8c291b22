"""Exports and pictures: PCPartPicker tables, markdown, CSV, the HTML report, SVG/PNG charts.

Renderers here are pure (objects in, text out); ``dlrig.report.plots`` and the CLI write files.
"""
