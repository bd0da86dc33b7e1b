"""`python manage.py seed_exchange_demo`: the data exchange's demo (exchange.demo) on top of the
base demo (`seed_demo`, run first: `make run` runs both). Without the base demo it says so and
does nothing; run again, it changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.demo_guard import refuse_seeding
from exchange import demo


class Command(BaseCommand):
    help = (
        "在基础演示数据之上写入数据交换演示数据（投诉、12345 接口账号、失信被执行人名单导入、法院撤销文书、"
        "单位名录导入）；须先运行 seed_demo，重复运行不会重复写入。"
    )

    def handle(self, *args, **options):
        refuse_seeding()  # never outside development: the demo's accounts are default ones
        try:
            summary = demo.seed()
        except demo.MissingBaseDemo as error:
            self.stdout.write(self.style.WARNING(f"{error} 跳过数据交换演示数据。"))
            return
        except demo.DemoDateError as error:
            raise CommandError(str(error)) from error
        for note in summary.skipped:
            self.stdout.write(self.style.WARNING(note))
        if summary.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"数据交换演示数据已写入：接口账号 {summary.users}，投诉 {summary.complaints}，"
                    f"分办 {summary.triaged}，导入批次 {summary.batches}，法院文书 {summary.documents}。"
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("数据交换演示数据已是最新，未作任何更改。"))
        if not summary.token:
            self.stdout.write(
                f"\n12345 热线接口账号 {demo.HOTLINE_USERNAME} 的令牌已签发过（只显示一次）；"
                f"如需新令牌：python manage.py issue_api_token {demo.HOTLINE_USERNAME}"
            )
            return
        self.stdout.write(
            f"\n12345 热线接口账号 {demo.HOTLINE_USERNAME} 的令牌：{summary.token}\n"
            f'  curl -H "Authorization: Token {summary.token}" -d work_order=GD12345-DEMO-0001 '
            "-d title=测试工单 -d content=某镇拖欠工程款 "
            f"{settings.CHENGXIN_PUBLIC_BASE_URL}/api/complaints/hotline/"
        )
