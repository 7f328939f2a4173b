"""E-seal timings: CA start, certificate issue, document generation, signing, verification.

Run: .venv/bin/python bench/eseal.py [--runs N]. Prints medians in milliseconds and the
document sizes; targets (notes/eseal.md): generate ~0.3 s, sign ~0.16 s, verify ~15 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from eseal import (
    ApprovalNotice,
    CaseFacts,
    CertificateAuthority,
    Issuance,
    Signatory,
    UnitIdentity,
    approval_pdf,
    sign_pdf,
    verify_pdf,
)

T = TypeVar("T")
TOWN = UnitIdentity("town-weizi", "昭化区卫子镇人民政府")
BUREAU = UnitIdentity("dist-rsj", "广元市昭化区人力资源和社会保障局")
NOTICE = ApprovalNotice(
    CaseFacts("ZH-2026-000123", ("城乡居民基本养老保险参保登记",), "王秀英", "510802195403121234"),
    Issuance(date(2026, 11, 23), (Signatory(TOWN.unit_id, TOWN.unit_name, "张建国"),
                                  Signatory(BUREAU.unit_id, BUREAU.unit_name, "刘芳")),
             "http://127.0.0.1:8080/verify/ZH-2026-000123"),
    "准予参保登记",
)


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """How long one call takes, in milliseconds, and what it returned."""
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def median_ms(action: Callable[[], object], runs: int) -> float:
    return statistics.median(timed(action)[0] for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        pki = Path(folder) / "pki"
        create_ms, authority = timed(lambda: CertificateAuthority.open(pki, b"b" * 32))
        issue_ms, town = timed(lambda: authority.credentials_for(TOWN))
        bureau = authority.credentials_for(BUREAU)
        reopen_ms = median_ms(lambda: CertificateAuthority.open(pki, b"b" * 32), 3)
        first_ms, pdf = timed(lambda: approval_pdf(NOTICE))
        generate_ms = median_ms(lambda: approval_pdf(NOTICE), runs)
        sign_ms = median_ms(lambda: sign_pdf(pdf, town), runs)
        once = sign_pdf(pdf, town)
        second_ms = median_ms(lambda: sign_pdf(once, bureau), runs)
        twice = sign_pdf(once, bureau)
        trust = authority.trust_anchors()
        verify_ms = median_ms(lambda: verify_pdf(twice, trust), runs)
    rows = [
        ("create CA (root key, scrypt wrap, CRL)", create_ms),
        ("issue one unit certificate", issue_ms),
        ("reopen CA (unwrap root key)", reopen_ms),
        ("first document in a process (font load)", first_ms),
        ("generate approval PDF (median)", generate_ms),
        ("sign, first unit (median)", sign_ms),
        ("sign, second unit, incremental (median)", second_ms),
        ("verify two signatures (median)", verify_ms),
    ]
    for label, value in rows:
        print(f"{label:<44} {value:8.1f} ms")
    print(f"{'sizes: unsigned / one / two signatures':<44} "
          f"{len(pdf) // 1024} / {len(once) // 1024} / {len(twice) // 1024} KiB")


if __name__ == "__main__":
    main()
