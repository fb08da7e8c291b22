"""What the fuzzers send: hypothesis strategies for every input dlrig reads, and one way to run a
command and judge the result against the contract.

The contract (issue 19): every run of every command exits 0, 1 or 2 (3 is an internal error,
a bug); with ``--json`` stdout holds exactly one strict JSON document (no NaN or Infinity), an
error being ``{"error", "kind", "field"}``; no traceback is printed; no run takes over 10 s.

Inputs are built from the real ones (the examples, the catalog's names, the price-book and
cloud-price columns) and then broken: wrong types, non-finite and absurd numbers, control
characters, deep nesting, aliases, long lines, duplicated rows, extra cells. Shared by the CI
suite (tests/fuzz/test_cli_fuzz.py, a small budget) and benchmarks/fuzz_cli.py (10,000 inputs).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED_YAML = (EXAMPLES / "seed-2015.yaml").read_text(encoding="utf-8")
SEED_LIST = (EXAMPLES / "seed-2015.md").read_text(encoding="utf-8")
BUILD_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))]
SLOW_S = 10.0
EXIT_CODES = (0, 1, 2)

PART_NAMES = {
    "gpu": ["EVGA GeForce GTX TITAN X 12GB", "GeForce RTX 4090", "RTX 3090", "H100", "gpu/nvidia-geforce-rtx-4090"],
    "cpu": ["Intel Core i7-5820K", "AMD Ryzen 9 7950X", "Xeon"],
    "motherboard": ["GIGABYTE GA-X99-UD3P", "ASUS ROG Strix X670E-E"],
    "memory": ["G.SKILL Ripjaws 4 32GB (4 x 8GB) DDR4"],
    "storage": ["Mushkin Enhanced Reactor 1TB", "Samsung 990 Pro 2TB"],
    "psu": ["Rosewill Hercules 1600W", "Corsair HX1500i"],
    "case": ["Rosewill Thor V2", "Fractal Design Meshify 2"],
    "cooler": ["Noctua NH-D15"],
}
LIST_TYPES = ["CPU", "CPU Cooler", "Motherboard", "Memory", "Storage", "Video Card", "Case", "Power Supply",
              "Monitor", "Case Fan", "", "**Total**"]
MODELS = ["resnet50", "llama-3-8b", "gpt2", "bert-base", "nope", "config:/etc/passwd", "RESNET50"]
PRECISIONS = ["fp32", "tf32", "fp16", "bf16", "fp8", "FP16", "int4", ""]
BOOKS = ["latest", "seed-2015", "street-2025-07", "launch", "nope", "prices.csv", "missing.csv"]

# -- the pieces ------------------------------------------------------------------------------
ODD_TEXT = st.sampled_from(["", " ", "\x00", "\r\n", "a\rb", "\u202e", "é", "💥", "\t", "null", "~", "NaN", "-",
                            "'", '"', "|", "*a", "&a", "!!bool maybe", "2001-13-45", "yes", "on", "0x1F",
                            "1e309", "-0", "{", "[", "<script>", "../../etc/passwd", "x" * 300])
NUMBERS = st.one_of(
    st.sampled_from([0, -1, 1, 2, 3, 4, 8, 9, 64, 65, 1000, 10**9, 10**20, -(10**9)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**6), max_value=10**6),
)
NUMBER_TEXT = st.one_of(NUMBERS.map(str), st.sampled_from(["nan", "inf", "-inf", "1e308", "1e-308", "abc", "",
                                                           "0.08", "1,000", "$5", " 4 ", "4-2", "1-8", "0-0"]))
TEXT = st.one_of(ODD_TEXT, st.text(max_size=40))
SCALAR = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)


@st.composite
def part_entry(draw: st.DrawFn, category: str) -> Any:
    name = draw(st.one_of(st.sampled_from(PART_NAMES.get(category, ["x"])), TEXT))
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return name
    entry: dict[str, Any] = {"name": name}
    if draw(st.booleans()):
        entry["count"] = draw(st.one_of(NUMBERS, TEXT))
    if draw(st.booleans()):
        entry["power_limit_w"] = draw(st.one_of(NUMBERS, TEXT))
    if draw(st.integers(0, 5)) == 0:
        entry[draw(TEXT)] = draw(SCALAR)
    return [entry] * draw(st.integers(1, 3)) if shape == 3 else entry


@st.composite
def build_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A build file's data: the schema's keys with good, odd and wrong values."""
    categories = draw(st.lists(st.sampled_from([*PART_NAMES, "monitor", ""]), min_size=0, max_size=8, unique=True))
    doc: dict[str, Any] = {"name": draw(st.one_of(st.just("fuzz"), TEXT)),
                           "parts": {c: draw(part_entry(c)) for c in categories}}
    for key, values in (("prices", st.one_of(st.sampled_from(BOOKS), TEXT)),
                        ("region", st.one_of(st.sampled_from(["us-120v", "eu-230v", "xx"]), TEXT)),
                        ("tax_rate", st.one_of(NUMBERS, TEXT)),
                        ("quote", st.one_of(SCALAR, st.fixed_dictionaries({"usd": NUMBERS}))),
                        ("notes", TEXT)):
        if draw(st.booleans()):
            doc[key] = draw(values)
    if draw(st.booleans()):
        doc["workload"] = draw(workloads())
    if draw(st.integers(0, 6)) == 0:
        doc[draw(TEXT)] = draw(SCALAR)
    return doc


@st.composite
def workloads(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 8)) == 0:
        return draw(SCALAR)
    w: dict[str, Any] = {"model": draw(st.one_of(st.sampled_from(MODELS), TEXT))}
    for key in draw(st.lists(st.sampled_from(["precision", "batch", "seq", "epochs", "samples", "tokens", "lora",
                                              "qlora", "infer", "weights", "kv_cache", "dataset", "samples_per_s",
                                              "bytes_per_sample", "optimizer", "sharding", "recompute"]),
                             max_size=5, unique=True)):
        w[key] = draw(st.one_of(st.sampled_from(PRECISIONS), NUMBERS, st.booleans(), TEXT))
    return w


def mutate(text: str, data: st.DataObject) -> str:
    """A few random edits of ``text``: characters replaced, lines dropped, doubled or swapped."""
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.integers(0, 5))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2 and lines[i]:
            j = data.draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + data.draw(ODD_TEXT) + lines[i][j + 1:]
        elif op == 3:
            lines[i] = data.draw(ODD_TEXT) + lines[i]
        elif op == 4:
            lines[i] = lines[i] * data.draw(st.integers(2, 50))
        else:
            lines.insert(i, data.draw(st.sampled_from(HOSTILE_LINES)))
    return "\n".join(lines) + data.draw(st.sampled_from(["\n", "", "\r\n"]))


HOSTILE_LINES = ["x: &a [1, 2, 3]", "y: [*a, *a, *a]", "!!python/object:os.system ls", "%TAG ! tag:x,2000:",
                 "a: !!binary AAAA", "b: !!timestamp 2001-13-45", "c: !!int x", "d: !!float nan", "- - - - - -",
                 "{" * 40 + "}" * 40, "? [a, b]\n: c", "e: 1e400", "f: .inf", "g: 0o777", "---", "...",
                 "Type|Item|Price", "**Video Card** | GeForce RTX 4090 | $1,599.99 @ Newegg"]


@st.composite
def build_texts(draw: st.DrawFn) -> str:
    """A build file's text: a generated document, or an example mutated."""
    data = draw(st.data())
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return yaml.safe_dump(draw(build_documents()), allow_unicode=True, sort_keys=False)
    if kind == 1:
        return json.dumps(draw(build_documents()), default=str)
    return mutate(draw(st.sampled_from(BUILD_TEXTS)), data)


@st.composite
def part_lists(draw: st.DrawFn) -> str:
    """A PCPartPicker markdown list: rows of known and odd types, items and prices."""
    data = draw(st.data())
    if draw(st.integers(0, 2)) == 0:
        return mutate(SEED_LIST, data)
    outer = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(LIST_TYPES))
        category = {"CPU": "cpu", "Video Card": "gpu", "Motherboard": "motherboard", "Memory": "memory",
                    "Storage": "storage", "Case": "case", "Power Supply": "psu"}.get(kind, "gpu")
        item = draw(st.one_of(st.sampled_from(PART_NAMES[category]), TEXT))
        if draw(st.booleans()):
            item = f"[{item}](https://pcpartpicker.com/{draw(TEXT)})"
        price = draw(st.one_of(st.sampled_from(["No Prices Available", "$389.99 @ Newegg", "$1,000.00", "-", "",
                                                "Purchased For $5", "$1e9 @ x", "$" + "9" * 30]),
                               NUMBER_TEXT.map(lambda t: f"${t} @ Amazon")))
        cells = [f"**{kind}**" if kind and draw(st.booleans()) else kind, item, price]
        if draw(st.integers(0, 6)) == 0:
            cells.append(draw(TEXT))
        rows.append(("|" if outer else "") + " | ".join(cells) + (" |" if outer else ""))
    repeat = draw(st.sampled_from([1, 1, 1, 4, 65]))
    if rows and repeat > 1:
        rows = rows + [rows[0]] * repeat
    head = ["|Type|Item|Price|", "|:----|:----|:----|"] if outer else ["Type|Item|Price", ":----|:----|:----"]
    tail = [" | **Total** | **$" + draw(NUMBER_TEXT) + "**",
            " | Generated by PCPartPicker " + draw(st.sampled_from(["2015-03-01", "2026-13-45", "x"])) + " |"]
    return "\n".join(["[PCPartPicker Part List](https://pcpartpicker.com/)", "", *head, *rows, *tail]) + "\n"


@st.composite
def price_csvs(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from(["part,price_usd,date", "part,price_usd,date,source,retailer,bundle",
                                   "price_usd,part,date", "part,price", "", "part,price_usd,date,,"]))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        cells = [draw(st.one_of(st.sampled_from(PART_NAMES["gpu"] + PART_NAMES["cpu"]), TEXT)),
                 draw(NUMBER_TEXT), draw(st.sampled_from(["2025-07-01", "2015-03-17", "2026-13-45", "", "x"])),
                 draw(TEXT), draw(TEXT), draw(st.sampled_from(["", "", "base", "base", "other"]))]
        cells = cells[:draw(st.integers(1, 7))] + [draw(TEXT) for _ in range(draw(st.sampled_from([0, 0, 0, 1, 3])))]
        rows.append(",".join(_csv_cell(c, draw) for c in cells))
    return "\n".join([header, *rows]) + "\n"


CLOUD_HEADER = "provider,instance_type,gpu,gpu_count,usd_per_hour,date,source,pricing,vram_gb_per_gpu,vcpus,memory_gib"


@st.composite
def cloud_csvs(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from([CLOUD_HEADER, "instance_type,gpu,gpu_count,usd_per_hour,date", "x,y", "", "# c"]))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = [draw(TEXT), draw(st.one_of(st.just("p4d.24xlarge"), TEXT)),
                 draw(st.one_of(st.sampled_from(["A100 SXM4 40 GB", "H100", "RTX 4090"]), TEXT)), draw(NUMBER_TEXT),
                 draw(NUMBER_TEXT), draw(st.sampled_from(["2025-07", "~2024", "2025-07-01", "2026-13", "x", ""])),
                 draw(TEXT), draw(st.sampled_from(["on-demand", "spot", "x", ""])), draw(NUMBER_TEXT),
                 draw(NUMBER_TEXT), draw(NUMBER_TEXT)]
        cells = cells[:draw(st.integers(1, 12))]
        rows.append(",".join(_csv_cell(c, draw) for c in cells))
    return "\n".join([header, *rows]) + "\n"


def _csv_cell(text: str, draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)) == 0 or "," in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


# -- commands -------------------------------------------------------------------------------
@dataclass
class Case:
    """One command line and the files it reads (name -> text), written in a fresh folder."""

    args: list[str]
    files: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        return " ".join(a if len(a) < 60 else a[:57] + "..." for a in self.args)


def _opts(draw: st.DrawFn, table: dict[str, Any], most: int = 4) -> list[str]:
    """Some of ``table``'s options with drawn values (a strategy) or as flags (None)."""
    out: list[str] = []
    for name in draw(st.lists(st.sampled_from(sorted(table)), max_size=most, unique=True)):
        values = table[name]
        out += [name] if values is None else [name, draw(values)]
    return out


WORKLOAD_OPTS: dict[str, Any] = {
    "--precision": st.sampled_from(PRECISIONS), "--batch": NUMBER_TEXT, "--seq": NUMBER_TEXT, "--epochs": NUMBER_TEXT,
    "--samples": NUMBER_TEXT, "--lora": None, "--qlora": None, "--optimizer": st.sampled_from(["adamw", "sgd", "x"]),
    "--sharding": st.sampled_from(["none", "zero1", "fsdp", "x"]), "--recompute": st.sampled_from(["full", "x"]),
    "--dataset": st.sampled_from(["imagenet", "cifar10", "x"]),
}
COST_OPTS: dict[str, Any] = {
    "--tax-rate": NUMBER_TEXT, "--shipping": NUMBER_TEXT, "--kwh-price": NUMBER_TEXT, "--utilization": NUMBER_TEXT,
    "--hours-per-day": NUMBER_TEXT, "--depreciation": NUMBER_TEXT, "--years": NUMBER_TEXT,
    "--vs": st.sampled_from(["cloud", "devbox", "p4d.24xlarge", "nope"]), "--prices": st.sampled_from(BOOKS),
}


# Every command, with its share of a long run: the ones that read a build get most.
COMMANDS = {"check": 12, "estimate": 8, "cost": 8, "export": 6, "import": 8, "gpus": 10, "fit": 6, "plan": 8,
            "catalog search": 5, "catalog show": 3, "catalog stats": 1, "rules": 2, "models": 2, "seed": 1,
            "bench": 4, "estimate-gpu": 6, "cost-cloud": 6, "serve": 1, "probe": 2, "plan-infer": 4}
BUILD_COMMANDS = ("check", "estimate", "cost", "export", "import")


@st.composite
def build_commands(draw: st.DrawFn, command: str) -> Case:
    """A command that reads a build (check, estimate, cost, export, import) on a fuzzed one."""
    kind = draw(st.sampled_from(["yaml", "yaml", "list", "json"]))
    text = draw(part_lists()) if kind == "list" else draw(build_texts())
    name = {"yaml": "build.yaml", "list": "build.md", "json": "build.json"}[kind]
    files = {name: text, "prices.csv": draw(price_csvs())}
    if command == "check":
        args = ["check", name, *_opts(draw, {"--region": st.sampled_from(["us-120v", "eu-230v", "x"]),
                                             "--format": st.sampled_from(["auto", "yaml", "pcpartpicker", "x"])})]
    elif command == "estimate":
        args = ["estimate", name, *_opts(draw, {**WORKLOAD_OPTS, "--gpus": NUMBER_TEXT, "--model":
                                                st.sampled_from(MODELS), "--modelled": None})]
    elif command == "cost":
        args = ["cost", name, *_opts(draw, COST_OPTS)]
    elif command == "export":
        args = ["export", name, *_opts(draw, {"--format": st.sampled_from(["pcpartpicker", "markdown", "yaml",
                                                                            "html", "x"]),
                                              "--prices": st.sampled_from(BOOKS)})]
    else:
        args = ["import", name, *_opts(draw, {"--partial": None, "--name": TEXT,
                                              "--out": st.sampled_from(["out.yaml", ".", "sub", "sub/x.yaml", ""])})]
    return Case([*args, "--json"], files)


GPU_NAME = st.one_of(st.sampled_from(PART_NAMES["gpu"]), TEXT)
GPUS_OPTS: dict[str, Any] = {
    "--precision": st.sampled_from(PRECISIONS), "--prices": st.sampled_from(BOOKS),
    "--sort": st.sampled_from(["tflops", "vram", "price", "book", "x"]), "--min-vram": NUMBER_TEXT,
    "--max-price": NUMBER_TEXT, "--limit": NUMBER_TEXT, "--kind": st.sampled_from(["consumer", "datacenter", "x"]),
    "--names": st.sampled_from([*PART_NAMES["gpu"], "x"])}
PLAN_OPTS: dict[str, Any] = {
    "--budget": NUMBER_TEXT, "--prices": st.sampled_from([*BOOKS[:3], "nope"]),
    "--precision": st.sampled_from(PRECISIONS), "--tax-rate": NUMBER_TEXT,
    "--objective": st.sampled_from(["min-cost", "perf-per-dollar", "x"]),
    "--model": st.sampled_from(["resnet50", "nope"]), "--vram-total": NUMBER_TEXT, "--throughput": NUMBER_TEXT,
    "--max-power-w": NUMBER_TEXT, "--storage-gb": NUMBER_TEXT,
    "--time-limit": st.sampled_from(["5", "0", "nan", "-1", "1e9"]), "--boxes": NUMBER_TEXT, "--frontier": None,
    "--region": st.sampled_from(["eu-230v", "x"]), "--include": TEXT, "--exclude": TEXT, "--form-factor": TEXT}
PLAN_INFER_OPTS: dict[str, Any] = {
    "--budget": NUMBER_TEXT, "--prices": st.sampled_from([*BOOKS[:3], "nope"]),
    "--gpus": st.sampled_from(["1", "1-2", "x"]),
    "--speed-basis": st.sampled_from(["low", "central", "x"]), "--weights": st.sampled_from(["q4_k_m", "f16", "x"]),
    "--kv-cache": st.sampled_from(["f16", "q8_0", "x"]), "--split": st.sampled_from(["layer", "tensor", "x"]),
    "--seq": NUMBER_TEXT, "--batch": NUMBER_TEXT, "--explain": None, "--boxes": NUMBER_TEXT, "--frontier": None}
SERVE_REFUSED = [["--port", "-1"], ["--port", "70000"], ["--workers", "0"], ["--workers", "x"], ["--port", "nan"],
                 ["--nope"]]


def _bench(draw: st.DrawFn) -> list[str]:
    """Only the steps that take no time (or an unknown one): the options are what is fuzzed."""
    skip = draw(st.sampled_from(["cpu,disk,decode,loader,gpu,train", "everything"]))
    return ["bench", "--skip", skip, *_opts(draw, {"--workers": NUMBER_TEXT, "--quick": None,
                                                   "--dir": st.sampled_from(["/proc", "missing", "."])})]


OPTION_ARGS: dict[str, Callable[[st.DrawFn], list[str]]] = {
    "gpus": lambda d: ["gpus", *_opts(d, GPUS_OPTS, 5)],
    "fit": lambda d: ["fit", "--model", d(st.sampled_from(MODELS)),
                      *_opts(d, {**WORKLOAD_OPTS, "--infer": None, "--limit": NUMBER_TEXT,
                                 "--prices": st.sampled_from(BOOKS), "--order": st.sampled_from(["auto", "x"])})],
    "plan": lambda d: ["plan", "--gpus", d(st.sampled_from(["1", "2", "1-2", "0", "9", "2-1", "x", "1-1000"])),
                       "--alternatives", d(st.sampled_from(["0", "1", "-1", "11", "x"])), *_opts(d, PLAN_OPTS)],
    "plan-infer": lambda d: ["plan", "--infer", "--model", d(st.sampled_from(["llama-3-8b", "resnet50", "nope"])),
                             "--tokens-per-s", d(NUMBER_TEXT), *_opts(d, PLAN_INFER_OPTS)],
    "catalog search": lambda d: ["catalog", "search", d(TEXT), *_opts(d, {"--limit": NUMBER_TEXT, "--category": TEXT})],
    "catalog show": lambda d: ["catalog", "show", d(GPU_NAME)],
    "catalog stats": lambda d: ["catalog", "stats"],
    "rules": lambda d: ["rules", *d(st.sampled_from([[], ["PSU-WATTS"], ["RAM-VRAM"]]) | TEXT.map(lambda t: [t]))],
    "models": lambda d: ["models", *_opts(d, {"--family": TEXT})],
    "seed": lambda d: ["seed"],
    "bench": _bench,
    "estimate-gpu": lambda d: ["estimate", "--gpu", d(GPU_NAME), "--model", d(st.sampled_from(MODELS)),
                               *_opts(d, {**WORKLOAD_OPTS, "--gpus": NUMBER_TEXT, "--infer": None,
                                          "--weights": st.sampled_from(["q4_k_m", "fp16", "x"]),
                                          "--cpu-cores": NUMBER_TEXT})],
    "cost-cloud": lambda d: ["cost", "build.yaml", "--cloud-prices", "cloud.csv", *_opts(d, COST_OPTS)],
    "serve": lambda d: ["serve", *d(st.sampled_from(SERVE_REFUSED))],  # a valid one would start a server
    "probe": lambda d: ["probe", *_opts(d, {"--out": st.sampled_from(["probe.yaml", ".", "missing/x.yaml",
                                                                      "/proc/x"])})],
}


@st.composite
def option_commands(draw: st.DrawFn, command: str) -> Case:
    """Every other command with fuzzed options (the plan kept small enough to solve in seconds)."""
    files = {"prices.csv": draw(price_csvs()), "cloud.csv": draw(cloud_csvs()), "build.yaml": SEED_YAML}
    return Case([*OPTION_ARGS[command](draw), "--json"], files)


def commands(command: str) -> st.SearchStrategy[Case]:
    """Command lines of ``command`` (a key of COMMANDS)."""
    return build_commands(command) if command in BUILD_COMMANDS else option_commands(command)


# -- running and judging ----------------------------------------------------------------------
@dataclass
class Outcome:
    exit_code: int
    seconds: float
    json_ok: bool
    traceback: bool
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def strict_json(text: str) -> Any:
    """The one JSON document in ``text``; ValueError if there is not exactly one, or it has NaN/Infinity."""
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    doc = json.loads(text, parse_constant=refuse)
    if isinstance(doc, float) and not math.isfinite(doc):
        raise ValueError("not finite")
    return doc


def run_case(case: Case, folder: Path) -> Outcome:
    """Run ``case`` in process (Typer's CliRunner) with its files in ``folder``; judge it."""
    import os

    from typer.testing import CliRunner

    from dlrig.cli import _register, app

    _register()
    for name, text in case.files.items():
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        t = time.perf_counter()
        result = CliRunner().invoke(app, case.args)
        seconds = time.perf_counter() - t
    finally:
        os.chdir(cwd)
    exc = result.exception
    crashed = exc is not None and not isinstance(exc, SystemExit)
    traceback = crashed or "Traceback (most recent call last)" in (result.stdout + result.stderr)
    try:
        strict_json(result.stdout)
        json_ok = True
    except ValueError:
        json_ok = False
    problem = ("traceback" if traceback else f"exit {result.exit_code}" if result.exit_code not in EXIT_CODES else
               "stdout is not one strict JSON document" if not json_ok else f"{seconds:.1f} s" if seconds > SLOW_S
               else "")
    if crashed:
        problem += f" ({type(exc).__name__}: {exc})"
    return Outcome(result.exit_code, seconds, json_ok, traceback, problem)
