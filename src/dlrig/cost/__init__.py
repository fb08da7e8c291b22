"""Cost of ownership (docs/domain.md section 7): purchase, running cost, prebuilt boxes, cloud rental.

Modules: ``purchase`` (dated prices, tax, shipping), ``running`` (wall power, kWh price),
``cloud`` (price files, nearest instance, break-even, resale), ``prebuilt`` (the dated table of
prebuilt machines), ``ownership`` (``cost_report``, the one function ``dlrig cost`` calls),
``report`` (the report as plain data for ``--json``), ``assumptions`` (named defaults, sourced).
Data under ``data/`` is read on first use, never at import.
"""
