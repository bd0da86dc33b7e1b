"""三员分立: the system administrator's accounts, the security administrator's roles, lockouts
and policies, the audit administrator's audit trail; each included under its own prefix."""

from django.urls import path

from . import views

system_urlpatterns = [
    path("users/", views.user_list, name="system-users"),
    path("users/new/", views.user_create, name="system-user-create"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="system-user-deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="system-user-reactivate"),
]

security_urlpatterns = [
    path("users/", views.role_list, name="security-users"),
    path("users/<int:pk>/", views.user_roles, name="security-user"),
    path("users/<int:pk>/grant/", views.role_grant, name="security-role-grant"),
    path("users/<int:pk>/remove/", views.role_remove, name="security-role-remove"),
    path(
        "users/<int:pk>/second-factor/reset/",
        views.second_factor_reset,
        name="security-second-factor-reset",
    ),
    path("users/<int:pk>/tokens/revoke/", views.tokens_revoke, name="security-tokens-revoke"),
    path("lockouts/", views.lockout_list, name="security-lockouts"),
    path("lockouts/clear/", views.lockout_clear, name="security-lockout-clear"),
    path("policies/", views.policy_page, name="security-policies"),
]

audit_urlpatterns = [
    path("", views.trail, name="audit-trail"),
    path("logins/", views.logins, name="audit-logins"),
    path("verify/", views.verify, name="audit-verify"),
    path("export/", views.export, name="audit-export"),
]
