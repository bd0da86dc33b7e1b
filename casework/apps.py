import sys

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("失信案件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (the superuser check of `check --deploy`)
            downloads,  # noqa: F401  (the download actions' labels)
            passwords,  # noqa: F401  (API tokens end at sign-out)
            search,  # noqa: F401  (the text_contains lookup of every search)
            second_factor,  # noqa: F401  (its audit actions' labels)
            signin,  # noqa: F401  (the sign-in audit receivers)
        )
        from .models import ConflictDeclaration
        from .permissions import forget_declared_conflicts
        from .services import duties  # noqa: F401  (role changes in the admin, audited)

        # A user object caches its declarations (permissions.declared_conflicts).
        for signal in (post_save, post_delete):
            signal.connect(
                forget_declared_conflicts, sender=ConflictDeclaration, dispatch_uid="casework-conflicts"
            )
        # Sent once per app and run: connected for this app only, so once per `migrate`.
        post_migrate.connect(_checkpoint_after_migrate, sender=self, dispatch_uid="casework-audit-checkpoint")


def _checkpoint_after_migrate(sender, using, verbosity=1, **kwargs):
    """A migration is when a DBA's work on the tables is expected: sign the head right after it,
    so what the migration left is fixed before anyone touches the tables again. Only `migrate`
    passes a plan (not `flush`), and only a database that has the audit tables is signed."""
    if "plan" not in kwargs:
        return
    from . import checkpoints
    from .models import AuditEntry, AuditHead

    tables = set(connections[using].introspection.table_names())
    if not {AuditEntry._meta.db_table, AuditHead._meta.db_table} <= tables:
        return
    out = kwargs.get("stdout") or sys.stdout
    try:
        checkpoint = checkpoints.write(using=using)
    except checkpoints.CheckpointRefused as refused:
        # The migration itself succeeded: say so loudly, verify_audit names the entry.
        sys.stderr.write(f"audit checkpoint refused: {refused}; run verify_audit\n")
        return
    if verbosity >= 1:
        out.write(f"  Audit checkpoint written: #{checkpoint.seq}\n")
