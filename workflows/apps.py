from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    """Nothing registered at start-up: work state follows each legal step in the reaction
    to it, after the step commits (workflows.reactions)."""

    name = "workflows"
    verbose_name = _("工作流程")
    default_auto_field = "django.db.models.BigAutoField"
