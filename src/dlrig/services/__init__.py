"""One road from a user's question to its answer: the service layer.

Each module answers one question with one function over typed requests, returning a result
object whose ``to_json()`` is the document every surface shows: ``dlrig ... --json`` prints it,
the web API returns it, the web pages and the HTML report lay it out. The surfaces parse their
input (``inputs``: builds in any format, price books, this host's saved bench), call a service
and render; they compute nothing of their own.

    check     a build against every rule                 check.check(CheckRequest)
    estimate  a workload on a build or a bare GPU        estimate.estimate(EstimateRequest)
    fit       which GPUs hold a workload, how many       fit.fit(FitRequest)
    ranking   GPUs by FLOP/s per dollar                  ranking.rank(RankingRequest)
    plan      the best build for a goal; the frontier    plan.plan(PlanQuery), plan.frontier(...)
    cost      ownership, prebuilt boxes and the cloud    cost.cost(CostRequest)
    export    a build as text (PCPartPicker, YAML, HTML) export.export(ExportRequest)
"""
