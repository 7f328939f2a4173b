"""备份与恢复: a consistent copy of a running server's data directory, and putting it back.

See `making.py` for what goes where and in which order, `restoring.py` for the way back.
"""
