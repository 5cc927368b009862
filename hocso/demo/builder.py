"""Build (and clear) the demo province.

Bulk inserts make 25,000 people take seconds, so this module writes rows itself, but it writes exactly what
the services would: `Unit.path` from `path_segment(pk)` (primary keys are chosen here, so paths are known
before the insert), depth, sort and search keys from `refresh_keys()`, one open membership per person and
`Learner.unit` equal to it, CCCD numbers that pass `validate_cccd`. The demo reorganisation and the role
grants go through the real services, so they leave history and audit entries like any other.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q

from hocso.access.models import Role, RoleAssignment
from hocso.access.scoping import forget_roles
from hocso.access.services import role_assign
from hocso.core.audit import audit
from hocso.core.cccd import century_gender_digit
from hocso.core.text import fold
from hocso.org.models import Reorganisation, TargetGroup, Unit, UnitKind, path_segment
from hocso.org.services import units_merge
from hocso.org.target_groups import DEFAULT_TARGET_GROUPS
from hocso.people.models import Learner, LearnerStatus, Membership, MembershipReason

from . import data
from .assessment import reset_assessment, seed_assessment
from .campaigns import reset_campaigns, seed_campaigns
from .events import reset_bridge_sites, seed_bridge_sites, seed_programme
from .plans import seed_plan
from .training import reset_training, seed_training

BATCH = 500


@dataclass
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str
    description: str
    password: str = data.DEMO_PASSWORD


@dataclass
class SeedReport:
    units: int = 0
    learners: int = 0
    memberships: int = 0
    transfers: int = 0
    seconds: float = 0.0
    accounts: list[DemoAccount] = field(default_factory=list)


def demo_accounts() -> list[DemoAccount]:
    return [
        DemoAccount(username, full_name, role, unit or "", description)
        for username, full_name, role, unit, description in data.DEMO_ACCOUNTS
    ]


def demo_root() -> Unit | None:
    return Unit.objects.filter(code=data.PROVINCE_CODE, parent__isnull=True).first()


def _reset_sequences(*models) -> None:
    """Primary keys were chosen here; tell PostgreSQL's sequences (SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _next_pk(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


# ---------------------------------------------------------------------------------------------------------------
# The unit tree


@dataclass
class _Node:
    unit: Unit
    profile: str
    spec: data.Spec


class _Tree:
    def __init__(self, first_pk: int) -> None:
        self.next_pk = first_pk
        self.nodes: list[_Node] = []
        self.by_name: dict[str, _Node] = {}

    def add(self, spec: data.Spec, parent: Unit | None, *, code: str | None = None, admin_unit_code: str = "") -> Unit:
        pk = self.next_pk
        self.next_pk += 1
        unit = Unit(
            pk=pk, parent=parent, name=spec.name, short_name=spec.short_name, code=code,
            admin_unit_code=admin_unit_code, kind=spec.kind,
            path=(parent.path if parent else "") + path_segment(pk), depth=parent.depth + 1 if parent else 0,
            valid_from=spec.established or data.REORGANISED_ON,
        )
        unit.refresh_keys()
        node = _Node(unit, spec.profile, spec)
        self.nodes.append(node)
        # Names repeat ("Văn phòng Sở", "Khoa Nội"): the first one found is kept; look-ups use unique names.
        self.by_name.setdefault(spec.name, node)
        return unit


def _official_communes():
    from vietnam_provinces import Ward

    wards = [w for w in Ward.iter_all() if int(w.province_code) == int(data.PROVINCE_ADMIN_CODE)]
    return sorted(wards, key=lambda w: int(w.code))


def _build_tree(rng: random.Random, tree: _Tree, pad_units_to: int | None) -> None:
    letter = data.PROVINCE_LETTER
    root = tree.add(data.Spec(data.PROVINCE_NAME, UnitKind.PROVINCE, "province"), None,
                    code=data.PROVINCE_CODE, admin_unit_code=data.PROVINCE_ADMIN_CODE)
    for nn, spec in data.AGENCIES:
        agency = tree.add(spec, root, code=f"000.00.{nn:02d}.{letter}")
        for mm, child_spec in enumerate(spec.children, start=1):
            child = tree.add(child_spec, agency, code=f"000.{mm:02d}.{nn:02d}.{letter}")
            for kk, grandchild_spec in enumerate(child_spec.children, start=1):
                tree.add(grandchild_spec, child, code=f"{kk:03d}.{mm:02d}.{nn:02d}.{letter}")

    communes: list[tuple[Unit, bool]] = []
    nn = data.COMMUNE_BLOCK
    for mm, ward in enumerate(_official_communes(), start=1):
        is_ward = ward.division_type.name == "PHUONG"
        kind = UnitKind.WARD if is_ward else UnitKind.COMMUNE
        commune = tree.add(data.Spec(ward.name, kind, "commune"), root, code=f"000.{mm:02d}.{nn:02d}.{letter}",
                           admin_unit_code=f"{int(ward.code):05d}")
        communes.append((commune, is_ward))
        children = data.commune_children(ward.name, is_ward)
        place = ward.name.split(" ", 1)[1]  # "Xã Đại Phúc" -> "Đại Phúc"
        if ward.name in data.FULL_SCHOOL_COMMUNES:
            school_count = 3
        else:
            school_count = rng.choices((1, 2, 3), weights=data.SCHOOL_COUNT_WEIGHTS)[0]
        kept = sorted(rng.sample(range(3), school_count))
        for index in kept:
            prefix, profile = data.SCHOOL_TYPES[index]
            founded = dt.date(rng.randint(1962, 2012), 9, 1)
            children.append(data.Spec(f"{prefix} {place}", UnitKind.SCHOOL, profile, established=founded))
        for kk, child_spec in enumerate(children, start=1):
            if child_spec.kind == UnitKind.HEALTH_STATION:
                child_spec = replace(child_spec, established=dt.date(rng.randint(1975, 2005), 1, 1))
            tree.add(child_spec, commune, code=f"{kk:03d}.{mm:02d}.{nn:02d}.{letter}")

    if pad_units_to:
        # Benchmarks want a bigger tree: villages and residential groups, spread over the communes.
        serial: Counter[int] = Counter()
        i = 0
        while len(tree.nodes) < pad_units_to:
            commune, is_ward = communes[i % len(communes)]
            i += 1
            serial[commune.pk] += 1
            lower = commune.name[0].lower() + commune.name[1:]
            template = data.VILLAGE_NAME["ward" if is_ward else "commune"]
            spec = data.Spec(template.format(n=serial[commune.pk], commune=lower), UnitKind.OTHER, "village")
            tree.add(spec, commune)


# ---------------------------------------------------------------------------------------------------------------
# People


class _People:
    """Generates people: names, birth dates, CCCD numbers, contacts, positions."""

    def __init__(self, rng: random.Random, taken_cccd: set[str]) -> None:
        self.rng = rng
        self.cccd_taken = taken_cccd
        self.emails: Counter[str] = Counter()
        self.family = [n for n, _w in data.FAMILY_NAMES], [w for _n, w in data.FAMILY_NAMES]
        self.provinces = [c for c, _w in data.CCCD_PROVINCES], [w for _c, w in data.CCCD_PROVINCES]

    def name(self, gender: str, born: int) -> tuple[str, str, str]:
        rng = self.rng
        family = rng.choices(*self.family)[0]
        options = data.MIDDLE_NAMES[gender]
        young = born >= 1990
        weights = [w * (0.5 if young and n in data.CLASSIC_MIDDLE else 1) for n, w in options]
        middle = rng.choices([n for n, _w in options], weights=weights)[0]
        given = rng.choice(data.GIVEN_NAMES[gender])
        return family, middle, given

    def cccd(self, birth: dt.date, gender: str) -> str:
        province = self.rng.choices(*self.provinces)[0]
        head = f"{province}{century_gender_digit(birth, gender)}{birth.year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randrange(1_000_000):06d}"
            if number not in self.cccd_taken:
                self.cccd_taken.add(number)
                return number

    def email(self, family: str, middle: str, given: str, edu: bool) -> str:
        initials = "".join(fold(word)[0] for word in f"{family} {middle}".split())
        local = f"{fold(given).replace(' ', '')}{initials}"
        self.emails[local] += 1
        if self.emails[local] > 1:
            local = f"{local}{self.emails[local]}"
        return f"{local}@{data.EMAIL_DOMAIN_EDU if edu else data.EMAIL_DOMAIN_GOV}"

    def phone(self) -> str:
        return self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10_000_000):07d}"

    def birth_date(self, first_year: int, last_year: int) -> dt.date:
        year = self.rng.randint(first_year, last_year)
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def hire_date(self, birth: dt.date) -> dt.date:
        earliest = max(dt.date(birth.year + 22, 8, 15), dt.date(1988, 1, 1))
        span = (data.LAST_HIRE - earliest).days
        return earliest + dt.timedelta(days=self.rng.randrange(max(span, 1)))


def _job_for(
    profile: data.StaffProfile, spec: data.Spec, unit_pk: int, heads: set[int], deputies: Counter[int],
    rng: random.Random,
) -> tuple[str, str, str, int]:
    """(position, rank code, target group, rank in the unit: 0 head, 1 deputy, 2 staff) for one more person.

    Leadership is drawn with the odds of a full-size unit (one head and a few deputies among `size` people), so
    the mix stays realistic whatever the number of people, and no unit gets two heads.
    """
    head = data.head_title(spec)
    draw = rng.random() * max(profile.size, 1 + profile.deputies)
    if draw < 1 and unit_pk not in heads:
        heads.add(unit_pk)
        return head, profile.head_rank, "leaders", 0
    if draw < 1 + profile.deputies and deputies[unit_pk] < profile.deputies:
        deputies[unit_pk] += 1
        return f"Phó {head}", profile.head_rank, "leaders", 1
    (position, rank, group), = rng.choices([job for job, _w in profile.staff], weights=[w for _j, w in profile.staff])
    return position, rank, group, 2


def _membership_start(hire: dt.date, unit: Unit) -> tuple[dt.date, str, str]:
    """When (and why) a person's membership of a unit began: hired there, or moved in by the 2025 reorganisation."""
    if hire < unit.valid_from:
        if unit.valid_from == data.REORGANISED_ON:
            return unit.valid_from, MembershipReason.REORGANISATION, data.REORGANISATION_NOTE
        return unit.valid_from, MembershipReason.JOINED, ""
    return hire, MembershipReason.JOINED, ""


EDU_PROFILES = {"school_mn", "school_th", "school_thcs", "school_thpt", "college"}


def _make_people(
    rng: random.Random, tree: _Tree, count: int, first_pk: int, groups: dict[str, TargetGroup]
) -> tuple[list[Learner], list[Membership], int]:
    people = _People(rng, set(Learner.objects.exclude(cccd=None).values_list("cccd", flat=True)))
    nodes = tree.nodes
    merge_sources = {tree.by_name[name].unit.pk for name in data.MERGE_SOURCES}
    learners: list[Learner] = []
    memberships: list[Membership] = []
    home: dict[int, _Node] = {}

    # The demo learner account's profile: a teacher who moved schools in September 2025.
    fixed = data.DEMO_LEARNER
    school = tree.by_name[data.DEMO_LEARNER_UNIT].unit
    before = tree.by_name[data.DEMO_LEARNER_TRANSFERRED_FROM].unit
    family, middle, given = fixed["name"]
    anh = Learner(
        pk=first_pk, family_name=family, middle_name=middle, given_name=given, gender=fixed["gender"],
        date_of_birth=fixed["date_of_birth"], cccd=people.cccd(fixed["date_of_birth"], fixed["gender"]),
        position=fixed["position"], rank_code=fixed["rank_code"], target_group=groups[fixed["target_group"]],
        email=fixed["email"], phone=fixed["phone"].replace(" ", ""), unit=school,
    )
    anh.refresh_keys()
    learners.append(anh)
    hired = dt.date(2010, 8, 15)
    memberships.append(Membership(learner=anh, unit=before, start_date=max(hired, before.valid_from),
                                  end_date=data.DEMO_LEARNER_TRANSFERRED_ON, reason=MembershipReason.JOINED))
    memberships.append(Membership(learner=anh, unit=school, start_date=data.DEMO_LEARNER_TRANSFERRED_ON,
                                  reason=MembershipReason.TRANSFER, note="Điều động, chuyển công tác"))
    transfers = 1

    weights = [data.PROFILES[n.profile].size for n in nodes]
    placed = rng.choices(range(len(nodes)), weights=weights, k=count - 1)
    heads: set[int] = set()
    deputies: Counter[int] = Counter()
    same_profile: dict[str, list[_Node]] = defaultdict(list)
    for node in nodes:
        if node.unit.pk not in merge_sources:
            same_profile[node.profile].append(node)
    transfer_share = 0.02

    for offset, node_index in enumerate(placed, start=1):
        node = nodes[node_index]
        unit = node.unit
        profile = data.PROFILES[node.profile]
        position, rank, group, level = _job_for(profile, node.spec, unit.pk, heads, deputies, rng)
        female_share = profile.female_share * (0.6 if level < 2 else 1)
        gender = "F" if rng.random() < female_share else "M"
        birth = people.birth_date(*((1966, 1982), (1968, 1988), (1965, 2002))[level])
        family, middle, given = people.name(gender, birth.year)
        learner = Learner(
            pk=first_pk + offset, family_name=family, middle_name=middle, given_name=given, gender=gender,
            date_of_birth=birth, cccd=people.cccd(birth, gender), position=position, rank_code=rank,
            target_group=groups[group], unit=unit,
            email=people.email(family, middle, given, node.profile in EDU_PROFILES) if rng.random() < 0.7 else "",
            phone=people.phone() if rng.random() < 0.6 else "",
            status=LearnerStatus.ON_LEAVE if rng.random() < 0.01 else LearnerStatus.ACTIVE,
        )
        learner.refresh_keys()
        learners.append(learner)
        home[learner.pk] = node
        hire = people.hire_date(birth)

        others = same_profile.get(node.profile, [])
        if unit.pk not in merge_sources and len(others) > 1 and rng.random() < transfer_share:
            # A past transfer from a unit of the same sort (school to school, office to office).
            previous = rng.choice([n for n in others if n.unit.pk != unit.pk]).unit
            old_start, old_reason, old_note = _membership_start(hire, previous)
            earliest = max(old_start + dt.timedelta(days=60), data.TRANSFER_WINDOW[0])
            span = (data.TRANSFER_WINDOW[1] - earliest).days
            if span > 0:
                moved_on = earliest + dt.timedelta(days=rng.randrange(span))
                memberships.append(Membership(learner=learner, unit=previous, start_date=old_start,
                                              end_date=moved_on, reason=old_reason, note=old_note))
                memberships.append(Membership(learner=learner, unit=unit, start_date=moved_on,
                                              reason=MembershipReason.TRANSFER, note="Điều động, chuyển công tác"))
                transfers += 1
                continue
        start, reason, note = _membership_start(hire, unit)
        memberships.append(Membership(learner=learner, unit=unit, start_date=start, reason=reason, note=note))
    return learners, memberships, transfers


# ---------------------------------------------------------------------------------------------------------------
# Accounts, reorganisation, entry points


def _ensure_target_groups() -> dict[str, TargetGroup]:
    for position, (code, name, description) in enumerate(DEFAULT_TARGET_GROUPS, start=1):
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                "position": position})
    return {g.code: g for g in TargetGroup.objects.all()}


def _create_accounts(tree: _Tree, learner: Learner) -> tuple[object, list[DemoAccount]]:
    User = get_user_model()
    password = make_password(data.DEMO_PASSWORD)  # hashed once: the same password for every demo log-in
    accounts = demo_accounts()
    users = {}
    for account in accounts:
        users[account.username] = User.objects.create(
            username=account.username, full_name=account.full_name, password=password,
            first_name=account.full_name.rsplit(" ", 1)[-1], last_name=account.full_name.rsplit(" ", 1)[0],
        )
    admin = users["admin"]
    RoleAssignment.objects.create(user=admin, role=Role.PROVINCE_ADMIN)  # the first admin grants the rest
    forget_roles(admin)
    for account in accounts:
        if account.role in (Role.PROVINCE_ADMIN, "learner"):
            continue
        role_assign(actor=admin, user=users[account.username], role=account.role,
                    unit=Unit.objects.get(pk=tree.by_name[account.unit].unit.pk))
    Learner.objects.filter(pk=learner.pk).update(user=users["hocvien"])
    return admin, accounts


def _merge_centres(admin, tree: _Tree) -> Unit:
    department = tree.by_name[data.MERGE_DEPARTMENT].unit
    sources = [Unit.objects.get(pk=tree.by_name[name].unit.pk) for name in data.MERGE_SOURCES]
    next_mm = Unit.objects.filter(parent_id=department.pk).count() + 1
    level2 = department.code.split(".")[2]
    return units_merge(
        actor=admin, sources=sources, new_name=data.MERGE_TARGET, new_kind=UnitKind.PUBLIC_SERVICE,
        new_code=f"000.{next_mm:02d}.{level2}.{data.PROVINCE_LETTER}", on=data.MERGE_ON, note=data.MERGE_NOTE,
    )


@transaction.atomic
def build_demo(
    *,
    learners: int = 2500,
    seed: int = 20250701,
    pad_units_to: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Write the demo province into a database that has no units yet. Deterministic for a given seed."""
    if learners < 1:
        raise ValueError("The demo needs at least one person (the demo learner account's profile).")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    rng = random.Random(seed)
    groups = _ensure_target_groups()

    tree = _Tree(_next_pk(Unit))
    _build_tree(rng, tree, pad_units_to)
    Unit.objects.bulk_create([n.unit for n in tree.nodes], batch_size=BATCH)
    say(f"{len(tree.nodes)} units")

    people, memberships, transfers = _make_people(rng, tree, learners, _next_pk(Learner), groups)
    Learner.objects.bulk_create(people, batch_size=BATCH)
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    _reset_sequences(Unit, Learner)
    say(f"{len(people)} people, {len(memberships)} memberships")

    report = SeedReport(transfers=transfers)
    admin, report.accounts = _create_accounts(tree, people[0])
    _merge_centres(admin, tree)
    root = tree.nodes[0].unit
    assessment = seed_assessment(admin=admin, root=root, seed=seed, progress=say)
    campaigns = seed_campaigns(admin=admin, root=root, quarters=assessment.quarters)
    say(f"{len(campaigns)} past quarterly campaigns, results published")
    seed_plan(admin=admin, root=root)
    seed_training(admin=admin, root=root, seed=seed, progress=say)
    say(f"{seed_bridge_sites(root=root, seed=seed)} bridge sites")
    say(f"1 awareness programme, {seed_programme(admin=admin, root=root, seed=seed)} check-ins")
    audit(admin, "demo.seed", root, extra={"learners": len(people), "units": len(tree.nodes), "seed": seed})
    report.units = Unit.objects.filter(path__startswith=root.path).count()
    report.learners = len(people)
    report.memberships = Membership.objects.filter(learner__unit__path__startswith=root.path).count()
    report.seconds = time.perf_counter() - started
    return report


@transaction.atomic
def reset_demo() -> dict[str, int]:
    """Delete the demo province, its people, their history and the demo accounts. Other data stays."""
    deleted: Counter[str] = Counter()
    root = demo_root()
    deleted.update(reset_campaigns(root))  # campaigns hold on to quizzes and units
    deleted.update(reset_bridge_sites(root))  # sites hold on to units
    deleted.update(reset_training())  # lessons hold on to quizzes, enrolments and certificates to people
    deleted.update(reset_assessment(root))  # attempts and quizzes hold on to people and units: they go first
    if root is not None:
        prefix = root.path
        learner_ids = list(
            Learner.objects.filter(Q(unit__path__startswith=prefix) | Q(memberships__unit__path__startswith=prefix))
            .values_list("pk", flat=True).distinct()
        )
        for i in range(0, len(learner_ids), BATCH):
            chunk = learner_ids[i : i + BATCH]
            deleted["memberships"] += Membership.objects.filter(learner_id__in=chunk).delete()[0]
            deleted["learners"] += Learner.objects.filter(pk__in=chunk).delete()[1].get("people.Learner", 0)
        units = Unit.objects.filter(path__startswith=prefix)
        reorg_ids = set(Reorganisation.objects.filter(sources__in=units).values_list("pk", flat=True))
        reorg_ids |= set(Reorganisation.objects.filter(targets__in=units).values_list("pk", flat=True))
        Reorganisation.objects.filter(pk__in=reorg_ids).delete()
        deleted["reorganisations"] = len(reorg_ids)
        # Parent and successor links protect units from deletion one by one; the whole subtree goes at once.
        units.update(parent=None, successor=None)
        deleted["units"] = units.delete()[1].get("org.Unit", 0)
    User = get_user_model()
    deleted["accounts"] = User.objects.filter(username__in=[a.username for a in demo_accounts()]).delete()[1].get(
        User._meta.label, 0
    )
    audit(None, "demo.reset", None, extra=dict(deleted))
    return dict(deleted)
