"""REST API v1 (Django Ninja, OpenAPI at /api/v1/openapi.json).

The same scope as the pages: everything a user reads goes through
``for_user`` and every change through the register's services, so a person
outside the user's units is "not found" (404), never shown, and a change the
role may not make is refused (403).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import File, NinjaAPI, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.security import HttpBearer

from phocap.accounts import tokens
from phocap.accounts.models import Role
from phocap.register import editing, importing, uploads
from phocap.register.models import AdministrativeUnit, Household, Person
from phocap.register.results import results
from phocap.survey.validate import validate
from phocap.units import vintage_for_year


class Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.user_for(token)
        if user is not None:
            request.user = user
        return user


# Bearer tokens, not cookies: no CSRF exposure for the API. No interactive docs
# page: Ninja's loads Swagger UI from a CDN, and nothing may load from the network.
api = NinjaAPI(title="phocap", version="1", urls_namespace="api-v1", auth=Bearer(),
               docs_url=None)


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_in: int


class PersonOut(Schema):
    id: int
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
    relationship: str | None = None


class HouseholdOut(Schema):
    id: int
    household_no: str
    village: str
    head_name: str
    members: list[PersonOut]


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk, "household_no": person.household.household_no,
        "person_no": person.person_no, "full_name": person.full_name,
        "birth_date": person.birth_date, "birth_year": person.birth_year, "sex": person.sex,
        "ethnicity": person.ethnicity, "national_id": person.national_id,
        "version": person.version,
    }


@api.post("/token", auth=None, response={200: TokenOut, 401: dict, 429: dict})
def token(request: HttpRequest, credentials: Credentials) -> Any:
    """Exchange a user name and password for a bearer token."""
    try:
        user = tokens.login(request, credentials.username, credentials.password)
    except tokens.Throttled as exc:
        return Status(429, {"detail": str(exc)})
    if user is None:
        return Status(401, {"detail": "Sai tên đăng nhập hoặc mật khẩu."})
    return Status(200, {"token": tokens.issue(user),
                        "expires_in": int(tokens.TOKEN_LIFETIME.total_seconds())})


def _unit_in_scope(request: HttpRequest, code: str, year: int) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(vintage=vintage_for_year(year).value,
                                             code=code).first()
    user: Any = request.user
    if unit is None:
        raise HttpError(404, "Không có đơn vị này.")
    if user.role == Role.MINISTRY_VIEWER:
        return unit  # aggregates of any unit, never a person
    covered = user.unit
    chain = [unit, *unit.ancestors()]
    if covered is None or all(u.pk != covered.pk for u in chain):
        raise HttpError(404, "Không có đơn vị này.")
    return unit


@api.get("/units/{code}/results")
def unit_results(request: HttpRequest, code: str, year: int) -> dict[str, Any]:
    """The engine's results for a unit and its children (levels, criteria, indicators)."""
    return results(_unit_in_scope(request, code, year), year)


@api.get("/households", response=list[HouseholdOut])
def households(request: HttpRequest, commune: str, year: int) -> list[dict[str, Any]]:
    """Households of a commune with their members who have a record in the survey year."""
    surveyed = Person.objects.filter(years__survey_year=year).select_related("household")
    found = (
        Household.objects.for_user(request.user)
        .filter(commune__code=commune, members__years__survey_year=year)
        .distinct()
        .select_related("village")
        .prefetch_related(Prefetch("members", queryset=surveyed.order_by("person_no")))
    )
    return [
        {"id": h.pk, "household_no": h.household_no, "village": h.village.name,
         "head_name": h.head_name, "members": [_person(p) for p in h.members.all()]}
        for h in found.order_by("household_no")
    ]


@api.get("/persons/{person_id}", response=PersonOut)
def person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    found = Person.objects.for_user(request.user).select_related("household").filter(
        pk=person_id).first()
    if found is None:
        raise HttpError(404, "Không tìm thấy người này.")
    return _person(found)


@api.patch("/persons/{person_id}", response={200: PersonOut, 409: dict})
def update_person(request: HttpRequest, person_id: int, patch: PersonPatch) -> Any:
    changes = patch.dict(exclude_unset=True)
    version = changes.pop("version")
    try:
        updated = editing.update_person(request.user, person_id, version, changes)
    except Person.DoesNotExist:
        raise HttpError(404, "Không tìm thấy người này.") from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except editing.StaleEdit as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, _person(updated))


@api.post("/imports", response={200: dict, 403: dict, 413: dict, 422: dict})
def import_file(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Validate a survey file; commit it when clean, else return the validation report."""
    name = Path(file.name or "survey.csv").name
    bounds = uploads.limits()
    try:
        uploads.refuse_large(file, bounds)
    except uploads.UploadRefused as exc:
        return Status(413, {"detail": str(exc)})
    with tempfile.TemporaryDirectory() as folder:
        result = validate(uploads.store(file, Path(folder) / name, bounds), keep_records=True,
                          limits=bounds)
    report = result.report
    if not report.ok or result.records is None:
        return Status(422, {"errors": report.errors, "warnings": report.warnings,
                            "problems": report.problems.head(1000).to_dicts()})
    try:
        done = importing.commit(result.records, request.user)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except importing.ImportRefused as exc:
        return Status(422, {"errors": 1, "warnings": 0, "problems": [{"message": str(exc)}]})
    return Status(200, {"survey_year": done.survey_year, "new": len(done.new),
                        "changed": len(done.changed), "unchanged": done.unchanged,
                        "missing": len(done.missing), "warnings": report.warnings})
