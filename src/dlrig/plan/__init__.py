"""The build optimizer: candidate table, exact pruning, CP-SAT solver, explanations (docs/plan.md).

Import the parts you need (``dlrig.plan.plan.plan``); nothing is loaded here.
"""
