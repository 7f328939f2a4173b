"""approver_console: the county side's pages — the approver console, the auditor console and the administration.

Served by signaling through the ``cunneng.pages`` entry points (pyproject.toml); nothing here
is imported by the server. The e-seal the approvers sign with is the `eseal` library.
"""

from pathlib import Path

# The approver console (镇/区窗口 and department reviewers), served by signaling at /console/.
WEB = {
    "prefix": "/console/",
    "directory": str(Path(__file__).parent / "web"),
    "title": "审批窗口",
    "title_en": "Approver console",
    "order": 20,
}

# The auditor console (审计回放: replay beside the timeline, holds, leak tracing), at /audit/.
AUDIT_WEB = {
    "prefix": "/audit/",
    "directory": str(Path(__file__).parent / "audit_web"),
    "title": "审计回放",
    "title_en": "Audit console",
    "order": 30,
}

# 系统管理 (the admin: accounts, units, items, seals, statistics), at /admin/.
ADMIN_WEB = {
    "prefix": "/admin/",
    "directory": str(Path(__file__).parent / "admin_web"),
    "title": "系统管理",
    "title_en": "Administration",
    "order": 40,
}
