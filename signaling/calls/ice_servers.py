"""ICE servers handed to call clients, with time-limited TURN credentials.

coturn's REST-API scheme (``use-auth-secret`` + ``static-auth-secret``): the username is
"<expiry unix time>:<account>", the password base64(HMAC-SHA1(secret, username)), so
coturn checks a credential without asking the server, and a leaked one soon expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Any


def turn_credentials(secret: str, account: str, now: datetime, ttl_seconds: int) -> tuple[str, str]:
    """(username, password) valid until now + ttl."""
    username = f"{int(now.timestamp()) + ttl_seconds}:{account}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers_for(
    urls: tuple[str, ...], secret: str, account: str, now: datetime, ttl_seconds: int
) -> list[dict[str, Any]]:
    """RTCIceServer dicts for a client: STUN as given, TURN with fresh credentials."""
    stun = [url for url in urls if url.startswith(("stun:", "stuns:"))]
    turn = [url for url in urls if url.startswith(("turn:", "turns:"))]
    servers: list[dict[str, Any]] = [{"urls": stun}] if stun else []
    if turn and secret:
        username, credential = turn_credentials(secret, account, now, ttl_seconds)
        servers.append({"urls": turn, "username": username, "credential": credential})
    return servers
