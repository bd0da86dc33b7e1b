"""The Chinese UI says everything in Chinese: no raw code (PRE_NOTICE, notice.revise,
snake_case) and no English word on any page a role can open, and errors that name their
field ("请选择失信类别").

The pages are those the visibility matrix knows (tests/visibility_world.py: unit A's case
built through the real services, every page route read off the URL resolver), opened with
`Accept-Language: zh-hans` by one user of every role, plus every site link those pages
offer (the action forms of each step); the admin's index, change lists and a few pages
for the configuration role; the error pages. tests/ui_text.py says what counts as visible
text and what may legitimately be written in Latin letters.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from django.views import defaults

from casework import action_labels, kinds, services
from casework.downloads import DownloadAction
from casework.lifecycle import Step
from casework.models import User
from casework.passwords import PasswordAction
from casework.roles import Role
from casework.second_factor import SecondFactorAction
from casework.services import steps
from casework.services.duties import DutyAction
from casework.services.pii import PiiAction
from casework.signin import SignInAction
from notices.lifecycle import NoticeAction
from notices.models import Notice

from . import lifecycle
from .api_fixtures import api
from .factories import UserFactory
from .ui_text import findings, visible_text
from .visibility_world import (  # noqa: F401 (fixtures)
    OBJECT_URLS,
    PAGE_NAMES,
    _patterns,
    today_fixture,
    url,
    world_fixture,
)

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

#: One user for each role the world has no user of (the world has the case's own people).
EXTRA_ROLES = {
    "credit_admin": Role.CREDIT_ADMIN,
    "hr_admin": Role.HR_ADMIN,
    "intake": Role.INTAKE_OPERATOR,
    "assessor": Role.ASSESSOR,
    "sysadmin": Role.SYSTEM_ADMIN,
    "secadmin": Role.SECURITY_ADMIN,
    "auditadmin": Role.AUDIT_ADMIN,
}
#: Every role, by the world user holding it.
READERS = ["officer", "approver", "liaison", "head", "sanctioned", *EXTRA_ROLES]
#: Site links followed from the pages (the API, PDFs and downloads are not pages).
LINK = re.compile(r'href="(/(?:work|unit|me|inbox|public|verify)/[^"?#]*)"')
NOT_PAGES = re.compile(r"/pdf/$|/download/$")
MOST_PAGES = 400


@pytest.fixture(scope="module")
def readers(world, django_db_blocker):
    with django_db_blocker.unblock():
        users = dict(world.users)
        for username, role in EXTRA_ROLES.items():
            users[username] = UserFactory(username=f"m_{username}", roles=[role])
        return users


def _data_words() -> tuple[str, ...]:
    """Latin words that are data: usernames, the notices' verification codes."""
    codes = Notice.objects.filter(verify_code__gt="").values_list("verify_code", flat=True)
    return (*User.objects.values_list("username", flat=True), *codes)


def start_pages(world) -> list[str]:
    """Every page route without arguments, every page naming one of the world's objects."""
    paths = [
        "/" + route
        for route, pattern in _patterns(get_resolver())
        if pattern.name in PAGE_NAMES and "<" not in route and not route.startswith(("admin/", "i18n/"))
    ]
    paths += [
        url(name, world.ids[kind])
        for method, name, kind in OBJECT_URLS
        if method == "get" and name in PAGE_NAMES
    ]
    paths.append(reverse("public-record", args=[world.record.reference]))
    return sorted(set(paths))


def crawl(client, starts: list[str]) -> dict[str, str]:
    """Every HTML page answering 200, from `starts` and the site links they show."""
    seen, todo, pages = set(), list(starts), {}
    while todo and len(seen) < MOST_PAGES:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, **ZH)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages[path] = html = response.content.decode()
        todo += [link for link in LINK.findall(html) if link not in seen and not NOT_PAGES.search(link)]
    return pages


def report(pages: dict[str, str]) -> list[str]:
    allowed = _data_words()
    return [
        f"{path}: {kind} “{word}” in “{text}”"
        for path, html in pages.items()
        for kind, word, text in findings(html, allowed=allowed)
    ]


# ── the check itself ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        ("状态：PRE_NOTICE", "state code"),
        ("操作：notice.revise", "action name"),
        ("期限 due_on 已过", "identifier"),
        ("Process list", "English"),
    ],
)
def test_the_check_finds_a_planted_code(planted, kind):
    found = findings(f"<main><p>{planted}</p></main>")
    assert found and found[0][0] == kind


def test_the_check_reads_what_people_read_and_allows_what_is_latin_by_right():
    page = """<main><input type="submit" value="Submit"><span title="Details">i</span>
    <input type="hidden" name="next" value="/work/cases/"><script>var raw_code = 1;</script>
    <button lang="en">English</button>
    <p>ZWSX-2026-000001 调查笔录.pdf PDF 核验码 AVX528C7G3 m_officer li@example.gov.cn</p></main>"""
    assert [word for _kind, word, _text in findings(page, allowed=("m_officer", "AVX528C7G3"))] == [
        "Submit",
        "Details",
    ]
    assert "English" not in visible_text(page)


def test_a_raw_action_in_the_timeline_fails_the_crawl(world, readers, monkeypatch):
    """The crawl would catch the report's `notice.revise` on the case page."""
    monkeypatch.setattr("portal.cases.timeline.action_label", lambda action: action)
    page = api(readers["officer"]).get(reverse("case-detail", args=[world.record.pk]), **ZH)
    assert any(
        "notice.revise" in line or "propose" in line for line in report({"case": page.content.decode()})
    )


# ── every page, every role ────────────────────────────────────────────────────────


@pytest.mark.parametrize("who", READERS)
def test_no_page_shows_a_raw_code_or_english(world, readers, who):
    pages = crawl(api(readers[who]), start_pages(world))
    assert len(pages) >= 3, sorted(pages)  # signed in: the home page, the inbox, the role's own pages
    assert report(pages) == []


def test_the_crawl_reaches_the_case_and_its_action_forms(world, readers):
    pages = crawl(api(readers["officer"]), start_pages(world))
    case = reverse("case-detail", args=[world.record.pk])
    assert case in pages
    assert sum("/act/" in path for path in pages) >= 10


def test_the_error_pages_are_chinese(readers, rf):
    missing = api(readers["officer"]).get("/work/no-such-page/", **ZH)
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode() and report({"404": missing.content.decode()}) == []
    broken = defaults.server_error(RequestFactory().get("/"))
    html = broken.content.decode()
    assert broken.status_code == 500 and "服务器" in html and report({"500": html}) == []


# ── the admin, for the configuration role ─────────────────────────────────────────

OUR_APPS = ("casework", "notices", "workflows", "viewflow")
#: Change pages the configuration role works on, by model: the first row is opened.
CHANGE_PAGES = [
    "auth.group",
    "casework.measure",
    "casework.organisation",
    "notices.issuer",
    "viewflow.process",
    "viewflow.task",
]


@pytest.fixture
def configurator(readers):
    """The system administrator with the model permissions a deployment gives them."""
    user = readers["sysadmin"]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=(*OUR_APPS, "auth")))
    user.is_staff = True
    user.save()
    return User.objects.get(pk=user.pk)


def admin_pages(client) -> dict[str, str]:
    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        if model._meta.app_label in (*OUR_APPS, "auth"):
            paths.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    for label in CHANGE_PAGES:
        model = apps.get_model(label)
        first = model._default_manager.order_by("pk").first()
        paths.append(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk])
        )
    pages = {}
    for path in paths:
        response = client.get(path, **ZH)
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    return pages


def test_the_admin_is_branded_and_chinese(world, configurator):
    pages = admin_pages(api(configurator))
    index = pages[reverse("admin:index")]
    assert "诚信 · 系统配置" in index and "Django" not in index
    assert "流程引擎" in index  # viewflow's app, under our name
    assert report(pages) == []


# ── errors that name their field ──────────────────────────────────────────────────

PROPOSAL = {
    "category": "",
    "domain": "PROCUREMENT",
    "tier": "GENERAL",
    "facts": "",
    "legal_basis": "《保障中小企业款项支付条例》第九条",
    "measure_ids": [1],
}


@pytest.fixture
def verifying(world):
    users = world.users
    unit = world.record.subject_organisation
    record = lifecycle.lead(officer=users["officer"], organisation=unit, content="又一条线索：拖欠工程款。")
    api(users["officer"]).post(f"/api/records/{record.pk}/start-verification/")
    return record


def test_the_api_names_the_missing_choice_and_text(world, verifying):
    response = api(world.users["officer"]).post(
        f"/api/records/{verifying.pk}/propose/", PROPOSAL, format="json", **ZH
    )
    assert response.status_code == 400
    assert response.data["errors"]["category"] == ["请选择失信类别"]
    assert response.data["errors"]["facts"] == ["请填写失信事实"]
    assert response.data["detail"] == "请选择失信类别"


def test_the_api_names_a_missing_field_and_a_wrong_choice(world, verifying):
    client = api(world.users["officer"])
    path = f"/api/records/{verifying.pk}/propose/"
    missing = client.post(path, {k: v for k, v in PROPOSAL.items() if k != "tier"}, format="json", **ZH)
    assert missing.data["errors"]["tier"] == ["请选择失信等级"]
    wrong = client.post(path, {**PROPOSAL, "category": "XYZ"}, format="json", **ZH)
    assert wrong.data["errors"]["category"] == ["失信类别“XYZ”不在可选范围内，请从所列选项中选择"]


def test_the_portal_form_names_the_missing_choice(world, verifying):
    page = api(world.users["officer"]).post(
        reverse("case-action", kwargs={"kind": "cases", "pk": verifying.pk, "step": "propose"}),
        {k: v for k, v in PROPOSAL.items() if k != "measure_ids"},
        follow=True,
        **ZH,
    )
    text = " ".join(visible_text(page.content.decode()))
    assert "请选择失信类别" in text and "请填写失信事实" in text
    assert "不是合法选项" not in text and "该字段" not in text


# ── every audited action has a label ──────────────────────────────────────────────

SOURCES = ("casework", "notices", "workflows", "portal")
#: Calls whose `action=` keyword is not an audit action.
NOT_AUDIT = frozenset({"add_argument", "filter", "exclude", "get", "Entry"})
#: The constants that name audit actions: `AuditAction.REGISTER_LEAD` reads as its value.
ACTION_ENUMS = {
    "AuditAction": action_labels.AuditAction,
    "NoticeAction": NoticeAction,
    "SignInAction": SignInAction,
    "DownloadAction": DownloadAction,
    "DutyAction": DutyAction,
    "PiiAction": PiiAction,
    "SecondFactorAction": SecondFactorAction,
    "PasswordAction": PasswordAction,
}


def _named_action(expr) -> str | None:
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        enum = ACTION_ENUMS.get(expr.value.id)
        return enum[expr.attr].value if enum else None
    return None


def _kind_action(expr) -> str | None:
    """`RECTIFICATION.audit_action("escalate")`: a declared kind names its step's action."""
    if not (isinstance(expr, ast.Call) and _call_name(expr) == "audit_action"):
        return None
    kind = (
        getattr(kinds, getattr(expr.func.value, "id", ""), None)
        if isinstance(expr.func, ast.Attribute)
        else None
    )
    step = expr.args[0].value if expr.args and isinstance(expr.args[0], ast.Constant) else None
    return kind.audit_action(step) if kind is not None and step else None


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


class _Actions(ast.NodeVisitor):
    """Every value passed as an audit entry's `action` in one module."""

    def __init__(self, tree: ast.Module, path: str):
        self.path, self.found, self.unresolved = path, set(), []
        self.constants = {
            target.id: node.value.value if isinstance(node.value, ast.Constant) else _named_action(node.value)
            for node in tree.body
            if isinstance(node, ast.Assign)
            and (isinstance(getattr(node.value, "value", None), str) or _named_action(node.value))
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        self.functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        self.calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        #: The function each call is made in: a parameter passed on is a parameter of that one.
        self.caller = {
            call: function
            for function in self.functions.values()
            for call in ast.walk(function)
            if isinstance(call, ast.Call)
        }
        self.scope: list[ast.FunctionDef] = []

    def visit_FunctionDef(self, node):
        self.scope.append(node)
        self.generic_visit(node)
        self.scope.pop()

    def visit_Call(self, node):
        if _call_name(node) not in NOT_AUDIT:
            for keyword in node.keywords:
                if keyword.arg == "action":
                    self.value(keyword.value, node)
        self.generic_visit(node)

    def value(self, expr, where) -> None:
        if self.scope and self.scope[-1].name == "apply_step":
            return  # "<model>.<step>" of a machine's step: machine_actions() lists those
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            self.found.add(expr.value)
        elif _named_action(expr):
            self.found.add(_named_action(expr))
        elif _kind_action(expr):
            self.found.add(_kind_action(expr))
        elif isinstance(expr, ast.IfExp):
            self.value(expr.body, where)
            self.value(expr.orelse, where)
        elif isinstance(expr, ast.JoinedStr):  # f"accountability.{step}": a step of that table
            prefix = expr.values[0].value if isinstance(expr.values[0], ast.Constant) else ""
            self.found.add(f"{prefix}*")
        elif isinstance(expr, ast.Name) and expr.id in self.constants:
            self.found.add(self.constants[expr.id])
        elif isinstance(expr, ast.Name) and self.scope and self._is_parameter(expr.id):
            self._from_callers(self.scope[-1], expr.id)
        else:
            self.unresolved.append(f"{self.path}:{where.lineno}")

    def _is_parameter(self, name: str) -> bool:
        return name in [a.arg for a in self.scope[-1].args.args + self.scope[-1].args.kwonlyargs]

    def _from_callers(self, function: ast.FunctionDef, name: str) -> None:
        """A parameter: the values the module's calls of the function pass for it."""
        position = (
            [a.arg for a in function.args.args].index(name)
            if name in [a.arg for a in function.args.args]
            else None
        )
        for call in self.calls:
            if _call_name(call) != function.name or self.caller.get(call) is function:
                continue
            passed = [k.value for k in call.keywords if k.arg == name]
            if position is not None and len(call.args) > position:
                passed.append(call.args[position])
            self.scope.append(self.caller.get(call, function))
            for expr in passed:
                self.value(expr, call)
            self.scope.pop()


def audited_actions() -> tuple[set[str], list[str]]:
    found, unresolved = set(), []
    root = Path(settings.BASE_DIR)
    for app in SOURCES:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            visitor = _Actions(tree, str(path.relative_to(root)))
            visitor.visit(tree)
            found |= visitor.found
            unresolved += visitor.unresolved
    return found, unresolved


def machine_actions() -> set[str]:
    """What `steps.apply_step` writes for each step of every machine: "<model>.<step>", the
    bare step for the record."""
    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(services.__path__, "casework.services.")
    ]
    found = set()
    for module in [*modules, importlib.import_module("notices.services")]:
        for value in vars(module).values():
            if isinstance(value, steps.Machine):
                name = value.model._meta.model_name
                found |= {step if not value.record_path else f"{name}.{step}" for step in value.steps}
    return found


def test_every_action_the_code_can_audit_has_a_label():
    written, unresolved = audited_actions()
    assert unresolved == [], "an audit action the test cannot read: name it as a literal or a constant"
    prefixes = {a[:-1] for a in written if a.endswith("*")}
    assert prefixes <= {f"{prefix}." for prefix in action_labels.step_tables() if prefix}
    actions = {a for a in written if not a.endswith("*")} | machine_actions()
    assert len(actions) > 40
    assert sorted(a for a in actions if action_labels.label_of(a) is None) == []


def test_a_new_step_is_labelled_from_its_table(monkeypatch):
    table = dict(action_labels.step_tables()["objection"])
    table["reopen"] = Step("reopen", "重新办理", (), None, frozenset(), "")
    monkeypatch.setitem(action_labels.step_tables(), "objection", table)
    assert action_labels.action_label("objection.reopen") == "重新办理"
    assert action_labels.action_label("objection.no_such_step") == "其他操作"
