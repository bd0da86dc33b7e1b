"""Response headers and exposure: the Content-Security-Policy, who reads the API's schema,
and the rate limit of the pages anyone may open (docs/decisions.md, "Headers and exposure")."""

from csp.constants import NONE, SELF

# Every script and style sheet is a file served by the site (no CDN, no inline code): an
# injected <script> or onclick= does not run. The notices' PDF templates are rendered by
# WeasyPrint on the server, not by a browser, and keep their <style> blocks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# /api/schema/ and /api/docs/ list every endpoint, field and role of the API: for the
# commission's signed-in staff only (portal.apidocs) unless this is True.
CHENGXIN_API_DOCS_PUBLIC = False

# The pages anyone may open without signing in (/public/…, /verify/): at most REQUESTS per
# WINDOW seconds from one client address (casework.http.client_ip), counted in the cache
# named CACHE. The default cache is per process (LocMemCache): with several gunicorn
# workers the limit is per worker; production points CACHES at Redis (CACHE_URL).
CHENGXIN_RATE_LIMIT = {
    "PREFIXES": ["/public/", "/verify/"],
    "REQUESTS": 60,
    "WINDOW": 60,
    "CACHE": "default",
}
