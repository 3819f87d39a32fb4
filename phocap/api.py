"""REST API v1 (Django Ninja, OpenAPI at /api/v1/openapi.json).

The same scope as the pages: everything a user reads goes through
``for_user`` and every change through the register's services, so a person
outside the user's units is "not found" (404), never shown, and a change the
role may not make is refused (403).

Refusals are JSON in Vietnamese, never a 500 for what the client sent: a value
the register's checks refuse (the same as a file's and a page's) is a 422 with
``errors``, a list of ``{field, value, message}`` under the API's field names;
a clash the database finds at commit, or a stale edit, a 409.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from pathlib import Path

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import File, Form, NinjaAPI, Schema, Status, UploadedFile
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer

from phocap.accounts import permissions, throttle, tokens, twofactor
from phocap.accounts.models import User
from phocap.accounts.requests import AuthedRequest
from phocap.register import audit, editing, importing, jobs, scope, uniqueness, uploads
from phocap.register.checking import Problem
from phocap.register.locking import StaleEdit
from phocap.register.models import AdministrativeUnit, Household, Person
from phocap.register.results import results
from phocap.rounds import offline, services
from phocap.survey.official.reading import Context
from phocap.survey.schema import FIRST_SURVEY_YEAR, LAST_SURVEY_YEAR
from phocap.survey.text import text_problem
from phocap.survey.validate import validate
from phocap.units import vintage_for_year

log = logging.getLogger(__name__)


class Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object:
        user = tokens.user_for(token)
        if user is not None:
            request.user = user
        return user


# Bearer tokens, not cookies: no CSRF exposure for the API. No interactive docs
# page: Ninja's loads Swagger UI from a CDN, and nothing may load from the network.
api = NinjaAPI(title="phocap", version="1", urls_namespace="api-v1", auth=Bearer(),
               docs_url=None)


# Shared error handling: whatever goes wrong, the answer is JSON in Vietnamese.

REQUEST_INVALID = {
    "missing": "thiếu giá trị bắt buộc",
    "int_parsing": "cần một số nguyên",
    "int_type": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "date_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_type": "cần một ngày dạng YYYY-MM-DD",
    "string_type": "cần nội dung dạng chữ",
    "bool_parsing": "cần true hoặc false",
    "json_invalid": "nội dung gửi lên không phải JSON hợp lệ",
}


@api.exception_handler(ValidationError)
def request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A request whose values do not even have the right type (Ninja's 422, in Vietnamese)."""
    errors: list[dict[str, object]] = []
    messages: list[str] = []
    for error in exc.errors:
        names = [str(p) for p in error.get("loc", ()) if isinstance(p, str | int)]
        field = names[-1] if len(names) > 1 else None
        reason = REQUEST_INVALID.get(error.get("type", ""), "giá trị không hợp lệ")
        message = f"“{field}” {reason}." if field else f"Yêu cầu không hợp lệ: {reason}."
        errors.append({"field": field, "value": error.get("input"), "message": message})
        messages.append(message)
    detail = " ".join(messages) or "Yêu cầu không hợp lệ."
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(IntegrityError)
def refused_by_database(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """Every check passed, yet the database refused (a concurrent write): 409, not 500."""
    return api.create_response(request, {"detail": uniqueness.COMMIT_REFUSED}, status=409)


def _refused(problems: list[Problem]) -> dict[str, object]:
    """The body of a refusal: every refused value with its field and a Vietnamese message."""
    return {"detail": " ".join(p.message for p in problems),
            "errors": [{"field": p.field, "value": p.value, "message": p.message}
                       for p in problems]}


def _hidden_characters(request: HttpRequest) -> list[Problem]:
    """The request's path and query values that hold a character no text may hold."""
    values = [("path", request.path), *((k, v) for k, v in request.GET.items())]
    return [Problem(name, value, problem) for name, value in values
            if (problem := text_problem(name, value))]  # type: ignore[arg-type]  # a query's values are text


@api.exception_handler(PermissionDenied)
def not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Không có quyền làm việc này."},
                               status=403)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback, answered in Vietnamese. A request the
    parser refuses (a multipart body without a boundary, …) is the client's: 400."""
    if isinstance(exc, BadRequest | MultiPartParserError | SuspiciousOperation):
        return api.create_response(request, {"detail": "Yêu cầu không hợp lệ: nội dung gửi"
                                                       " lên không đọc được."}, status=400)
    if hidden := _hidden_characters(request):
        # PostgreSQL refuses NUL in a query: the client's value, not our fault.
        return api.create_response(request, _refused(hidden), status=422)
    log.exception("API %s %s failed", request.method, request.path)
    return api.create_response(request, {"detail": "Máy chủ gặp sự cố ngoài dự kiến; chưa có"
                                                   " gì được ghi. Hãy thử lại hoặc báo quản"
                                                   " trị hệ thống."}, status=500)


class Credentials(Schema):
    username: str
    password: str
    code: str | None = None


class TokenOut(Schema):
    token: str
    expires_in: int


class PersonOut(Schema):
    id: int
    village: str  # a household is its village and number: each village numbers from 1
    household_no: str
    person_no: int
    full_name: str
    birth_date: dt.date | None
    birth_year: int
    sex: str
    ethnicity: str
    national_id: str | None
    version: int


class PersonPatch(Schema):
    version: int
    full_name: str | None = None
    birth_date: dt.date | None = None
    birth_year: int | None = None
    sex: str | None = None
    ethnicity: str | None = None
    national_id: str | None = None


class HouseholdOut(Schema):
    id: int
    household_no: str
    village: str
    head_name: str
    members: list[PersonOut]


def _person(person: Person) -> dict[str, object]:
    return {
        "id": person.pk, "village": person.household.village.name,
        "household_no": person.household.household_no,
        "person_no": person.person_no, "full_name": person.full_name,
        "birth_date": person.birth_date, "birth_year": person.birth_year, "sex": person.sex,
        "ethnicity": person.ethnicity, "national_id": person.national_id,
        "version": person.version,
    }


@api.post("/token", auth=None, response={200: TokenOut, 401: dict, 403: dict, 429: dict})
def token(request: HttpRequest, credentials: Credentials) -> object:
    """Exchange a user name and password (and, for an account with a second factor, the
    current six-digit code in ``code``) for a bearer token."""
    try:
        user = throttle.login(request, credentials.username, credentials.password)
        if user is None:
            return Status(401, {"detail": "Sai tên đăng nhập hoặc mật khẩu."})
        if twofactor.must_enrol(user):
            return Status(403, {"detail": "Tài khoản này phải bật xác thực hai lớp trên trang "
                                          "web (Xác thực hai lớp) trước khi lấy mã truy cập API."})
        if twofactor.enrolled(user):
            if not credentials.code:
                return Status(401, {"detail": "Tài khoản này dùng xác thực hai lớp: gửi kèm mã "
                                              "6 chữ số đang hiển thị trên ứng dụng xác thực "
                                              "trong trường \"code\"."})
            if not twofactor.verify(user, credentials.code):
                return Status(401, {"detail": "Mã xác thực (trường \"code\") không đúng hoặc "
                                              "đã dùng rồi."})
    except throttle.Throttled as exc:
        return Status(429, {"detail": exc.message()})
    return Status(200, {"token": tokens.issue(user),
                        "expires_in": int(tokens.TOKEN_LIFETIME.total_seconds())})


def _unit_in_scope(request: AuthedRequest, code: str, year: int) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(vintage=vintage_for_year(year).value,
                                             code=code).first()
    user: User = request.user
    if unit is None:
        raise HttpError(404, "Không có đơn vị này.")
    if not permissions.covers(user, unit):  # the ministry viewer covers every unit
        raise HttpError(404, "Không có đơn vị này.")
    if not permissions.reads_whole_units(user):
        raise HttpError(403, "Tài khoản của trường chỉ xem học sinh của trường mình.")
    return unit


@api.get("/units/{code}/results", response={200: dict, 404: dict, 422: dict})
def unit_results(request: AuthedRequest, code: str, year: int) -> object:
    """The engine's results for a unit and its children (levels, criteria, indicators)."""
    if not code.isdigit():
        raise HttpError(404, "Không có đơn vị này.")
    refused = _year_refused("year", year)
    if refused is not None:
        return refused
    return results(_unit_in_scope(request, code, year), year).to_json()


def _year_refused(field: str, year: int) -> Status[object] | None:
    if FIRST_SURVEY_YEAR <= year <= LAST_SURVEY_YEAR:
        return None
    message = (f"Năm điều tra {year} không hợp lệ: cần một năm từ {FIRST_SURVEY_YEAR}"
               f" đến {LAST_SURVEY_YEAR}.")
    return Status(422, {"detail": message,
                        "errors": [{"field": field, "value": year, "message": message}]})


@api.get("/households", response=list[HouseholdOut])
def households(request: AuthedRequest, commune: str, year: int) -> list[dict[str, object]]:
    """Households of a commune with their members who have a record in the survey year."""
    surveyed = (Person.objects.for_user(request.user).filter(years__survey_year=year)
                .select_related("household__village"))
    found = (
        Household.objects.for_user(request.user)
        .filter(commune__code=commune, members__years__survey_year=year)
        .distinct()
        .select_related("village")
        .prefetch_related(Prefetch("members", queryset=surveyed.order_by("person_no")))
    )
    rows = list(found.order_by("village__name", "household_no"))
    # A bulk read of personal data, logged like export.xlsx (one entry per commune read).
    for unit in AdministrativeUnit.objects.filter(pk__in={h.commune_id for h in rows}):
        mine = [h for h in rows if h.commune_id == unit.pk]
        audit.exported(request.user, unit, {
            "year": year, "api": "GET /api/v1/households", "households": len(mine),
            "rows": sum(len(h.members.all()) for h in mine)})
    return [
        {"id": h.pk, "household_no": h.household_no, "village": h.village.name,
         "head_name": h.head_name, "members": [_person(p) for p in h.members.all()]}
        for h in rows
    ]


@api.get("/persons/{person_id}", response=PersonOut)
def person(request: AuthedRequest, person_id: int) -> dict[str, object]:
    found = Person.objects.for_user(request.user).select_related("household__village").filter(
        pk=person_id).first()
    if found is None:
        raise HttpError(404, "Không tìm thấy người này.")
    return _person(found)


@api.patch("/persons/{person_id}", response={200: PersonOut, 409: dict, 422: dict})
def update_person(request: AuthedRequest, person_id: int, patch: PersonPatch) -> object:
    """Change a person's identity: checked as a file's row would be, refused with 422 and
    one error per field (its value and a Vietnamese message) before anything is stored."""
    changes = patch.dict(exclude_unset=True)
    version = changes.pop("version")
    try:
        updated = editing.update_person(request.user, person_id, version, changes)
    except Person.DoesNotExist:
        raise HttpError(404, "Không tìm thấy người này.") from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    except editing.Clash as exc:
        return Status(409, _refused(exc.problems))
    except editing.Invalid as exc:
        return Status(422, _refused(exc.problems))
    return Status(200, _person(updated))


@api.post("/imports", response={200: dict, 403: dict, 413: dict, 422: dict})
def import_file(request: AuthedRequest, file: File[list[UploadedFile]],
                survey_year: Form[int | None] = None, commune: Form[str | None] = None,
                village: Form[str | None] = None) -> object:
    """Validate survey files; commit them when clean, else return the validation report.

    ``file`` is one survey file, or a commune's village files of the ministry's template
    (the field repeated, or a ZIP of them): stored, checked for scope and validated as the
    import page does (jobs.store_files, scope.refuse_foreign_upload, validate with the
    same Context), then committed all or nothing. What the ministry's files do not say
    is given here as on the page: ``survey_year``, ``commune`` (by default the caller's
    own) and, for a single file not named after its village, ``village``.
    """
    bounds = uploads.limits()
    try:
        for upload in file:
            uploads.refuse_large(upload, bounds)
    except uploads.UploadRefused as exc:
        return Status(413, {"detail": str(exc)})
    if survey_year is not None and (refused := _year_refused("survey_year", survey_year)):
        return refused
    if village and jobs.several([upload.name or "" for upload in file]):
        return _not_importable("Tên thôn (village) chỉ dùng khi gửi một tệp; với nhiều tệp,"
                               " tên thôn lấy từ tên từng tệp.")
    own = getattr(request.user, "unit", None)
    context = Context(commune_code=commune or (own.code if own is not None else None),
                      year=survey_year, village=village or None)
    with tempfile.TemporaryDirectory() as folder:
        try:
            paths = jobs.store_files(list(file), Path(folder), bounds)
        except uploads.UploadRefused as exc:
            return _not_importable(str(exc))
        try:
            scope.refuse_foreign_upload(request.user, paths, survey_year, limits=bounds,
                                        context=context)
        except scope.OutOfScope as exc:
            return Status(403, {"detail": str(exc)})
        result = validate(paths, year=survey_year, keep_records=True, limits=bounds,
                          context=context)
    report = result.report
    if not report.ok or result.records is None:
        return Status(422, {"errors": report.errors, "warnings": report.warnings,
                            "problems": report.problems.head(1000).to_dicts()})
    try:
        done = importing.commit(result.records, request.user)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except importing.ImportRefused as exc:
        return _not_importable(str(exc))
    return Status(200, {"survey_year": done.survey_year, "new": len(done.new),
                        "changed": len(done.changed), "unchanged": done.unchanged,
                        "missing": len(done.missing), "warnings": report.warnings})


def _not_importable(message: str) -> Status[object]:
    """A refusal in the shape of a validation report, with one problem and no cell."""
    return Status(422, {"errors": 1, "warnings": 0, "problems": [{"message": message}]})


# The survey round, for the offline app to come (docs/survey-round.md): a surveyor's
# assignment in compact JSON, and each visit posted with its own id and the version it
# was based on, so a sync that drops and starts again records each visit once and a
# visit recorded meanwhile comes back as a conflict.


@api.get("/round/assignment", response=dict)
def round_assignment(request: AuthedRequest) -> dict[str, object]:
    """The caller's households in open rounds with their people and this year's records;
    short keys, blank values left out (rounds/offline.py names them)."""
    return offline.assignment(request.user)


class VisitIn(Schema):
    cid: uuid.UUID  # the client's id of this change: sent twice, recorded once
    h: int  # the household
    o: str  # unchanged, changed, not_found
    v: int  # the version of the household's visit it was based on (0: none yet)
    hv: int | None = None  # the household's version it read, if any
    n: str = ""  # a note
    at: dt.datetime | None = None  # when the visit was made (default: now)


@api.post("/round/visits", response={200: dict, 403: dict, 404: dict, 409: dict, 422: dict})
def record_visit(request: AuthedRequest, visit: VisitIn) -> object:
    """A household's visit in its commune's open round: 200 with the visit as stored
    (``replayed`` true when ``cid`` was already recorded), 409 with ``current`` when the
    visit or household changed since the client read it."""
    if problem := text_problem("n", visit.n, 200):
        return Status(422, _refused([Problem("n", visit.n, problem)]))
    try:
        done = services.record_visit(request.user, visit.h, visit.o, visit.v,
                                     household_version=visit.hv, note=visit.n,
                                     at=visit.at, client_id=visit.cid)
    except Household.DoesNotExist:
        return Status(404, {"detail": "Không tìm thấy hộ này trong các hộ được giao."})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except services.VisitConflict as exc:
        return Status(409, {"detail": str(exc), "current": exc.current})
    except services.RoundRefused as exc:
        return Status(422, {"detail": str(exc)})
    return Status(200, done.answer | {"replayed": done.replayed})
