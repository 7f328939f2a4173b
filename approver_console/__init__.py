"""approver_console: the approver's web page and the e-seal / certificate logic."""

from pathlib import Path

# The approver console (镇/区窗口 and department reviewers), served by signaling at /console/.
WEB = {
    "prefix": "/console/",
    "directory": str(Path(__file__).parent / "web"),
    "title": "审批窗口",
    "title_en": "Approver console",
    "order": 20,
}
