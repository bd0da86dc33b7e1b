"""The portal's pages: the public disclosure pages (no login) and the site's own sign-in."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, public, second_factor, sessions
from .duties import urls as duties
from .people import views as people_views

urlpatterns = [
    path("work/", include("portal.cases.urls")),  # case pages, action forms, notice pages
    path("work/", include("portal.workbench.urls")),  # dashboard, case list, bulk actions
    path("work/court/", include("portal.court.urls")),  # court lists, court documents, revocations
    path("work/imports/", include("portal.imports.urls")),  # bulk imports: batches, progress, reports
    path("work/", include("portal.complaints.urls")),  # complaint intake and triage
    path("work/integrity/", include("portal.integrity.urls")),  # civil-servant integrity files, coverage
    path("", include("portal.commitments.urls")),  # commitment tracking, commission and unit
    path("work/assessment/", include("portal.assessment.urls")),  # annual integrity assessment
    path("unit/assessment/", include("portal.assessment.unit_urls")),  # a unit's own assessment
    path("work/alerts/", include("portal.risk.urls")),  # risk warnings
    path("unit/payments/", include("portal.risk.unit_urls")),  # a unit's payments to SMEs
    path("", include("portal.dashboard.urls")),  # statistics, the figures' Excel exports
    path("unit/", include("portal.unit.urls")),  # department portal
    path("", include("portal.selfreports.urls")),  # units' self-reports: /unit/reports/, /work/self-reports/
    path("me/integrity/", include("portal.integrity.me_urls")),  # the civil servant's own integrity file
    path("me/", include("portal.personal.urls")),  # civil-servant portal, honours query
    path("system/", include(duties.system_urlpatterns)),  # 三员分立: accounts
    path("security/", include(duties.security_urlpatterns)),  # roles, lockouts, policies
    path("audit/", include(duties.audit_urlpatterns)),  # the audit trail, verification, export
    # a civil servant's full ID number, read with a reason (PIPL)
    path("work/people/<int:pk>/id-number/", people_views.person_id_number, name="person-id-number-page"),
    path("public/records/", public.record_list, name="public-records"),
    path("public/records/export.xlsx", public.record_export, name="public-records-export"),
    path("public/records/<str:reference>/", public.record_detail, name="public-record"),
    path("accounts/login/", sessions.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", second_factor.verify_page, name="second-factor"),
    path("accounts/second-factor/enrol/", second_factor.enrol_page, name="second-factor-enrol"),
    path("accounts/second-factor/enrol/qr.svg", second_factor.enrol_qr, name="second-factor-qr"),
    path("accounts/second-factor/recovery-codes/", second_factor.recovery_codes_page, name="recovery-codes"),
    path("accounts/password/change/", accounts.PasswordChange.as_view(), name="password_change"),
    path("accounts/tokens/", accounts.token_list, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", accounts.token_revoke, name="api-token-revoke"),
]
