"""The exam's hot path over HTTP: save one answer.

Authorised by the attempt's token alone (sent in X-Attempt-Token): no session, no user lookup, no CSRF cookie,
so a save costs one SQL statement. The token is a random capability for one open attempt, shown only to the
learner whose attempt it is, and useless once the attempt is submitted or its time is up.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hocso.core.input_guard import BadInput, loads_json_object

from ..errors import ExamError
from ..services.save import answer_save

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
