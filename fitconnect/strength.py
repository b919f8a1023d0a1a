"""How guessable a password or a secret is: zxcvbn's estimate and its breached-password list.

zxcvbn (the Python port of Dropbox's estimator) ships its frequency lists, among them the 30,000
passwords seen most often in breaches; nothing is downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

_ESTIMATED_CHARS = 72  # zxcvbn refuses longer input; the rest of a string only adds guesses


@dataclass(frozen=True, slots=True)
class Estimate:
    score: int
    """0 (too guessable) to 4 (very unguessable), zxcvbn's scale."""
    guesses_log10: float
    feedback: str
    """zxcvbn's warning and suggestions, as one sentence or two; empty when it has none."""


@cache
def _breached() -> frozenset[str]:
    # zxcvbn's lists take 0.1 s to import: loaded when a password or secret is first checked.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_breached(password: str) -> bool:
    """Among the passwords seen most often in breaches (case ignored)."""
    return password.strip().lower() in _breached()


def estimate(text: str, context: Sequence[str] = ()) -> Estimate:
    """zxcvbn's estimate, penalising ``context`` (the e-mail, the name) inside ``text``."""
    from zxcvbn import zxcvbn  # noqa: PLC0415 - see _breached

    result = zxcvbn(text[:_ESTIMATED_CHARS], user_inputs=list(context))
    feedback = result["feedback"]
    parts = [feedback["warning"], *feedback["suggestions"]]
    return Estimate(
        score=int(result["score"]),
        guesses_log10=float(result["guesses_log10"]),
        feedback=" ".join(p for p in parts if p),
    )
