"""Every write to quizzes: settings and publishing (quiz), the blueprint (slots), per-learner overrides."""

from .overrides import override_delete, override_set
from .quiz import quiz_copy, quiz_create, quiz_publish, quiz_unpublish, quiz_update
from .slots import slot_add_fixed, slot_add_random, slot_move, slot_remove, slot_update, slots_reorder

__all__ = [
    "override_delete", "override_set", "quiz_copy", "quiz_create", "quiz_publish",
    "quiz_unpublish", "quiz_update", "slot_add_fixed", "slot_add_random", "slot_move", "slot_remove",
    "slot_update", "slots_reorder",
]
