"""Typed keys for the state the server keeps on its aiohttp application."""

from __future__ import annotations

from concurrent.futures import Executor

from aiohttp import web

from eseal import CertificateAuthority
from recordings import Archive

from .audit.chain import AuditLog
from .calls.callcenter import CallCenter
from .cases.events import CaseEvents
from .config import Clock, Settings
from .notices.courier import NoticeCourier
from .notices.status import StatusThrottle
from .scans.intake import ScanIntake
from .scans.tiles import TileService
from .scans.upload_store import UploadStore
from .storage.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
AUDIT_LOG = web.AppKey("audit_log", AuditLog)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
ARCHIVE = web.AppKey("archive", Archive)
AUTHORITY = web.AppKey("authority", CertificateAuthority)
EVENTS = web.AppKey("events", CaseEvents)
CALL_CENTER = web.AppKey("call_center", CallCenter)
SCAN_WORKERS: web.AppKey[Executor] = web.AppKey("scan_workers")
UPLOAD_STORE = web.AppKey("upload_store", UploadStore)
TILES = web.AppKey("tiles", TileService)
SCAN_INTAKE = web.AppKey("scan_intake", ScanIntake)
NOTICE_COURIER = web.AppKey("notice_courier", NoticeCourier)
STATUS_THROTTLE = web.AppKey("status_throttle", StatusThrottle)
