"""`cunneng watermark mark|extract`: exit codes 0/1/2, atomic output, PNG and JPEG."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from watermark import extract_file, open_image
from watermark.samples import photo

CUNNENG = Path(sys.executable).parent / "cunneng"


def cunneng(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CUNNENG), "watermark", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "snapshot.png"
    photo(960, 720, seed=11).save(path)
    return path


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_marked_file_gives_back_its_id(picture: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"marked{suffix}"
    result = cunneng("mark", picture, target, "--text", "查看人：张晓明", "--text",
                     "办件号：ZH-2026-000123", "--id", "1099511627775")
    assert result.returncode == 0, result.stderr
    assert open_image(target).format == ("PNG" if suffix == ".png" else "JPEG")
    extracted = cunneng("extract", target)
    assert (extracted.returncode, extracted.stdout) == (0, "id 1099511627775\n")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_unmarked_file_says_no_watermark(picture: Path) -> None:
    result = cunneng("extract", picture)
    assert (result.returncode, result.stdout) == (1, "no watermark\n")


@pytest.mark.parametrize("content", [None, b"not a picture"])
def test_unreadable_file_exits_2(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "leak.jpg"
    if content is not None:
        path.write_bytes(content)
    result = cunneng("extract", path)
    assert result.returncode == 2 and "leak.jpg" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("args", [["--id", str(2**40)], ["--id", "-3"]])
def test_mark_refuses_an_id_outside_the_payload(picture: Path, tmp_path: Path,
                                                args: list[str]) -> None:
    result = cunneng("mark", picture, tmp_path / "out.png", "--text", "x", *args)
    assert result.returncode == 2 and "mark id" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_mark_refuses_an_unknown_output_format(picture: Path, tmp_path: Path) -> None:
    result = cunneng("mark", picture, tmp_path / "out.gif", "--text", "x", "--id", "5")
    assert result.returncode == 2 and ".png" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_mark_overwrites_an_existing_output_in_one_step(picture: Path, tmp_path: Path) -> None:
    target = tmp_path / "marked.png"
    target.write_bytes(b"old")
    assert cunneng("mark", picture, target, "--text", "x", "--id", "42").returncode == 0
    found = extract_file(target)
    assert found is not None and found.mark_id == 42


def test_mark_into_a_missing_folder_exits_2(picture: Path, tmp_path: Path) -> None:
    result = cunneng("mark", picture, tmp_path / "missing" / "out.png", "--text", "x",
                     "--id", "5")
    assert result.returncode == 2 and "missing" in result.stderr


def test_mark_refuses_blank_text(picture: Path, tmp_path: Path) -> None:
    result = cunneng("mark", picture, tmp_path / "out.png", "--text", " ", "--id", "5")
    assert result.returncode == 2 and list(tmp_path.iterdir()) == []
