"""The four self-ratings, worst to best, as the user and FSRS see them."""

from enum import IntEnum


class Grade(IntEnum):
    """How well the user knew the answer; values match FSRS's Again/Hard/Good/Easy."""

    FORGOT = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def known(self) -> bool:
        """«Знал» and «Легко» count as knowing the answer."""
        return self >= Grade.GOOD
