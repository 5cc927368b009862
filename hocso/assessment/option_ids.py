"""Per-attempt option identifiers: what a learner sees and sends instead of the bank's own option ids.

The bank's ids say too much: importers number options in file order (GIFT files usually list the right answer
first), authors put the right answer at "b", and a matching pair's right-hand item has the pair's own id. So every
identifier a learner receives for an option (single and multiple choice options, matching right-hand items) is an
alias: a keyed BLAKE2s MAC of the slot and the bank id, under a random secret of the attempt (`Attempt.option_key`,
never sent to anyone). Without the secret an alias is indistinguishable from random, different in every attempt
and in every slot of one attempt (the bank's "a", "b", "p1" repeat across questions), so nothing a learner receives
before the review correlates with the key. The secret lives with the attempt, not in the settings: answers stay
readable for grading, regrading, review and statistics after SECRET_KEY is rotated.

Answers are stored as sent (the save is one SQL statement that translates nothing) and decoded where they are read:
grading decodes every answer once and stores the options chosen for the item analysis (AttemptQuestion.chosen).
True/false needs no alias: its two values are the meanings "true" and "false", and the page is the same whichever
is right. Short answers and essays have no options. Matching's left-hand items keep their bank ids: they are the
questions, shown in the author's order, and reveal nothing once the right-hand items are aliased.

This module depends on nothing else in the app (the models use `new_option_key` as a field default).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable

# Question types whose responses name options by identifier, and where: single {"choice": id},
# multiple {"choices": [id, …]}, matching {"pairs": {left id: right id}}.
SINGLE, MULTIPLE, MATCHING = "single", "multiple", "matching"
ALIASED_TYPES = (SINGLE, MULTIPLE, MATCHING)

_KEY_BYTES = 16
_ALIAS_BYTES = 9  # 72 bits: 12 URL-safe characters; a collision inside one question is out of reach
_PERSON = b"hocso-op"  # BLAKE2 personalisation: these MACs cannot be confused with another use of the key


def new_option_key() -> str:
    """A fresh attempt secret (hex)."""
    return secrets.token_hex(_KEY_BYTES)


def choice_ids(qtype: str, data: dict) -> list[str]:
    """The bank ids of the options a learner picks from (options, or right-hand items and distractors for
    matching), in the author's order: these are aliased, and their display order is shuffled per attempt."""
    if qtype in (SINGLE, MULTIPLE):
        return [o["id"] for o in data.get("options", [])]
    if qtype == MATCHING:
        return [p["id"] for p in data.get("pairs", [])] + [d["id"] for d in data.get("distractors", [])]
    return []


def _map_ids(qtype: str, response: dict | None, to: Callable[[str], str | None]) -> dict | None:
    """`response` with every option identifier in it replaced by `to(identifier)` (dropped when that is None or
    the identifier is not a string). The one place that knows where a response names options."""
    if qtype not in ALIASED_TYPES or not isinstance(response, dict) or not response:
        return response
    mapped = dict(response)
    if qtype == SINGLE and "choice" in response:
        choice = response["choice"]
        new = to(choice) if isinstance(choice, str) and choice else None
        if new is None:
            del mapped["choice"]
        else:
            mapped["choice"] = new
    elif qtype == MULTIPLE and "choices" in response:
        choices = response["choices"] if isinstance(response["choices"], list) else []
        mapped["choices"] = [new for new in (to(c) for c in choices if isinstance(c, str)) if new is not None]
    elif qtype == MATCHING and "pairs" in response:
        pairs = response["pairs"] if isinstance(response["pairs"], dict) else {}
        mapped["pairs"] = {left: new for left, right in pairs.items()
                           if isinstance(right, str) and (new := to(right)) is not None}
    return mapped


class OptionIds:
    """The option identifiers of one attempt, both ways. Cheap: about a microsecond per alias."""

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        if not key or len(key) != 2 * _KEY_BYTES:
            # An empty key would make the aliases a plain hash anyone can compute: refuse rather than leak.
            raise ValueError("an attempt's option key must be 32 hexadecimal characters")
        self._key = bytes.fromhex(key)

    def alias(self, slot: int, option_id: str) -> str:
        digest = hashlib.blake2s(f"{slot}:{option_id}".encode(), key=self._key, digest_size=_ALIAS_BYTES,
                                 person=_PERSON).digest()
        return base64.urlsafe_b64encode(digest).decode()

    def aliases(self, slot: int, qtype: str, data: dict) -> dict[str, str]:
        """Bank id → alias for every option of the question in `slot`."""
        return {oid: self.alias(slot, oid) for oid in choice_ids(qtype, data)}

    def encode(self, slot: int, qtype: str, response: dict | None) -> dict | None:
        """A response in bank ids as the learner's page sends it (for code answering on a learner's behalf)."""
        return _map_ids(qtype, response, lambda oid: self.alias(slot, oid))

    def decode(self, slot: int, qtype: str, data: dict, response: dict | None) -> dict | None:
        """A stored response back in the bank's ids; identifiers that name no option of the question are dropped."""
        if qtype not in ALIASED_TYPES or not response:
            return response
        real = {alias: oid for oid, alias in self.aliases(slot, qtype, data).items()}
        return _map_ids(qtype, response, real.get)
