"""Does the TURN relay answer with the credentials the server hands out? (`cunneng doctor`)

For each turn:/turns: URL the server is configured with, a real TURN Allocate (aioice's
TURN client, the one aiortc uses) with time-limited REST credentials made from the shared
secret exactly as ice_servers.py makes them for the call clients. A relay that refuses them,
does not answer, or whose TLS certificate a browser would not accept is named with the
likely cause; on success the relayed address is shown and the allocation deleted at once.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from datetime import datetime

from .ice_servers import turn_credentials

DOCTOR_ACCOUNT = "cunneng-doctor"


@dataclass(frozen=True)
class TurnAnswer:
    """What one TURN URL said: ok with the relayed address, or the problem."""

    url: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL'} {self.url}: {self.detail}"


async def check_turn(url: str, secret: str, now: datetime, trust: ssl.SSLContext, timeout: float = 10.0) -> TurnAnswer:
    """Allocate a relay at url with REST credentials made from secret, then release it."""
    from aioice import stun
    from aioice.turn import create_turn_endpoint
    from aiortc.rtcicetransport import parse_stun_turn_uri

    try:
        parsed = parse_stun_turn_uri(url)
    except ValueError as error:
        return TurnAnswer(url, False, f"不是 TURN 地址 (not a TURN URL: {error})")
    username, password = turn_credentials(secret, DOCTOR_ACCOUNT, now, 600)
    try:
        async with asyncio.timeout(timeout):
            relay, _ = await create_turn_endpoint(
                asyncio.DatagramProtocol, (parsed["host"], parsed["port"]), username, password, lifetime=60,
                ssl=trust if parsed["scheme"] == "turns" else None, transport=parsed["transport"])
    except stun.TransactionFailed as failed:
        return TurnAnswer(url, False, _refusal(failed.response.attributes.get("ERROR-CODE")))
    except (stun.TransactionTimeout, TimeoutError):
        return TurnAnswer(url, False, f"{timeout:.0f} 秒内没有回答 (no answer within {timeout:.0f} s: is coturn"
                                      " running, and does the firewall let this port through?)")
    except ssl.SSLError as error:
        return TurnAnswer(url, False, f"TLS 证书不被信任 (TLS failed: {error.reason or error}; browsers will refuse"
                                      " this relay: give coturn a certificate for this name from `cunneng tls issue`)")
    except OSError as error:
        return TurnAnswer(url, False, f"连不上 (cannot connect: {error.strerror or error})")
    relayed = relay.get_extra_info("sockname")
    relay.close()
    return TurnAnswer(url, True, f"relay allocated at {relayed[0]}:{relayed[1]} with the REST credentials")


def _refusal(error: tuple[int, str] | None) -> str:
    code, reason = error if error else (0, "")
    if code == 401:
        return ("凭据被拒绝 (401 Unauthorized: --turn-secret is not coturn's static-auth-secret, coturn lacks"
                " use-auth-secret, or this machine's clock is off)")
    if code == 403:
        return f"被禁止 (403 Forbidden: {reason}; coturn's allowed/denied peer or quota settings)"
    return f"TURN 错误 (TURN error {code} {reason})"
