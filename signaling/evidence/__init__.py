"""办件证据包: one file per case for auditors — recordings, chat, snapshots, scans, issued documents and the
case's audit events, under a manifest the server signs — and its offline check (`cunneng package verify`)."""
