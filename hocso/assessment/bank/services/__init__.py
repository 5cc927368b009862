"""Every write to the question bank: categories, questions (each edit a new version), and file imports."""

from .categories import (
    category_create,
    category_delete,
    category_get_or_create_path,
    category_move,
    category_rename,
)
from .imports import ApplyOutcome, import_questions, preview_confirm, preview_store
from .questions import question_archive, question_create, question_update

__all__ = [
    "ApplyOutcome", "category_create", "category_delete", "category_get_or_create_path", "category_move",
    "category_rename", "import_questions", "preview_confirm", "preview_store", "question_archive",
    "question_create", "question_update",
]
