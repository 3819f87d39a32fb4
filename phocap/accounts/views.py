"""Signing in (password, then a one-time code where the account has one), and setting the
code up; the province administrator's pages live in register/views/admin.py.

After a right password an account with a second factor gets no session
yet: the session only remembers, for five minutes, who passed the password
step (``PENDING``), and the code page (or, where the setting requires a code
and none is set up, the set-up page) opens the session once the code is
right. The session key is renewed at each step, as Django's own login does.
"""

from __future__ import annotations

from typing import TypedDict

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phocap.accounts import throttle, totp, twofactor
from phocap.accounts.forms import CodeForm, ThrottledLoginForm
from phocap.accounts.models import User

PENDING = "pending_login"
PENDING_FOR = 5 * 60  # seconds between the password and the code


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not (twofactor.enrolled(user) or twofactor.must_enrol(user)):
            return super().form_valid(form)
        session = self.request.session
        session.cycle_key()
        session[PENDING] = {"user": user.pk, "backend": user.backend,
                            "at": timezone.now().timestamp(), "next": self.get_success_url()}
        return redirect("login-code" if twofactor.enrolled(user) else "two-factor")


class Pending(TypedDict):
    """The session's note of a password that passed, until the second factor does."""

    user: int
    backend: str
    at: float
    next: str


def _pending(request: HttpRequest) -> tuple[User, Pending] | None:
    """The account that passed the password step in this session, if not too long ago."""
    pending: Pending | None = request.session.get(PENDING)  # as LoginView.form_valid keeps it
    if not isinstance(pending, dict):
        return None
    if timezone.now().timestamp() - pending.get("at", 0) > PENDING_FOR:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return (user, pending) if user is not None else None


def _finish(request: HttpRequest, user: User, pending: Pending) -> HttpResponse:
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=pending["backend"])
    return redirect(pending["next"])


def _expired(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING, None)
    messages.error(request, _("Phiên đăng nhập đã hết hạn; hãy nhập lại tên và mật khẩu."))
    return redirect("login")


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: the code of the account that has just given its password."""
    found = _pending(request)
    if found is None:
        return _expired(request)
    user, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if twofactor.verify(user, form.cleaned_data["code"]):
                return _finish(request, user, pending)
            form.add_error("code", _("Mã xác thực không đúng, hoặc đã dùng rồi; "
                                     "hãy nhập mã đang hiển thị trên ứng dụng."))
        except throttle.Throttled as exc:
            form.add_error(None, exc.message())
    return render(request, "accounts/login_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up, confirm or turn off the second factor of one's own account.

    Open to a signed-in province or ministry account (403 for other roles), and
    to one that has just given its password but must set the code up before
    it gets a session (settings.TOTP_REQUIRED).
    """
    pending = None
    if request.user.is_authenticated:
        user: User = request.user
    else:
        found = _pending(request)
        if found is None:
            return redirect("login")
        if not twofactor.must_enrol(found[0]):
            return redirect("login-code")  # half-way through signing in with a code
        user, pending = found
    if not twofactor.eligible(user):
        raise PermissionDenied
    form = CodeForm(request.POST or None)
    on = twofactor.enrolled(user)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if not on and twofactor.confirm(user, code):
                if pending is not None:
                    return _finish(request, user, pending)
                messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản này."))
                return redirect("two-factor")
            if on and pending is None and twofactor.disable(user, code):
                messages.success(request, _("Đã tắt xác thực hai lớp."))
                return redirect("two-factor")
            form.add_error("code", _("Mã xác thực không đúng, hoặc đã dùng rồi; "
                                     "hãy nhập mã đang hiển thị trên ứng dụng."))
        except throttle.Throttled as exc:
            form.add_error(None, exc.message())
    context: dict[str, object] = {"form": form, "on": on, "required": twofactor.required(user),
                               "pending": pending is not None}
    if not on:
        device = twofactor.device(user)
        context |= {"secret": totp.grouped(device.secret),
                    "uri": twofactor.provisioning_uri(user, device)}
    return render(request, "accounts/two_factor.html", context)
