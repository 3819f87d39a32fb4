"""The optional second factor: a TOTP code after the password, for province and ministry accounts.

Those accounts read a whole province or the whole country, so a stolen
password would expose the most children; commune and school staff, who
sign in on shared office machines without phones to hand, are not asked.
A user turns it on by adding the secret to an authenticator app and typing
one code it shows (``confirm``); from then on every sign-in, on the page and
for an API token, needs a code (``verify``). settings.TOTP_REQUIRED makes it
compulsory for the roles below: such a user is sent to set it up before the
first session is opened.

Codes go through the throttle (a counter per account) and each is accepted
once: the step of the last accepted code is stored and only a later one is
taken, by one conditional UPDATE, so two requests racing with the same code
cannot both pass.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from phocap.accounts import hooks, throttle, totp
from phocap.accounts.models import Role, TotpDevice, User

ROLES = (Role.PROVINCE_REVIEWER, Role.PROVINCE_ADMIN, Role.MINISTRY_VIEWER)


def eligible(user: User) -> bool:
    return user.role in ROLES


def enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed__isnull=False).exists()


def required(user: User) -> bool:
    return bool(settings.TOTP_REQUIRED) and eligible(user)


def must_enrol(user: User) -> bool:
    return required(user) and not enrolled(user)


def device(user: User) -> TotpDevice:
    """The user's secret: the confirmed one, or one waiting to be confirmed (made once)."""
    found, _created = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": totp.new_secret()})
    return found


def provisioning_uri(user: User, found: TotpDevice) -> str:
    return totp.provisioning_uri(found.secret, user.username, settings.TOTP_ISSUER)


def _accepted(found: TotpDevice, code: str) -> bool:
    """Whether ``code`` is the secret's for now and later than the last one taken; taken if so."""
    step = totp.matching_step(found.secret, code, timezone.now().timestamp(),
                             after=found.last_step)
    if step is None:
        return False
    return TotpDevice.objects.filter(pk=found.pk, last_step__lt=step).update(last_step=step) == 1


def _checked(user: User, found: TotpDevice, code: str) -> bool:
    """A code through the throttle (Throttled when too many were wrong)."""
    counter = throttle.code_counter(user)
    throttle.take([counter])
    if not _accepted(found, code):
        return False
    throttle.succeeded(counter, [])
    return True


def verify(user: User, code: str) -> bool:
    """Whether ``code`` is a good, unused code of the user's confirmed secret."""
    found = TotpDevice.objects.filter(user=user, confirmed__isnull=False).first()
    return found is not None and _checked(user, found, code)


def recorded(actor: User | None, user: User, on: bool) -> None:
    """The audit trail's entry for turning it on or off (``actor`` None: the operator);
    the register keeps the trail, reached through accounts/hooks.py."""
    hooks.record_account(actor, "update", user, {"two_factor": not on}, {"two_factor": on})


def confirm(user: User, code: str) -> bool:
    """Turn the second factor on once the user shows their app produces the secret's codes."""
    found = TotpDevice.objects.filter(user=user, confirmed__isnull=True).first()
    if found is None or not _checked(user, found, code):
        return False
    TotpDevice.objects.filter(pk=found.pk).update(confirmed=timezone.now())
    recorded(user, user, on=True)
    return True


def disable(user: User, code: str) -> bool:
    """Turn it off with a current code; never while the setting requires it for the role."""
    if required(user) or not verify(user, code):
        return False
    TotpDevice.objects.filter(user=user).delete()
    recorded(user, user, on=False)
    return True


def reset(user: User) -> bool:
    """Turn it off without a code (the operator, for a lost phone); whether it was on."""
    deleted, _kinds = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        recorded(None, user, on=False)
    return bool(deleted)
