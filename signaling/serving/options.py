"""`cunneng serve`'s HTTPS options, each with its environment variable (the option wins)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

from ..config import Settings, env_default, env_list
from .https import LOOPBACK_NAMES, certificate_names, names_only_loopback

TRUE_WORDS = {"1", "true", "yes", "on"}


def add_https_options(serve: argparse.ArgumentParser, port_number: Callable[[str], int]) -> None:
    https = serve.add_argument_group("HTTPS", "browsers give a page the camera only over https:// (or on this machine)")
    https.add_argument("--tls", action="store_true", default=env_default("tls", "").lower() in TRUE_WORDS,
                       help="serve HTTPS with a certificate the local CA issues for --public-url's host, each"
                            " --tls-name, the --host address and localhost, renewed by itself (env CUNNENG_TLS=1)")
    https.add_argument("--tls-name", action="append", default=list(env_list("tls_names")),
                       help="a host name or address the village PCs type, e.g. 10.20.0.5 or cunneng.county.gov.cn;"
                            " repeatable (env CUNNENG_TLS_NAMES, comma-separated)")
    https.add_argument("--tls-cert", type=Path, default=_path_or_none(env_default("tls_cert", "")),
                       help="a certificate (PEM, with its chain) the county already has, instead of the local CA's;"
                            " implies --tls (env CUNNENG_TLS_CERT)")
    https.add_argument("--tls-key", type=Path, default=_path_or_none(env_default("tls_key", "")),
                       help="its private key, PEM (env CUNNENG_TLS_KEY)")
    https.add_argument("--http-redirect-port", type=port_number,
                       default=env_default("http_redirect_port", "") or None,
                       help="also listen for plain HTTP here (e.g. 80), only to redirect to HTTPS"
                            " (env CUNNENG_HTTP_REDIRECT_PORT)")


def _path_or_none(raw: str) -> Path | None:
    return Path(raw) if raw else None


def https_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The Settings fields these options give."""
    return {
        "tls": bool(args.tls or args.tls_cert), "tls_names": tuple(args.tls_name),
        "tls_cert": args.tls_cert, "tls_key": args.tls_key, "http_redirect_port": args.http_redirect_port,
    }


def https_refusal(settings: Settings) -> str:
    """Why these HTTPS settings cannot work, in one line a county's IT person can act on, or ""."""
    if (settings.tls_cert is None) != (settings.tls_key is None):
        return "错误 error: --tls-cert 与 --tls-key 须同时给出 (give both --tls-cert and --tls-key)"
    for path in (settings.tls_cert, settings.tls_key):
        if path is not None and not path.is_file():
            return f"错误 error: 找不到文件 {path} (no such file)"
    if settings.http_redirect_port is not None and not settings.tls:
        return "错误 error: --http-redirect-port 只和 --tls 一起用 (redirects go to HTTPS: add --tls)"
    if settings.http_redirect_port == settings.port:
        return f"错误 error: HTTPS 与 HTTP 不能同用端口 {settings.port} (HTTPS and the redirect need two ports)"
    if settings.tls and settings.tls_cert is None and names_only_loopback(settings):
        return ("错误 error: 证书要写上村里电脑访问本机用的地址 (the certificate must name the address the village PCs"
                f" use): --public-url https://ADDRESS/ or --tls-name ADDRESS; now only {', '.join(LOOPBACK_NAMES)}")
    return ""


def https_summary(settings: Settings) -> str:
    """What a start line says about HTTPS."""
    if not settings.tls:
        return "plain HTTP"
    source = f"certificate {settings.tls_cert}" if settings.tls_cert else \
        f"local CA certificate for {', '.join(certificate_names(settings))}"
    redirect = f", plain HTTP on port {settings.http_redirect_port} redirects" if settings.http_redirect_port else ""
    return f"HTTPS ({source}){redirect}"
