"""Settings for the blog, driven by environment variables and safe by default.

Environment:
    DJANGO_DEBUG            "1"/"true" turns debug on; off otherwise.
    DJANGO_SECRET_KEY       required when DEBUG is off (the process refuses to start without it).
    DJANGO_ALLOWED_HOSTS    comma-separated host names (default: localhost names only).
    DATABASE_URL            default sqlite:///<project>/db.sqlite3; postgres://... in production.
    REDIS_URL               a shared Redis cache; default is the per-process local-memory cache.
    DJANGO_EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
    EMAIL_USE_TLS, DEFAULT_FROM_EMAIL, SERVER_EMAIL
    DJANGO_TASKS_BACKEND    default: with DEBUG on the immediate backend (runs tasks in-process);
                            DEBUG off: django_tasks_db.DatabaseBackend plus `manage.py db_worker`.
    CACHE_PURGE_URLS        HTTP caches in front (Varnish) that get purges by key; see README, Deploying.
    DJANGO_SITE_DOMAIN      the address readers use (default 127.0.0.1:8000; `make run HOST=` sets it):
                            feeds, sitemap, emails, canonical links and "View on site" link there.
    DJANGO_SITE_SCHEME      http or https for those links (default: http for 127.*/localhost).
    DJANGO_SECURE_SSL_REDIRECT  with DEBUG off, redirect http to https (default on).
    DJANGO_HSTS_SECONDS, DJANGO_HSTS_INCLUDE_SUBDOMAINS, DJANGO_HSTS_PRELOAD
                            Strict-Transport-Security with DEBUG off (default 31536000, on, on).
    DJANGO_BEHIND_PROXY     "1": trust X-Forwarded-Proto from the TLS proxy (see below).
    DJANGO_STATIC_MANIFEST  "1": hashed, compressed static files from `collectstatic` (production).
    DJANGO_STATIC_ROOT      where `collectstatic` writes (default <project>/staticfiles).
    BLOG_TITLE, BLOG_DESCRIPTION, BLOG_RELEVANT_DISCUSSIONS_LIMIT, BLOG_POSTS_PER_PAGE
    DJANGO_MEDIA_ROOT       where uploaded images are stored on local disk (default <project>/media).
    DJANGO_MEDIA_URL        the URL they are served from (default /media/).
    DJANGO_S3_BUCKET        store uploads in this S3(-compatible) bucket instead (django-storages), with
    DJANGO_S3_ENDPOINT_URL, DJANGO_S3_REGION, DJANGO_S3_CUSTOM_DOMAIN and the standard
                            AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; see README.md, "Images".
    BLOG_IMAGE_MAX_BYTES, BLOG_IMAGE_MAX_PIXELS  upload limits (default 10 MB, 40 megapixels).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.static_headers import add_security_headers  # WhiteNoise adds the pages' headers (side doors)

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. `make run` and `make test` set one for you; "
        "in production set it to a long random string "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS and browser security headers (`manage.py check --deploy` passes with the defaults).
# Behind a proxy that terminates TLS (nginx, Caddy, a load balancer) Django sees plain http.
# DJANGO_BEHIND_PROXY=1 makes it believe `X-Forwarded-Proto: https`. Set it only when that
# proxy always sets the header itself, overwriting whatever the client sent: otherwise anyone
# can send the header over plain http and be taken for https.
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)  # http -> https
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)  # browsers stay on https
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)  # consent only; listing is by hand
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): no inline script or style anywhere, so no
# 'unsafe-inline'. Templates link their CSS and JS from static/; tests/test_security.py checks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "https:", "data:"],  # posts may embed https images; gravatar
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

INSTALLED_APPS = [
    "blog.admin_site.BlogAdminConfig",  # django.contrib.admin as the author's desk (blog/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver serves static files through WhiteNoise too, as in production, with its headers (side doors).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # django_comments_xtd must come before django_comments (its templates win).
    "django_comments_xtd",
    "django_comments",
    "django_tasks",
    "django_tasks_db",
    "csp",  # django-csp: its system checks (the header comes from its middleware)
    "images",  # uploads, renditions, the media library (below blog: Post.cover points at it)
    "blog",
    "comments",
    "subscriptions",  # email subscriptions (above blog and comments; see its settings block below)
    "content",  # importers and demo content, above blog and comments
    "suggestions",  # suggested tags and Relevant Discussions from the text, above blog
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (hashed names, far-future caching) straight from the app server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous cache hits are answered here, before sessions, auth and the database; the
    # stored headers include everything set below (the Content-Security-Policy too).
    "config.page_cache.PageCacheMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    # Database unreachable: a friendly 503 with Retry-After, not a 500 (config/resilience.py).
    "config.resilience.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.blog",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,  # a connection dropped by the server is replaced, not reused
    )
}
# Persistent connections (seconds) on a database server; SQLite gains nothing from them.
DATABASES["default"]["CONN_MAX_AGE"] = env_int(
    "DJANGO_CONN_MAX_AGE", 0 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 60
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down -> cache misses and one warning per 30 s, never errors (config/cache_backends.py).
            "BACKEND": "config.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "blog",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, so any app server can answer any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are served by WhiteNoise (middleware). In production (DJANGO_STATIC_MANIFEST=1,
# set by `make serve`, after `collectstatic`) names carry a content hash (site.4f2a….css),
# are pre-compressed (gzip/brotli) and are sent with a ten-year, immutable Cache-Control.
# Without it (development, tests: no collectstatic) the plain storage is used and WhiteNoise
# serves the files from the source folders, with a short max-age.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded images (the images app). Local disk by default: MEDIA_ROOT, served at MEDIA_URL by
# Django only under DEBUG (config/urls.py); in production by nginx (an alias on MEDIA_URL) or,
# with DJANGO_S3_BUCKET, straight from the bucket (or its CDN domain), never by the app.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
if S3_BUCKET:
    S3_ENDPOINT_URL = os.environ.get("DJANGO_S3_ENDPOINT_URL", "").rstrip("/")
    S3_REGION = os.environ.get("DJANGO_S3_REGION", "")
    S3_CUSTOM_DOMAIN = os.environ.get("DJANGO_S3_CUSTOM_DOMAIN", "")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "custom_domain": S3_CUSTOM_DOMAIN or None,
            # Public images: plain, stable URLs (no signature that expires in stored post HTML).
            "querystring_auth": False,
            # Readable by anyone unless a custom domain (a CDN with its own access to a private
            # bucket) serves them; buckets that refuse ACLs: set DJANGO_S3_ACL to an empty string.
            "default_acl": os.environ.get("DJANGO_S3_ACL", "" if S3_CUSTOM_DOMAIN else "public-read") or None,
            "file_overwrite": False,  # names carry a random part; never replace another upload
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # MEDIA_URL says where the images are, for the sanitizer's image-URL rule (blog.markup).
    if S3_CUSTOM_DOMAIN:
        MEDIA_URL = f"https://{S3_CUSTOM_DOMAIN}/"
    elif S3_ENDPOINT_URL:
        MEDIA_URL = f"{S3_ENDPOINT_URL}/{S3_BUCKET}/"
    else:
        MEDIA_URL = f"https://{S3_BUCKET}.s3.{S3_REGION or 'us-east-1'}.amazonaws.com/"
if MEDIA_URL.startswith("http://"):
    # Media from a plain-http origin (a local S3 emulator): the CSP must let pages load it.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("/".join(MEDIA_URL.split("/", 3)[:3]))
BLOG_IMAGE_MAX_BYTES = env_int("BLOG_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
BLOG_IMAGE_MAX_PIXELS = env_int("BLOG_IMAGE_MAX_PIXELS", 40_000_000)
BLOG_IMAGE_WIDTHS = (480, 960, 1600)  # renditions for srcset; never wider than the original

# --- side doors (issue 18, finding 10): static files carry the pages' security headers -------
WHITENOISE_ADD_HEADERS_FUNCTION = add_security_headers  # config/static_headers.py
# --- end side doors ---------------------------------------------------------------------------

if not STATIC_MANIFEST:
    # Looked up in the source folders at each request (and STATIC_ROOT, which may not exist).
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

SITE_ID = 1

# Email: the console in development, SMTP (configured from the environment) otherwise.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a mail server that hangs must not hold a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "blog@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work (django-tasks). With DEBUG on (`make run`) the immediate backend runs a task
# in-process right away; with DEBUG off the database backend queues it for `manage.py db_worker`
# (`make serve` starts the workers). Two queues: "purges" (blog.tasks: the HTTP caches in front),
# worked by its own quick-polling worker so no email waits in front of a purge, and "default".
# --- cache-keys block (issue 15) ---
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if DEBUG else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default", "purges"],
    }
}
# HTTP caches in front that take purges by key (Varnish with xkey, deploy/varnish/blog.vcl):
# comma-separated base URLs, e.g. http://127.0.0.1:6081 (default: none, only the built-in cache).
CACHE_PURGE_URLS = env_list("CACHE_PURGE_URLS")
# --- end cache-keys block ---

# Comments (django-comments-xtd on django-contrib-comments).
COMMENTS_APP = "django_comments_xtd"
COMMENT_MAX_LENGTH = 3000
COMMENTS_XTD_MAX_THREAD_LEVEL = 2  # 0-based: three levels (comment, reply, reply to reply)
COMMENTS_XTD_MAX_THREAD_LEVEL_BY_APP_MODEL = {"blog.post": 2}
COMMENTS_XTD_CONFIRM_EMAIL = env_bool("COMMENTS_XTD_CONFIRM_EMAIL")
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_CONTACT_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "blog.post": {
        "who_can_post": "all",
        "allow_flagging": False,  # readers report through comments.views.report instead
        "allow_feedback": False,
        "show_feedback": False,
    }
}
# Moderation rules (comments/moderation.py documents each).
COMMENTS_RATE_LIMIT = env_int("COMMENTS_RATE_LIMIT", 5)  # comments per address ...
COMMENTS_RATE_WINDOW = env_int("COMMENTS_RATE_WINDOW", 600)  # ... in this many seconds
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)  # more are held
COMMENTS_MODERATION_WORDS = env_list("COMMENTS_MODERATION_WORDS")  # held
COMMENTS_SPAM_WORDS = env_list(
    "COMMENTS_SPAM_WORDS", "casino,betting,viagra,crypto giveaway,payday loan"
)  # marked as spam
COMMENTS_HOLD_FIRST_COMMENT = env_bool("COMMENTS_HOLD_FIRST_COMMENT", True)
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0: never
COMMENTS_DUPLICATE_WINDOW = 86400
COMMENTS_REPORT_THRESHOLD = env_int("COMMENTS_REPORT_THRESHOLD", 3)
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)  # top-level comments per page
COMMENTS_EDIT_WINDOW = env_int("COMMENTS_EDIT_WINDOW", 900)  # seconds a writer may edit or delete (0: never)
# The learning spam filter (comments.spam): a score at or above the first is spam, at or above
# the second held; the author's decisions weigh this many times the starter corpus's.
COMMENTS_SPAM_THRESHOLD = float(os.environ.get("COMMENTS_SPAM_THRESHOLD", "0.98"))
COMMENTS_HOLD_THRESHOLD = float(os.environ.get("COMMENTS_HOLD_THRESHOLD", "0.1"))
COMMENTS_SPAM_AUTHOR_WEIGHT = float(os.environ.get("COMMENTS_SPAM_AUTHOR_WEIGHT", "3"))
COMMENTS_PRIVACY_GUARD = env_bool("COMMENTS_PRIVACY_GUARD", True)  # hold phone numbers, emails, salaries
COMMENTS_MIN_SECONDS = env_int("COMMENTS_MIN_SECONDS", 3)  # a form sent sooner after its page is a bot's (held)
# --- side doors (issue 18): trusted proxies -------------------------------------------------
# The proxies in front of the app, as addresses or networks ("127.0.0.1", "10.0.0.0/8,::1"):
# X-Forwarded-For is believed only from these peers (comments/addresses.py). Empty: REMOTE_ADDR.
COMMENTS_TRUSTED_PROXIES = env_list("COMMENTS_TRUSTED_PROXIES")
# Reports per reader (address, IPv6 /64) in a window; more are refused (429).
COMMENTS_REPORT_RATE_LIMIT = env_int("COMMENTS_REPORT_RATE_LIMIT", 10)
COMMENTS_REPORT_RATE_WINDOW = env_int("COMMENTS_REPORT_RATE_WINDOW", 3600)
# Days commenters' IP addresses are kept; then the task worker erases them (comments/privacy.py).
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 90)
# --- end side doors ---------------------------------------------------------------------------
COMMENTS_GRAVATAR = env_bool("COMMENTS_GRAVATAR")

# Email subscriptions (subscriptions/): double opt-in, sent from tasks in batches.
SUBSCRIPTIONS_CONFIRM_MAX_AGE = env_int("SUBSCRIPTIONS_CONFIRM_MAX_AGE", 3 * 86400)  # seconds a confirm link works
SUBSCRIPTIONS_MANAGE_MAX_AGE = env_int("SUBSCRIPTIONS_MANAGE_MAX_AGE", 60 * 86400)  # ... and a manage link
SUBSCRIPTIONS_RATE_LIMIT = env_int("SUBSCRIPTIONS_RATE_LIMIT", 5)  # requests per address ...
SUBSCRIPTIONS_RATE_WINDOW = env_int("SUBSCRIPTIONS_RATE_WINDOW", 600)  # ... in this many seconds
SUBSCRIPTIONS_MAILS_PER_ADDRESS = env_int("SUBSCRIPTIONS_MAILS_PER_ADDRESS", 3)  # confirmation mails a day, per inbox
SUBSCRIPTIONS_BATCH_SIZE = env_int("SUBSCRIPTIONS_BATCH_SIZE", 500)  # addresses per batch
SUBSCRIPTIONS_ANNOUNCE_WINDOW = env_int("SUBSCRIPTIONS_ANNOUNCE_WINDOW", 2 * 86400)  # older posts are never mailed
SUBSCRIPTIONS_DIGEST_HOUR = env_int("SUBSCRIPTIONS_DIGEST_HOUR", 8)  # UTC hour of Monday's weekly digest

# django-contrib-comments' URLField: opt in to Django 6's https default now.
FORMS_URLFIELD_ASSUME_HTTPS = True

# Seconds a process keeps the page-cache generation it read from the cache (blog.cache): other
# processes see a change within this time; 0 reads it on every request.
PAGE_CACHE_GENERATION_RECHECK = float(os.environ.get("PAGE_CACHE_GENERATION_RECHECK") or 1.0)

# The blog itself.
BLOG_TITLE = os.environ.get("BLOG_TITLE", "Career Conversations")
# The address readers use: every absolute link (feeds, sitemap, emails, canonical, "View on
# site") is built from it, through the Site it is copied onto on migrate (blog/site.py).
BLOG_SITE_DOMAIN = os.environ.get("DJANGO_SITE_DOMAIN", "127.0.0.1:8000")
BLOG_SITE_SCHEME = os.environ.get("DJANGO_SITE_SCHEME", "")  # default: http for 127.*/localhost, else https
BLOG_DESCRIPTION = os.environ.get(
    "BLOG_DESCRIPTION",
    "Practical career advice on job search, networking, social media and interviews.",
)
BLOG_POSTS_PER_PAGE = env_int("BLOG_POSTS_PER_PAGE", 10)
BLOG_RELEVANT_DISCUSSIONS_LIMIT = env_int("BLOG_RELEVANT_DISCUSSIONS_LIMIT", 5)
BLOG_POST_MAX_LENGTH = env_int("BLOG_POST_MAX_LENGTH", 100_000)
# The post form sends the author's unsaved text at most this often (blog.revisions, static/js/autosave.js).
BLOG_AUTOSAVE_SECONDS = env_int("BLOG_AUTOSAVE_SECONDS", 5)

# One line per event on stdout: time, level, logger, message; an exception as
# "ExcType: message @ file:line" and django.request's status (config/resilience.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "config.resilience.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Only ours (Django's defaults add a multi-line console handler under DEBUG, and mail_admins).
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Suggestions (suggestions/): suggested tags and Relevant Discussions in the editor, from a
# local text index. BLOG_RELATED_FILL_SIMILAR = N (off: 0): when a post shares tags with fewer
# than N other posts, Relevant Discussions fills up with the posts most similar in text, marked
# "Similar: ..."; blog calls BLOG_RELATED_SIMILAR_POSTS (a dotted path) and knows nothing more.
BLOG_RELATED_FILL_SIMILAR = env_int("BLOG_RELATED_FILL_SIMILAR", 0)
BLOG_RELATED_SIMILAR_POSTS = "suggestions.engine.similar_posts"
