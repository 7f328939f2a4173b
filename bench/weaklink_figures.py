"""The weak-link benchmark's figures, from what the approver, the hub and the village recorded.

Every moment is time.monotonic(), one clock for all processes of the machine, so the
approver's frame arrivals line up with the village's scan and hang-up.
"""

from __future__ import annotations

import statistics
from typing import Any

FREEZE_S = 1.0  # no new frame for this long is a freeze a viewer notices
HARSH_FREEZE_S = 2.0  # the target on the mountain links (1 Mbit/s, 512 kbit/s)
AUDIO_GAP_S = 0.5  # no sound for this long is a gap a listener notices
STARTUP_S = 2.0  # from the first frame: the stream ramps up, not counted
VIDEO_FPS_SENT = 15


def gaps(moments: list[float], start: float, end: float) -> list[float]:
    """Time between consecutive frames inside [start, end], the edges included."""
    inside = [start, *(t for t in moments if start <= t <= end), end]
    return [b - a for a, b in zip(inside, inside[1:])]


def frames_each_second(moments: list[float], start: float, end: float) -> list[int]:
    """Frames that arrived in each whole second from `start`."""
    counts = [0] * int(end - start)
    for t in moments:
        second = int(t - start)
        if t >= start and second < len(counts):
            counts[second] += 1
    return counts


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def phases(call: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """The call before, during and after the scan, from the first frame (plus ramp-up) to hang-up."""
    arrivals, scan = call["approver_arrivals"], call["scan"]
    start = (arrivals[0] if arrivals else call["started_at"]) + STARTUP_S
    return {"before scan": (start, scan["began_at"]), "during scan": (scan["began_at"], scan["ended_at"]),
            "after scan": (scan["ended_at"], call["ended_at"])}


def phase_figures(call: dict[str, Any], start: float, end: float) -> dict[str, float]:
    """Approver fps and freezes, the village's bitrate and the hub's target, over one stretch."""
    arrivals = call["approver_arrivals"]
    found_gaps = gaps(arrivals, start, end)
    sound_gaps = gaps(call["approver_audio_arrivals"], start, end)
    sent = [kbps for second, kbps in enumerate(call["village_kbps"], 1)
            if start <= call["started_at"] + second <= end]
    targets = [s["target_bitrate_kbps"] for s in call["hub"]
               if start <= s["at"] <= end and s.get("target_bitrate_kbps") is not None]
    return {"seconds": end - start, "fps": sum(1 for t in arrivals if start <= t <= end) / max(end - start, 1e-9),
            "lowest_fps_in_a_second": min(frames_each_second(arrivals, start, end), default=0),
            "freezes_over_1s": sum(1 for gap in found_gaps if gap > FREEZE_S),
            "freezes_over_2s": sum(1 for gap in found_gaps if gap > HARSH_FREEZE_S),
            "longest_gap_s": max(found_gaps), "village_kbps": median(sent), "hub_target_kbps": median(targets),
            # decoded sound at the approver: stretches with none, as a listener hears them
            "audio_gaps_over_half_s": sum(1 for gap in sound_gaps if gap > AUDIO_GAP_S),
            "longest_audio_gap_s": max(sound_gaps)}


def call_figures(found: dict[str, Any]) -> dict[str, Any]:
    """Figures per phase and for the whole call, the scans against the link's capacity."""
    call, transfer, link = found["call"], found["transfer"], found["link"]
    stretches = phases(call)
    whole = (stretches["before scan"][0], stretches["after scan"][1])
    capacity = link["rate_kbit"] * 1000 / 8  # bytes per second
    scan = call["scan"]
    hub = call["hub"]
    per_phase = {name: phase_figures(call, *stretch) for name, stretch in stretches.items()}
    scan_s = scan["sent_at"] - scan["began_at"]
    scan_kbps = scan["bytes"] * 8 / 1000 / scan_s
    return {
        "call": phase_figures(call, *whole),
        "phases": per_phase,
        "keyframe_requests": hub[-1]["keyframe_requests"] - hub[0]["keyframe_requests"] if hub else 0,
        "nacks_repeated": hub[-1]["nacks_repeated"] - hub[0]["nacks_repeated"] if hub else 0,
        "frames_given_up": hub[-1]["frames_given_up"] - hub[0]["frames_given_up"] if hub else 0,
        "scan": {"bytes": scan["bytes"], "seconds": scan_s, "complete_s": scan["ended_at"] - scan["sent_at"],
                 "link_alone_s": scan["bytes"] / capacity, "intact": scan["intact"], "kbps": scan_kbps,
                 # the link's share the scan and the call's uplink used together while it went
                 "link_used": (scan_kbps + per_phase["during scan"]["village_kbps"]) / link["rate_kbit"]},
        "transfer": None if transfer is None else {
            "bytes": transfer["bytes"], "ours_s": transfer["ours_s"], "plain_s": transfer["plain_s"],
            "link_alone_s": transfer["bytes"] / capacity, "ours_to_plain": transfer["plain_s"] / transfer["ours_s"]},
    }


def table(found: dict[str, Any]) -> str:
    """The printed report: the link, then one row per figure, then the call phase by phase."""
    link, figures = found["link"], found["figures"]
    call, scan, transfer = figures["call"], figures["scan"], figures["transfer"]
    rows = [
        ("video at the approver, frames per second", f"{call['fps']:.1f}",
         f"{VIDEO_FPS_SENT} sent; lowest in one second {call['lowest_fps_in_a_second']}"),
        ("freezes longer than 1 s / 2 s", f"{call['freezes_over_1s']} / {call['freezes_over_2s']}",
         f"longest gap {call['longest_gap_s']:.2f} s"),
        ("sound: gaps longer than 0.5 s", f"{call['audio_gaps_over_half_s']}",
         f"longest gap {call['longest_audio_gap_s']:.2f} s"),
        ("village sends (median)", f"{call['village_kbps']:.0f} kbit/s",
         f"hub's target {call['hub_target_kbps']:.0f}; link {link['rate_kbit']}"),
        (f"scan of {scan['bytes'] / 1e6:.1f} MB during the call", f"{scan['seconds']:.1f} s",
         f"link alone {scan['link_alone_s']:.1f} s; {scan['kbps']:.0f} kbit/s, with the call "
         f"{100 * scan['link_used']:.0f} % of the link; stored {scan['complete_s']:.1f} s later, "
         f"intact: {'yes' if scan['intact'] else 'NO'}"),
    ]
    if transfer is not None:
        rows.append((f"scan of {transfer['bytes'] / 1e6:.1f} MB, no call: ours ÷ plain",
                     f"{transfer['ours_to_plain']:.2f} ×", f"ours {transfer['ours_s']:.1f} s, plain "
                     f"{transfer['plain_s']:.1f} s, link alone {transfer['link_alone_s']:.1f} s; target ≥ 0.95"))
    lines = [f"weak village link: {link['rate_kbit']} kbit/s each way, "
             f"{link['udp_loss_percent']} % of UDP lost, queue ≤ {link['queue_ms']} ms"]
    lines += [f"{name:46} {measured:>13}   {against}" for name, measured, against in rows]
    lines.append(f"{'call phase':14} {'seconds':>7} {'fps':>5} {'freezes':>7} {'longest':>7} "
                 f"{'sends':>6} {'target':>6}")
    for name, phase in figures["phases"].items():
        lines.append(f"{name:14} {phase['seconds']:7.1f} {phase['fps']:5.1f} {phase['freezes_over_1s']:7d} "
                     f"{phase['longest_gap_s']:7.2f} {phase['village_kbps']:6.0f} {phase['hub_target_kbps']:6.0f}")
    lines.append(f"keyframes the hub asked the village for: {figures['keyframe_requests']}; NACKs repeated "
                 f"{figures['nacks_repeated']}, gaps given up {figures['frames_given_up']}; UDP lost on the "
                 "link during the call: " + ", ".join(f"{way} {n['dropped']} of {n['seen']} "
                                                      f"({100 * n['dropped'] / max(n['seen'], 1):.1f} %)"
                                                      for way, n in found["call"]["udp"].items()))
    return "\n".join(lines)


def markdown(found: dict[str, Any]) -> str:
    """A saved run's links side by side, as docs/benchmarks.md rows."""
    runs = found["links"]
    head = " | ".join(f"{r['link']['rate_kbit']} kbit/s, {r['link']['udp_loss_percent']} % lost" for r in runs)
    rows = [f"| figure | {head} | target |", "|---|" + "---|" * len(runs) + "---|"]

    def row(name: str, cell: Any, target: str) -> None:
        rows.append(f"| {name} | " + " | ".join(cell(r["figures"]) for r in runs) + f" | {target} |")

    row("video at the approver (15 fps sent); worst second", lambda f: f"{f['call']['fps']:.1f} fps; "
        f"{f['call']['lowest_fps_in_a_second']}", "—")
    row("freezes over 1 s / over 2 s; longest gap", lambda f: f"{f['call']['freezes_over_1s']} / "
        f"{f['call']['freezes_over_2s']}; {f['call']['longest_gap_s']:.2f} s", "none over 1 s at 2 Mbit/s, 2 s below")
    row("sound: gaps over 0.5 s; longest", lambda f: f"{f['call']['audio_gaps_over_half_s']}; "
        f"{f['call']['longest_audio_gap_s']:.2f} s", "none")
    row("village sends, median before / during / after the scan (kbit/s)",
        lambda f: " / ".join(f"{p['village_kbps']:.0f}" for p in f["phases"].values()), "—")
    row("the hub's target (REMB), same stretches", lambda f: " / ".join(f"{p['hub_target_kbps']:.0f}"
                                                                         for p in f["phases"].values()), "—")
    row("video during the scan; its longest gap", lambda f: f"{f['phases']['during scan']['fps']:.1f} fps; "
        f"{f['phases']['during scan']['longest_gap_s']:.2f} s", "—")
    row("scan during the call: size, time, link alone", lambda f: f"{f['scan']['bytes'] / 1e6:.1f} MB in "
        f"{f['scan']['seconds']:.0f} s ({f['scan']['link_alone_s']:.0f} s)", "—")
    row("scan stored intact", lambda f: "yes" if f["scan"]["intact"] else "**NO**", "yes")
    row("NACKs repeated; gaps given up; keyframes asked", lambda f: f"{f['nacks_repeated']}; "
        f"{f['frames_given_up']}; {f['keyframe_requests']}", "—")
    row("21 MB, no call: ours ÷ one plain upload", lambda f: "—" if f["transfer"] is None else
        f"{f['transfer']['ours_to_plain']:.2f} ({f['transfer']['ours_s']:.0f} s against "
        f"{f['transfer']['plain_s']:.0f} s)", "≥ 0.95 at 2 Mbit/s")
    return "\n".join(rows)
