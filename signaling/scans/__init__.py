"""扫描件: chunked resumable uploads, intake, decoding and checking, renditions and Deep Zoom tiles."""
