"""Start or update the process of every followed object: once after installing the
workflows on existing data, or after objects were written without the services."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workflows.follow import follow_all


class Command(BaseCommand):
    help = _("为每个记录及其异议、整改、问责、修复对象启动或更新办理流程（可重复运行）。")

    def handle(self, *args, **options):
        count = follow_all()
        self.stdout.write(_("已核对 %(count)d 个对象的办理流程。") % {"count": count})
