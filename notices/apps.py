from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Nothing registered at start-up: the notices a step calls for are drafted by the
    reaction to it (workflows.reactions), and the check on a service typed in is named in
    settings (CHENGXIN["DIRECT_SERVICE_CHECK"])."""

    name = "notices"
    verbose_name = _("文书")
