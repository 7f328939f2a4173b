"""公民身份号码: the 18-character citizen ID number and its GB 11643-1999 check character."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .exceptions import InvalidInput

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


@dataclass(frozen=True)
class CitizenId:
    """A checked ID number with what it says about its holder."""

    number: str
    birth_date: date
    male: bool

    @property
    def masked(self) -> str:
        """The number as printed on documents: region and check kept, birth date hidden."""
        return self.number[:6] + "********" + self.number[14:]


def check_character(first17: str) -> str:
    """The 18th character GB 11643 computes from the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def parse_citizen_id(raw: str, today: date | None = None) -> CitizenId:
    """Validate an ID number (shape, birth date, check character) or raise InvalidInput."""
    number = raw.strip().upper()
    if not SHAPE.match(number):
        raise InvalidInput(
            "身份证号码应为18位:前17位是数字,最后一位是数字或X。",
            "An ID number has 18 characters: 17 digits, then a digit or X.",
            code="invalid_id_number",
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth > (today or date.today()):
        raise InvalidInput(
            "身份证号码中的出生日期不正确,请核对。",
            "The birth date inside the ID number is not a valid date.",
            code="invalid_id_number",
        )
    if check_character(number[:17]) != number[17]:
        raise InvalidInput(
            "身份证号码校验位不正确,请逐位核对后重新输入。",
            "The ID number's check character is wrong: please check every digit.",
            code="invalid_id_number",
        )
    return CitizenId(number=number, birth_date=birth, male=int(number[16]) % 2 == 1)
