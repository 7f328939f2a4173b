"""Errors of the media hub, each with a code and a message in Chinese and English.

The same codes travel across the worker-process boundary, so a caller sees the same
exception class whether the call runs in-process or in a worker.
"""

from __future__ import annotations

from protocol.messages import ErrorBody
from protocol.words import MediaEndReason


class MediaError(Exception):
    """Base class: `code` is the stable error code sent to clients."""

    code = "media_error"
    message_zh = "媒体服务出错"

    def __init__(self, message_en: str, message_zh: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message = message_zh or self.message_zh

    def as_json(self) -> ErrorBody:
        """The error shape every API of cunneng answers with."""
        return {"error": self.code, "message": self.message, "message_en": self.message_en}


class CallNotFound(MediaError):
    code = "call_not_found"
    message_zh = "通话不存在或已结束"


class CallAlreadyOpen(MediaError):
    code = "call_already_open"
    message_zh = "通话已经开始"


class ParticipantNotFound(MediaError):
    code = "participant_not_found"
    message_zh = "该参与方不在通话中"


class ParticipantAlreadyJoined(MediaError):
    code = "participant_already_joined"
    message_zh = "该参与方已在通话中"


class UnexpectedAnswer(MediaError):
    code = "unexpected_answer"
    message_zh = "收到了未请求的媒体应答"


class InvalidSessionDescription(MediaError):
    code = "invalid_sdp"
    message_zh = "媒体协商信息无效"


class CodecNotSupported(MediaError):
    code = "codec_not_supported"
    message_zh = "终端不支持本次通话的音视频编码"


class InvalidIceCandidate(MediaError):
    code = "invalid_ice_candidate"
    message_zh = "网络候选地址无效"


class InvalidRecordingSpec(MediaError):
    code = "invalid_recording_spec"
    message_zh = "录像配置无效"


class InvalidMediaConfig(MediaError):
    code = "invalid_media_config"
    message_zh = "媒体服务配置无效"


class MediaWorkerLost(MediaError):
    code: str = MediaEndReason.MEDIA_WORKER_LOST  # the reason its calls end with
    message_zh = "媒体服务进程异常退出，通话已结束"


class MediaWorkerTimeout(MediaError):
    code = "media_worker_timeout"
    message_zh = "媒体服务响应超时"


class StillTooLarge(MediaError):
    code = "still-too-large"
    message_zh = "画面太大，无法截图"


class UnknownOperation(MediaError):
    code = "unknown_operation"
    message_zh = "未知的媒体服务请求"


ERRORS_BY_CODE: dict[str, type[MediaError]] = {
    cls.code: cls
    for cls in (
        MediaError,
        CallNotFound,
        CallAlreadyOpen,
        ParticipantNotFound,
        ParticipantAlreadyJoined,
        UnexpectedAnswer,
        InvalidSessionDescription,
        CodecNotSupported,
        InvalidIceCandidate,
        InvalidRecordingSpec,
        InvalidMediaConfig,
        MediaWorkerLost,
        MediaWorkerTimeout,
        StillTooLarge,
        UnknownOperation,
    )
}


def error_from_json(data: dict[str, str]) -> MediaError:
    """Rebuild the exception a worker reported, keeping its class and both messages."""
    cls = ERRORS_BY_CODE.get(data.get("error", ""), MediaError)
    return cls(data.get("message_en", ""), data.get("message"))
