"""village_client: the village window (村窗口): its web page and a headless aiortc client."""

from pathlib import Path

# The village page, served by signaling at /village/ (entry point `cunneng.pages`).
WEB = {
    "prefix": "/village/",
    "directory": str(Path(__file__).parent / "web"),
    "title": "村窗口",
    "title_en": "Village window",
    "order": 10,
}
