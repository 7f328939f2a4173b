"""One middleware turns every error into the API's JSON shape, in one place."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage

from protocol.words import ErrorCode
from recordings import DamagedStoredFile

from ..exceptions import CunnengError
from .damage import DamagedFile, report_damage
from .routing import Handler, json_response

logger = logging.getLogger(__name__)

HTTP_ERRORS = {
    404: (ErrorCode.HTTP_404, "找不到该地址。", "Not found."),
    405: (ErrorCode.HTTP_405, "该地址不支持这种请求方法。", "Method not allowed."),
    413: (ErrorCode.HTTP_413, "请求内容太大。", "Request body too large."),
}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """CunnengError → its status and message; a damaged stored file → file_damaged, logged;
    other HTTP errors → JSON under /api; crashes → 500."""
    try:
        return await handler(request)
    except CunnengError as error:
        return json_response(error.as_json(), status=error.status)
    except DamagedStoredFile as error:
        await report_damage(request, error)
        return json_response(DamagedFile().as_json(), status=DamagedFile.status)
    except web.HTTPException as error:
        if not request.path.startswith("/api/") or error.status < 400:
            raise
        code, zh, en = HTTP_ERRORS.get(error.status, (f"http_{error.status}", "请求有误。", error.reason))
        return json_response({"error": code, "message": zh, "message_en": en}, error.status)
    except Exception:
        logger.exception("%s %s failed", request.method, request.path)
        return json_response(
            {"error": ErrorCode.INTERNAL, "message": "服务器内部错误，请稍后重试或联系管理员。",
             "message_en": "Internal server error."},
            status=500,
        )


class ClientMistakes(logging.Filter):
    """aiohttp logs a request it cannot parse (a 100 kB URL, a broken header) with a traceback,
    as if the server had failed: it is the sender's mistake, answered 400 — one line suffices."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, BadHttpMessage):
            record.msg = f"{record.getMessage()}: {error.message or type(error).__name__}"[:300]
            record.args, record.exc_info, record.exc_text = None, None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


CLIENT_MISTAKES = ClientMistakes()


def quiet_client_mistakes() -> None:
    """Install the filter on aiohttp's server logger (once, however many apps are made)."""
    logging.getLogger("aiohttp.server").addFilter(CLIENT_MISTAKES)
