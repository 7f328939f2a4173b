"""Security headers on every response, set in one place just before its headers are sent.

A hook on `app.on_response_prepare` sees every response — pages, API JSON, errors, stored
files streamed by a handler that prepared them itself — where a middleware would miss the
streamed ones. No handler sets these headers itself:

- `X-Content-Type-Options: nosniff` everywhere: a browser never guesses that a scan or a
  JSON answer is a page or a script.
- HTML gets PAGE_POLICY: scripts and styles only from the server's own files, never inline
  (a value that slipped into a page cannot run), and no other site may frame the page.
- Anything else but scripts gets FILE_POLICY: opened on its own (a PDF, an SVG, a JSON
  answer), it runs nothing and is treated as from a foreign origin. Scripts are left without:
  a worker's policy is the one its script arrives with, and the page's policy already
  decides which scripts load.

A 304 gets no policy: a browser merges a 304's headers into the copy it keeps, and the
304 of a page does not say it is HTML.
"""

from __future__ import annotations

from aiohttp import web

PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
SCRIPT_TYPES = ("text/javascript", "application/javascript")


async def security_headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """Add the headers every response carries (on_response_prepare)."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    if response.status == 304 or response.status < 200:
        return
    kind = response.content_type
    if kind == "text/html":
        headers["Content-Security-Policy"] = PAGE_POLICY
    elif kind not in SCRIPT_TYPES:
        headers["Content-Security-Policy"] = FILE_POLICY
