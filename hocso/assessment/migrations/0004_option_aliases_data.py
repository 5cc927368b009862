"""Existing attempts get their own option key, and their stored answers move to the per-attempt aliases.

Before: single and multiple choice answers named the bank's option ids ("b"); matching answers named aliases made
with SECRET_KEY ("r" + salted_hmac("hocso.matching", "attempt:right id")). After: every option identifier in a
stored answer is the attempt's alias (hocso.assessment.option_ids: options by bank id, matching's right-hand items
by text), so there is one way to read answers. Graded
attempts also get `AttemptQuestion.chosen` (the options chosen, in the bank's ids) for the item analysis.

Self-contained on purpose (a migration must not change meaning when the app's code changes later): the helpers
below are copies of hocso.assessment.option_ids and grading.chosen_options as of this migration. Old matching
aliases are read under SECRET_KEY and each of SECRET_KEY_FALLBACKS; one that none of them explains was already
unreadable and is dropped, as grading dropped it.

Run it outside an exam: an answer a browser kept offline from before the upgrade would arrive in the old form.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import unicodedata

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

BATCH = 500


def _alias(key: str, slot: int, identity: str) -> str:
    """hocso.assessment.option_ids.OptionIds.alias as of this migration."""
    digest = hashlib.blake2s(f"{slot}:{identity}".encode(), key=bytes.fromhex(key), digest_size=9,
                             person=b"hocso-op").digest()
    return base64.urlsafe_b64encode(digest).decode()


def _old_matching_alias(attempt_id: int, right_id: str, secret: str) -> str:
    return "r" + salted_hmac("hocso.matching", f"{attempt_id}:{right_id}", secret=secret).hexdigest()[:12]


def _normalize(text) -> str:
    """hocso.core.text.normalize as of this migration."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip() if text else ""


def _choice_ids(qtype: str, data: dict) -> list[str]:
    """Every id an old answer could name (options; matching: pairs and distractors)."""
    if qtype in ("single", "multiple"):
        return [o["id"] for o in data.get("options", [])]
    if qtype == "matching":
        return [p["id"] for p in data.get("pairs", [])] + [d["id"] for d in data.get("distractors", [])]
    return []


def _aliases(key: str, slot: int, qtype: str, data: dict) -> dict[str, str]:
    """option_ids.OptionIds.aliases as of this migration: options by id, matching's right-hand items by text."""
    if qtype in ("single", "multiple"):
        items = {o["id"]: o["id"] for o in data.get("options", [])}
    elif qtype == "matching":
        items = {p["id"]: _normalize(p.get("right", "")) for p in data.get("pairs", [])}
        items.update({d["id"]: _normalize(d.get("text", "")) for d in data.get("distractors", [])})
    else:
        items = {}
    return {oid: _alias(key, slot, identity) for oid, identity in items.items()}


def _map_ids(qtype: str, response, to):
    """option_ids._map_ids as of this migration."""
    if qtype not in ("single", "multiple", "matching") or not isinstance(response, dict) or not response:
        return response
    mapped = dict(response)
    if qtype == "single" and "choice" in response:
        choice = response["choice"]
        new = to(choice) if isinstance(choice, str) and choice else None
        if new is None:
            del mapped["choice"]
        else:
            mapped["choice"] = new
    elif qtype == "multiple" and "choices" in response:
        choices = response["choices"] if isinstance(response["choices"], list) else []
        mapped["choices"] = [new for new in (to(c) for c in choices if isinstance(c, str)) if new is not None]
    elif qtype == "matching" and "pairs" in response:
        pairs = response["pairs"] if isinstance(response["pairs"], dict) else {}
        mapped["pairs"] = {left: new for left, right in pairs.items()
                           if isinstance(right, str) and (new := to(right)) is not None}
    return mapped


def _chosen(qtype: str, response) -> list[str] | None:
    """grading.chosen_options as of this migration."""
    if qtype not in ("single", "multiple", "truefalse"):
        return None
    if not isinstance(response, dict):
        return []
    if qtype == "single":
        choice = response.get("choice")
        return [choice] if isinstance(choice, str) and choice else []
    if qtype == "multiple":
        choices = response.get("choices")
        return sorted({c for c in choices if isinstance(c, str)}) if isinstance(choices, list) else []
    value = response.get("value")
    return ["true" if value else "false"] if isinstance(value, bool) else []


def _old_real(qtype: str, data: dict, response, attempt_id: int, keys: list[str]):
    """An answer as stored before: single/multiple already in bank ids; matching under SECRET_KEY aliases."""
    if qtype != "matching":
        return response
    real = {}
    for secret in keys:
        for rid in _choice_ids(qtype, data):
            real.setdefault(_old_matching_alias(attempt_id, rid, secret), rid)
    return _map_ids(qtype, response, real.get)


def _papers(AttemptQuestion, QuestionVersion, attempt_ids: list[int]):
    """(attempt id, slot) → (paper row id, qtype, data), reading each version once."""
    rows = list(AttemptQuestion.objects.filter(attempt_id__in=attempt_ids).values_list(
        "pk", "attempt_id", "slot", "version_id"))
    versions = {
        pk: (qtype, data or {}) for pk, qtype, data in QuestionVersion.objects.filter(
            pk__in={row[3] for row in rows}).values_list("pk", "question__qtype", "data")
    }
    return {(attempt_id, slot): (pk, *versions[version_id]) for pk, attempt_id, slot, version_id in rows}


def _write(schema_editor, sql: str, rows: list[tuple]) -> None:
    """One executemany per batch: the ORM's bulk_update (a CASE per row) took minutes for 500,000 answers."""
    if rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _json(schema_editor) -> str:
    return "%s::jsonb" if schema_editor.connection.vendor == "postgresql" else "%s"


def forwards(apps, schema_editor):
    Attempt = apps.get_model("assessment", "Attempt")
    AttemptQuestion = apps.get_model("assessment", "AttemptQuestion")
    Answer = apps.get_model("assessment", "Answer")
    QuestionVersion = apps.get_model("assessment", "QuestionVersion")
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    all_ids = list(Attempt.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(all_ids), BATCH):
        states = dict(Attempt.objects.filter(pk__in=all_ids[start:start + BATCH]).values_list("pk", "state"))
        # AddField gave every existing attempt the same default: each gets its own secret.
        option_keys = {pk: secrets.token_hex(16) for pk in states}
        _write(schema_editor, f"UPDATE {Attempt._meta.db_table} SET option_key = %s WHERE id = %s",
               [(key, pk) for pk, key in option_keys.items()])
        papers = _papers(AttemptQuestion, QuestionVersion, list(states))
        responses, rewritten = {}, []
        for pk, attempt_id, slot, response in Answer.objects.filter(attempt_id__in=list(states)).values_list(
                "pk", "attempt_id", "slot", "response"):
            paper = papers.get((attempt_id, slot))
            if paper is None:
                continue
            _pk, qtype, data = paper
            real = responses[(attempt_id, slot)] = _old_real(qtype, data, response, attempt_id, keys)
            if qtype in ("single", "multiple", "matching"):
                aliased = _map_ids(qtype, real, _aliases(option_keys[attempt_id], slot, qtype, data).get)
                rewritten.append((json.dumps(aliased, ensure_ascii=False), pk))
        _write(schema_editor, f"UPDATE {Answer._meta.db_table} SET response = {_json(schema_editor)} WHERE id = %s",
               rewritten)
        _write(schema_editor,
               f"UPDATE {AttemptQuestion._meta.db_table} SET chosen = {_json(schema_editor)} WHERE id = %s",
               [(json.dumps(_chosen(qtype, responses.get((attempt_id, slot)))), pk)
                for (attempt_id, slot), (pk, qtype, _data) in papers.items()
                if states[attempt_id] != "in_progress" and qtype in ("single", "multiple", "truefalse")])


def backwards(apps, schema_editor):
    """Answers back in the old form (bank ids; matching under SECRET_KEY aliases)."""
    Attempt = apps.get_model("assessment", "Attempt")
    AttemptQuestion = apps.get_model("assessment", "AttemptQuestion")
    Answer = apps.get_model("assessment", "Answer")
    QuestionVersion = apps.get_model("assessment", "QuestionVersion")
    all_ids = list(Attempt.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(all_ids), BATCH):
        keys = dict(Attempt.objects.filter(pk__in=all_ids[start:start + BATCH]).values_list("pk", "option_key"))
        papers = _papers(AttemptQuestion, QuestionVersion, list(keys))
        rewritten = []
        for pk, attempt_id, slot, response in Answer.objects.filter(attempt_id__in=list(keys)).values_list(
                "pk", "attempt_id", "slot", "response"):
            paper = papers.get((attempt_id, slot))
            if paper is None or paper[1] not in ("single", "multiple", "matching"):
                continue
            _pk, qtype, data = paper
            real = {}
            for oid, alias in _aliases(keys[attempt_id], slot, qtype, data).items():
                real.setdefault(alias, oid)
            response = _map_ids(qtype, response, real.get)
            if qtype == "matching":
                response = _map_ids(qtype, response, lambda rid, attempt_id=attempt_id: _old_matching_alias(
                    attempt_id, rid, settings.SECRET_KEY))
            rewritten.append((json.dumps(response, ensure_ascii=False), pk))
        _write(schema_editor, f"UPDATE {Answer._meta.db_table} SET response = {_json(schema_editor)} WHERE id = %s",
               rewritten)


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0003_option_aliases"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
