"""The admin site's own words: the product's name, not "Django 管理", and yes/no icons
that say 是/否.

Django writes a yes/no column's icon with the text alternative "True"/"False" in English
whatever the language (`admin_list._boolean_icon`, also used by `admin.utils` for read-only
fields); a screen reader reads it out. It is replaced once here, for every admin page.
"""

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..signin import AdminSignInForm

admin.site.site_header = _("诚信 · 系统配置")
admin.site.site_title = _("诚信 · 系统配置")
admin.site.index_title = _("系统配置")
# Its sign-in says when an account is locked, and until when (casework.signin).
admin.site.login_form = AdminSignInForm

_ICONS = {True: ("yes", _("是")), False: ("no", _("否")), None: ("unknown", _("未知"))}


def _boolean_icon(value):
    icon, text = _ICONS[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


admin_list._boolean_icon = _boolean_icon
