"""Verify a real machine: ``probe`` says what it is, ``bench`` measures what it does.

Nothing here touches hardware at import: every reader runs inside a function, NVML is
initialised by the backend that needs it, and Rich lives only in the CLI.
"""
