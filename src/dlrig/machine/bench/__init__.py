"""``dlrig bench``: measure what this machine does, beside what it should reach.

One module per kind of measurement (``cpu``, ``disk``, ``decode``, ``gpu``), the expected
figures in ``expected``, the seed post's claims in ``claims``, and ``runner`` that runs
them in a temporary folder it always removes. No Rich here: progress goes to a reporter.
"""
