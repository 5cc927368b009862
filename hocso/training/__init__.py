"""Training: courses and their lessons, classes with sessions and attendance, certificates, the training plan.

One Django app (label `training`; every model importable from `hocso.training.models`), in four sub-packages by
capability, each with its `services` (every write), `selectors` (reads), `views`, `forms`, `urls` and, where it has
API routes, `api` (schemas and handlers):

    courses/       courses, modules, lessons, lesson files, progress and completion, authoring
    classes/       classes, enrolment (one, a unit, a class list), sessions, attendance, QR check-in, the calendar
    certificates/  issuing (claim or whole-class run), the PDF, revocation, public verification
    plans/         the training plan, its targets, progress against them (achievements: what higher apps count)

App-wide: `permissions` (who may do what: every rule of the app), `models/` (one module per concept), `api` (the
router: every /api/v1/training route in the document's order), `urls`, `tasks`, `privacy_sections`.

Training sits above assessment and below campaigns: it imports nothing from campaigns, the site or the demo (a
campaign's say in the plan comes through `plans.achievements`, filled in `CampaignsConfig.ready()`).
"""
