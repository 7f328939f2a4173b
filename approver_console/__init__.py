"""approver_console: the approver's web page and the e-seal / certificate logic."""
