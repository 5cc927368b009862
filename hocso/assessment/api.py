"""The assessment app's part of /api/v1, mounted by hocso.api: the learner's quizzes and attempts (exam), then the
quizzes for their authors (quizzes) and their results and item analysis (statistics)."""

from ninja import Router

from .exam.api import router as exam_router
from .quizzes.api import router as quizzes_router
from .statistics.api import router as statistics_router

router = Router()
router.add_router("", exam_router)
router.add_router("", quizzes_router)
router.add_router("", statistics_router)
