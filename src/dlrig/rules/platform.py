"""Platform rules: CPU socket, memory type and slots, PCIe lanes (docs/domain.md section 6)."""

from __future__ import annotations

from collections.abc import Iterator

from dlrig.build import Build
from dlrig.catalog.models import Cpu, MemoryKit, Motherboard
from dlrig.rules import samples as s
from dlrig.rules.base import Finding, Outcome, Rule, distinct, example, norm_token, rule
from dlrig.rules.placement import Placement, placement_of

# x8 per GPU is enough for data-parallel training; x4 or a chipset link is not (docs/domain.md 6;
# Tim Dettmers, "A Full Hardware Guide to Deep Learning": PCIe lanes matter little at x8+).
MIN_GOOD_LANES = 8


def _socket_key(socket: str | None) -> str:
    """LGA 2011-3, LGA2011-v3 and lga2011-3 are one socket."""
    return norm_token(socket).replace("V3", "3").removeprefix("SOCKET")


# Cooler mounts: LGA2011-3 keeps LGA2011's square ILM and 80 mm hole pattern, and cooler
# socket lists (PCPartPicker / BuildCores) write both as "LGA2011"; so a cooler that lists
# LGA2011 mounts on LGA2011-3 (Noctua's lists: "LGA2011-0 & LGA2011-3 (Square ILM)").
# Boards and CPUs are still compared exactly: a 2011 CPU does not fit a 2011-3 board.
_COOLER_MOUNT = {"LGA20113": "LGA2011"}


def _mount_key(socket: str | None) -> str:
    key = _socket_key(socket)
    return _COOLER_MOUNT.get(key, key)


@rule("SOCKET", "problem", "CPU socket matches the board and the cooler", "platform",
      good=example("i7-5820K (LGA2011-3) on an X99 board (LGA2011-3)",
                   cpu=s.I7_5820K, motherboard=s.X99_BOARD),
      bad=example("Ryzen 9 7950X (AM5) on a Z790 board (LGA1700)",
                  cpu=s.RYZEN_7950X, motherboard=s.LGA1700_BOARD))
def socket(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the CPU's socket is the motherboard's socket, and the CPU cooler lists that socket.

    Why: a CPU only fits the socket it was made for; a cooler's mounting kit covers a list of
    sockets. Cooler lists write LGA2011 for LGA2011-3 too (one mounting), so such a cooler
    passes on an LGA2011-3 CPU.

    Bad: an AMD Ryzen 9 7950X (AM5) on an Intel Z790 board (LGA1700).

    Fix: pick a board with the CPU's socket (or a CPU for the board); a cooler whose kit lists
    the socket, or the maker's add-on bracket.

    Source: the CPU makers' specifications (socket per model); docs/domain.md section 6.
    """
    cpu, board, cooler = build.cpu, build.motherboard, build.cooler
    if cpu is None or board is None:
        yield r.skip("needs a CPU and a motherboard")
        return
    if not cpu.socket or not board.socket:
        yield r.unknown(cpu if not cpu.socket else board, "the socket")
    elif _socket_key(cpu.socket) != _socket_key(board.socket):
        yield r.problem(f"{cpu.name} is a {cpu.socket} CPU; {board.name} has a {board.socket} socket",
                        [cpu, board], fix=f"choose a {cpu.socket} board, or a {board.socket} CPU")
    if cooler is not None and cpu.socket:
        if not cooler.sockets:
            yield r.unknown(cooler, "the socket list")
        elif _mount_key(cpu.socket) not in {_mount_key(x) for x in cooler.sockets}:
            yield r.problem(f"{cooler.name} lists {', '.join(cooler.sockets)}, not {cpu.socket}",
                            [cooler, cpu], fix=f"a cooler with a {cpu.socket} mounting kit")


@rule("MEMORY-TYPE", "problem", "Memory type matches the board and the CPU", "platform",
      good=example("DDR5 kit on an AM5 board", cpu=s.RYZEN_7950X, motherboard=s.AM5_BOARD,
                   memory=s.DDR5_64),
      bad=example("DDR4 kit on a DDR5 board", cpu=s.RYZEN_7950X, motherboard=s.AM5_BOARD,
                  memory=s.RIPJAWS_32))
def memory_type(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: each memory kit's type (DDR3, DDR4, DDR5) is the board's, and one the CPU supports.

    Why: DDR generations are keyed differently and do not fit each other's slots.

    Bad: a DDR4 kit on a DDR5-only AM5 board.

    Fix: a kit of the board's memory type.

    Source: JEDEC DDR4/DDR5 module standards (different key notch); docs/domain.md section 6.
    """
    kits = [i.part for i in build.lines("memory") if isinstance(i.part, MemoryKit)]  # each line once, not per kit
    board, cpu = build.motherboard, build.cpu
    if not kits or (board is None and cpu is None):
        yield r.skip("needs memory and a motherboard or CPU")
        return
    for kit in kits:
        if not kit.memory_type:
            yield r.unknown(kit, "the memory type")
            continue
        if board is not None and not board.memory_type:
            yield r.unknown(board, "the memory type")
        elif board is not None and norm_token(board.memory_type) != norm_token(kit.memory_type):
            yield r.problem(f"{kit.name} is {kit.memory_type}; {board.name} takes {board.memory_type}",
                            [kit, board], fix=f"a {board.memory_type} kit")
        if cpu is not None and cpu.memory_types and norm_token(kit.memory_type) not in {
                norm_token(t) for t in cpu.memory_types}:
            yield r.problem(f"{cpu.name} supports {', '.join(cpu.memory_types)}, not {kit.memory_type}",
                            [kit, cpu], fix=f"a {cpu.memory_types[0]} kit")


@rule("MEMORY-SLOTS", "problem", "Memory modules fit the slots and the maximum", "platform",
      good=example("4 modules, 32 GB, on a 4-channel CPU and an 8-slot board",
                   cpu=s.I7_5820K, motherboard=s.X99_BOARD, memory=s.RIPJAWS_32),
      bad=example("two 4-module kits on a 4-slot board", cpu=s.RYZEN_7950X,
                  motherboard=s.AM5_BOARD, memory=(s.DDR5_128, 2)))
def memory_slots(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the modules fit the board's slots; the total fits the board's and the CPU's maximum;
    and the modules fill the CPU's memory channels.

    Why: extra modules have nowhere to go; memory past the maximum is not addressed; fewer
    modules than channels leaves memory bandwidth unused (a note).

    Bad: two 4 x 32 GB kits (8 modules) on a board with 4 slots.

    Fix: fewer, larger modules; a board with more slots (workstation boards have 8).

    Source: the board's and CPU's specifications; docs/domain.md section 6.
    """
    kits = build.memory_kits
    board, cpu = build.motherboard, build.cpu
    if not kits or board is None:
        yield r.skip("needs memory and a motherboard")
        return
    unknown_kits = [k for k in kits if k.modules is None or k.module_gb is None]
    for kit in distinct(unknown_kits):
        yield r.unknown(kit, "the module count and size")
    if unknown_kits:
        return
    modules = sum(k.modules or 0 for k in kits)
    total_gb = build.ram_gb or 0.0
    names = list(dict.fromkeys(k.name for k in kits))
    if board.memory_slots is None:
        yield r.unknown(board, "the number of memory slots")
    elif modules > board.memory_slots:
        yield r.problem(f"{modules} memory modules for {board.memory_slots} slots on {board.name}",
                        [*names, board.name],
                        fix=f"at most {board.memory_slots} modules: use larger modules")
    for part, limit in ((board, board.max_memory_gb), (cpu, cpu.max_memory_gb if cpu else None)):
        if part is not None and limit is not None and total_gb > limit:
            yield r.problem(f"{total_gb:g} GB of memory; {part.name} supports at most {limit:g} GB",
                            [*names, part.name], fix=f"at most {limit:g} GB")
    if cpu is not None and cpu.memory_channels and modules < cpu.memory_channels:
        yield r.note(f"{modules} module(s) on the {cpu.memory_channels}-channel {cpu.name}: "
                     f"{cpu.memory_channels - modules} channel(s) idle, less memory bandwidth",
                     [*names, cpu.name], fix=f"{cpu.memory_channels} smaller modules instead")


@rule("MEMORY-REGISTERED", "warning", "Registered (RDIMM) memory only on a board that takes ECC", "platform",
      good=example("unbuffered DDR4 kit on a desktop X99 board", motherboard=s.X99_BOARD,
                   memory=s.RIPJAWS_32),
      bad=example("a registered ECC module (RDIMM) on a desktop X99 board without ECC support",
                  motherboard=s.X99_BOARD, memory=s.SAMSUNG_RDIMM_16))
def memory_registered(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: a registered kit (RDIMM, LRDIMM) on a board whose data says no ECC support is a
    warning; on a board with ECC support, or one the catalog does not say, it is a note to check
    the board's memory support list. A kit whose data set gives no flag, and whose names carry no
    registered marking (the importer reads "Registered", "RDIMM", Samsung's M393 and the part
    numbers of kits that say so), is taken as unbuffered on a board listed without ECC; on a
    board that takes ECC, where either kind is plausible, it is a note; where the board's ECC
    support is unknown too, the rule says it could not check.

    A warning, not a problem: the board's ECC flag comes from a data set that marks some
    workstation boards (ASUS X99-E WS, WS X299 SAGE) without ECC though their makers list
    RDIMMs with a Xeon.

    Why: RDIMMs are ECC modules with a register that buffers the command and address lines;
    the memory controller must be built to drive them. Desktop platforms (X99 with a Core i7,
    Z790, AM5) take unbuffered DIMMs only, and do not boot with an RDIMM. Boards that take ECC
    take RDIMMs only where the board and the CPU support registered memory (Xeon, Threadripper
    PRO and EPYC do; many ECC-capable boards take unbuffered ECC modules only).

    Bad: a Samsung M393A2G40EB1-CRC (16 GB DDR4-2400 RDIMM) on a desktop X99 board.

    Fix: an unbuffered kit of the same type (DDR4, DDR5); or a workstation or server board,
    with a CPU that supports registered memory, whose memory support list names RDIMMs.

    Source: Crucial, "Upgrading a Server or Workstation? Read This First!" (registered and
    unbuffered modules, ECC support); Samsung module ordering information (M393: x72 registered
    DIMM); board ECC support from BuildCores OpenDB.
    """
    kits = distinct(build.memory_kits)
    board = build.motherboard
    if not kits or board is None:
        yield r.skip("needs memory and a motherboard")
        return
    unflagged = [k for k in kits if k.registered is None]
    if unflagged and board.ecc_support is None:
        yield r.skip("needs the memory's registered/unbuffered flag or the board's ECC support")
    for kit in kits:
        if kit.registered is None and board.ecc_support:
            yield r.unknown(kit, "the registered/unbuffered flag")  # on an ECC board either kind is plausible
        elif kit.registered:
            yield _registered_on(r, kit, board)


def _registered_on(r: Rule, kit: MemoryKit, board: Motherboard) -> Finding:
    if board.ecc_support is False:
        unbuffered = f"an unbuffered {kit.memory_type} kit" if kit.memory_type else "an unbuffered kit"
        return r.warning(f"{kit.name} is registered ECC memory (RDIMM); the catalog lists no ECC support "
                         f"for {board.name}, so it likely takes unbuffered DIMMs only", [kit, board],
                         fix=f"{unbuffered}, or a workstation or server board that lists RDIMM support")
    support = "supports ECC" if board.ecc_support else "has no ECC support listed in the catalog"
    return r.note(f"{kit.name} is registered memory (RDIMM); {board.name} {support}, but RDIMMs "
                  "work only where the board and the CPU support registered memory",
                  [kit, board], fix=f"check {board.name}'s memory support list for RDIMMs")


@rule("PCIE-LANES", "warning", "Each GPU gets at least x8 from the CPU", "platform",
      good=example("2 cards on an X99 board with a 40-lane i7-5930K: x16 and x8",
                   cpu=s.I7_5930K, motherboard=s.X99_BOARD, gpu=(s.TITAN_X, 2)),
      bad=example("4 cards with the 28-lane i7-5820K: x16/x8/x4 and one through the chipset",
                  cpu=s.I7_5820K, motherboard=s.X99_BOARD, gpu=(s.TITAN_X, 4)))
def pcie_lanes(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: the electrical width each GPU gets, from the CPU's lanes and how the board wires its
    slots (CPU or chipset, widths that depend on the CPU, slots that split when a neighbour is
    populated). x8 or more from the CPU is fine; x4, or any slot behind the chipset, is a warning.

    Why: gradients cross PCIe every step in data-parallel training; x8 Gen3 (~6 GB/s) keeps up,
    x4 halves that, and chipset slots share one x4 link (DMI) with the disks and the network.
    A slot's physical size says nothing of its wiring.

    Bad: four cards with an i7-5820K, which has 28 lanes, not 4 x 16 = 64.

    Fix: a CPU with more lanes (i7-5930K: 40; Threadripper PRO: 128), fewer GPUs, or a board
    with a PCIe switch.

    Source: AnandTech's Haswell-E review (5820K 28 lanes, 5930K 40); docs/domain.md sections 4, 6;
    Dettmers, "A Full Hardware Guide to Deep Learning" (x8 per GPU is fine).
    """
    n = build.gpu_count
    cpu, board = build.cpu, build.motherboard
    if n == 0 or cpu is None:
        yield r.skip("needs GPUs and a CPU")
        return
    if cpu.pcie_lanes is None:
        yield r.unknown(cpu, "the PCIe lane count")
        return
    gpu_names = list(dict.fromkeys(g.name for g in build.gpus))
    placement = placement_of(build)
    if placement is None or not placement.placed:
        yield from _lanes_without_map(r, build, cpu, cpu.pcie_lanes, gpu_names)
        return
    narrow = [p for p in placement.placed if p.lanes < MIN_GOOD_LANES or p.slot.via == "chipset"]
    if narrow:
        where = "; ".join(f"slot {p.position} x{p.lanes}" + (" via the chipset" if p.slot.via == "chipset"
                                                             else "") for p in narrow)
        yield r.warning(f"{cpu.name} has {cpu.pcie_lanes} PCIe lanes for {n} GPUs "
                        f"(not {n} x 16 = {16 * n}); on {board.name if board else 'the board'} "
                        f"they run {_widths(placement)}: {where}",
                        [cpu.name, *gpu_names, *([board.name] if board else [])],
                        fix="a CPU with more lanes, fewer GPUs, or a board that gives every card x8")
    # a slot of unknown wiring (a BIOS slot table says no more) counts as the CPU's: x16 slots are
    cpu_wired = sum(p.lanes for p in placement.placed if p.slot.via != "chipset")
    if cpu_wired > cpu.pcie_lanes:
        yield r.warning(f"the slots holding GPUs are wired for {cpu_wired} CPU lanes but {cpu.name} "
                        f"has {cpu.pcie_lanes}: some run narrower than the slot map says",
                        [cpu.name, *([board.name] if board else [])],
                        fix="check the board manual's lane table for this CPU")


def _widths(placement: Placement) -> str:
    return "/".join(f"x{p.lanes}" for p in placement.placed)


def _lanes_without_map(r: Rule, build: Build, cpu: Cpu, lanes: int,
                       gpu_names: list[str]) -> Iterator[Outcome]:
    n = build.gpu_count
    share = lanes // n
    if share < MIN_GOOD_LANES:
        yield r.warning(f"{cpu.name} has {lanes} PCIe lanes for {n} GPUs (not {n} x 16 = {16 * n}): "
                        f"at most x{share} each on average, so some card runs at x4 or via the chipset",
                        [cpu.name, *gpu_names],
                        fix="a CPU with more lanes, or fewer GPUs")
    board = build.motherboard
    if board is not None and not board.slots:
        yield r.note(f"no slot map for {board.name}: the width of each card's slot is unchecked",
                     [board], fix="read the board manual's lane table")




# Resizable BAR on the platform, by CPU microarchitecture, as Intel lists it for Arc: Intel Core
# 10th generation (Comet Lake) and later, AMD Ryzen 3000 (Zen 2, not the 3000G APUs, which are
# Zen+) and later. Earlier platforms: none (a few late BIOSes aside, which the catalog cannot see).
REBAR_NO = frozenset({
    "Core", "Wolfdale", "Yorkfield", "Nehalem", "Lynx", "Westmere", "Sandy Bridge", "Sandy Bridge EP",
    "Sandy Bridge-EP", "Ivy Bridge", "Ivy Bridge E", "Ivy Bridge EP", "Ivy Bridge-EP", "Ivy Bridge EN", "Haswell",
    "Haswell Refresh", "Haswell E", "Haswell-E", "Broadwell", "Broadwell E", "Broadwell-E", "Skylake", "Kaby Lake",
    "Coffee Lake", "Coffee Lake Refresh", "K10", "Bulldozer", "Piledriver", "Vishera", "Steamroller", "Excavator",
    "Jaguar", "Zen", "Zen+"})
REBAR_YES = frozenset({
    "Comet Lake", "Rocket Lake", "Alder Lake", "Raptor Lake", "Raptor Lake Refresh", "Meteor Lake", "Arrow Lake",
    "Arrow Lake Refresh", "Zen 2", "Zen 3", "Zen 4", "Zen 5"})
ARC_ARCHITECTURES = frozenset({"Xe-HPG", "Xe2-HPG"})


def _needs_rebar(gpu: object) -> bool:
    """Intel's discrete Arc cards (Alchemist, Battlemage) are built around Resizable BAR."""
    name = str(getattr(gpu, "name", ""))
    return (getattr(gpu, "vendor", None) == "Intel" and
            (getattr(gpu, "architecture", None) in ARC_ARCHITECTURES or name.startswith("Arc ")))


@rule("GPU-REBAR", "warning", "An Intel Arc card sits on a platform with Resizable BAR", "platform",
      good=example("Arc B580 with a Ryzen 9 7950X (Zen 4)", cpu=s.RYZEN_7950X, gpu=(s.ARC_B580, 1)),
      bad=example("Arc B580 with an i7-5820K (Haswell-E)", cpu=s.I7_5820K, gpu=(s.ARC_B580, 1)))
def gpu_rebar(r: Rule, build: Build) -> Iterator[Outcome]:
    """What: an Intel Arc card (Alchemist or Battlemage) needs a CPU and board with Resizable BAR:
    Intel Core 10th generation or later, AMD Ryzen 3000 (not 3000G) or later.

    Why: Arc's driver moves data to the card in large transfers through the whole of its memory
    window; without Resizable BAR the window is 256 MB and the card loses a fifth to a half of
    its speed. Intel lists Resizable BAR among Arc's system requirements.

    Bad: an Arc B580 on an X99 board with an i7-5820K.

    Fix: a 10th-generation Core or Ryzen 3000 (or later) platform with Resizable BAR enabled in
    the firmware, or a GeForce or Radeon card, which lose little without it.

    Source: Intel's Arc desktop system requirements (10th-12th gen Core with 400/500/600-series
    boards; Ryzen 3000 except 3000G and Ryzen 5000 with 500-series boards), as reported by
    HotHardware, "Don't bother with Arc without Resizable BAR" (2022); TechPowerUp's Arc A770
    review measured 20-24% lower frame rates with Resizable BAR off.
    """
    arcs = [g for g in build.gpus if _needs_rebar(g)]
    cpu = build.cpu
    if not arcs or cpu is None:
        yield r.skip("needs an Intel Arc card and a CPU")
        return
    arch = cpu.microarchitecture
    if arch in REBAR_YES:
        return
    if arch not in REBAR_NO:
        yield r.unknown(cpu, "whether its platform has Resizable BAR (the microarchitecture)")
        return
    yield r.warning(f"{arcs[0].name} needs Resizable BAR; {cpu.name} ({arch}) predates it, so the card runs "
                    "with a 256 MB memory window and loses a fifth to a half of its speed",
                    [arcs[0].name, cpu.name],
                    fix="a 10th-generation Core or Ryzen 3000 (or later) platform, or a GeForce or Radeon card")


RULES: tuple[Rule, ...] = (socket, memory_type, memory_slots, memory_registered, pcie_lanes, gpu_rebar)
