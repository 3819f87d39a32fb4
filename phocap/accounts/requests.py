"""The request of a signed-in user, for the type checker.

Behind ``login_required`` Django's ``request.user`` is always a ``User``, but
django-stubs types it ``User | AnonymousUser``, since it cannot see the
decorator's guarantee. Views behind the decorator annotate their request with
this class (the pattern django-stubs documents), so that code taking a ``User``
is checked as such. It is a type only: Django still builds plain HttpRequests.
"""

from __future__ import annotations

from django.http import HttpRequest

from phocap.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
