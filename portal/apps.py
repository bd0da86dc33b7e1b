from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The screens: public pages, the workbench, the case page and the portals. It sits on
    the top floor: it may import casework, workflows and notices, and nothing imports it."""

    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from . import sessions  # noqa: F401  (the session's sign-in time, portal.sessions)
