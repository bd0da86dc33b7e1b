import copy

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reaction(models.Model):
    """A step taken (or an object "created", its evidence changed), waiting for what the
    layers above do about it: the outbox of casework.

    Written in the step's own transaction, so a step and the note of what it calls for
    commit together or not at all; processed after the commit, each in a transaction of its
    own (casework.services.reactions). A row with `done_at` empty is still to be done;
    `attempts` counts the tries begun, so a failed one shows (and is retried by beat).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    step = models.CharField(_("步骤"), max_length=60)
    #: The object's state right after the step ("" for an object without one): a reaction
    #: that runs after later steps still follows this one (workflows.follow).
    state = models.CharField(_("步骤后状态"), max_length=30, blank=True, default="")
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    role = models.CharField(_("角色"), max_length=30)
    created_at = models.DateTimeField(_("发生时间"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("处理次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True, default="")
    done_at = models.DateTimeField(_("处理完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("步骤后续处理")
        verbose_name_plural = _("步骤后续处理")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["attempts", "id"], condition=models.Q(done_at__isnull=True), name="reaction_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} {self.step}"

    def subject(self):
        """The object the step was taken on, locked as a step locks it, as the step left it:
        a reaction run after later steps (a retry, or a creation and a system step in one
        transaction) still sees the state this step produced. An in-memory copy when the
        state has moved on since; None when the object was deleted since."""
        model = self.content_type.model_class()
        obj = model.objects.select_for_update(of=("self",)).filter(pk=self.object_id).first()
        if obj is None or not self.state or obj.state == self.state:
            return obj
        then = copy.copy(obj)
        then.__dict__["state"] = self.state  # as refresh_from_db sets django-fsm's protected field
        return then
