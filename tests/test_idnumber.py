"""GB 11643-1999 citizen ID numbers: shape, birth date and check character."""

from __future__ import annotations

from datetime import date

import pytest

from protocol.idnumber import InvalidIdNumber, parse_citizen_id

# Examples printed in the standard and widely reproduced, so they are checked independently.
PUBLISHED_VALID = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", PUBLISHED_VALID + ["11010519491231002x", " 440524188001010014 "])
def test_published_examples_are_valid(number: str) -> None:
    citizen = parse_citizen_id(number)
    assert citizen.number == number.strip().upper()


def test_birth_date_and_sex_are_read_from_the_number() -> None:
    citizen = parse_citizen_id("11010519491231002X")
    assert citizen.birth_date == date(1949, 12, 31)
    assert citizen.male is False
    assert citizen.masked == "110105********002X"


@pytest.mark.parametrize("number", [
    "110105194912310021",  # wrong check character
    "440524188001010015",  # wrong check character
    "11010519491331002X",  # month 13
    "11010519490230002X",  # 30 February
    "11010520991231002X",  # born in the future
    "1101051949123100",  # too short
    "A1010519491231002X",  # letter
    "01010519491231002X",  # region cannot start with 0
])
def test_invalid_numbers_are_refused_with_a_chinese_message(number: str) -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_citizen_id(number, today=date(2026, 11, 23))
    assert "身份证" in caught.value.message and caught.value.message_en
