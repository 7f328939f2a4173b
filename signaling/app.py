"""The aiohttp application: state on typed keys, resources opened and closed in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

from aiohttp import web

from eseal import open_authority
from protocol.messages import HubMessageBody
from recordings import Archive, load_or_create_key

from .access.accounts import hash_password
from .access.roles import SYSTEM
from .api import (
    admin,
    calendar,
    calls,
    cases,
    catalog,
    documents,
    meta,
    metrics,
    oversight,
    packages,
    registers,
    replay,
    scans,
    session,
    snapshots,
    statistics,
    status,
    trust,
    uploads,
    ws,
)
from .api.errors import error_middleware, quiet_client_mistakes
from .api.headers import security_headers
from .api.meta import OPENAPI, VERSION
from .api.openapi import openapi_document
from .api.proxy import trusted_proxy_middleware
from .api.routing import Api
from .appkeys import (
    ARCHIVE,
    AUDIT_LOG,
    AUTHORITY,
    CALL_CENTER,
    CLOCK,
    DATABASE,
    EVENTS,
    NOTICE_COURIER,
    SETTINGS,
    STATUS_THROTTLE,
)
from .audit.acts import Act
from .audit.chain import AuditLog
from .audit.checkpoints import Checkpoints
from .calls.adoption import RecordingAdoption
from .calls.archive_recording import recording_spec
from .calls.call_records import close_calls_left_open
from .calls.callcenter import CallCenter
from .cases.events import CaseEvents
from .cases.holidays import seed_calendars
from .catalog.items import packaged_catalog, seed_catalog
from .config import Clock, Settings, system_clock
from .demo import DEMO_PASSWORD, demo_table, enabled_demo_accounts, seed_demo
from .evidence.building import drop_unfinished_packages
from .media import MediaConfig, MediaWorkerPool
from .notices.courier import NoticeCourier, SmsGateway
from .notices.status import StatusThrottle
from .pages import pages_api, registered_page_sets
from .retention.purge import policy_of, purge_periodically
from .scans.service import interrupt_uploads, scans_ctx
from .serving.https import add_https
from .serving.https_only import transport_security
from .serving.metrics import METRICS, ServerMetrics
from .statistics.rollup import catch_up, keeper
from .storage.database import Database
from .storage.private_files import private_directory, private_file
from .storage.schema import create_tables

logger = logging.getLogger(__name__)

APIS: list[Api] = [
    meta.api, session.api, admin.api, catalog.api, calendar.api, cases.api, registers.api, documents.api,
    replay.api, ws.api, uploads.api, scans.api, calls.api, oversight.api, snapshots.api, status.api, trust.api,
    metrics.api, statistics.api, packages.api,
]


def all_apis() -> list[Api]:
    """The API and the web pages the installed packages contribute (`cunneng.pages`)."""
    return [*APIS, pages_api(registered_page_sets())]


def open_database(settings: Settings, checking_only: bool = False) -> tuple[Database, AuditLog]:
    """The database and the audit log bound to it (keys created on first use).

    A checker (audit verify) must not move the audit head forward, or it would vouch for
    whatever rows it finds, forged ones included.
    """
    private_directory(settings.data_dir)
    private_file(settings.database_path)
    audit = AuditLog(load_or_create_key(settings.keys_dir / "audit.key"), settings.data_dir / "audit-head.json")
    database = Database(settings.database_path, [create_tables])
    database.add_closing_hook(keeper)
    if not checking_only:
        database.add_commit_hook(audit.write_head)
    return database, audit


def first_start(database: Database, audit: AuditLog, settings: Settings, clock: Clock) -> str:
    """Load the catalog, and the demo jurisdiction when asked, into a fresh database.

    Returns the table of demo accounts, printed on every start (not only the first), so
    whoever runs `make serve` again still finds them.
    """
    act = Act(SYSTEM, clock(), audit)
    database.run_sync(seed_catalog, act, packaged_catalog())
    database.run_sync(seed_calendars, act)
    database.run_sync(catch_up)  # a database from before the statistics, or a changed calendar
    if not settings.load_demo:
        return ""
    just_created = database.run_sync(seed_demo, act, hash_password(DEMO_PASSWORD))
    accounts = database.read_sync(enabled_demo_accounts)
    return demo_table(accounts, just_created) if accounts else ""


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    database, audit = open_database(settings)
    notice = await asyncio.get_running_loop().run_in_executor(
        None, first_start, database, audit, settings, app[CLOCK]
    )
    if notice:
        print(notice, flush=True)
    app[DATABASE], app[AUDIT_LOG] = database, audit
    yield
    await database.close()


async def archive_ctx(app: web.Application) -> AsyncIterator[None]:
    """The encrypted archive; files a crash left half-written are dropped at start, case packages too."""
    settings = app[SETTINGS]
    archive = Archive.open(settings.archive_dir, load_or_create_key(settings.keys_dir / "archive.key"))
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, archive.discard_incomplete)
    dropped = await loop.run_in_executor(None, drop_unfinished_packages, settings.exports_dir)
    if dropped:
        logger.warning("deleted %d case packages the previous run left half-built", dropped)
    app[ARCHIVE] = archive
    yield


async def authority_ctx(app: web.Application) -> AsyncIterator[None]:
    """The local CA that issues each approving unit's signing certificate (created on first start)."""
    settings = app[SETTINGS]
    app[AUTHORITY] = await asyncio.get_running_loop().run_in_executor(
        None, lambda: open_authority(settings.data_dir, settings.pki_passphrase)
    )
    yield


async def checkpoints_ctx(app: web.Application) -> AsyncIterator[None]:
    """Signed audit checkpoints, kept apart: at start, every interval when the chain moved, at shutdown."""
    settings = app[SETTINGS]
    checkpoints = Checkpoints(app[DATABASE], app[AUTHORITY], settings.checkpoints_dir, app[CLOCK],
                              settings.audit_checkpoint_seconds)
    task = asyncio.create_task(checkpoints.run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await checkpoints.write()


async def calls_ctx(app: web.Application) -> AsyncIterator[None]:
    """Live calls and the media hub (in this process, or over worker processes).

    At start, what the last run left is settled first: recordings a crash left are archived
    and registered, and the calls it left open end (reason server_restarted).
    """
    settings = app[SETTINGS]
    center = CallCenter(app[DATABASE], app[AUDIT_LOG], app[CLOCK], settings, app[EVENTS])

    async def to_participant(call_id: str, participant_id: str, message: HubMessageBody) -> None:
        center.from_hub(call_id, participant_id, message)

    stun = [url for url in settings.ice_servers if url.startswith(("stun:", "stuns:"))]
    center.media = MediaWorkerPool(
        MediaConfig(ice_servers=[{"urls": stun}] if stun else []), to_participant,
        workers=settings.media_workers, on_call_ended=center.media_ended,
        idle_stop=settings.media_idle_stop_seconds or None,
    )
    if settings.record_calls:
        center.recording = recording_spec(settings)
        center.adoption = RecordingAdoption(app[DATABASE], app[AUDIT_LOG], app[ARCHIVE],
                                            settings.recording_work_dir, app[CLOCK],
                                            settings.recording_adopt_seconds)
        await center.adoption.start()
    closed = await app[DATABASE].run(close_calls_left_open, Act(SYSTEM, app[CLOCK](), app[AUDIT_LOG]))
    if closed:
        logger.warning("ended %d calls the previous run left open (server_restarted)", len(closed))
    await center.media.start()
    app[CALL_CENTER] = center
    yield
    await center.close()
    await center.media.close()
    if center.adoption is not None:
        await center.adoption.stop()


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    """保存期限: the hourly purge of recordings and documents past their time (held cases kept)."""
    settings = app[SETTINGS]
    task = asyncio.create_task(purge_periodically(
        app[DATABASE], app[AUDIT_LOG], app[ARCHIVE], policy_of(settings), app[CLOCK],
        settings.retention_first_run_seconds, settings.retention_interval_seconds,
    ))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def notices_ctx(app: web.Application) -> AsyncIterator[None]:
    """The courier taking queued notices to the county's SMS gateway, when one is configured."""
    settings = app[SETTINGS]
    if not settings.sms_gateway_url:
        yield
        return
    courier = NoticeCourier(app[DATABASE], app[AUDIT_LOG], app[CLOCK],
                            SmsGateway(settings.sms_gateway_url, settings.sms_gateway_secret),
                            settings.notice_poll_seconds, settings.notice_retry_seconds)
    app[NOTICE_COURIER] = courier
    task = asyncio.create_task(courier.run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def close_sockets(app: web.Application) -> None:
    """On shutdown, close every signaling socket, so no handler keeps the server waiting."""
    if CALL_CENTER in app:
        for client in list(app[CALL_CENTER].presence.all()):
            await client.socket.close(code=1001, message=b"server shutting down")


def create_app(settings: Settings, clock: Clock = system_clock) -> web.Application:
    """The whole server for these settings; tests pass their own clock."""
    # /village → /village/: a clerk typing the address without the slash still finds the page.
    slash = web.normalize_path_middleware(append_slash=True, merge_slashes=False)
    app = web.Application(middlewares=[trusted_proxy_middleware, slash, error_middleware],
                          client_max_size=settings.max_body_bytes)
    app.on_response_prepare.append(security_headers)
    quiet_client_mistakes()
    app[SETTINGS] = settings
    app[CLOCK] = clock
    app.cleanup_ctx.append(database_ctx)
    app.cleanup_ctx.append(archive_ctx)
    app.cleanup_ctx.append(authority_ctx)
    if settings.tls:
        add_https(app, settings)
    app.on_response_prepare.append(transport_security)
    app[METRICS] = ServerMetrics()
    app.on_response_prepare.append(app[METRICS].count_response)
    app.cleanup_ctx.append(checkpoints_ctx)
    app.cleanup_ctx.append(calls_ctx)
    app.cleanup_ctx.append(retention_ctx)
    app.cleanup_ctx.append(notices_ctx)
    app[STATUS_THROTTLE] = StatusThrottle()
    app[EVENTS] = CaseEvents()
    app.on_shutdown.append(close_sockets)
    app.cleanup_ctx.append(scans_ctx)
    app.on_shutdown.append(interrupt_uploads)
    apis = all_apis()
    endpoints = [endpoint for api in apis for endpoint in api.endpoints]
    app[OPENAPI] = openapi_document(endpoints, "cunneng 村能办 API", VERSION)
    for api in apis:
        api.add_to(app)
    return app

