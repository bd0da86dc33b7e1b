from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from portal.apidocs import SchemaView, SwaggerView
from portal.health import healthz

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),  # the load balancer's and the monitoring's (no login)
    path("admin/", admin.site.urls),
    path("api/notices/", include("notices.api")),
    path("api/exchange/outbox/", include("exchange.outbox_urls")),
    path("api/complaints/", include("exchange.complaints.api")),
    path("api/", include("casework.api.urls")),
    path("", include("workflows.urls")),  # /api/inbox/, /api/queue/, /api/processes/, /inbox/
    # The commission's staff only (portal.apidocs); the page's script is a file (CSP).
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("verify/", include("notices.verify")),
    path("", include("portal.urls")),  # /public/records/, /accounts/login/, /accounts/logout/
]

# A database lost while a middleware reads the session or the user: 503, like one lost in a view.
handler500 = "portal.outages.server_error"
