"""公民身份号码: the 18-character citizen ID number and its GB 11643-1999 check character.

Shared: the server checks every number it is given; a headless client makes valid ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")  # ASCII digits only: "\d" also matches ١ and ²


class InvalidIdNumber(ValueError):
    """An ID number that is not one, with what is wrong in Chinese and in English."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


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
    """Validate an ID number (shape, birth date, check character) or raise InvalidIdNumber."""
    number = raw.strip().upper()
    if not SHAPE.match(number):
        raise InvalidIdNumber(
            "身份证号码应为18位:前17位是数字,最后一位是数字或X。",
            "An ID number has 18 characters: 17 digits, then a digit or X.",
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth > (today or date.today()):
        raise InvalidIdNumber(
            "身份证号码中的出生日期不正确,请核对。",
            "The birth date inside the ID number is not a valid date.",
        )
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber(
            "身份证号码校验位不正确,请逐位核对后重新输入。",
            "The ID number's check character is wrong: please check every digit.",
        )
    return CitizenId(number=number, birth_date=birth, male=int(number[16]) % 2 == 1)
