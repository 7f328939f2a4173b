"""The package's manifest: the SHA-256 of every member and of every audit event, signed by the server.

The signature is a detached CMS (eseal.sign_detached) by a certificate the local CA issues to the
package exporter itself, so anyone with the CA's root certificate can check a package anywhere:
a member changed, removed or added, or an event edited, no longer matches the signed manifest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from eseal import UnitIdentity

from ..audit.chain import canonical

FORMAT = "cunneng-case-package/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.p7s"
EVENTS = "audit/events.json"
SIGNER = UnitIdentity("case-packages", "村能办办件证据包")


def event_digest(event: dict[str, Any]) -> str:
    """The SHA-256 of one event's canonical JSON: names the event that was edited."""
    return hashlib.sha256(canonical(event).encode()).hexdigest()


@dataclass(frozen=True)
class Member:
    """One file of the package, as the manifest lists it."""

    path: str
    sha256: str
    size: int


def manifest_bytes(about: dict[str, Any], members: list[Member], events: list[dict[str, Any]],
                   head: tuple[int, str]) -> bytes:
    """The manifest as signed: what the package is, its members, its events, the chain's head at export."""
    manifest = {
        "format": FORMAT, **about,
        "chain_head": {"seq": head[0], "hash": head[1]},
        "members": [{"path": m.path, "sha256": m.sha256, "size": m.size} for m in members],
        "events": [{"seq": e["seq"], "action": e["action"], "sha256": event_digest(e)} for e in events],
    }
    return json.dumps(manifest, ensure_ascii=False, indent=1).encode()
