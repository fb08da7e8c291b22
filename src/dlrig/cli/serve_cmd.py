"""``dlrig serve``: the web planner (FastAPI on uvicorn), on loopback unless told otherwise.

The server is bounded (docs/web.md, "Limits"): plans run in ``--workers`` processes and a plan
beyond them is answered 503 with ``Retry-After``; request bodies, header reading, idle
connections and open connections have limits (``dlrig.web.limits`` and the uvicorn settings here).
"""

from __future__ import annotations

import typer

from dlrig.cli import app
from dlrig.cli.common import err, handle_errors
from dlrig.errors import BadInput

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_CONNECTIONS = 512  # open connections (and requests in progress) before uvicorn answers 503
KEEP_ALIVE_S = 5  # an idle kept-alive connection is closed after this long
MAX_HEADER_BYTES = 64 * 1024  # request line and headers (an export link carries its build in the query)
SHUTDOWN_S = 10  # Ctrl-C waits this long for requests in progress


@app.command()
@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port"),
    workers: int = typer.Option(2, "--workers", min=1, max=64, help="plans solved at once, each in its own "
                                "process (1-64, default 2); a plan beyond them gets HTTP 503 with Retry-After"),
) -> None:
    """Serve the web planner: GPU ranking, planner, checker, workload fit, and the JSON API under /api."""
    import uvicorn

    from dlrig.web.app import create_app
    from dlrig.web.limits import header_timeout_protocol

    if host not in LOOPBACK:
        err(f"warning: listening on {host}: anyone who can reach it can use the planner (no login)")
    web = create_app(workers=workers)
    err(f"dlrig: starting {workers} planner worker process{'es' if workers != 1 else ''}")
    web.state.pool.start()
    err(f"dlrig: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl-C stops)")
    config = uvicorn.Config(web, host=host, port=port, log_level="warning", http=header_timeout_protocol(),
                            timeout_keep_alive=KEEP_ALIVE_S, limit_concurrency=MAX_CONNECTIONS,
                            h11_max_incomplete_event_size=MAX_HEADER_BYTES, timeout_graceful_shutdown=SHUTDOWN_S)
    try:
        uvicorn.Server(config).run()
    except SystemExit as exc:  # uvicorn's own exit: the address is taken or cannot be bound
        if exc.code not in (0, None):
            raise BadInput(f"cannot serve on {host}:{port} (uvicorn's message above says why)", field="port") from None
    finally:
        web.state.pool.close()
