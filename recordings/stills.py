"""A still from an archived recording at a moment of the replay (the auditor's 截图).

Decoding happens only here, on demand: seek to the keyframe before the moment, decode up to
it and keep the last picture — recording itself never decodes.
"""

from __future__ import annotations

import io
from typing import BinaryIO

import av

from recordings.exceptions import NoPictureThere

LAST_PICTURE_SLACK = 1.0  # seconds past the last picture still show it (the replay's end); later is no moment


def still_at(source: BinaryIO, seconds: float) -> bytes:
    """The picture shown at `seconds` into the recording, as PNG (blocking: run it on a worker)."""
    with av.open(source, mode="r") as container:
        if not container.streams.video:
            raise NoPictureThere("这段录像没有画面。", "The recording has no video.")
        stream = container.streams.video[0]
        assert stream.time_base is not None
        container.seek(int(seconds / stream.time_base), stream=stream, backward=True, any_frame=False)
        picture = None
        for frame in container.decode(stream):
            if picture is not None and frame.time is not None and frame.time > seconds:
                break
            picture = frame
    if picture is None or (picture.time is not None and seconds - picture.time > LAST_PICTURE_SLACK):
        raise NoPictureThere("录像在这一时刻没有画面（超出了录像的长度）。",
                             f"No picture at {seconds:.1f} s of the recording.")
    out = io.BytesIO()
    picture.to_image().save(out, "PNG")
    return out.getvalue()
