"""django-otp's device pages are closed: a device changes only through the audited paths
(enrolment at sign-in, casework.second_factor; `manage.py reset_second_factor`), never by
an unaudited edit in the admin. Registered here first, django-otp's own registration of
the same models is skipped (it ignores AlreadyRegistered)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class Closed(admin.ModelAdmin):
    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register([TOTPDevice, StaticDevice], Closed)
