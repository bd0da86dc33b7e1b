"""Chengxin's own policy switches: choices DOMAIN.md leaves open (see docs/decisions.md)."""

import environ

from .base import VAR_DIR

env = environ.Env()

CHENGXIN = {
    # Record categories whose person records may be made public (DOMAIN §4.3, scenario 30).
    "PUBLIC_PERSON_CATEGORIES": ["ACC"],
    # Record categories that law, regulation or central policy declares unrepairable
    # (DOMAIN §4.3, §6.5 "tier ≠ excluded"); none by default.
    "UNREPAIRABLE_CATEGORIES": [],
    # Roles that see personal ID-card numbers unmasked.
    "ID_NUMBER_ROLES": ["officer", "approver", "hr_admin"],
    # Roles that may enter the admin site (/admin/), besides superusers: the configuration
    # roles (users, calendar, issuers, catalogues; the credit administrator's disclosure
    # rules). Everyone else works in the portal and gets the 403 page there.
    "ADMIN_ROLES": ["system_admin", "credit_admin"],
    # Roles that may open only some admin pages (paths under /admin/): the HR administrator
    # the civil servants', where an ID number that fails the check is saved with the
    # verified override (casework.admin.identifiers; docs/decisions.md "Data exchange").
    "ADMIN_ROLE_PAGES": {"hr_admin": ["casework/person/", "jsi18n/"]},
    # Plausibility of the free texts the services store (casework.services.validation.require_text):
    # the fewest characters, not counting whitespace, an input needs (any other: 1), and the
    # most any text may have. Two characters of noise are not the facts of a finding, a basis
    # names a provision; a reason may be one word, and "笔误" is one. A lead is raw intake, held
    # to nothing more than being there (docs/decisions.md).
    "TEXT_MIN_LENGTH": {
        "facts": 10,
        "legal_basis": 4,
        "reason": 2,
        "grounds": 2,
        "statement": 2,
        "reply": 2,
        "opinion": 2,
        "detail": 2,
    },
    "TEXT_MAX_LENGTH": 20000,
    # Units' self-reports (oversight.selfreports; docs/decisions.md "Self-reports"): working days to
    # report a document received, working days after a quarter's end for its report, the first quarter owed.
    "SELF_REPORTS": {"REPORT_WORKING_DAYS": 5, "QUARTERLY_WORKING_DAYS": 10, "SINCE": "2026-01-01"},
    # The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client
    # the audit trail records (casework.http.client_ip); from anyone else the header is
    # ignored. Empty here; production reads CHENGXIN_TRUSTED_PROXIES.
    "TRUSTED_PROXIES": [],
    # What a casework step causes in the layers above, called after the step commits with
    # each of its outbox rows (casework.services.reactions): this layer wires it, as casework
    # imports nothing above it. exchange.reactions.react calls the workflows' reaction
    # (workflows.reactions.react), then exchange's follow-up (a complaint's result).
    "REACTIONS": "exchange.reactions.react",
    # Done reactions are deleted this many days after they were done (the sweep
    # reactions_cleanup); a pending one is kept until it is done.
    "REACTIONS_KEEP_DAYS": 30,
    # Asked before a service is typed in rather than recorded by serving its notice
    # (casework.services.steps.check_direct_service): refuses while that notice is on its way.
    "DIRECT_SERVICE_CHECK": "notices.service_steps.refuse_direct_service",
    # Data exchange (exchange/; docs/decisions.md "Data exchange"). The provincial
    # column map is a versioned JSON file (exchange/province/maps/<version>.json, or a path);
    # each channel of the outbox names its transport: "file" (folder, formats), "staging"
    # (alias: a DATABASES entry, table), "service" (url, login_url, username, password, sender,
    # receiver, operator, timeout) or "hotline" (url, token, timeout). A channel not listed is
    # not delivered (its messages wait, and raise the overdue alert when late).
    "EXCHANGE": {
        "PROVINCE_COLUMN_MAP": env.str("CHENGXIN_PROVINCE_COLUMN_MAP", default="2019"),
        # The commission as the data source unit (CF_SJLY, CF_SJLYDM).
        "SOURCE_UNIT_NAME": env.str(
            "CHENGXIN_SOURCE_UNIT_NAME", default="东莞市政务诚信建设工作领导小组办公室"
        ),
        "SOURCE_UNIT_CODE": env.str("CHENGXIN_SOURCE_UNIT_CODE", default=""),
        "MAX_ATTEMPTS": 8,
        "BACKOFF_SECONDS": 60,
        "BACKOFF_MAX_SECONDS": 6 * 3600,
        # A claimed message is not taken by another worker for this long (longer than a send can take).
        "LEASE_SECONDS": 900,
        "CHANNELS": env.json(
            "CHENGXIN_EXCHANGE_CHANNELS",
            default={
                "province": {
                    "transport": "file",
                    "folder": str(VAR_DIR / "exchange" / "province"),
                    "formats": ["csv", "xlsx"],
                }
            },
        ),
    },
    # The 12345 export as a district sends it (exchange.complaints.hotline): the column that
    # holds each field, and the filter that takes only the orders about government
    # dishonesty — a row is taken if its 分类编码 starts with one of the prefixes (DB44/T
    # 2479-2024 codes of the local classification table) or its title, content or 诉求类型
    # contains a keyword. An import's options may override either for one file.
    # The annual integrity assessment (oversight.assessment, DOMAIN §9.1 design (c)): points
    # deducted per row each source finds, grade thresholds (first whose minimum the total
    # reaches), the unit types assessed, and the units' objection window after approval.
    "ASSESSMENT": {
        "TIER_POINTS": {"MINOR": 1, "GENERAL": 3, "SERIOUS": 10},
        "OVERDUE_RECTIFICATION_POINTS": 2,
        "OVERDUE_OBJECTION_POINTS": 1,
        "UNPERFORMED_JUDGMENT_POINTS": 5,
        "COMPLAINT_POINTS": 1,
        "BROKEN_COMMITMENT_POINTS": 3,
        "LATE_SELF_REPORT_POINTS": 1,
        "GRADES": [["A", 90], ["B", 80], ["C", 60], ["D", 0]],
        "UNIT_TYPES": ["DEPARTMENT", "PARK", "TOWN"],
        "OBJECTION_WORKING_DAYS": 5,
        # What the result notice (N24) says of how the year was assessed.
        "METHOD": "系统数据自动扣分与人工加减分相结合的方式，基础分100分",
    },
    "HOTLINE_IMPORT": {
        "columns": {
            "work_order": "工单编号",
            "title": "标题",
            "content": "内容",
            "request_type": "诉求类型",
            "classification_code": "分类编码",
            "handling_unit": "承办单位",
            "time_limit": "时限",
            "callback_result": "回访结果",
            "received_on": "受理时间",
            "complainant_name": "来电人",
            "complainant_contact": "联系电话",
        },
        "filter": {
            # Empty until the deployment copies the codes of its classification table.
            "classification_prefixes": [],
            "keywords": [
                "政务失信",
                "政府失信",
                "拖欠",
                "欠款",
                "不兑现",
                "未兑现",
                "违约",
                "不履行",
                "失信",
            ],
        },
    },
}

# The legal "today" (casework.clock) for demos and for the real-worker tests, whose worker and
# beat subprocesses cannot take a test's settings override: YYYY-MM-DD, unset in production.
CHENGXIN_TODAY = env.str("CHENGXIN_TODAY", default=None)

# The public address of this site, printed (as a QR code and a URL) on every issued notice
# so that anyone can check it at {CHENGXIN_PUBLIC_BASE_URL}/verify/<code>.
CHENGXIN_PUBLIC_BASE_URL = env.str("CHENGXIN_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# The largest PDF the public verification page accepts.
CHENGXIN_VERIFY_MAX_UPLOAD = 20 * 1024 * 1024
