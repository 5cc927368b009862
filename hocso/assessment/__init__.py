"""Assessment: the question bank, quizzes, the exam (start, save, submit, grading, review) and its statistics.

One Django app (label `assessment`; every model in `hocso.assessment.models`), in four sub-packages by capability,
each importing only those before it (statistics > exam > quizzes > bank, an import-linter contract):

    bank/        categories, questions and their versions, scoring by type, import/export (Moodle XML, GIFT, Excel)
    quizzes/     quizzes, blueprints (slots), overrides, the window and review policies
    exam/        the draw, start (with its start-check registry), the answer-save hot path, submit, grading, review,
                 the overdue worker
    statistics/  results, item analysis, exports

Every write is in a sub-package's `services` package (`bank/services/`, `quizzes/services/`, `exam/services/`;
statistics only reads). App-wide: `permissions` (who may author, edit, grade an essay, regrade, see results),
`option_ids` (each attempt's own option identifiers), `models`, `api` (the router), `urls`, `tasks`,
`privacy_sections`. Assessment knows no campaign and no course: what they need to say at attempt start comes through
`exam.start_checks`, filled in their `ready()`.
"""
