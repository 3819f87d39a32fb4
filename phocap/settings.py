"""Django settings for the phocap web application.

SQLite (in WAL mode, so readers never wait for an import) is the embedded
default; production sets DATABASE_URL=postgresql://user:password@host:port/name.
Everything a deployment sets is an environment variable; docs/deploy.md lists
them all with their defaults, which suit the demo on 127.0.0.1 and nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PHOCAP_VAR", BASE_DIR / "var"))


def flag(name: str, default: bool = False) -> bool:
    """An on/off environment variable; a value that is neither is refused, not read as off."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: hãy đặt 1 (bật) hoặc 0 (tắt).")


def number(name: str, default: int) -> int:
    """A whole number of seconds from the environment, or the default when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name}={value!r}: hãy đặt một số nguyên không âm (giây).")
    return int(value)


def listed(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable, blanks dropped."""
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


# The demo on one's own machine (`make demo` sets PHOCAP_DEMO=1) and development
# (PHOCAP_DEBUG=1) may run with the published key below; anything else must bring
# its own, or anyone could sign session data and messages the server then trusts.
DEMO = flag("PHOCAP_DEMO")
DEBUG = flag("PHOCAP_DEBUG")
DEVELOPMENT_KEY = "phocap-development-key-not-for-production"
KEY_HOWTO = ('tạo một khóa bằng: python -c "import secrets; print(secrets.token_urlsafe(50))" '
             "(xem docs/deploy.md)")


def secret_key(value: str | None, development: bool) -> str:
    """PHOCAP_SECRET_KEY, or the development key for the demo and development only."""
    if development and value in (None, "", DEVELOPMENT_KEY):
        return DEVELOPMENT_KEY
    if not value:
        raise ImproperlyConfigured(
            "Chưa đặt biến môi trường PHOCAP_SECRET_KEY: phocap không chạy với khóa mặc định "
            "công khai ngoài bản trình diễn (PHOCAP_DEMO=1). Hãy " + KEY_HOWTO + ".")
    if value == DEVELOPMENT_KEY:
        raise ImproperlyConfigured(
            "PHOCAP_SECRET_KEY là khóa mặc định công khai của bản trình diễn; hãy " + KEY_HOWTO
            + ".")
    if len(value) < 50 or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"PHOCAP_SECRET_KEY quá ngắn hoặc quá đơn giản ({len(value)} ký tự, "
            f"{len(set(value))} ký tự khác nhau; cần ít nhất 50 ký tự và 5 ký tự khác nhau): "
            "hãy " + KEY_HOWTO + ".")
    return value


SECRET_KEY = secret_key(os.environ.get("PHOCAP_SECRET_KEY"), development=DEMO or DEBUG)
# Old keys, still accepted for signatures while sessions made with them run out.
SECRET_KEY_FALLBACKS = listed("PHOCAP_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = listed("PHOCAP_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = listed("PHOCAP_CSRF_TRUSTED_ORIGINS")

# HTTPS. Off by default so that the demo works over http://127.0.0.1; production
# behind TLS turns each on (docs/deploy.md; `manage.py check --deploy` says what is missing).
SECURE_SSL_REDIRECT = flag("PHOCAP_SSL_REDIRECT")
SECURE_HSTS_SECONDS = number("PHOCAP_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = flag("PHOCAP_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = flag("PHOCAP_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = flag(
    "PHOCAP_SECURE_COOKIES")
# The reverse proxy terminates TLS and says so in this header (e.g. X-Forwarded-Proto:
# https); trusted only when set, since a client could send it too.
_proxy_header = os.environ.get("PHOCAP_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, images and fonts from phocap's own static files only (everything
# is vendored); no inline script or style, no plugin, no framing, forms post home.
# The format of Django 6's SECURE_CSP, so that its middleware can take over on upgrade.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def log_handlers(log_file: str) -> dict[str, dict[str, object]]:
    """stderr always (gunicorn and systemd keep it); a file as well when PHOCAP_LOG_FILE
    names one (relative to VAR_DIR), reopened after logrotate moves it."""
    handlers: dict[str, dict[str, object]] = {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"}}
    if log_file:
        path = VAR_DIR / log_file
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers["file"] = {"class": "logging.handlers.WatchedFileHandler", "filename": path,
                            "formatter": "plain", "encoding": "utf-8"}
    return handlers


LOG_HANDLERS = log_handlers(os.environ.get("PHOCAP_LOG_FILE", "").strip())
# Without this, Django sends request errors (a 500's traceback) only to ADMINS by
# mail, which phocap does not set: they would reach no log at all.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(name)s] %(message)s"}},
    "handlers": LOG_HANDLERS,
    "root": {"handlers": list(LOG_HANDLERS), "level": "WARNING"},
    "loggers": {
        # Django's own handlers (console in DEBUG, mail to ADMINS) replaced by the root's.
        "django": {"handlers": [], "level": "WARNING", "propagate": True},
        # A request for a host name phocap does not serve (scanners, mostly) is a 400 in
        # the access log, not an error with a traceback to read each morning.
        "django.security.DisallowedHost": {"handlers": [], "level": "CRITICAL",
                                           "propagate": False},
        "phocap": {"level": os.environ.get("PHOCAP_LOG_LEVEL", "INFO").strip().upper()},
    },
}


def database(url: str | None) -> dict[str, object]:
    """Django's DATABASES entry for a DATABASE_URL, or the embedded SQLite file."""
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "phocap.sqlite3",
            # A file, not memory, so that the engine can read the test database too.
            "TEST": {"NAME": VAR_DIR / "phocap-test.sqlite3"},
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


DATABASES = {"default": database(os.environ.get("DATABASE_URL"))}

# One cache for every worker process on the machine: computed results (valid
# until the data beneath a unit change) are shared, not recomputed per process.
# (The login throttle counts in the database: this cache's increment is not atomic.)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
        # Two databases served from one var folder never read each other's entries.
        "KEY_PREFIX": "{}:{}:{}".format(*(DATABASES["default"].get(k, "")
                                          for k in ("HOST", "PORT", "NAME"))),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phocap.accounts",
    "phocap.register",
    "phocap.recognition",
    "phocap.dashboard",
    "phocap.schools",
    "phocap.attendance",
    "phocap.streaming",
    "phocap.rounds",
    "phocap.demo",
]
AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: every response but a static asset's.
    "phocap.middleware.PrivateResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "phocap.middleware.SlidingSessionMiddleware",
    "phocap.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "phocap.middleware.MethodNotAllowedPageMiddleware",
]
# A form refused by the CSRF check gets a Vietnamese page, not Django's English one.
CSRF_FAILURE_VIEW = "phocap.middleware.csrf_failure"
ROOT_URLCONF = "phocap.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "phocap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "phocap.register.context.navigation",
                "phocap.register.context.updating",
            ],
        },
    },
]

# Vietnamese first, English second (architecture principle 6).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "phocap" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# Personal data of children: short sessions, cookies only over the session. The
# 30 minutes slide with activity (phocap.middleware.SlidingSessionMiddleware),
# which saves a session at most every few minutes instead of on every request:
# a page that only reads never writes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signing in (accounts/throttle.py, accounts/address.py, accounts/twofactor.py).
# PHOCAP_TRUSTED_PROXIES: how far X-Forwarded-For is believed. Empty (the
# default): not at all, the client is REMOTE_ADDR. A number N: N reverse proxies
# of yours stand in front of the application. Addresses or networks, comma
# separated ("10.0.0.5,192.168.1.0/24"): those hops are your proxies.
TRUSTED_PROXIES = os.environ.get("PHOCAP_TRUSTED_PROXIES", "")
# Failed sign-ins (page and API alike) allowed per window before a pause:
# per account name, per client address, and across all accounts together (a
# password tried against many names). Each counter restarts when its window,
# counted from its first failure, has passed.
LOGIN_WINDOW = int(os.environ.get("PHOCAP_LOGIN_WINDOW_MINUTES", "15")) * 60  # seconds
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("PHOCAP_LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("PHOCAP_LOGIN_FAILURES_PER_ADDRESS", "10"))
LOGIN_FAILURES_GLOBAL = int(os.environ.get("PHOCAP_LOGIN_FAILURES_GLOBAL", "50"))
# PHOCAP_TOTP_REQUIRED=1: province and ministry accounts must sign in with a
# one-time code (they are sent to set it up at their next sign-in); otherwise
# the code is asked only of those who turned it on.
TOTP_REQUIRED = flag("PHOCAP_TOTP_REQUIRED")
TOTP_ISSUER = os.environ.get("PHOCAP_TOTP_ISSUER", "phocap")  # the name authenticator apps show

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when empty
STATICFILES_DIRS = [BASE_DIR / "phocap" / "static"]
# Served by WhiteNoise from the app's own folders (no collectstatic needed for
# the demo); every asset is vendored, nothing is loaded from the network.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploads (register/uploads.py, survey/limits.py). A district's survey file of
# 150,000 people is about 23 MB as CSV and 12 MB as XLSX (118 MB of sheet XML
# once inflated): the defaults pass it with room and refuse what would cost a
# worker gigabytes. A running import job counts against its owner's cap until it
# ends. The reverse proxy should refuse bodies above the size limit too.
UPLOAD_MAX_BYTES = int(os.environ.get("PHOCAP_UPLOAD_MAX_MB", "64")) * 1024 * 1024
UPLOAD_MAX_ROWS = int(os.environ.get("PHOCAP_UPLOAD_MAX_ROWS", "200000"))
UPLOAD_MAX_EXPANDED = int(os.environ.get("PHOCAP_UPLOAD_MAX_EXPANDED_MB", "512")) * 1024 * 1024
UPLOAD_MAX_RUNNING_JOBS = int(os.environ.get("PHOCAP_UPLOAD_MAX_RUNNING_JOBS", "2"))

# Background work (register/background.py): imports run in `manage.py runjobs`
# worker processes. A worker writes its task's heartbeat every
# JOBS_HEARTBEAT_SECONDS; a task whose worker ran on another machine is taken for
# dead once its heartbeat is JOBS_STALE_SECONDS old (one on this machine, as soon
# as its process is gone). With the worker's poll of 2 s, a dead worker's task is
# queued again or failed within 35 s. JOBS_INLINE runs each task in the process
# that queued it (the test suite only).
JOBS_HEARTBEAT_SECONDS = number("PHOCAP_JOBS_HEARTBEAT_SECONDS", 5)
JOBS_STALE_SECONDS = number("PHOCAP_JOBS_STALE_SECONDS", 30)
JOBS_INLINE = False
# After every change the worker recomputes the pages above the changed communes
# (register/warming.py). Meanwhile a page shows its last figures, "being updated",
# for as long as the recomputation is running, or queued for less than
# WARM_PATIENCE_SECONDS (beyond, no worker may be there: the page computes them).
WARM_PAGES = True
WARM_PATIENCE_SECONDS = number("PHOCAP_WARM_PATIENCE_SECONDS", 120)
