"""`manage.py process_reactions`: what beat's `workflows.tasks.process_reactions` does, once:
retry the reactions to steps still pending (casework.services.reactions). A reaction that
fails again stops the run with its error; the row stays pending."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from casework.services import reactions


class Command(BaseCommand):
    help = _("重新处理尚未完成的步骤后续处理（起草文书、更新办理流程）。")

    def handle(self, *args, **options):
        count = reactions.retry()
        self.stdout.write(_("已完成 %(count)d 项步骤后续处理。") % {"count": count})
