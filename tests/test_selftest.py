"""`cunneng selftest` and `cunneng village call` against `cunneng serve`, each its own process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from village_client.consult import Party

from .support import VALID_ID, ServeProcess, serve_process


async def cunneng(*args: str, timeout: float = 120) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling.cli", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout)
    return int(process.returncode or 0), output.decode()


async def test_selftest_passes_against_a_running_server(tmp_path: Path) -> None:
    served = await serve_process(tmp_path / "data", "--media-workers", "1")
    try:
        code, output = await cunneng("selftest", "--server", served.base)
    finally:
        await served.stop()
    lines = output.strip().splitlines()
    assert code == 0, output
    steps = [line.split()[1] for line in lines if line.startswith("ok ")]
    assert steps[:3] == ["health", "sign-in", "open-case"] and "video-both-ways" in steps and "certificate" in steps
    assert steps[-2:] == ["hang-up", "recording"]
    assert not any(line.startswith("FAIL") for line in lines)
    assert "scan-during-call" in steps  # a 600 dpi scan reached the approver with the same SHA-256


async def test_selftest_names_the_failing_step(tmp_path: Path) -> None:
    served = await serve_process(tmp_path / "data")
    try:
        code, output = await cunneng("selftest", "--server", served.base, "--password", "wrong-password")
    finally:
        await served.stop()
    assert code == 1
    assert output.strip().splitlines()[-1].startswith("FAIL sign-in ")


async def village_call(served: ServeProcess, approver: Party, duration: str) -> asyncio.Future[tuple[int, str]]:
    """`cunneng village call` on a new case, running until it exits; the approver answers it."""
    clerk = await Party.sign_in(served.base, "clerk-yb1", "cunneng-demo")
    opened = await clerk.connection.api("POST", "/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}, "item_code": "T-RS-001"})
    await clerk.close()
    call = asyncio.ensure_future(cunneng("village", "call", "--server", served.base, "--user", "clerk-yb1",
                                         "--password", "cunneng-demo", "--case", str(opened["id"]),
                                         "--duration", duration))
    call_id = await approver.answer_next(timeout=60)
    await approver.connection.expect("call.participants", timeout=30, call_id=call_id)
    return call


async def test_village_call_holds_a_call_an_approver_answers(tmp_path: Path) -> None:
    served = await serve_process(tmp_path / "data")
    approver = await Party.sign_in(served.base, "town-yb", "cunneng-demo")
    try:
        case = await approver.connection.api("GET", "/api/me")  # warm up the session
        code, output = await (await village_call(served, approver, "6"))
        assert case["username"] == "town-yb"
        assert code == 0, output
        assert "connected: answered by 元坝镇窗口 刘芳" in output and "hung up" in output
        frames = [line for line in output.splitlines() if "video" in line and "frames" in line]
        assert frames and " 0 video" not in frames[-1]
    finally:
        await approver.close()
        await served.stop()


async def test_village_call_exits_4_at_once_when_the_server_dies(tmp_path: Path) -> None:
    """#18: it printed "media closed" until --duration ran out, then a traceback and exit 1."""
    served = await serve_process(tmp_path / "data")
    approver = await Party.sign_in(served.base, "town-yb", "cunneng-demo")
    try:
        call = await village_call(served, approver, "60")
        await asyncio.sleep(2.0)
        os.kill(served.process.pid, signal.SIGKILL)
        killed = time.monotonic()
        code, output = await asyncio.wait_for(call, 30)
        assert time.monotonic() - killed < 5, output
    finally:
        await approver.close()
        await served.stop()
    assert code == 4, output
    assert "call dropped" in output.splitlines()[-1]
    assert "Traceback" not in output
