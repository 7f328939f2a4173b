"""The invisible mark's ids: what a register may hand out (payload.py codes them).

Apart from the coding, so that the server can draw ids without loading numpy (#9).
"""

ID_BITS = 40
MAX_MARK_ID = (1 << ID_BITS) - 1
