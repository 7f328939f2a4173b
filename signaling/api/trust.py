"""Trusting the county's root once on a village PC: the printed, illustrated install page and
the root in the form Windows opens with a double click (.crt, DER). The PEM is /verify/ca.pem."""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from ..appkeys import AUTHORITY
from .routing import Api, public_base

api = Api()
TEMPLATE = Template((Path(__file__).parent.parent / "web" / "templates" / "install-root.html").read_text())


def fingerprint(certificate: x509.Certificate, algorithm: hashes.HashAlgorithm) -> str:
    """As certificate dialogs show it: hex pairs (Windows shows SHA-1 as its 指纹)."""
    digest = certificate.fingerprint(algorithm).hex().upper()
    return " ".join(digest[index:index + 2] for index in range(0, len(digest), 2))


def install_page(root: x509.Certificate, address: str) -> str:
    common_names = root.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return TEMPLATE.substitute(
        address=escape(address), subject=escape(str(common_names[0].value) if common_names else ""),
        not_after=root.not_valid_after_utc.date().isoformat(),
        sha1=fingerprint(root, hashes.SHA1()), sha256=fingerprint(root, hashes.SHA256()),
    )


@api.route("GET", "/install-root", "安装根证书 How to trust the county's root on a village PC (printable, illustrated)",
           tag="pages", public=True, produces="text/html")
async def install_root(request: web.Request) -> web.StreamResponse:
    page = install_page(request.app[AUTHORITY].root, public_base(request) + "/")
    return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-cache"})


@api.route("GET", "/install-root/cunneng-root-ca.crt", "根证书 The root as a .crt file Windows installs (DER)",
           tag="pages", public=True, produces="application/x-x509-ca-cert")
async def root_for_windows(request: web.Request) -> web.StreamResponse:
    der = request.app[AUTHORITY].root.public_bytes(serialization.Encoding.DER)
    return web.Response(body=der, content_type="application/x-x509-ca-cert",
                        headers={"Content-Disposition": 'attachment; filename="cunneng-root-ca.crt"'})
