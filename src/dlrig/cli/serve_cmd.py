"""``dlrig serve``: the web planner (FastAPI on uvicorn), on loopback unless told otherwise."""

from __future__ import annotations

import typer

from dlrig.cli import app
from dlrig.cli.common import err, handle_errors

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port"),
) -> None:
    """Serve the web planner: GPU ranking, planner, checker, workload fit, and the JSON API under /api."""
    import uvicorn

    from dlrig.web.app import create_app

    if host not in LOOPBACK:
        err(f"warning: listening on {host}: anyone who can reach it can use the planner (no login)")
    err(f"dlrig: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
