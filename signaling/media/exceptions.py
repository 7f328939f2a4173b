"""Errors of the media hub, each with a code and a message in Chinese and English.

The same codes travel across the worker-process boundary, so a caller sees the same
exception class whether the call runs in-process or in a worker.
"""

from __future__ import annotations

from protocol.messages import ErrorBody
from protocol.words import ErrorCode


class MediaError(Exception):
    """Base class: `code` is the stable error code sent to clients."""

    code = ErrorCode.MEDIA_ERROR
    message_zh = "媒体服务出错"

    def __init__(self, message_en: str, message_zh: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message = message_zh or self.message_zh

    def as_json(self) -> ErrorBody:
        """The error shape every API of cunneng answers with."""
        return {"error": self.code, "message": self.message, "message_en": self.message_en}


class CallNotFound(MediaError):
    code = ErrorCode.CALL_NOT_FOUND
    message_zh = "通话不存在或已结束"


class CallAlreadyOpen(MediaError):
    code = ErrorCode.CALL_ALREADY_OPEN
    message_zh = "通话已经开始"


class ParticipantNotFound(MediaError):
    code = ErrorCode.PARTICIPANT_NOT_FOUND
    message_zh = "该参与方不在通话中"


class ParticipantAlreadyJoined(MediaError):
    code = ErrorCode.PARTICIPANT_ALREADY_JOINED
    message_zh = "该参与方已在通话中"


class UnexpectedAnswer(MediaError):
    code = ErrorCode.UNEXPECTED_ANSWER
    message_zh = "收到了未请求的媒体应答"


class InvalidSessionDescription(MediaError):
    code = ErrorCode.INVALID_SDP
    message_zh = "媒体协商信息无效"


class CodecNotSupported(MediaError):
    code = ErrorCode.CODEC_NOT_SUPPORTED
    message_zh = "终端不支持本次通话的音视频编码"


class InvalidIceCandidate(MediaError):
    code = ErrorCode.INVALID_ICE_CANDIDATE
    message_zh = "网络候选地址无效"


class InvalidRecordingSpec(MediaError):
    code = ErrorCode.INVALID_RECORDING_SPEC
    message_zh = "录像配置无效"


class InvalidMediaConfig(MediaError):
    code = ErrorCode.INVALID_MEDIA_CONFIG
    message_zh = "媒体服务配置无效"


class MediaWorkerLost(MediaError):
    code = ErrorCode.MEDIA_WORKER_LOST  # the same word as the reason its calls end with
    message_zh = "媒体服务进程异常退出，通话已结束"


class MediaWorkerTimeout(MediaError):
    code = ErrorCode.MEDIA_WORKER_TIMEOUT
    message_zh = "媒体服务响应超时"


class StillTooLarge(MediaError):
    code = ErrorCode.STILL_TOO_LARGE
    message_zh = "画面太大，无法截图"


class UnknownOperation(MediaError):
    code = ErrorCode.UNKNOWN_OPERATION
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
