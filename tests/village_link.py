"""A village behind a weak link: its own network namespace, joined to ours by a veth pair.

`tc tbf` holds each direction to the link's rate (the server's end shapes the downlink,
the village's end its uplink) and nftables drops a share of the UDP packets crossing it at
random, on arrival at either end (`numgen random`: this kernel has no netem). TCP is not
dropped at random: its losses come from the tbf queue, as on a village router.
The namespace is held by a sleeping process and entered with
`nsenter --net=/proc/PID/ns/net`, so it has no name (`ip netns add` would leave one in the
host's /run/netns) and vanishes with its holder, the veth pair with it.

Needs root in our namespace, and must run inside `scripts/netns-run`: it adds links and
firewall tables to the namespace it runs in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from types import TracebackType

SERVER_ADDRESS, VILLAGE_ADDRESS = "10.77.0.1", "10.77.0.2"
SERVER_END, VILLAGE_END = "cn-server", "cn-village"
LOSS_TABLE = "cunneng_weak_link"
TOOLS = ("ip", "tc", "nft", "unshare", "nsenter")


class LinkNotBuilt(Exception):
    """A command building the link failed; the message carries its error output."""


@dataclass(frozen=True)
class LinkShape:
    """How weak the link is: rate each way, random UDP loss, and the longest queue."""

    rate_kbit: int = 2000
    udp_loss_percent: int = 2
    queue_ms: int = 200  # tbf drops what would wait longer: a village router's buffer

    def tbf(self, device: str) -> list[str]:
        """The tc command that shapes `device`'s outgoing traffic."""
        burst_kbit = max(16, self.rate_kbit // 50)  # 20 ms of the rate, the least tbf needs here
        return ["tc", "qdisc", "replace", "dev", device, "root", "tbf", "rate", f"{self.rate_kbit}kbit",
                "burst", f"{burst_kbit}kbit", "latency", f"{self.queue_ms}ms"]

    def loss_rules(self, device: str) -> dict[str, list[str]]:
        """nftables rules dropping the share of UDP arriving over `device`, counting what they see.

        Dropped on arrival, as a radio link loses them: a drop on the way out would fail the
        sender's sendto() with EPERM instead.
        """
        udp, drop = f'iifname "{device}" meta l4proto udp', f"numgen random mod 100 < {self.udp_loss_percent}"
        return {"input": [f"{udp} counter", f"{udp} {drop} counter drop"]}


def missing_powers() -> str | None:
    """Why a weak link cannot be built here, or None when it can."""
    if os.environ.get("CUNNENG_NETNS") != "1":
        return "run inside scripts/netns-run (it changes the network namespace it runs in)"
    if os.geteuid() != 0:
        return "needs root (network namespaces, tc and nftables)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    return f"needs {', '.join(missing)} (iproute2, nftables, util-linux)" if missing else None


def run(*command: str, stdin: str | None = None) -> None:
    """A set-up command; LinkNotBuilt with its error output when it fails."""
    done = subprocess.run(command, input=stdin, text=True, capture_output=True, timeout=30)
    if done.returncode != 0:
        raise LinkNotBuilt(f"{' '.join(command)}: {done.stderr.strip() or done.returncode}")


@contextmanager
def nft_table(name: str, rules: dict[str, list[str]], inside: Sequence[str] = ()) -> Iterator[None]:
    """A firewall table with one filter chain per hook ("input", "output"); deleted on exit.

    `inside` prefixes each command, e.g. to run it in another namespace.
    """
    if os.environ.get("CUNNENG_NETNS") != "1":
        raise LinkNotBuilt("firewall tables only inside scripts/netns-run")
    lines = [f"table inet {name} {{"]
    for hook, chain in rules.items():
        lines += [f"  chain {hook} {{", f"    type filter hook {hook} priority 0;"]
        lines += [f"    {rule}" for rule in chain] + ["  }"]
    run(*inside, "nft", "-f", "-", stdin="\n".join([*lines, "}", ""]))
    try:
        yield
    finally:
        subprocess.run([*inside, "nft", "delete", "table", "inet", name], capture_output=True, timeout=30)


class VillageLink:
    """The village's namespace and the shaped, lossy veth pair to ours (a context manager)."""

    def __init__(self, shape: LinkShape) -> None:
        self.shape = shape
        self._holder: subprocess.Popen[bytes] | None = None
        self._undo = ExitStack()

    def enter(self, *command: str) -> list[str]:
        """`command` as it runs inside the village's namespace."""
        assert self._holder is not None, "the link is not built"
        return ["nsenter", f"--net=/proc/{self._holder.pid}/ns/net", "--", *command]

    def udp_counts(self) -> dict[str, dict[str, int]]:
        """UDP packets each direction carried and dropped ("up": from the village to the server)."""
        return {"up": _counts(["nft"]), "down": _counts(self.enter("nft"))}

    def __enter__(self) -> VillageLink:
        why_not = missing_powers()
        if why_not is not None:
            raise LinkNotBuilt(why_not)
        with self._undo:
            self._build()
            self._undo = self._undo.pop_all()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._undo.close()

    def _build(self) -> None:
        self._holder = subprocess.Popen(["unshare", "--net", "--", "sleep", "infinity"])
        self._undo.callback(self._end_holder)
        _wait_for_own_namespace(self._holder.pid)
        run("ip", "link", "add", SERVER_END, "type", "veth", "peer", "name", VILLAGE_END,
            "netns", str(self._holder.pid))
        # No IPv6 link-local address on the pair: one appearing a second after the link comes up
        # is a network change, and Chromium drops the page it was loading (ERR_NETWORK_CHANGED).
        run("ip", "link", "set", SERVER_END, "addrgenmode", "none")
        run("ip", "addr", "add", f"{SERVER_ADDRESS}/30", "dev", SERVER_END)
        run("ip", "link", "set", SERVER_END, "up")
        run(*self.shape.tbf(SERVER_END))
        for step in (["ip", "link", "set", "lo", "up"],
                     ["ip", "link", "set", VILLAGE_END, "addrgenmode", "none"],
                     ["ip", "addr", "add", f"{VILLAGE_ADDRESS}/30", "dev", VILLAGE_END],
                     ["ip", "link", "set", VILLAGE_END, "up"], self.shape.tbf(VILLAGE_END)):
            run(*self.enter(*step))
        _wait_until_up(["ip", "-o", "link", "show", SERVER_END])
        _wait_until_up(self.enter("ip", "-o", "link", "show", VILLAGE_END))
        self._undo.enter_context(nft_table(LOSS_TABLE, self.shape.loss_rules(SERVER_END)))
        self._undo.enter_context(nft_table(LOSS_TABLE, self.shape.loss_rules(VILLAGE_END), self.enter()))

    def _end_holder(self) -> None:
        assert self._holder is not None
        self._holder.kill()
        self._holder.wait(timeout=10)
        # The pair goes with the village's namespace; this is for a pair left half made.
        subprocess.run(["ip", "link", "delete", SERVER_END], capture_output=True, timeout=30)


def _wait_until_up(show: list[str], timeout: float = 10.0) -> None:
    """Until the link reports its carrier (state UP): the pair is settled before anything uses it."""
    deadline = time.monotonic() + timeout
    while "state UP" not in subprocess.run(show, capture_output=True, text=True, timeout=30).stdout:
        if time.monotonic() > deadline:
            raise LinkNotBuilt(f"{' '.join(show)}: the link did not come up")
        time.sleep(0.05)


def _wait_for_own_namespace(pid: int, timeout: float = 10.0) -> None:
    """Until the holder has left our namespace for its own."""
    ours = os.readlink("/proc/self/ns/net")
    deadline = time.monotonic() + timeout
    while True:
        try:
            if os.readlink(f"/proc/{pid}/ns/net") != ours:
                return
        except FileNotFoundError:
            raise LinkNotBuilt("unshare --net exited: cannot make the village's namespace") from None
        if time.monotonic() > deadline:
            raise LinkNotBuilt("the village's namespace did not appear")
        time.sleep(0.02)


def _counts(nft: list[str]) -> dict[str, int]:
    """The loss table's two counters: UDP packets seen, and dropped."""
    listing = subprocess.run([*nft, "-j", "list", "table", "inet", LOSS_TABLE],
                             capture_output=True, text=True, check=True, timeout=30).stdout
    found = [e["counter"]["packets"] for item in json.loads(listing)["nftables"] if "rule" in item
             for e in item["rule"]["expr"] if "counter" in e]
    return {"seen": found[0], "dropped": found[1]}
