import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import translation

from casework.roles import Role

from . import lifecycle
from .accountability_steps import decided, decision, set_today
from .factories import OrganisationFactory, PersonFactory, UserFactory
from .notice_cases import issuer_fixture  # noqa: F401 (the `issuer` fixture, for every test)


@pytest.fixture(autouse=True)
def default_language():
    """A request with `Accept-Language: en` leaves English active in the thread: every test
    starts and ends in the site's language, whatever ran before it on this worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module", autouse=True)
def module_audit_checkpoint_file(tmp_path_factory):
    """A module's own checkpoint file, for its module-scoped fixtures (a demo seeded once per
    module, then rolled back): the next module's database would disagree with what they signed."""
    with override_settings(
        CHENGXIN_AUDIT_CHECKPOINT_FILE=tmp_path_factory.mktemp("audit") / "checkpoints.jsonl"
    ):
        yield


@pytest.fixture(autouse=True)
def audit_checkpoint_file(settings, tmp_path):
    """Each test's own checkpoint file: a checkpoint signed in one test's (rolled back) database
    would not agree with the next test's audit trail (casework.checkpoints)."""
    settings.CHENGXIN_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.CHENGXIN_AUDIT_CHECKPOINT_FILE


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locks and real concurrency: skip them on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def unit(db):
    return OrganisationFactory(name="东莞市甲局")


@pytest.fixture
def other_unit(db):
    return OrganisationFactory(name="东莞市乙局")


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", roles=[Role.OFFICER])


@pytest.fixture
def approver(db):
    return UserFactory(username="approver", roles=[Role.APPROVER])


@pytest.fixture
def liaison(unit):
    return UserFactory(username="liaison", organisation=unit, roles=[Role.UNIT_LIAISON])


@pytest.fixture
def other_liaison(other_unit):
    return UserFactory(username="other_liaison", organisation=other_unit, roles=[Role.UNIT_LIAISON])


@pytest.fixture
def civil_servant(unit):
    person = PersonFactory(unit=unit, name="张三")
    return UserFactory(username="civil", person=person, organisation=unit, roles=[Role.CIVIL_SERVANT])


@pytest.fixture
def fixed_today(settings):
    """The legal 'today' of a test: after every date the tests/lifecycle.py helpers use."""
    settings.CHENGXIN_TODAY = "2026-02-02"


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


# ── Fixtures shared by the domain tests ───────────────────────────────────────────
# A test module that needs a different one defines its own under the same name (it takes precedence).


@pytest.fixture
def hr(db):
    return UserFactory(username="hr", roles=[Role.HR_ADMIN])


@pytest.fixture
def head(unit):
    return UserFactory(username="head", organisation=unit, roles=[Role.UNIT_HEAD])


@pytest.fixture
def person(civil_servant):
    return civil_servant.person


@pytest.fixture
def commission(officer, approver):
    """The commission determines the records: it is the determining unit the public sees."""
    commission = OrganisationFactory(name="东莞市政务诚信监督委员会")
    for user in (officer, approver):
        user.organisation = commission
        user.save()
    return commission


@pytest.fixture
def record(officer, approver, unit, fixed_today):
    """The unit's record in force (determined 2026-01-15), with the notices its steps produce."""
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


@pytest.fixture
def ours(officer, approver, unit):
    return lifecycle.effective(
        officer=officer, approver=approver, organisation=unit, content="我方单位的记录。"
    )


@pytest.fixture
def theirs(officer, approver, other_unit):
    return lifecycle.effective(officer=officer, approver=approver, organisation=other_unit)


@pytest.fixture
def warned(settings, officer, approver, unit, person, fixed_today):
    """Scenario 19: a 警告 effective Tue 2026-03-31 (its period runs to 2026-09-30), in a case on
    the unit's record."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    set_today(settings, "2026-04-01")
    decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "WARNING")],
        decided_on=dt.date(2026, 3, 31),
    )
    return record


@pytest.fixture(autouse=True, scope="session")
def reactions_after_commit():
    """Reactions to steps done when production does them: right after the step's
    transaction commits.

    In production a step notes its reactions in its own durable transaction, each with
    `transaction.on_commit(reactions.take_on_commit(pk), robust=True)` (casework.services.reactions).
    Inside pytest-django's TestCase transaction nothing commits and on_commit never fires;
    so here, whenever an atomic block exits without error and leaves only the test case's
    own blocks open (in production: the commit), the reactions' on-commit callbacks
    registered since, and not rolled back with a savepoint, are run once each, in order,
    until none is left (a reaction may note more: a notice voided is a step too). Other
    on-commit callbacks (a PDF to render) are left alone, as before. A failing reaction is
    logged and left pending with its attempt counted, as robust on_commit leaves it; only the
    retry (`reactions.retry`) tries it again. In transactional tests the real on_commit runs
    the callbacks and this never sees them. Session-wide, so that module-scoped data built
    inside the test case's blocks (the seeded demo) gets its reactions too.
    """
    from django.db import transaction

    original_exit = transaction.Atomic.__exit__
    busy = []

    def exit_and_react(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        conn = transaction.get_connection(self.using)
        committed = exc_type is None and not self._from_testcase and not conn.needs_rollback
        only_the_test_case = conn.in_atomic_block and all(b._from_testcase for b in conn.atomic_blocks)
        if committed and only_the_test_case and not busy:
            busy.append(True)
            try:
                _run_reaction_hooks(conn)
            finally:
                busy.clear()
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction.Atomic, "__exit__", exit_and_react)
        yield


def _run_reaction_hooks(conn) -> None:
    import logging

    def fresh():
        return [f for _sids, f, _robust in conn.run_on_commit if hasattr(f, "reaction_pk")]

    while hooks := [f for f in fresh() if not getattr(f, "ran_in_test", False)]:
        for hook in hooks:
            hook.ran_in_test = True
            try:
                hook()
            except Exception:  # as robust on_commit: logged, the step stays done
                logging.getLogger("django.db.backends.base").exception("reaction %s failed", hook.reaction_pk)
