"""Which server a village command talks to, and which root it trusts for https:// (the county's own CA)."""

from __future__ import annotations

import argparse
import os
import ssl

import aiohttp

DEFAULT_SERVER = "http://127.0.0.1:8080"


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", default=os.environ.get("CUNNENG_SERVER", DEFAULT_SERVER),
                        help=f"server URL (env CUNNENG_SERVER; default {DEFAULT_SERVER})")
    parser.add_argument("--ca", metavar="FILE", dest="trust", type=trusted_root, default=os.environ.get("CUNNENG_CA"),
                        help="the county's root certificate (root-ca.pem, as the pages' /install-root gives it) to "
                             "trust for an https:// server whose certificate the local CA issued (env CUNNENG_CA; "
                             "default: the system's roots)")


def trusted_root(ca_file: str) -> ssl.SSLContext:
    """--ca as argparse reads it: a TLS context trusting exactly that root (args.trust; None: the system's
    roots); an unreadable file ends the command with exit 2 and this message."""
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as error:
        raise argparse.ArgumentTypeError(
            f"根证书无法读取 cannot read the root certificate {ca_file}: {error}") from None


def trusting_session(trust: ssl.SSLContext | None,
                     timeout: aiohttp.ClientTimeout = aiohttp.client.DEFAULT_TIMEOUT) -> aiohttp.ClientSession:
    """An HTTP session that checks the server's certificate against `trust` (or the system's roots)."""
    connector = aiohttp.TCPConnector(ssl=trust) if trust is not None else None
    return aiohttp.ClientSession(connector=connector, timeout=timeout)


def untrusted_server_words(error: aiohttp.ClientConnectorCertificateError) -> tuple[str, str]:
    """What to tell a clerk whose command met a certificate it does not trust (Chinese, English)."""
    return ("服务器证书不受信任：请用 --ca 指定县里的根证书（root-ca.pem）。",
            f"The server's certificate is not trusted ({error.certificate_error}): give the county's root with --ca.")
