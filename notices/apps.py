from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("文书")

    def ready(self) -> None:
        # Notices are drafted at the steps that call for them, in the step's own transaction.
        from casework.services.steps import on_step

        from .listeners import on_step as draft_notices

        on_step(draft_notices)
