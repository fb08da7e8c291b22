"""Where a surface says how to show slow work; the core asks here and stays silent by default.

The CLI installs a spinner; the Python API and the web app leave it empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

reporter_factory: Callable[[], Any] | None = None
