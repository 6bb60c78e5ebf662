"""Configuration read from the environment (and `.env`), with a subclass for tests.

The one place that reads the environment and holds the defaults: code reads `app.config["X"]`."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("FLASHPOINT_INSTANCE", PROJECT_ROOT / "instance"))


def _local_secret_key() -> str:
    """A key generated once into instance/ so local sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalise_database_url(raw: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use psycopg 3 (the `[postgres]` extra)."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def _env_bool(name: str, default: bool = False) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


class Config:
    """Production and local settings; every value may come from an environment variable."""

    def __init__(self) -> None:
        env = os.environ
        self.SECRET_KEY = env.get("SECRET_KEY") or _local_secret_key()
        # Former keys: sessions signed and values sealed (flashpoint/sealing.py) under them still open.
        self.SECRET_KEY_FALLBACKS = [k.strip() for k in env.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env.get("DATABASE_URL") or (
            f"sqlite:///{INSTANCE_DIR / 'flashpoint.db'}"
        ))
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.FLASHPOINT_SCHEDULER = env.get("FLASHPOINT_SCHEDULER", "off")
        self.SLACK_BOT_TOKEN = env.get("SLACK_BOT_TOKEN") or None
        self.SLACK_SIGNING_SECRET = env.get("SLACK_SIGNING_SECRET") or None
        self.SLACK_APP_TOKEN = env.get("SLACK_APP_TOKEN") or None
        self.SLACK_API_URL = env.get("SLACK_API_URL") or None
        # Seconds to wait for each Slack Web API call.
        self.SLACK_API_TIMEOUT = _env_int("SLACK_API_TIMEOUT", 10)
        self.SLACK_HEROES_CHANNEL = env.get("SLACK_HEROES_CHANNEL") or "#heroes"
        # The pace of Web API calls (slack_bot/pacing.py), from Slack's documented limits:
        # chat.postMessage about 1 a second per channel under a workspace-wide limit Slack does not
        # publish ("several hundred a minute"); conversations.open tier 3, 50 a minute. Bursts are
        # a little smaller than Slack allows, so clock jitter never costs a 429.
        self.SLACK_POSTS_PER_MINUTE = _env_float("SLACK_POSTS_PER_MINUTE", 600.0)
        self.SLACK_POST_BURST = _env_float("SLACK_POST_BURST", 10.0)
        self.SLACK_CHANNEL_POSTS_PER_SECOND = _env_float("SLACK_CHANNEL_POSTS_PER_SECOND", 1.0)
        self.SLACK_OPENS_PER_MINUTE = _env_float("SLACK_OPENS_PER_MINUTE", 50.0)
        self.SLACK_OPEN_BURST = _env_float("SLACK_OPEN_BURST", 3.0)
        # Anonymity floor: never below 3 whatever the environment says.
        self.PULSE_MIN_GROUP_SIZE = max(3, _env_int("PULSE_MIN_GROUP_SIZE", 5))
        # Seconds a kept insights answer may still be shown after the data under it changed, while
        # the process computes the new one in the background (0: compute before answering).
        self.INSIGHTS_MAX_STALE_SECONDS = max(0, _env_int("INSIGHTS_MAX_STALE_SECONDS", 600))
        # Seconds HR's organisation-wide figures (recognition/hr_cache.py), kept a minute, may still be
        # shown while the process computes their successor in the background (0: compute before answering).
        self.HR_CACHE_MAX_STALE_SECONDS = max(0, _env_int("HR_CACHE_MAX_STALE_SECONDS", 600))
        # Customers' words are kept this many months, then emptied (scores stay); 0 keeps them.
        self.FEEDBACK_TEXT_RETENTION_MONTHS = max(0, _env_int("FEEDBACK_TEXT_RETENTION_MONTHS", 0))
        # SCIM's safety stop: provisioning may deactivate at most this % of active people an hour.
        self.SCIM_MAX_DEACTIVATE_PERCENT = min(100, max(0, _env_int("SCIM_MAX_DEACTIVATE_PERCENT", 40)))
        # Comments, easier to attribute than a number, have a higher floor; set lower than the
        # figures' threshold, it is raised to it (never an error: the safe side is always taken).
        self.PULSE_MIN_COMMENT_GROUP_SIZE = max(self.PULSE_MIN_GROUP_SIZE,
                                                _env_int("PULSE_MIN_COMMENT_GROUP_SIZE", 10))
        self.ORG_TIMEZONE = env.get("ORG_TIMEZONE") or "UTC"
        # Messages (sent outside any request) link to BASE_URL; while it is unset, pages use the
        # address each request came in on (flashpoint/core/addresses.py) and messages the address
        # `make run` serves on (FLASHPOINT_SERVED_AT), else the default local one.
        self.BASE_URL_CONFIGURED = bool(env.get("BASE_URL"))
        self.BASE_URL = (env.get("BASE_URL") or env.get("FLASHPOINT_SERVED_AT")
                         or "http://127.0.0.1:5000").rstrip("/")
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Said explicitly: the limiter is one object per process, and an app whose configuration
        # lacks this key inherits whatever the previous app in the process set (a test app made
        # with limits off would switch them off for every later one).
        self.RATELIMIT_ENABLED = True
        # Password guessing: sign-in attempts per client address.
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "10 per minute")
        # Failed sign-ins per account, whatever the address, in a fixed window (the account is
        # paused until the window ends, never locked for good).
        self.LOGIN_ACCOUNT_RATE_LIMIT = env.get("LOGIN_ACCOUNT_RATE_LIMIT") or "10 per 15 minutes"
        # "Forgot your password?" requests per client address.
        self.PASSWORD_RESET_RATE_LIMIT = env.get("PASSWORD_RESET_RATE_LIMIT") or "5 per minute"
        # Single sign-on (flashpoint/people/sso.py): OpenID Connect, off while OIDC_ISSUER is unset.
        self.OIDC_ISSUER = (env.get("OIDC_ISSUER") or "").strip().rstrip("/") or None
        self.OIDC_CLIENT_ID = env.get("OIDC_CLIENT_ID") or None
        self.OIDC_CLIENT_SECRET = env.get("OIDC_CLIENT_SECRET") or None
        self.OIDC_LABEL = env.get("OIDC_LABEL") or "Sign in with SSO"
        # An unknown (verified) e-mail becomes a staff member on first sign-in only when asked for.
        self.OIDC_CREATE_USERS = _env_bool("OIDC_CREATE_USERS")
        # Password sign-in for admins only (their break-glass way in when the provider is down).
        self.SSO_ONLY = _env_bool("SSO_ONLY")
        # Feedback pulled from providers (recognition/feedback/sources/): each connector is on
        # once its address and credentials are set. The *_TEAMS values map the provider's groups
        # (or Google locations) to team slugs: `<id>=<team slug>,…`.
        self.ZENDESK_URL = (env.get("ZENDESK_URL") or "").strip().rstrip("/") or None
        self.ZENDESK_EMAIL = env.get("ZENDESK_EMAIL") or None
        self.ZENDESK_API_TOKEN = env.get("ZENDESK_API_TOKEN") or None
        self.ZENDESK_GROUP_TEAMS = env.get("ZENDESK_GROUP_TEAMS") or ""
        self.ZENDESK_DEFAULT_TEAM = env.get("ZENDESK_DEFAULT_TEAM") or None
        self.FRESHDESK_URL = (env.get("FRESHDESK_URL") or "").strip().rstrip("/") or None
        self.FRESHDESK_API_KEY = env.get("FRESHDESK_API_KEY") or None
        self.FRESHDESK_GROUP_TEAMS = env.get("FRESHDESK_GROUP_TEAMS") or ""
        self.FRESHDESK_DEFAULT_TEAM = env.get("FRESHDESK_DEFAULT_TEAM") or None
        self.GOOGLE_BUSINESS_API_URL = ((env.get("GOOGLE_BUSINESS_API_URL") or "").strip().rstrip("/")
                                        or "https://mybusiness.googleapis.com")
        self.GOOGLE_BUSINESS_TOKEN = env.get("GOOGLE_BUSINESS_TOKEN") or None
        # A Google credentials file (authorized user with a refresh token, or a service account):
        # fresh access tokens are asked for with it, where GOOGLE_BUSINESS_TOKEN expires in an hour.
        self.GOOGLE_APPLICATION_CREDENTIALS = env.get("GOOGLE_APPLICATION_CREDENTIALS") or None
        self.GOOGLE_LOCATION_TEAMS = env.get("GOOGLE_LOCATION_TEAMS") or ""
        self.SMTP_URL = env.get("SMTP_URL") or None
        # Seconds to wait for the mail server at each step (connect, each reply).
        self.SMTP_TIMEOUT = _env_float("SMTP_TIMEOUT", 30.0)
        self.MAIL_FROM = env.get("MAIL_FROM", "Flashpoint <flashpoint@localhost>")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.BASE_URL.startswith("https://")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = 20 * 1024 * 1024
        # Proxies in front of the app (a load balancer = 1): their X-Forwarded-For/-Proto/-Host are
        # trusted, so rate limits count the customer's address rather than the balancer's.
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
        self.TESTING = False


class TestConfig(Config):
    """Settings for the test suite: a database URL is given by the fixtures."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, database_url: str = "sqlite://", **overrides) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        self.FLASHPOINT_SCHEDULER = "off"
        self.SLACK_BOT_TOKEN = None
        self.SLACK_SIGNING_SECRET = None
        self.SLACK_APP_TOKEN = None
        self.SLACK_API_URL = None
        self.SMTP_URL = None
        # A change is seen by the very next request (tests of the refresh set it themselves).
        self.INSIGHTS_MAX_STALE_SECONDS = 0
        self.HR_CACHE_MAX_STALE_SECONDS = 0
        # No provider is pulled from unless a test configures one against its fake server.
        self.ZENDESK_URL = self.FRESHDESK_URL = self.GOOGLE_BUSINESS_TOKEN = None
        self.GOOGLE_APPLICATION_CREDENTIALS = None
        self.OIDC_ISSUER = self.OIDC_CLIENT_ID = self.OIDC_CLIENT_SECRET = None
        self.OIDC_CREATE_USERS = False
        self.SSO_ONLY = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        # Suites sign many people in from one address; tests of the limit itself lower it.
        self.LOGIN_RATE_LIMIT = "1000 per minute"
        self.LOGIN_ACCOUNT_RATE_LIMIT = "1000 per minute"
        self.PULSE_MIN_GROUP_SIZE = 5
        self.PULSE_MIN_COMMENT_GROUP_SIZE = 10
        self.ORG_TIMEZONE = "UTC"
        self.BASE_URL = "http://flashpoint.test"
        self.BASE_URL_CONFIGURED = True
        self.SESSION_COOKIE_SECURE = False
        for key, value in overrides.items():
            setattr(self, key, value)
