"""The payload code corrects noise and rejects what is not a mark."""

from __future__ import annotations

import numpy as np

from watermark.payload import CODED_SYMBOLS, ID_BITS, MAX_MARK_ID, decode_id, encode_id


def test_payload_holds_a_40_bit_id_in_234_symbols() -> None:
    assert ID_BITS == 40 and MAX_MARK_ID == 2**40 - 1
    assert encode_id(MAX_MARK_ID).shape == (CODED_SYMBOLS,) == (234,)


def test_noisy_symbols_still_decode_to_the_id() -> None:
    rng = np.random.default_rng(1)
    ids = [int(value) for value in rng.integers(0, MAX_MARK_ID, 50)]
    noisy = [encode_id(mark_id) + rng.normal(0, 0.6, CODED_SYMBOLS) for mark_id in ids]
    assert [decode_id(symbols) for symbols in noisy] == ids


def test_noise_alone_never_decodes() -> None:
    rng = np.random.default_rng(2)
    assert all(decode_id(rng.normal(0, 1, CODED_SYMBOLS)) is None for _ in range(3000))


def test_a_mark_with_a_quarter_of_its_symbols_wrong_is_rejected() -> None:
    rng = np.random.default_rng(3)
    symbols = encode_id(123).astype(np.float64)
    flipped = rng.choice(CODED_SYMBOLS, 60, replace=False)
    symbols[flipped] *= -1
    assert decode_id(symbols) is None
