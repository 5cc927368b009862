"""Bridge sites (điểm cầu) and their imports. A site belongs to a unit of the tree; programmes (next) use them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocso.core.text import collation_key, search_key
from hocso.org.models import Unit


class BridgeSite(models.Model):
    """A video-conference bridge site (điểm cầu): a room of a unit where people follow a programme together.

    Its contact people are written as names and phone numbers (a technician often has no account); the accounts
    that act for the site (check people in, confirm readiness) are its `coordinators`.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bridge_sites")
    name = models.CharField(_("site name"), max_length=255)
    address = models.CharField(_("address"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    coordinator_name = models.CharField(_("person in charge"), max_length=150, blank=True)
    coordinator_phone = models.CharField(_("phone of the person in charge"), max_length=20, blank=True)
    technician_name = models.CharField(_("technician"), max_length=150, blank=True)
    technician_phone = models.CharField(_("technician's phone"), max_length=20, blank=True)
    equipment = models.TextField(_("equipment notes"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinator accounts"), blank=True, related_name="bridge_sites",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_key = models.CharField(max_length=800, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bridge site")
        verbose_name_plural = _("bridge sites")
        ordering = ["sort_key", "id"]
        # The import finds a site again by its unit and name.
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="org_bridge_site_name")]

    def __str__(self) -> str:
        return self.name

    def refresh_keys(self, unit: Unit | None = None) -> None:
        unit = unit or self.unit
        self.sort_key = collation_key(self.name)
        self.search_key = search_key(self.name, self.address, unit.name, unit.short_name, self.coordinator_name)


class BridgeSiteImport(models.Model):
    """A parsed site list kept between the preview and the confirmation (then applied once)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file"), max_length=255)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bridge site import")
        verbose_name_plural = _("bridge site imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class Programme(models.Model):
    """A mass awareness programme (chương trình tuyên truyền, phổ biến): sessions over several days, followed at
    bridge sites by the people of an audience (units × target groups)."""

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    host_unit = models.ForeignKey(Unit, verbose_name=_("host unit"), on_delete=models.PROTECT,
                                  related_name="hosted_programmes")
    audience_units = models.ManyToManyField(Unit, verbose_name=_("audience units"), blank=True, related_name="+")
    audience_groups = models.ManyToManyField("org.TargetGroup", verbose_name=_("audience target groups"),
                                             blank=True, related_name="+")
    # Set by a province administrator: whoever attends a session counts as trained that year in the plan's progress.
    counts_toward_plan = models.BooleanField(_("counts towards the training plan"), default=False)
    # Once set, the attendance of its sessions (aggregates only, small groups withheld) is on the public pages.
    published_at = models.DateTimeField(_("attendance published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_key = models.CharField(max_length=600, editable=False, default="")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProgrammeSession(models.Model):
    """One session of a programme (a morning's conference, say), at every one of its sites at once."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=255)
    topic = models.TextField(_("topic"), blank=True)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    # The video system's own name for the meeting (BigBlueButton's meetingID), so that its join and leave events
    # (hocso.events.webhooks) find the session.
    meeting_id = models.CharField(_("meeting ID in the video system"), max_length=200, blank=True, db_index=True)
    materials = models.TextField(_("materials"), blank=True, help_text=_("One link or document name per line."))

    class Meta:
        verbose_name = _("programme session")
        verbose_name_plural = _("programme sessions")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="events_session_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class ProgrammeSite(models.Model):
    """A site taking part in a programme, with how many people it expects: computed from the audience (each person
    at the site of their nearest unit that has one), or as its coordinator corrected it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="programme_sites")
    site = models.ForeignKey(BridgeSite, on_delete=models.PROTECT, related_name="programme_sites")
    expected_computed = models.PositiveIntegerField(_("expected (computed)"), default=0)
    expected_override = models.PositiveIntegerField(_("expected (set by the coordinator)"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme site")
        verbose_name_plural = _("programme sites")
        constraints = [models.UniqueConstraint(fields=["programme", "site"], name="events_programme_site")]

    def __str__(self) -> str:
        return f"{self.programme_id}@{self.site_id}"

    @property
    def expected(self) -> int:
        return self.expected_override if self.expected_override is not None else self.expected_computed


class SiteSession(models.Model):
    """A site's part in one session: its preparations (the technician's test connection, the confirmed attendee
    list) and the head count its coordinator took in the room."""

    session = models.ForeignKey(ProgrammeSession, on_delete=models.CASCADE, related_name="site_sessions")
    site = models.ForeignKey(BridgeSite, on_delete=models.CASCADE, related_name="site_sessions")
    connection_tested_at = models.DateTimeField(_("test connection made"), null=True, blank=True)
    connection_tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    list_confirmed_at = models.DateTimeField(_("attendee list confirmed"), null=True, blank=True)
    list_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    # Everyone in the room, named or not: the site's attendance is the larger of this and its named check-ins, so
    # a walk-in counted here who later checks in by name is not counted twice.
    head_count = models.PositiveIntegerField(_("head count"), null=True, blank=True)
    head_count_at = models.DateTimeField(null=True, blank=True)
    head_count_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = _("site in a session")
        verbose_name_plural = _("sites in sessions")
        constraints = [models.UniqueConstraint(fields=["session", "site"], name="events_site_session_once")]

    def __str__(self) -> str:
        return f"{self.session_id}@{self.site_id}"

    @property
    def is_ready(self) -> bool:
        return self.connection_tested_at is not None and self.list_confirmed_at is not None


class CheckInMethod(models.TextChoices):
    QR = "qr", _("QR code, signed in")
    IDENTITY = "identity", _("QR code, CCCD or phone number")
    LIST = "list", _("Coordinator's list")


class CheckIn(models.Model):
    """One person present at one session, at one site: once per session whatever the way (the constraint)."""

    session = models.ForeignKey(ProgrammeSession, on_delete=models.CASCADE, related_name="check_ins")
    site = models.ForeignKey(BridgeSite, on_delete=models.PROTECT, related_name="check_ins")
    learner = models.ForeignKey("people.Learner", on_delete=models.CASCADE, related_name="check_ins")
    method = models.CharField(_("how"), max_length=10, choices=CheckInMethod.choices)
    checked_at = models.DateTimeField(_("checked in at"))
    late = models.BooleanField(_("late"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["session", "learner"], name="events_check_in_once")]
        indexes = [models.Index(fields=["session", "site"], name="events_check_in_site")]

    def __str__(self) -> str:
        return f"{self.learner_id}@{self.site_id}/{self.session_id}"


class VideoEventKind(models.TextChoices):
    JOINED = "joined", _("joined")
    LEFT = "left", _("left")
    ENDED = "ended", _("meeting ended")


class VideoEvent(models.Model):
    """A connection (the video system's internal user ID) joining or leaving the session's meeting, or the meeting
    ending, as the video system reported it (a webhook). A site's connection joins with the external user ID
    `diemcau-<site id>`; others count for the session only. The video system counts connections, not the people in
    front of a site's camera: shown beside the site's count."""

    session = models.ForeignKey(ProgrammeSession, on_delete=models.CASCADE, related_name="video_events")
    site = models.ForeignKey(BridgeSite, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user_key = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=VideoEventKind.choices)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("video-conference event")
        verbose_name_plural = _("video-conference events")
        # The video system retries a callback until it is answered: the same event twice is stored once.
        constraints = [models.UniqueConstraint(fields=["session", "user_key", "kind", "at"], name="events_video_once")]

    def __str__(self) -> str:
        return f"{self.user_key} {self.kind} {self.at:%H:%M:%S}"
