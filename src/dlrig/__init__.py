"""dlrig: plan, check and verify deep-learning machines."""

__version__ = "0.1.0"
