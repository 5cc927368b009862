"""Password rules beyond Django's (length, common passwords, all digits, similarity to the person)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndOthersValidator:
    """At least one letter and one character that is not a letter (digit, symbol or space).

    Keeps out single dictionary words and names that pass the length rule ("nguyenvanan"); no more than that,
    since heavier composition rules push people to write passwords down.
    """

    def validate(self, password: str, user=None) -> None:
        if not any(ch.isalpha() for ch in password) or all(ch.isalpha() for ch in password):
            raise ValidationError(
                _("The password must contain letters and at least one digit or symbol."), code="password_mixed"
            )

    def get_help_text(self) -> str:
        return _("Your password must contain letters and at least one digit or symbol.")
