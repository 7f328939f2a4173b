"""watermark: visible and invisible watermarks, and extracting them from a leaked image."""
