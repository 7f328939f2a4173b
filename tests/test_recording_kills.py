"""kill -9 during a recorded call (#18): of the server, of its media worker, of both.

Whatever dies, every recording is registered to its call and replays through the API,
loses at most half a second before the kill, the call ends (never stays open), and the
case can be called again. Five trials of each kind: `make bench-crash`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .kill_trial import kill_trial

MAX_LOSS = 0.5
MEDIA_SECONDS = 4.0


@pytest.mark.parametrize("kind", ["server", "worker", "both"])
async def test_a_kill_leaves_every_recording_registered_and_the_case_callable(tmp_path: Path, kind: str) -> None:
    result = await kill_trial(tmp_path / "data", kind, MEDIA_SECONDS)

    assert len(result.recordings) == 2
    assert sorted(r["label"] for r in result.recordings) == ["元坝镇窗口 刘芳", "泉坝村窗口 赵兰"]
    assert all(loss <= MAX_LOSS for loss in result.losses), result.losses
    assert all(r["duration"] >= MEDIA_SECONDS - 1 for r in result.recordings), result.recordings
    assert result.called_again
    call = result.call
    assert call["state"] == "ended"
    if kind == "worker":
        assert call["end_reason"] == "media-worker-lost"
        assert result.ended_told["reason"] == "media-worker-lost"
    else:
        assert call["end_reason"] == "server_restarted"
        assert result.ended_told == {"type": "call.ended", "call_id": call["id"], "state": "ended",
                                     "reason": "server_restarted", "duration": call["duration"]}
    assert MEDIA_SECONDS - 0.5 <= call["duration"] <= MEDIA_SECONDS + 6, call
