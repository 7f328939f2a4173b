"""Watermark benchmark: recovery rate per leak, false ids, PSNR, marking and extraction time.

Run: .venv/bin/python bench/watermark_bench.py [--smoke] [--runs N]. Prints a table and
writes bench/results/watermark.json. Recovery is measured on varied synthetic pictures
(photos, dark stills, video stills, Chinese text scans at 150 and 600 dpi) marked as the
server marks them (visible text + invisible id). Times are on a 600 dpi A4 page
(4960x7016; --smoke uses 1240x1754) and each is compared with a baseline measured in the
same run: Pillow encoding that page as JPEG quality 85, which the server does anyway to
send a page, so "x2.0" means marking costs twice the encode it already pays for.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from watermark import MAX_MARK_ID, embed_id, extract_id, mark_image
from watermark.leaks import LEAKS, STRESS, jpeg, rescale
from watermark.samples import dark_photo, photo, psnr, text_scan, video_still

RESULTS = Path(__file__).parent / "results" / "watermark.json"
VIEWER = ["查看人:张晓明 (zhangxm)", "单位:昭化区政务服务中心", "办件号:ZH-2026-000123",
          "2026-11-23 14:32:05"]
UNMARKED_LEAKS = {"as-is": lambda image: image, "jpeg-60": lambda image: jpeg(image, 60),
                  "rescale-x0.6": lambda image: rescale(image, 0.6)}


def pictures(smoke: bool) -> dict[str, Image.Image]:
    """The benchmark's pictures: a few of each kind the server marks."""
    if smoke:
        return {"video-still": video_still(2), "text-scan-100dpi": text_scan(827, 1169, 3)}
    found = {f"photo-{w}x{h}": photo(w, h, w) for w, h in
             ((1600, 1200), (1200, 1600), (1920, 1080), (1024, 768))}
    found.update({f"video-still-{seed}": video_still(seed) for seed in (3, 4, 5, 6)})
    found.update({f"dark-{seed}": dark_photo(1280, 960, seed) for seed in (7, 8)})
    found.update({f"text-scan-150dpi-{seed}": text_scan(1240, 1754, seed) for seed in (9, 10, 11)})
    found.update({f"text-scan-100dpi-{seed}": text_scan(827, 1169, seed) for seed in (12, 13)})
    found["text-scan-600dpi"] = text_scan(4960, 7016, 14)
    return found


def recovery(marked: dict[str, tuple[int, Image.Image]],
             leaks: dict[str, Callable[[Image.Image], Image.Image]]) -> dict[str, dict]:
    """Per leak: how many pictures gave back their id, gave none, or gave a wrong one."""
    table = {}
    for name, leak in leaks.items():
        found = {picture: (mark_id, extract_id(leak(image)))
                 for picture, (mark_id, image) in marked.items()}
        table[name] = {"right": sum(got == want for want, got in found.values()),
                       "wrong": sum(got not in (None, want) for want, got in found.values()),
                       "missed": [picture for picture, (_, got) in found.items() if got is None],
                       "pictures": len(found)}
    return table


def unmarked_pictures(smoke: bool) -> list[Image.Image]:
    """Pictures never marked, of every kind and many sizes, to look for false ids in."""
    rng = np.random.default_rng(11)
    sizes = [(int(rng.integers(500, 1700)), int(rng.integers(400, 1700)))
             for _ in range(2 if smoke else 30)]
    kinds = (photo, dark_photo, text_scan)
    return [kinds[seed % 3](*size, 1000 + seed) for seed, size in enumerate(sizes)]


def false_ids(originals: Sequence[Image.Image]) -> dict[str, int]:
    """Ids read from pictures that were never marked (must stay 0)."""
    tried = [extract_id(leak(image)) for image in originals for leak in UNMARKED_LEAKS.values()]
    return {"tried": len(tried), "ids_found": sum(got is not None for got in tried)}


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of `action` in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def timings(page: Image.Image, runs: int) -> dict[str, float | str]:
    """Marking and extraction times on one page, against JPEG-encoding that page."""
    def encode() -> None:
        page.save(io.BytesIO(), "JPEG", quality=85)

    leaked = jpeg(mark_image(page, VIEWER, 12345), 85)
    baseline = median_ms(encode, runs)
    mark = median_ms(lambda: mark_image(page, VIEWER, 12345), runs)
    extract = median_ms(lambda: extract_id(leaked), runs)
    return {"page": f"{page.width}x{page.height}", "jpeg85_encode_ms": baseline,
            "mark_ms": mark, "mark_vs_encode": mark / baseline,
            "extract_ms": extract, "extract_vs_encode": extract / baseline}


def measure_timing(smoke: bool, runs: int = 5) -> dict[str, float | str]:
    """Marking and extraction on a 600 dpi A4 text page (an eighth of it with smoke)."""
    page = text_scan(1240, 1754, 9) if smoke else text_scan(4960, 7016, 9)
    return timings(page, 2 if smoke else runs)


def print_report(report: dict) -> None:
    """The results as a table."""
    print(f"{'leak':28}{'read':>6}{'wrong':>6}  missed on")
    for group in ("targets", "stress"):
        for name, row in report["recovery"][group].items():
            rate = row["right"] / row["pictures"]
            print(f"{name:28}{rate:6.0%}{row['wrong']:6}  {' '.join(row['missed'])}")
    print(f"unmarked pictures: {report['false_ids']['ids_found']} ids found in "
          f"{report['false_ids']['tried']} tries")
    print("PSNR of the invisible mark (dB): " + ", ".join(
        f"{name} {value:.1f}" for name, value in report["psnr_db"].items()))
    t = report["timing"]
    print(f"page {t['page']}: JPEG q85 encode {t['jpeg85_encode_ms']:.0f} ms (baseline); "
          f"mark {t['mark_ms']:.0f} ms (x{t['mark_vs_encode']:.2f}); "
          f"extract {t['extract_ms']:.0f} ms (x{t['extract_vs_encode']:.2f})")


def main(argv: Sequence[str] | None = None) -> dict:
    """Run the benchmark, print the table, write the JSON and return it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds")
    parser.add_argument("--runs", type=int, default=5, help="timing repetitions")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    originals = pictures(args.smoke)
    ids = np.random.default_rng(7).integers(0, MAX_MARK_ID, len(originals))
    marked = {name: (int(mark_id), mark_image(image, VIEWER, int(mark_id)))
              for (name, image), mark_id in zip(originals.items(), ids)}
    report = {
        "recovery": {"targets": recovery(marked, LEAKS), "stress": recovery(marked, STRESS)},
        "false_ids": false_ids([*originals.values(), *unmarked_pictures(args.smoke)]),
        "psnr_db": {name: psnr(image, embed_id(image, 1)) for name, image in originals.items()},
        "timing": measure_timing(args.smoke, args.runs),
        "load_average_1min": os.getloadavg()[0],  # the machine is shared: context for times
    }
    print_report(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
