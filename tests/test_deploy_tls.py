"""`cunneng serve --tls` as an operator runs it (#22): the certificate the local CA issues and
renews, a county's own certificate re-read when replaced, the plain port that only redirects,
one log line at start and one at stop, and clear refusals of settings that cannot work."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from eseal import open_authority
from eseal.certificates import new_key, server_names
from eseal.pki import utc_now

from .support import FakeClock, WallClock, free_port, start_server, trusting_root

ADDRESS = "127.0.0.2"  # the test namespace's second loopback address stands for the county address


async def served_certificate(host: str, port: int, trust: ssl.SSLContext) -> x509.Certificate:
    """The certificate a TLS handshake with host:port presents (and the trust context accepts)."""
    _, writer = await asyncio.open_connection(host, port, ssl=trust)
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
        await writer.wait_closed()
    return x509.load_der_x509_certificate(der)


async def until_served(host: str, port: int, trust: ssl.SSLContext, other_than: x509.Certificate) -> x509.Certificate:
    for _ in range(100):
        found = await served_certificate(host, port, trust)
        if found != other_than:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError("the server kept the old certificate")


def test_the_local_ca_issues_the_https_certificate_once_and_again_before_it_ends(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 1, tzinfo=timezone.utc))
    authority = open_authority(tmp_path, clock=clock)
    first = authority.server_credentials(["10.20.0.5", "Cunneng.County.local", "localhost"]).certificate
    assert server_names(first) == {"10.20.0.5", "cunneng.county.local", "localhost"}
    assert first.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == \
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
    assert first.issuer == authority.root.subject
    assert b"PRIVATE KEY" not in (tmp_path / "pki" / "server" / "key.json").read_bytes()
    reopened = open_authority(tmp_path, clock=clock)  # a restart keeps it
    assert reopened.server_credentials(["localhost", "cunneng.county.local", "10.20.0.5"]).certificate == first
    clock.advance(days=59)
    assert reopened.server_credentials(["10.20.0.5", "cunneng.county.local", "localhost"]).certificate == first
    clock.advance(days=2)  # 29 days left: renewed
    renewed = reopened.server_credentials(["10.20.0.5", "cunneng.county.local", "localhost"]).certificate
    assert renewed != first and renewed.not_valid_after_utc > first.not_valid_after_utc
    moved = reopened.server_credentials(["10.20.0.6", "localhost"]).certificate  # a new address
    assert server_names(moved) == {"10.20.0.6", "localhost"}


async def test_a_running_server_renews_its_certificate_without_a_restart(tmp_path: Path) -> None:
    clock = WallClock()
    server = await start_server(tmp_path / "data", clock=clock, host=ADDRESS, tls=True,
                                tls_names=(ADDRESS,), tls_check_seconds=0.2)
    try:
        port = int(server.base.rsplit(":", 1)[1])
        trust = trusting_root(server.data_dir)
        before = await served_certificate(ADDRESS, port, trust)
        assert server_names(before) == {ADDRESS, "localhost", "127.0.0.1"}
        clock.advance(days=70)  # the server's clock: its new certificate starts 70 days from today
        looking = ssl.create_default_context()
        looking.check_hostname, looking.verify_mode = False, ssl.CERT_NONE
        after = await until_served(ADDRESS, port, looking, before)
        after.verify_directly_issued_by(x509.load_pem_x509_certificate(
            (server.data_dir / "pki" / "root-ca.pem").read_bytes()))
        assert after.not_valid_after_utc > before.not_valid_after_utc + timedelta(days=60)
    finally:
        await server.close()


@dataclass(frozen=True)
class CountyCa:
    """A county's own CA, issuing the server certificates its tooling renews."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    path: Path

    @classmethod
    def create(cls, folder: Path) -> CountyCa:
        key, name, now = new_key(), x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "County CA")]), utc_now()
        certificate = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True).sign(key, hashes.SHA256()))
        (folder / "county-ca.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return cls(certificate, key, folder / "county-ca.pem")

    def issue(self, cert: Path, key_path: Path, serial: int) -> None:
        """A certificate for localhost written to cert and key_path, as the county's tooling leaves them."""
        key, now = new_key(), utc_now()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        leaf = (x509.CertificateBuilder().subject_name(subject)
                .issuer_name(self.certificate.subject).public_key(key.public_key()).serial_number(serial)
                .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
                .sign(self.key, hashes.SHA256()))
        cert.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))

    def trust(self) -> ssl.SSLContext:
        trust = ssl.create_default_context(cafile=str(self.path))
        trust.check_hostname = False  # the certificate names localhost; the test dials 127.0.0.1
        return trust


async def test_a_county_certificate_is_served_and_read_again_when_replaced(tmp_path: Path) -> None:
    county, cert, key = CountyCa.create(tmp_path), tmp_path / "cert.pem", tmp_path / "key.pem"
    county.issue(cert, key, 1001)
    server = await start_server(tmp_path / "data", tls=True, tls_cert=cert, tls_key=key, tls_check_seconds=0.2)
    try:
        port = int(server.base.rsplit(":", 1)[1])
        first = await served_certificate("127.0.0.1", port, county.trust())
        assert first.serial_number == 1001
        county.issue(cert, key, 1002)  # renewed in place
        renewed = await until_served("127.0.0.1", port, county.trust(), first)
        assert renewed.serial_number == 1002
        assert not (server.data_dir / "pki" / "server").exists()  # the local CA issued nothing
    finally:
        await server.close()


async def test_serve_tls_redirects_plain_http_and_logs_one_line_at_start_and_at_stop(tmp_path: Path) -> None:
    port, plain = free_port(), free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling.cli", "serve", "--data-dir", str(tmp_path / "data"), "--host", "0.0.0.0",
        "--port", str(port), "--tls", "--tls-name", ADDRESS, "--http-redirect-port", str(plain),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        trust = await _root_when_created(tmp_path / "data")
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust)) as session:
            for _ in range(300):
                try:
                    async with session.get(f"https://{ADDRESS}:{port}/healthz") as reply:
                        assert reply.status == 200 and "max-age" in reply.headers["Strict-Transport-Security"]
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            async with session.get(f"http://{ADDRESS}:{plain}/village/?x=1", allow_redirects=False) as reply:
                assert reply.status == 308
                assert reply.headers["Location"] == f"https://{ADDRESS}:{port}/village/?x=1"
            async with session.post(f"http://{ADDRESS}:{plain}/api/login", json={}, allow_redirects=False) as reply:
                assert reply.status == 308  # nothing is served in the clear, not even a refusal
    finally:
        process.terminate()
        output = (await process.communicate())[0].decode()
    started = [line for line in output.splitlines() if "cunneng 村能办" in line and " started: " in line]
    stopped = [line for line in output.splitlines() if "cunneng 村能办" in line and " stopped: " in line]
    assert len(started) == 1 and f"https://0.0.0.0:{port}/" in started[0] and f"port {plain} redirects" in started[0]
    assert len(stopped) == 1 and process.returncode == 0


async def _root_when_created(data_dir: Path) -> ssl.SSLContext:
    for _ in range(300):
        if (data_dir / "pki" / "root-ca.pem").exists():
            return trusting_root(data_dir)
        await asyncio.sleep(0.1)
    raise AssertionError("the server created no CA")


@pytest.mark.parametrize("flags, says", [
    (["--host", "0.0.0.0", "--tls"], "--tls-name ADDRESS"),
    (["--tls-cert", "x.pem"], "give both --tls-cert and --tls-key"),
    (["--tls-cert", "nowhere.pem", "--tls-key", "nowhere.key"], "找不到文件 nowhere.pem"),
    (["--http-redirect-port", "8081"], "add --tls"),
    (["--tls", "--port", "8443", "--http-redirect-port", "8443"], "need two ports"),
])
def test_https_settings_that_cannot_work_are_refused_in_one_line(tmp_path: Path, flags: list[str], says: str) -> None:
    serve = [sys.executable, "-m", "signaling.cli", "serve", "--data-dir", str(tmp_path / "data")]
    done = subprocess.run([*serve, *flags], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and says in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()
