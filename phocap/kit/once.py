"""Back, then resubmit: a form that creates something is carried out once (issue 14).

After a creating POST the page redirects (Post/Redirect/Get). An officer who then
goes back to the form and sends it again, or whose browser sends it again, sends the
same fields to the same address: ``once`` recognises that request by its fingerprint
(the address with its query, every field but the CSRF token, the content of each
uploaded file) among the ones this session carried out in the last hours, writes
nothing, and redirects where the first went, saying so. A form that failed
(no redirect) is not remembered: corrected and sent again, it is carried out.

Only views that create (a member, a household, a follow-up, an activity…) wear it:
an edit names the version it was made on and is refused once stale
(register/locking.py), and setting a value twice sets it once. The walk of every
POST route that resubmits each is tests/web/test_resubmit.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)

SESSION_KEY = "phocap.submitted"
REMEMBERED = 50  # the session's latest creating submissions
WINDOW = dt.timedelta(hours=12)


def fingerprint(request: HttpRequest) -> str:
    """What makes two submissions the same: address, fields, files (not the CSRF token,
    which each rendering of a form masks anew)."""
    digest = hashlib.sha256(request.get_full_path().encode())
    for key in sorted(request.POST):
        if key != "csrfmiddlewaretoken":
            for value in request.POST.getlist(key):
                digest.update(f"\0{key}\0{value}".encode())
    for key in sorted(request.FILES):
        for upload in request.FILES.getlist(key):
            digest.update(f"\0{key}\0".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _target(response: HttpResponse) -> str | None:
    """Where a carried-out submission sent the browser (a redirect, or htmx's)."""
    if 300 <= response.status_code < 400:
        return str(response["Location"])
    if response.status_code == 204 and response.has_header("HX-Redirect"):
        return str(response["HX-Redirect"])
    return None


def once(view: Callable[Concatenate[R, P], HttpResponse]
         ) -> Callable[Concatenate[R, P], HttpResponse]:
    """Carry out a creating POST once per session; a resubmission redirects where it went."""

    @wraps(view)
    def wrapped(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if request.method != "POST" or not hasattr(request, "session"):
            return view(request, *args, **kwargs)
        key = fingerprint(request)
        now = timezone.now()
        done: dict[str, list[str]] = {
            k: v for k, v in request.session.get(SESSION_KEY, {}).items()
            if dt.datetime.fromisoformat(v[1]) > now - WINDOW}
        if key in done:
            messages.info(request, _("Biểu mẫu này đã được gửi và ghi trước đó; không ghi"
                                     " thêm lần nữa."))
            return redirect(done[key][0])
        response = view(request, *args, **kwargs)
        if (target := _target(response)) is not None:
            done[key] = [target, now.isoformat()]
            request.session[SESSION_KEY] = dict(list(done.items())[-REMEMBERED:])
        return response

    return wrapped
