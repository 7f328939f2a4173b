"""`cunneng package verify`: a case package checked anywhere, with the CA's root certificate alone.

In order: the manifest's detached signature (by the package certificate the root issued), then
every member against the manifest (changed, removed, added), then every audit event against its
digest in the manifest (edited, removed, added), the links between consecutive events, that the
last event is the chain head the manifest names, and the signed audit checkpoint when one is
inside. Each problem names the member or the event. What this cannot check without the server's
audit key — each event's HMAC — `cunneng audit verify` checks on the server.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from eseal import TrustAnchors

from ..audit.checkpoints import checked_checkpoint
from .manifest import EVENTS, FORMAT, MANIFEST, SIGNATURE, SIGNER, event_digest


class UnreadablePackage(Exception):
    """The file is no case package at all (not a ZIP, no manifest)."""


@dataclass
class PackageVerdict:
    """What the check found: the case, how much was checked, and every problem (none: intact)."""

    case_number: str = ""
    members: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the documents' named recordings were found to be

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(path: Path, trust: TrustAnchors) -> PackageVerdict:
    """Check a package file (blocking); UnreadablePackage when it is not one."""
    try:
        with zipfile.ZipFile(path) as package:
            return _verify(package, trust)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadablePackage(f"{path} is not a readable case package: {error}") from None


def _verify(package: zipfile.ZipFile, trust: TrustAnchors) -> PackageVerdict:
    names = set(package.namelist())
    if MANIFEST not in names or SIGNATURE not in names:
        raise UnreadablePackage(f"no {MANIFEST} with its signature {SIGNATURE} inside")
    raw = package.read(MANIFEST)
    verdict = PackageVerdict()
    verdict.problems += _signature_problems(raw, package.read(SIGNATURE), trust)
    try:
        manifest = json.loads(raw)
        assert manifest["format"] == FORMAT
    except (ValueError, KeyError, TypeError, AssertionError):
        verdict.problems.append(f"{MANIFEST} is not a {FORMAT} manifest")
        return verdict
    verdict.case_number = str(manifest["case"]["number"])
    verdict.members, verdict.events = len(manifest["members"]), len(manifest["events"])
    problems, intact = _member_problems(package, names - {MANIFEST, SIGNATURE}, manifest["members"])
    verdict.problems += problems
    if EVENTS in names:
        verdict.problems += _event_problems(package.read(EVENTS), manifest)
    if "audit/checkpoint.json" in names:
        verdict.problems += _checkpoint_problems(package.read("audit/checkpoint.json"), trust, manifest)
    _check_certified_recordings(package, [m for m in manifest["members"] if m["path"] in intact], verdict)
    return verdict


def _check_certified_recordings(package: zipfile.ZipFile, members: list[dict[str, Any]],
                                verdict: PackageVerdict) -> None:
    """Each issued document names its call's recordings by SHA-256: they must be the package's intact ones."""
    from eseal import UnreadablePdf, call_named_by  # pyHanko (#9)

    for member in members:
        if not (member["path"].startswith("documents/") and member["path"].endswith(".pdf")):
            continue
        try:
            named = call_named_by(package.read(member["path"]))
        except (UnreadablePdf, KeyError):
            continue  # a changed or removed document is already reported as such
        if named is None or not named[1]:
            continue
        call_id, hashes = named
        recorded = {m["sha256"] for m in members if m["path"].startswith(f"recordings/{call_id}-")}
        if not recorded:
            verdict.notes.append(f"{member['path']} names call {call_id}, whose recordings are not in the package"
                                 " (deleted after their retention period)")
            continue
        missing = [digest for digest in hashes if digest not in recorded]
        verdict.problems += [f"{member['path']} names recording {digest} of call {call_id}, which is not in the"
                             " package" for digest in missing]
        if not missing:
            verdict.notes.append(f"{member['path']} names the {len(hashes)} recordings of call {call_id}:"
                                     " they are the package's")


def _signature_problems(manifest: bytes, signature: bytes, trust: TrustAnchors) -> list[str]:
    from eseal import verify_detached  # pyHanko, loaded for this check only (#9)

    try:
        report = verify_detached(manifest, signature, trust)
    except ValueError as error:
        return [f"{SIGNATURE}: {error}"]
    if not report.intact:
        return [f"{MANIFEST} was changed after it was signed (its signature no longer matches)"]
    if not (report.valid and report.trusted):
        return [f"{SIGNATURE} is not a signature of this CA ({report.unit_name or 'unknown signer'})"]
    if report.unit_id != SIGNER.unit_id:
        return [f"{MANIFEST} was signed by {report.unit_name}, not the server's package certificate"]
    return []


def _member_problems(package: zipfile.ZipFile, present: set[str], listed: list[dict[str, Any]]
                     ) -> tuple[list[str], set[str]]:
    """What is wrong with the members, and which of them are intact."""
    problems, intact = [], set()
    for member in listed:
        if member["path"] not in present:
            problems.append(f"member {member['path']} was removed")
        elif _sha256(package, member["path"]) != member["sha256"]:
            problems.append(f"member {member['path']} was changed (its SHA-256 differs from the manifest's)")
        else:
            intact.add(member["path"])
    problems += [f"member {name} was added (not in the manifest)"
                 for name in sorted(present - {m["path"] for m in listed}) if not name.endswith("/")]
    return problems, intact


def _sha256(package: zipfile.ZipFile, name: str) -> str:
    hasher = hashlib.sha256()
    with package.open(name) as member:
        for piece in iter(lambda: member.read(1 << 20), b""):
            hasher.update(piece)
    return hasher.hexdigest()


def _event_problems(raw: bytes, manifest: dict[str, Any]) -> list[str]:
    try:
        events = {int(e["seq"]): e for e in json.loads(raw)}
    except (ValueError, KeyError, TypeError):
        return [f"{EVENTS} cannot be read"]
    listed = {int(e["seq"]): e for e in manifest["events"]}
    problems = [f"event #{seq} ({entry['action']}) was removed" for seq, entry in listed.items() if seq not in events]
    problems += [f"event #{seq} was added (not in the manifest)" for seq in events if seq not in listed]
    problems += [f"event #{seq} ({entry['action']}) was edited" for seq, entry in listed.items()
                 if seq in events and event_digest(events[seq]) != entry["sha256"]]
    problems += _link_problems(events)
    head = manifest["chain_head"]
    last = events.get(max(events)) if events else None
    if last is not None and (last["seq"], last["hash"]) != (head["seq"], head["hash"]):
        problems.append(f"the last event #{last['seq']} is not the chain head #{head['seq']} the manifest names")
    return problems


def _link_problems(events: dict[int, dict[str, Any]]) -> list[str]:
    """Consecutive events of the case must chain: the later one names the earlier's hash."""
    return [f"event #{seq} does not link to event #{seq - 1} (its previous hash differs)"
            for seq, event in sorted(events.items())
            if seq - 1 in events and event["prev_hash"] != events[seq - 1]["hash"]]


def _checkpoint_problems(raw: bytes, trust: TrustAnchors, manifest: dict[str, Any]) -> list[str]:
    try:
        anchor = checked_checkpoint(raw.decode(), trust.root)
    except (ValueError, KeyError, TypeError, InvalidSignature) as error:
        return [f"audit/checkpoint.json does not verify ({type(error).__name__}: {error})"]
    if anchor.seq > manifest["chain_head"]["seq"]:
        return [f"audit/checkpoint.json vouches for event #{anchor.seq}, past the chain head at export"]
    return []
