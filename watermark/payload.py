"""The invisible mark's payload: a 40-bit id, a CRC-32 check and a convolutional code.

The id and its CRC-32 (72 bits, plus a 6-bit zero tail) go through a rate-1/3,
constraint-length-7 convolutional code (the LTE generators 133/171/165), giving 234 coded
symbols. Extraction runs a soft-decision Viterbi decoder and accepts the result only when
the CRC matches, so noise from an unmarked image decodes to "no mark" instead of a wrong id:
a random word passes CRC-32 with probability 2**-32.
"""

from __future__ import annotations

import zlib

import numpy as np

from watermark.exceptions import MarkIdOutOfRange
from watermark.ids import ID_BITS, MAX_MARK_ID

CRC_BITS = 32
_CONSTRAINT = 7
_STATES = 1 << (_CONSTRAINT - 1)
_GENERATORS = (0o133, 0o171, 0o165)
_MESSAGE_BITS = ID_BITS + CRC_BITS
_INPUT_BITS = _MESSAGE_BITS + _CONSTRAINT - 1
CODED_SYMBOLS = _INPUT_BITS * len(_GENERATORS)


def _parity(values: np.ndarray) -> np.ndarray:
    """Parity of each integer's set bits (values < 2**8)."""
    bits = np.unpackbits(values.astype(np.uint8)[:, None], axis=1)
    return (bits.sum(axis=1) & 1).astype(np.int64)


# Output symbols (+1 for bit 0, -1 for bit 1) of every 7-bit shift-register content.
_REGISTERS = np.arange(1 << _CONSTRAINT)
_OUTPUTS = np.stack([1 - 2 * _parity(_REGISTERS & g) for g in _GENERATORS], axis=1)


def _message_bits(mark_id: int) -> np.ndarray:
    """The 72 message bits: the id then its CRC-32, most significant bit first."""
    if not 0 <= mark_id <= MAX_MARK_ID:
        raise MarkIdOutOfRange(f"mark id {mark_id} is outside 0..{MAX_MARK_ID}")
    id_bytes = mark_id.to_bytes(ID_BITS // 8, "big")
    crc = zlib.crc32(id_bytes).to_bytes(CRC_BITS // 8, "big")
    return np.unpackbits(np.frombuffer(id_bytes + crc, dtype=np.uint8))


def encode_id(mark_id: int) -> np.ndarray:
    """The 234 coded symbols (+1/-1) that carry `mark_id`."""
    bits = np.concatenate([_message_bits(mark_id), np.zeros(_CONSTRAINT - 1, np.uint8)])
    state = 0
    symbols = np.empty((_INPUT_BITS, len(_GENERATORS)), dtype=np.int8)
    for step, bit in enumerate(bits):
        register = (state << 1) | int(bit)
        symbols[step] = _OUTPUTS[register]
        state = register & (_STATES - 1)
    return symbols.reshape(-1)


def _viterbi(soft: np.ndarray) -> np.ndarray:
    """Most likely input bits for soft symbols (positive means bit 0), ending in state 0."""
    branch = soft.reshape(_INPUT_BITS, len(_GENERATORS)) @ _OUTPUTS.T  # (steps, registers)
    states = np.arange(_STATES)
    from_low, from_high = states >> 1, (states >> 1) | (_STATES >> 1)
    metric = np.full(_STATES, -np.inf)
    metric[0] = 0.0
    choices = np.empty((_INPUT_BITS, _STATES), dtype=np.uint8)
    for step in range(_INPUT_BITS):
        low = metric[from_low] + branch[step, states]
        high = metric[from_high] + branch[step, states | _STATES]
        choices[step] = high > low
        metric = np.maximum(low, high)
    bits = np.empty(_INPUT_BITS, dtype=np.uint8)
    state = 0
    for step in range(_INPUT_BITS - 1, -1, -1):
        bits[step] = state & 1
        state = (state >> 1) | (int(choices[step, state]) << (_CONSTRAINT - 2))
    return bits


def decode_id(soft: np.ndarray) -> int | None:
    """The id carried by soft symbols, or None when the decoded word fails its CRC."""
    bits = _viterbi(np.asarray(soft, dtype=np.float64))[:_MESSAGE_BITS]
    packed = np.packbits(bits).tobytes()
    id_bytes, crc = packed[: ID_BITS // 8], packed[ID_BITS // 8 :]
    if zlib.crc32(id_bytes).to_bytes(CRC_BITS // 8, "big") != crc:
        return None
    return int.from_bytes(id_bytes, "big")
