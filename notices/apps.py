from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("文书")

    def ready(self) -> None:
        # Notices are drafted at the steps that call for them, in the step's own transaction.
        from casework.services.steps import on_direct_service, on_step

        from .listeners import on_step as draft_notices
        from .service_steps import refuse_direct_service

        on_step(draft_notices)
        # A service whose notice is on its way is recorded by serving that notice.
        on_direct_service(refuse_direct_service)
