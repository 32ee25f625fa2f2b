"""Non-secret defaults; instance/config.py and FOCALPOINTS_* environment variables override them."""

from datetime import timedelta

# Languages shipped in the interface, in the UN's order (the switcher shows them so).
LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "UTC"

# DATABASE_URL defaults to SQLite in the instance folder (set in create_app).
DATABASE_URL = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}
SQLITE_BUSY_TIMEOUT_MS = 10_000

# Passwords: argon2id at OWASP's minimum or above (19 MiB, 2 passes, 1 lane).
PASSWORD_MIN_LENGTH = 12
ARGON2_TIME_COST = 2
ARGON2_MEMORY_COST_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

# Log-in throttling, per account name and client address: that pair may fail this many times
# freely, then waits LOGIN_FIRST_DELAY_SECONDS after its next failure, twice as long after each
# further one, up to LOGIN_MAX_DELAY_SECONDS; it is forgotten LOGIN_THROTTLE_FORGET_HOURS after
# its last failure. Other addresses (the owner's) are never delayed.
LOGIN_FREE_FAILURES = 5
LOGIN_FIRST_DELAY_SECONDS = 30
LOGIN_MAX_DELAY_SECONDS = 3600
LOGIN_THROTTLE_FORGET_HOURS = 24
# Failed log-ins per client address, whatever the account (successful ones do not count).
LOGIN_RATE_LIMIT = "30 per 15 minutes"
# Two-step log-in (an authenticator's code after the password). Required of these roles (and of
# national users of a country where an administrator requires it); optional for the others.
# A user between the two steps has TWO_FACTOR_PENDING_MINUTES to finish; a browser may be
# remembered for TWO_FACTOR_REMEMBER_DAYS, in a cookie of this name.
TWO_FACTOR_REQUIRED_ROLES = ["admin", "secretariat"]
TWO_FACTOR_PENDING_MINUTES = 10
TWO_FACTOR_REMEMBER_DAYS = 30
TWO_FACTOR_DEVICE_COOKIE = "remembered_device"
# The name authenticator applications show beside the account, and passkeys beside the site.
TWO_FACTOR_ISSUER = "focalpoints"
# Authenticator secrets are stored encrypted under a key derived (HKDF) from this setting, or
# from SECRET_KEY when it is None (focalpoints/two_factor/encryption.py). To change the key (or
# SECRET_KEY while this is None), put the old value in TWO_FACTOR_OLD_KEYS, a list: secrets
# under it stay readable until `focalpoints users encrypt-two-step-secrets` re-encrypts them.
TWO_FACTOR_ENCRYPTION_KEY = None
TWO_FACTOR_OLD_KEYS = []
# A rate limit, not a password.
PASSWORD_RESET_RATE_LIMIT = "5 per 15 minutes"  # noqa: S105  # nosec B105
INVITATION_RATE_LIMIT = "30 per hour"
API_RATE_LIMIT = "300 per minute"
# Personal calendar links: each link, and each client address whatever the link.
CALENDAR_FEED_RATE_LIMIT = "30 per hour"
CALENDAR_FEED_ADDRESS_RATE_LIMIT = "600 per hour"
# The public directory, per client address: generous, for crawlers that read it all.
DIRECTORY_RATE_LIMIT = "600 per minute"
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True

# Signed links: invitations last a week, password resets an hour.
INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600
PASSWORD_RESET_MAX_AGE_SECONDS = 3600

# Sessions
# A session ends after this long, and after SESSION_IDLE_MINUTES without a request.
PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
SESSION_IDLE_MINUTES = 120
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
WTF_CSRF_TIME_LIMIT = 8 * 3600

# Behind one reverse proxy, trust its X-Forwarded-* headers (client address, https, host).
BEHIND_PROXY = False
# Host names the app answers to (another Host header gets 400); by default BASE_URL's host.
TRUSTED_HOSTS = None

# Request bodies above this are refused with 413 (uploads included).
MAX_CONTENT_LENGTH = 16 * 1024 * 1024

# Mail: with no MAIL_SERVER, messages are logged and written to instance/outbox/.
MAIL_SERVER = None
MAIL_PORT = 587
MAIL_USE_TLS = True
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "focalpoints <no-reply@localhost>"

# Appointments not confirmed for this many days are shown as stale.
STALE_AFTER_DAYS = 365

# Rendered parts of pages kept per worker process (focalpoints/fragments.py), in bytes of memory
# (a page with Arabic or Chinese in it takes two or four per character); the least recently
# used go first. 0 turns the cache off.
FRAGMENT_CACHE_BYTES = 64_000_000

# Calendar applications may keep a calendar link's file this long (seconds) before fetching again.
CALENDAR_FEED_MAX_AGE = 3600

# Working-group documents (PDF, Word, Excel, OpenDocument), checked by content.
DOCUMENT_MAX_BYTES = 15 * 1024 * 1024
# Uploaded zip archives (Office and OpenDocument files, XLSX imports) are refused with more
# entries than this, members declaring more than ARCHIVE_MAX_BYTES in total, or a member of
# over 1 MB inflating more than ARCHIVE_MAX_RATIO times (zip bombs); see focalpoints/archives.py.
ARCHIVE_MAX_ENTRIES = 1000
ARCHIVE_MAX_BYTES = 100 * 1024 * 1024
ARCHIVE_MAX_RATIO = 200
# An XLSX contact list may inflate to this much (openpyxl reads all of it).
IMPORT_XLSX_MAX_BYTES = 50 * 1024 * 1024

# The site's address, e.g. "https://focalpoints.example.org": every link in e-mails (password
# resets, invitations, notices) and every address shown to copy starts with it, never with the
# request's Host header. Required in production (create_app refuses to start without it); in
# development and tests, SERVER_NAME or http://127.0.0.1:5000/ stands in.
BASE_URL = None

# Notices (`focalpoints notify`).
# The stale-appointment digest and the vacancy reminder come again after these many days
# while nothing changes; something new (a newly stale appointment, a new vacancy) comes sooner,
# but never within NOTIFY_MIN_GAP_DAYS of the previous one.
NOTIFY_STALE_REPEAT_DAYS = 30
NOTIFY_VACANCY_REPEAT_DAYS = 90
NOTIFY_MIN_GAP_DAYS = 7
# Members of a working group are reminded of a meeting this many days before it.
NOTIFY_MEETING_DAYS_BEFORE = 7
# Coordinators are first reminded of a national report deadline this many days before it.
NOTIFY_REPORT_DAYS_BEFORE = 60
# Acknowledgements older than this when first seen are not announced (they predate the notices).
NOTIFY_ACKNOWLEDGED_WITHIN_DAYS = 30
# A weekly digest goes out once its oldest notice has waited this long.
NOTIFY_DIGEST_DAYS = 7
# A notice whose e-mail failed this many times is given up on (it stays in the app).
NOTIFY_MAX_ATTEMPTS = 10

# Links mailed to focal points: to confirm their own record (each current holder with an e-mail
# address, on designation and then every CONFIRMATION_INTERVAL_DAYS), and to answer a
# consultation (those without an account). A link works once, for PERSON_LINK_MAX_AGE_DAYS.
PERSON_LINK_MAX_AGE_DAYS = 30
CONFIRMATION_INTERVAL_DAYS = 365
# Opening or using links: each link, and each client address whatever the link.
PERSON_LINK_RATE_LIMIT = "30 per hour"
PERSON_LINK_ADDRESS_RATE_LIMIT = "120 per hour"
