from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("工作流程")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Work state follows every legal step, in the step's own transaction (flows.py).
        from casework.services.steps import on_step

        from .follow import on_step as follow_step

        on_step(follow_step)
