"""Every picture the server decodes has an explicit pixel limit, checked on its header first (#17)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from signaling.exceptions import CunnengError
from signaling.marks.pictures import decoded

from .scan_samples import png_bomb
from .scan_support import refused_upload
from .support import RunningServer

PILLOW_INTERNALS = ("0×0", "BytesIO", " at 0x", "<")


def plain_words(error: dict[str, str]) -> bool:
    return not any(bit in error["message"] + error["message_en"] for bit in PILLOW_INTERNALS)


async def test_a_144_megapixel_picture_is_not_decoded_to_trace_it(server: RunningServer, tmp_path: Path) -> None:
    """It once took 1.34 GB to decode; a picture to trace may have at most 40 megapixels."""
    auditor = await server.login("auditor")
    reply = await auditor.post("/api/trace", data=png_bomb(tmp_path / "leak.png", 12_000).read_bytes())
    assert (reply.status, reply.body["error"]) == (413, "image_too_large")
    assert "12000×12000" in reply.body["message"] and "缩小" in reply.body["message"] and plain_words(reply.body)


@pytest.mark.parametrize("side", [5_000, 30_000], ids=["over-the-seal-limit", "beyond-pillow-error"])
async def test_a_seal_bomb_is_refused_before_decoding(server: RunningServer, tmp_path: Path, side: int) -> None:
    admin = await server.login("admin")
    reply = await admin.request("PUT", "/api/units/zh-yb/seal", data=png_bomb(tmp_path / "seal.png", side).read_bytes())
    assert (reply.status, reply.body["error"]) == (400, "invalid_seal")
    assert "pixels" in reply.body["message_en"] and plain_words(reply.body)


async def test_a_seal_without_transparency_is_refused(server: RunningServer) -> None:
    """The seal is stamped over the text: an opaque picture would cover it with a white square."""
    seal = Image.new("RGB", (400, 400), (255, 255, 255))
    ImageDraw.Draw(seal).ellipse((10, 10, 390, 390), outline=(220, 20, 30), width=18)
    png = io.BytesIO()
    seal.save(png, "PNG")
    admin = await server.login("admin")
    reply = await admin.request("PUT", "/api/units/zh-yb/seal", data=png.getvalue())
    assert (reply.status, reply.body["error"]) == (400, "invalid_seal")
    assert "transparency" in reply.body["message_en"] and "透明" in reply.body["message"]


def test_a_still_over_its_limit_is_refused_before_decoding(tmp_path: Path) -> None:
    with pytest.raises(CunnengError) as refused:
        decoded(png_bomb(tmp_path / "still.png", 8_000).read_bytes())
    assert (refused.value.status, refused.value.code) == (413, "image_too_large")


async def test_scan_errors_are_said_in_words(server: RunningServer, tmp_path: Path) -> None:
    """"图像太大(0×0 像素)" for a bomb, "<_io.BytesIO object at 0x…>" for a damaged PNG, no more."""
    status, bomb = await refused_upload(server, png_bomb(tmp_path / "bomb.png", 40_000))
    assert status == 413 and "百万像素" in bomb["message"] and plain_words(bomb)
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    status, error = await refused_upload(server, damaged)
    assert (status, error["error"]) == (422, "corrupt_scan") and plain_words(error), error
