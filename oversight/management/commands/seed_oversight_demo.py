"""`python manage.py seed_oversight_demo`: the oversight demo (oversight.demo) on top of the base
demo (`seed_demo`) and the data exchange's (`seed_exchange_demo`): `make run` runs all three.
Without the base demo it says so and does nothing; run again, it changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from casework.demo_guard import refuse_seeding
from oversight import demo


class Command(BaseCommand):
    help = (
        "在基础演示数据之上写入监督模块演示数据（年度考核、政务承诺、公务员诚信档案、失信情况报告、风险预警）；"
        "须先运行 seed_demo，重复运行不会重复写入。"
    )

    def handle(self, *args, **options):
        refuse_seeding()  # never outside development: the demo's accounts are default ones
        try:
            summary = demo.seed()
        except demo.MissingBaseDemo as error:
            self.stdout.write(self.style.WARNING(f"{error} 跳过监督模块演示数据。"))
            return
        except demo.DemoDateError as error:
            raise CommandError(str(error)) from error
        for note in summary.skipped:
            self.stdout.write(self.style.WARNING(note))
        if summary.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"监督模块演示数据已写入：诚信档案 {summary.files}，档案记载 {summary.entries}，"
                    f"承诺 {summary.commitments}，履约节点登记 {summary.milestones}，变更申请 {summary.changes}，"
                    f"失信情况报告 {summary.reports}，年度考核步骤 {summary.assessment_steps}，"
                    f"考核异议 {summary.objections}，风险预警 {summary.alerts}。"
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("监督模块演示数据已是最新，未作任何更改。"))
