"""The exam's hot paths over HTTP: save one answer, and the page script's submit.

Authorised by the attempt's token alone (sent in X-Attempt-Token): no session, no user lookup, no CSRF cookie,
so a save costs one SQL statement. The token is a random capability for one attempt, shown only to the learner
whose attempt it is on its exam page: it saves answers while the attempt is open, submits it, and after that
only tells where the result is. A custom header cannot be sent from another site without the browser asking
first (CORS), which is why neither needs a CSRF token.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hocso.core.input_guard import BadInput, loads_json_object

from ..errors import ExamError
from ..services import answer_save, attempt_submit_by_token

# HTTP status per refusal: 404 unknown attempt, 409 the attempt no longer takes answers, 422 bad input.
ERROR_STATUS = {"not_found": 404, "expired": 409, "submitted": 409, "invalid_slot": 422, "invalid_response": 422}


def exam_error_response(error: ExamError) -> JsonResponse:
    return JsonResponse({"error": {"code": error.code, "message": error.message}},
                        status=ERROR_STATUS.get(error.code, 400))


@csrf_exempt
@require_POST
def save_answer(request: HttpRequest) -> JsonResponse:
    token = request.headers.get("X-Attempt-Token", "")
    try:
        body = loads_json_object(request.body)  # an object, with no NUL: else BadInput
        slot, seq, response = body["slot"], body["seq"], body["response"]
    except (BadInput, KeyError):
        # 422 as for any answer that can never be saved: the exam page stops retrying it (exam.js).
        return exam_error_response(ExamError("invalid_response"))
    try:
        result = answer_save(token=token, slot=slot, response=response, seq=seq)
    except ExamError as error:
        return exam_error_response(error)
    return JsonResponse({"ok": True, "slot": result.slot, "seq": result.seq, "saved_at": result.saved_at.isoformat()})


save_answer.session_free = True  # see hocso.identity.signin.SignInGateMiddleware


@csrf_exempt
@require_POST
def submit_attempt(request: HttpRequest) -> JsonResponse:
    """Submit and grade, from the exam page's script: {"pending": [answers not acknowledged yet], "auto": bool}.
    Answers the learner with where the result is; the form's submit (pages.submit_view) stays for the rest."""
    try:
        body = loads_json_object(request.body)
    except BadInput:
        return exam_error_response(ExamError("invalid_response"))
    try:
        attempt = attempt_submit_by_token(token=request.headers.get("X-Attempt-Token", ""),
                                          pending=body.get("pending"), auto=body.get("auto") is True)
    except ExamError as error:
        return exam_error_response(error)
    return JsonResponse({"ok": True, "state": attempt.state,
                         "result_url": reverse("assessment:exam_result", kwargs={"attempt_id": attempt.pk})})


submit_attempt.session_free = True  # as for save_answer
