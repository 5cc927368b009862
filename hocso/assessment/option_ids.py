"""Per-attempt option identifiers: what a learner sees and sends instead of the bank's own option ids.

The bank's ids say too much: importers number options in file order (GIFT files usually list the right answer
first), authors put the right answer at "b", and a matching pair's right-hand item has the pair's own id. So every
identifier a learner receives for something to pick (a single or multiple choice option, a matching right-hand
item) is an alias: a keyed BLAKE2s MAC of the slot and the item, under a random secret of the attempt
(`Attempt.option_key`, never sent to anyone). Without the secret an alias looks random, differs in every attempt and
in every slot of one attempt (the bank's "a", "b", "p1" repeat across questions), and depends only on what the
learner sees, never on the key:
- a choice option is identified by its bank id (its texts may be corrected in a later version; its id stays);
- a matching right-hand item is identified by its text (two pairs sharing a text are one item): its pair's id would
  tie it to the left-hand item it belongs to. The items are shown in the order of their aliases, so always shuffled
  and in an order that does not depend on the pairing either.
So two banks that differ only in their key give the same page for the same attempt secret and draw (tested).

Answers are stored as sent (the save is one SQL statement that translates nothing) and decoded where they are read:
grading decodes every answer once and stores the options chosen for the item analysis (AttemptQuestion.chosen).
The secret lives with the attempt, not in the settings, so answers stay readable after SECRET_KEY is rotated.
True/false needs no alias: its two values are the meanings "true" and "false", the same whichever is right. Short
answers and essays have no options. Matching's left-hand items keep their bank ids: they are the questions, in the
author's order, and say nothing about the right-hand items.

Depends only on hocso.core.text (the models use `new_option_key` as a field default).
"""

from __future__ import annotations

import hashlib
import secrets
from binascii import b2a_base64
from collections.abc import Callable

from hocso.core.text import normalize

# Question types whose responses name options, and where: single {"choice": id}, multiple {"choices": [id, …]},
# matching {"pairs": {left id: right id}}.
SINGLE, MULTIPLE, MATCHING = "single", "multiple", "matching"
ALIASED_TYPES = (SINGLE, MULTIPLE, MATCHING)

_KEY_BYTES = 16
_ALIAS_BYTES = 9  # 72 bits: 12 URL-safe characters; a collision inside one question is out of reach
_PERSON = b"hocso-op"  # BLAKE2 personalisation: these MACs cannot be confused with another use of the key
_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def new_option_key() -> str:
    """A fresh attempt secret (hex)."""
    return secrets.token_hex(_KEY_BYTES)


def choice_ids(qtype: str, data: dict) -> list[str]:
    """Single/multiple choice option ids in the author's order: the paper freezes their display order (shuffled
    or not, as the quiz and question say). Other types have none: matching's right-hand items are shown in the
    order of their aliases."""
    if qtype in (SINGLE, MULTIPLE):
        return [o["id"] for o in data.get("options", [])]
    return []


def _items(qtype: str, data: dict) -> dict[str, str]:
    """Bank id → identity (what the alias is made from) of everything a learner may pick in the question."""
    if qtype in (SINGLE, MULTIPLE):
        return {o["id"]: o["id"] for o in data.get("options", [])}
    if qtype == MATCHING:
        items = {p["id"]: normalize(p.get("right", "")) for p in data.get("pairs", [])}
        items.update({d["id"]: normalize(d.get("text", "")) for d in data.get("distractors", [])})
        return items
    return {}


def right_items(data: dict) -> list[tuple[str, str]]:
    """A matching question's right-hand items as (identity, text to show): one per distinct text, pairs first."""
    shown: dict[str, str] = {}
    for text in [p.get("right", "") for p in data.get("pairs", [])] + [d.get("text", "") for d in
                                                                        data.get("distractors", [])]:
        shown.setdefault(normalize(text), text)
    return list(shown.items())


def answer_signature(qtype: str, data: dict) -> tuple:
    """What an answer's identifiers refer to: a corrected version with the same signature reads old answers the
    same way (single/multiple: the option ids; matching: the left-hand ids and the right-hand texts)."""
    if qtype == MATCHING:
        return (sorted(p["id"] for p in data.get("pairs", [])), sorted(set(_items(qtype, data).values())))
    return (sorted(_items(qtype, data)),)


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
    """The option identifiers of one attempt, both ways. Cheap: a few microseconds per alias."""

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        if not key or len(key) != 2 * _KEY_BYTES:
            # An empty key would make the aliases a plain hash anyone can compute: refuse rather than leak.
            raise ValueError("an attempt's option key must be 32 hexadecimal characters")
        self._key = bytes.fromhex(key)

    def alias(self, slot: int, identity: str) -> str:
        """The alias of an option (its bank id) or of a matching right-hand item (its text) in `slot`."""
        digest = hashlib.blake2s(f"{slot}:{identity}".encode(), key=self._key, digest_size=_ALIAS_BYTES,
                                 person=_PERSON).digest()
        # base64.urlsafe_b64encode without its two Python layers (90 aliases on every new exam page); 9 bytes
        # make 12 characters, no padding.
        return b2a_base64(digest, newline=False).translate(_URL_SAFE).decode()

    def aliases(self, slot: int, qtype: str, data: dict) -> dict[str, str]:
        """Bank id → alias for everything a learner may pick in the question in `slot`."""
        return {oid: self.alias(slot, identity) for oid, identity in _items(qtype, data).items()}

    def encode(self, slot: int, qtype: str, data: dict, response: dict | None) -> dict | None:
        """A response in bank ids as the learner's page sends it (for code answering on a learner's behalf, and the
        review's right answers)."""
        return _map_ids(qtype, response, self.aliases(slot, qtype, data).get)

    def decode(self, slot: int, qtype: str, data: dict, response: dict | None) -> dict | None:
        """A stored response back in bank ids (for matching, the first pair or distractor with the item's text:
        grading compares texts). Identifiers that name nothing in the question are dropped."""
        if qtype not in ALIASED_TYPES or not response:
            return response
        real: dict[str, str] = {}
        for oid, alias in self.aliases(slot, qtype, data).items():
            real.setdefault(alias, oid)
        return _map_ids(qtype, response, real.get)
