"""The seed post's claims, each checked with dlrig's own tools: held, flagged, or dated.

The post (Joseph Redmon, "Hardware Guide: Neural Networks on GPUs", pjreddie.com, 2015) is a
list of claims a careful builder makes.
``seed_claims`` runs each one through the same catalog, checker, workload model and cost
arithmetic as every other command, and says what the evidence is and where it comes from.
Pure: it returns records; the CLI (``dlrig seed``) renders them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dlrig.build import Build, parse_build_text, resolve_build

if TYPE_CHECKING:
    from dlrig.catalog.protocol import CatalogQueries
    from dlrig.catalog.ranking import Ranking
    from dlrig.workload.estimate import Estimate

Verdict = Literal["holds", "flagged", "dated", "unverified"]
SEED_BUILD = Path(__file__).parent / "data" / "seed-2015.yaml"  # the post's parts, as a build file

# The "100x faster" claim: the i7-5820K's base clock is 3.3 GHz (Intel ARK; docyx lists the same);
# its FP32 FLOPs per cycle come from its microarchitecture (dlrig.workload.cpu_train).
I7_5820K_BASE_GHZ = 3.3
MODELS_2015 = ("alexnet", "vgg16", "inception_v3", "resnet50")  # the "big models" of 2015
MODELS_TODAY = ("llama-3-8b",)
CPU_CLAIM = "GPUs are more than 100x faster for training and testing neural networks than a CPU"


@dataclass(frozen=True)
class Claim:
    topic: str
    quote: str  # the post's words
    verdict: Verdict
    evidence: str  # what dlrig found, with its numbers
    source: str  # which dlrig model or data set gave the evidence


def seed_build(catalog: CatalogQueries) -> Build:
    """The post's parts as a build (a file packaged with dlrig)."""
    spec = parse_build_text(SEED_BUILD.read_text(encoding="utf-8"), str(SEED_BUILD))
    return resolve_build(spec, catalog, origin=str(SEED_BUILD))


def seed_claims(catalog: CatalogQueries) -> list[Claim]:
    build = seed_build(catalog)
    checks = [_gpu_table, _titan_x_tflops, _teslas, _vram, _psu, _ram, _ssd, _cpu_vs_gpu, _cores, _cost, _qvo]
    return [c(catalog, build) for c in checks]


def _ranking(catalog: CatalogQueries) -> Ranking:
    from dlrig.catalog.ranking import rank_gpus

    return rank_gpus(catalog, catalog.price_book("seed-2015"), "fp32")


def _gpu_table(catalog: CatalogQueries, build: Build) -> Claim:
    rows = _ranking(catalog).rows
    table = "; ".join(f"{r.label} ${r.price.usd:,.0f} {r.tflops:.1f} TFLOPS {r.gflops_per_usd:.1f} GFLOPS/$"
                      for r in rows)
    best = max(rows, key=lambda r: r.gflops_per_usd)
    verdict: Verdict = "holds" if best.label == "GTX 980 Ti" else "flagged"
    return Claim("GPU table", "From an efficiency standpoint the 980 Ti comes out ahead.", verdict,
                 f"reproduced from the seed-2015 book: {table}; best GFLOPS/$: {best.label}",
                 "dlrig gpus --prices seed-2015 (prices and TFLOPS as quoted)")


def _titan_x_tflops(catalog: CatalogQueries, build: Build) -> Claim:
    gpu = build.gpus[0]
    tf = gpu.fp32_tflops or 0.0
    verdict: Verdict = "holds" if 6.0 <= tf < 7.0 else "flagged"
    return Claim("TITAN X", "they pack almost 7 TFLOPS of processing power for only $1,000", verdict,
                 f"{gpu.name}: {tf:.2f} TFLOPS FP32 at its boost clock (the post's table rounds to 6.9)",
                 f"catalog: {gpu.source_of('fp32_tflops')}")


def _teslas(catalog: CatalogQueries, build: Build) -> Claim:
    rows = _ranking(catalog).rows
    flagged = [r.label for r in rows if any("double-precision" in n for n in r.notes)]
    verdict: Verdict = "holds" if {"Tesla K40", "Tesla K80"} <= set(flagged) else "flagged"
    return Claim("Teslas", "do not, for any reason, get Teslas", verdict,
                 f"flagged as double-precision cards at a markup: {', '.join(flagged) or 'none'}",
                 "dlrig gpus: FP64/FP32 >= 1/3 and >= 3x the best cost per FLOP/s")


def _vram(catalog: CatalogQueries, build: Build) -> Claim:
    from dlrig.errors import DlrigError
    from dlrig.workload.estimate import Machine, WorkloadRequest, estimate

    gpu = build.gpus[0]
    machine = Machine(gpu=gpu, gpus=1)
    fits: list[str] = []
    not_fit: list[str] = []
    for key in (*MODELS_2015, *MODELS_TODAY):
        try:
            est = estimate(WorkloadRequest(model=key, precision="fp32" if key in MODELS_2015 else "bf16"), machine)
        except DlrigError:
            continue
        (fits if est.memory.fits else not_fit).append(f"{est.model.name} ({est.memory.per_gpu_gb:.1f} GB)")
    verdict: Verdict = "dated" if not_fit else "holds"  # true of 2015's models, not of today's
    return Claim("VRAM", "With 12 GB of VRAM they can run all the big models with plenty of room to spare",
                 verdict, f"on {gpu.vram_gb:g} GB, training at the reference batch fits: {', '.join(fits)}; "
                 f"does not fit: {', '.join(not_fit) or 'none'}",
                 "dlrig estimate memory model (weights, gradients, optimizer, activations, overhead)")


def _psu(catalog: CatalogQueries, build: Build) -> Claim:
    from dlrig.rules.power import budget_of

    b = budget_of(build)
    psu = build.psu
    watts = psu.wattage_w if psu else None
    verdict: Verdict = "holds" if watts and watts >= b.recommended_psu_w else "flagged"
    return Claim("PSU", "Each of our cards will draw around 250 watts ... we need over a kilowatt", verdict,
                 f"DC load {b.dc_w:,.0f} W (GPUs {b.gpus_w:,.0f} W, CPU {b.cpu_w:,.0f} W, rest {b.rest_w:,.0f} W); "
                 f"Dettmers' PSU size {b.recommended_psu_w:,.0f} W; the post's PSU {watts or 0:,.0f} W",
                 "dlrig.power (Dettmers' rule: (CPU + GPUs) x 1.1 x 1.1)")


def _ram(catalog: CatalogQueries, build: Build) -> Claim:
    vram = sum(g.vram_gb or 0 for g in build.gpus)
    ram = build.ram_gb or 0
    return Claim("RAM", "32 GB should be sufficient, even though it means we have less RAM than VRAM!", "flagged",
                 f"{ram:g} GB RAM for {vram:g} GB of GPU memory: below the rule of thumb of 2 x ({2 * vram:g} GB); "
                 "dlrig check reports RAM-VRAM", "rule RAM-VRAM (Puget Systems' rule of thumb)")


def _estimate_seed(build: Build) -> Estimate:
    from dlrig.workload.estimate import estimate, machine_from_build, request_from_build

    return estimate(request_from_build(build), machine_from_build(build))


def _ssd(catalog: CatalogQueries, build: Build) -> Claim:
    est = _estimate_seed(build)
    stages = {s.name: s for s in est.pipeline.stages}
    disk = stages.get("storage read")
    per_image_kb = 1000 * est.pipeline.demand_mb_s / est.pipeline.demand_samples_per_s
    supply = disk.supply_samples_per_s if disk else None
    demand = est.pipeline.demand_samples_per_s
    if supply is None:
        conclusion = "the drive's throughput is unknown, so the conclusion is unchecked"
    elif supply >= demand:
        conclusion = (f"the conclusion holds: one {build.storage[0].name} supplies ~{supply:,.0f} images/s against "
                      f"the GPUs' ~{demand:,.0f}/s (bottleneck: {est.pipeline.bottleneck})")
    else:
        conclusion = (f"the conclusion does not hold: one {build.storage[0].name} supplies ~{supply:,.0f} images/s "
                      f"against the GPUs' ~{demand:,.0f}/s")
    # flagged either way where the drive is known: the post's 16 MB/s arithmetic is off by 7x
    return Claim("SSD", "it's loading around 1,000 images (about 16 MB) per second! ... loading from disk will not "
                 "be your bottleneck", "unverified" if supply is None else "flagged",
                 f"{conclusion}; but 1,000 ImageNet JPEGs are ~{per_image_kb:,.0f} MB/s, not 16 MB/s "
                 f"({per_image_kb:,.0f} KB per image)", "dlrig estimate data-pipeline model; ImageNet train-set size; "
                 f"the drive's throughput: {build.storage[0].source_of('random_reads_per_s')}")


def _cpu_vs_gpu(catalog: CatalogQueries, build: Build) -> Claim:
    """The post's box training its own workload (ResNet-50, fp32) against its CPU training alone."""
    from dlrig.workload.cpu_train import CpuRate, cpu_training

    est, cpu = _estimate_seed(build), build.cpu
    if cpu is None:
        return Claim("GPU vs CPU", CPU_CLAIM, "unverified", "the build has no CPU", "catalog")
    rate = CpuRate.of(cpu, clock_ghz=I7_5820K_BASE_GHZ)
    typical, tuned = (cpu_training(est.model, rate, software) for software in ("typical", "tuned"))
    gpus = est.throughput.samples_per_s
    lo, hi = est.throughput.range
    ratio, per_card = gpus / typical.samples_per_s, gpus / typical.samples_per_s / build.gpu_count
    verdict: Verdict = "holds" if lo / typical.range[1] >= 100 else "flagged"
    return Claim("GPU vs CPU", CPU_CLAIM, verdict,
                 f"training {est.model.name} ({est.precision}): {build.gpu_count} x {build.gpus[0].name} "
                 f"~{gpus:,.0f} images/s (range {lo:,.0f}-{hi:,.0f}) against ~{typical.samples_per_s:.1f} "
                 f"(range {typical.range[0]:.1f}-{typical.range[1]:.1f}) for the {cpu.name} alone with typical "
                 f"software of the time (BVLC Caffe + MKL; {tuned.samples_per_s:.1f} with Intel's optimized Caffe): "
                 f"~{ratio:.0f}x for the box (range {lo / typical.range[1]:.0f}-{hi / typical.range[0]:.0f}x), "
                 f"~{per_card:.0f}x per card, {gpus / tuned.samples_per_s:.0f}x against tuned CPU code",
                 "dlrig estimate (GPU throughput) and dlrig estimate --cpu-only (the CPU's FP32 rate at its 3.3 GHz "
                 "base clock x the training efficiency measured on a 6-core Haswell-E, convnet-benchmarks 2015)")


def _cores(catalog: CatalogQueries, build: Build) -> Claim:
    cpu, n = build.cpu, build.gpu_count
    if cpu is None or not cpu.cores or not cpu.pcie_lanes:
        return Claim("CPU", "With 12 effective cores this is a pretty good option", "unverified",
                     "the catalog lacks the CPU's cores or lanes", "catalog")
    return Claim("CPU", "With 12 effective cores this is a pretty good option", "flagged",
                 f"{cpu.name}: {cpu.cores} cores, {cpu.threads} threads, {cpu.pcie_lanes} PCIe lanes: "
                 f"{cpu.cores / n:g} cores and {cpu.pcie_lanes / n:g} lanes per GPU; dlrig check reports "
                 "CPU-CORES-PER-GPU and PCIE-LANES", "rules CPU-CORES-PER-GPU, PCIE-LANES; catalog (curated)")


# Combined state + population-weighted average local sales tax as of 2015-07-01: Tax Foundation,
# "State and Local Sales Tax Rates, Midyear 2015" (Scott Drenkard, Jared Walczak, 2015-07-09):
# "The five states with the highest average combined state and local sales tax rates are
# Tennessee (9.46 percent), ... and Washington (8.90 percent)"; "The five states with the lowest
# average combined rates are Alaska (1.78 percent), Hawaii (4.35 percent), ..."; Delaware,
# New Hampshire and Oregon levy neither a state nor a local sales tax.
TAX_2015_SOURCE = ("Tax Foundation, State and Local Sales Tax Rates, Midyear 2015 "
                   "(https://taxfoundation.org/state-and-local-sales-tax-rates-midyear-2015)")
US_SALES_TAX_2015 = (("none (Delaware, New Hampshire, Oregon)", 0.0), ("Hawaii (lowest with a state tax)", 0.0435),
                     ("Washington (fifth highest)", 0.0890), ("Tennessee (highest)", 0.0946))


def _cost(catalog: CatalogQueries, build: Build) -> Claim:
    """"About $6,000 after tax", priced from the post's own figures at 2015's US sales taxes."""
    from dataclasses import replace

    from dlrig.cost.bundles import money
    from dlrig.cost.prebuilt import find_prebuilt
    from dlrig.cost.purchase import purchase_cost
    from dlrig.cost.quote import ABOUT, check_quote

    words = "For about $6,000 after tax you can build your own 4 GPU box"
    purchase = purchase_cost(build, catalog.price_book("seed-2015"))
    if build.quote is None or purchase.unpriced:
        missing = ", ".join(purchase.unpriced) or "the build file's quote"
        return Claim("Cost", words, "unverified", f"no dated price for {missing}", "seed-2015 price book; dlrig cost")
    quote = build.quote
    checks = [(place, check_quote(quote, replace(purchase, tax_rate=rate))) for place, rate in US_SALES_TAX_2015]
    at = "; ".join(f"{place} {c.tax_rate:.2%}: {money(round(c.build_usd))} ({abs(c.difference_pct):.1%} "
                   f"{'below' if c.difference_usd <= 0 else 'above'})" for place, c in checks)
    lowest_ok = (quote.usd * (1 - ABOUT) - purchase.shipping_usd) / purchase.parts_usd - 1
    near = any(c.verdict == "holds" for _, c in checks)
    never_over = all(c.build_usd <= quote.usd * (1 + ABOUT) for _, c in checks)
    verdict: Verdict = "holds" if near and never_over else "flagged"
    implied = checks[0][1].implied_tax_rate
    if implied is None:
        needs = "no tax rate"
    else:
        above = ", above every 2015 state average" if implied > max(r for _, r in US_SALES_TAX_2015) else ""
        needs = f"{implied:.1%} tax{above}"
    over = [place for place, c in checks if c.build_usd > quote.usd]
    evidence = (f"{purchase.parts_sum} before tax; {money(quote.usd)} needs {needs}; at 2015 state+local "
                f"averages: {at}: within {ABOUT:.0%} of {money(quote.usd)} wherever tax is {lowest_ok:.1%} or more, "
                + (f"and above it in {', '.join(over)}" if over else "and never above it"))
    box = find_prebuilt("devbox")
    if box is not None:
        top = checks[-1][1].build_usd
        evidence += (f"; the {box.name} cost {money(box.price_usd)} with {box.lead_time or 'an unknown'} lead time: "
                     f"{money(round(box.price_usd - top))} ({(box.price_usd - top) / box.price_usd:.0%}) saved even "
                     "at the highest rate, and the build \"ships in just a few days from Newegg\" (the post)")
    return Claim("Cost", words, verdict, evidence,
                 f"seed-2015 price book (the post's $1,400 base computer and $1,000 TITAN X); dlrig cost "
                 f"(\"about\" = within {ABOUT:.0%}); {TAX_2015_SOURCE}; dlrig's prebuilt table (DevBox)")


def _qvo(catalog: CatalogQueries, build: Build) -> Claim:
    """The copy's SSD is a later edit: the original built the box with a 2015 Mushkin drive."""
    from dlrig.catalog.sources_info import ORIGINAL_SOURCE

    drive = build.storage[0]
    return Claim("SSD part", "SAMSUNG 870 QVO Series 2.5\" 1TB - MLC", "flagged",
                 "a later copy of the post lists a Samsung 870 QVO 1TB: a 2020 drive with QLC (4-bit) flash, not "
                 "MLC, so not a part of the 2015 build; the post's original version lists a Mushkin Enhanced Reactor "
                 f"2.5\" 1TB (Newegg N82E16820226596), which the seed build uses ({drive.name})",
                 f"the post's original version ({ORIGINAL_SOURCE}); curated catalog entries (870 QVO: CDRLabs "
                 "review, Puget Systems; Reactor: buildcores-opendb MKNSSDRE1TB, AnandTech review)")


def as_json(claims: list[Claim]) -> list[dict[str, str]]:
    return [dataclasses.asdict(c) for c in claims]
