"""Idle memory (#9): the server process loads the media, PDF and image libraries on first use, not at start."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

# What the started server must not have loaded: aiortc and PyAV (the media workers run the
# calls), pyHanko and reportlab (the first document), lxml (the first guide page's QR code),
# numpy (the first watermark), PDFium (the first PDF scan or marked copy).
HEAVY = ("aiortc", "av", "pyhanko", "pyhanko_certvalidator", "reportlab", "lxml", "numpy", "pypdfium2")

# `cunneng serve` as run by default: the command line registers every package's commands,
# then the app starts with one media worker; the top-level packages loaded by then.
STARTED_SERVER = """
import asyncio, sys
from pathlib import Path

from signaling.cli import build_parser
from tests.support import start_server


async def main() -> None:
    build_parser()
    server = await start_server(Path(sys.argv[1]), media_workers=1)
    await server.close()

asyncio.run(main())
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_started_server_has_not_loaded_the_heavy_libraries(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent
    done = subprocess.run([sys.executable, "-c", STARTED_SERVER, str(tmp_path / "data")], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "signaling" in loaded
    assert sorted(loaded.intersection(HEAVY)) == []


@pytest.mark.parametrize("package", ["eseal", "recordings", "watermark", "signaling.media"])
def test_every_exported_name_of_a_package_resolves(package: str) -> None:
    """Names a package loads on first use (PEP 562) are still all there."""
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    with pytest.raises(AttributeError):
        getattr(module, "no_such_name")
