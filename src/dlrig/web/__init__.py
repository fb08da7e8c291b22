"""The web planner: ``dlrig serve`` (FastAPI, Jinja2 templates, hand-written CSS/JS, inline SVG).

Thin like the CLI: every route parses its input, calls one core function through
a service (``dlrig.services``) and renders. ``create_app`` in ``dlrig.web.app`` builds the app.
"""
