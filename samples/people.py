"""Synthetic rosters of a Lạng Sơn unit (a district until 2025, a commune or ward, or the province itself), for the
demo inbox and for tests.

Nobody here is real: names are random combinations of common family, middle and given names, birth dates are
random, and any likeness to an actual cadre is a coincidence. Only the proportions aim at realism: bodies of the
usual size (the posts are ``samples.posts`` and ``samples.posts_2025``), an ethnic mix near the province's
population (Nùng 43 %, Tày 36 %, Kinh 16 %, Dao 4 %, Hoa, Sán Chay and Mông 1 %), women and under-40s a minority
that grows from 2015 to 2020 and 2025. Every value is written the way a clerk would, with spellings taken from the
seeds' names and aliases, so the reader has real variety to recognise. The same unit, date and ``seed`` always give
the same roster.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from samples.forms import Person, Roster
from samples.posts import Post, unit_posts
from samples.posts_2025 import commune_posts, province_posts
from samples.units import UnitRow, seed_rows, units

ETHNIC_MIX = {"Nùng": 43, "Tày": 36, "Kinh": 16, "Dao": 3.6, "Hoa": 0.5, "Sán Chay": 0.5, "HMông": 0.4}
# Seed aliases nobody writes in an official roster any more ("Mèo" is a slur, "Hán" archaic).
UNWRITTEN = {"Mèo", "Hán"}
MEDICAL_DEGREES = {"Bác sĩ", "Bác sỹ", "Dược sĩ"}
FAMILY = ("Hoàng",) * 6 + ("Nông",) * 4 + ("Lương", "Vi", "Bế", "Lăng", "Chu", "Đinh", "Triệu", "Lộc", "Hà",
          "Mạc", "Dương", "Nguyễn", "Nguyễn", "Trần", "Lý", "Hứa", "Đàm", "Lành")
MIDDLE = {"M": ("Văn",) * 6 + ("Đức", "Minh", "Quang", "Thanh", "Hữu", "Xuân", "Ngọc", "Tiến"),
          "F": ("Thị",) * 6 + ("Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Kim", "Thúy")}
GIVEN = {"M": ("Hùng", "Dũng", "Cường", "Tuấn", "Thắng", "Hải", "Long", "Sơn", "Bình", "Thành", "Quân", "Khánh",
               "Trung", "Nam", "Hưng", "Toàn", "Phong", "Vinh", "Lâm", "Tiến", "Hòa", "Đạt", "Kiên", "Huy", "Tùng",
               "Duy", "Lợi", "Chiến", "Thuận", "Quyết", "Mạnh", "Thủy", "Khoa", "Thụy"),
         "F": ("Yến", "Hương", "Lan", "Hoa", "Mai", "Huyền", "Thủy", "Hằng", "Nga", "Trang", "Thúy", "Hạnh", "Linh",
               "Phương", "Dung", "Loan", "Thảo", "Liên", "Nhung", "Vân", "Oanh", "Quyên", "Xuân", "Hòa", "Thoa",
               "Duyên", "Thắm", "Hiền", "Ngọc", "Chinh")}


@dataclass(frozen=True)
class Group:
    """How one kind of post is staffed: (2015, 2020, 2025) shares of women and under-40s, the youngest age, levels."""

    women: tuple[float, float, float]
    under_40: tuple[float, float, float]
    youngest: int
    education: dict[str, float]
    political_theory: dict[str, float]  # "" = no political theory training


GROUPS = {
    "standing": Group((0.10, 0.15, 0.18), (0.05, 0.08, 0.10), 36, {"master": 4, "university": 6}, {"advanced": 1}),
    "committee": Group((0.22, 0.28, 0.30), (0.12, 0.18, 0.20), 30, {"master": 2, "university": 8},
                       {"advanced": 7, "intermediate": 3}),
    "head": Group((0.22, 0.27, 0.30), (0.10, 0.14, 0.16), 30, {"master": 3, "university": 7},
                  {"advanced": 4, "intermediate": 6}),
    "deputy": Group((0.32, 0.38, 0.42), (0.18, 0.22, 0.25), 28, {"master": 1.5, "university": 8.5},
                    {"advanced": 1.5, "intermediate": 7, "elementary": 1, "": 0.5}),
    "commune_cadre": Group((0.22, 0.28, 0.30), (0.15, 0.20, 0.22), 25, {"university": 6, "college": 1,
                                                                         "intermediate": 2.5, "elementary": 0.5},
                           {"advanced": 0.5, "intermediate": 7.5, "elementary": 2}),
    "commune_civil_servant": Group((0.38, 0.45, 0.48), (0.22, 0.25, 0.28), 25, {"university": 6, "college": 1.5,
                                                                                 "intermediate": 2.5},
                                   {"intermediate": 2.5, "elementary": 4.5, "": 3}),
    # Members of a commune's Đảng ủy who hold no commune post: police, village party cells, school, health station.
    "commune_member": Group((0.15, 0.18, 0.20), (0.15, 0.18, 0.20), 27, {"university": 6, "college": 1,
                                                                         "intermediate": 3},
                            {"intermediate": 6, "elementary": 4}),
}


@dataclass(frozen=True)
class RosterKind:
    """What the roster of a unit of one level lists, and how its form is signed."""

    posts: Callable[[random.Random, UnitRow], list[Post]]
    spare_position: str  # the seat a bad row claims: a routine one in the roster's last office
    signed_for: str  # above the signature


KINDS = {
    "district": RosterKind(unit_posts, "Văn phòng - Thống kê", "TM. BAN THƯỜNG VỤ"),
    "commune": RosterKind(commune_posts, "Chuyên viên", "TM. ĐẢNG ỦY"),
    "province": RosterKind(province_posts, "Phó Trưởng phòng", "TM. TỈNH ỦY"),
}


def district_units() -> list[UnitRow]:
    """The district-level units of the units seed (valid until 30 June 2025), in seed order."""
    return units("district")


@cache
def _spellings(seed: str, key: str, name: str) -> dict[str, tuple[str, ...]]:
    """Seed code (or name) → its name and aliases, the name first."""
    return {row[key]: (row[name], *(a for a in row["aliases"].split(";") if a and a not in UNWRITTEN))
            for row in seed_rows(seed)}


def _spell(rng: random.Random, spellings: tuple[str, ...], plain: float = 0.75) -> str:
    return spellings[0] if len(spellings) == 1 or rng.random() < plain else rng.choice(spellings[1:])


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _flags(rng: random.Random, n: int, share: float) -> list[bool]:
    """``n`` flags of which round(n × share) are set, shuffled: small bodies get the intended share exactly."""
    flags = [i < round(n * share) for i in range(n)]
    rng.shuffle(flags)
    return flags


def _unit_roster_bodies() -> dict[str, tuple[str, ...]]:
    """The bodies a clerk writes, at every level, with their spellings: the province's own bodies share those
    words, and ingest tells them apart by the roster's unit. A clerk who drew a habit for every body of the seed
    would change every roster each time a body is added."""
    level = {row["body_code"]: row["roster_level"] for row in seed_rows("bodies.csv")}
    return {code: s for code, s in _spellings("bodies.csv", "body_code", "body_name").items() if level[code] == "unit"}


class Clerk:
    """Fills posts with invented people and writes them down the way a unit's clerk would."""

    def __init__(self, rng: random.Random, as_of: date, unit: UnitRow):
        self.rng, self.as_of, self.names = rng, as_of, set()
        self.period = max(0, min(2, (as_of.year - 2015) // 5))  # index into a Group's (2015, 2020, 2025) shares
        self.party_committee = unit.party_committee
        jitter = random.Random(f"unit-mix:{unit.code}")  # the same tilt in every year: a unit keeps its character
        self.ethnic_mix = {k: v * jitter.uniform(0.75, 1.3) for k, v in ETHNIC_MIX.items()}
        self.women_tilt = jitter.uniform(-0.04, 0.04)
        self.bodies = _unit_roster_bodies()
        # Each clerk has a habit: one spelling per body, kept for most rows.
        self.habit = {code: rng.choice(spellings) for code, spellings in self.bodies.items()}
        self.ethnic = _spellings("ethnic_groups.csv", "ethnic_name", "ethnic_name")
        self.education = _spellings("education_levels.csv", "education_code", "education_name")
        self.theory = _spellings("political_theory_levels.csv", "political_theory_code", "political_theory_name")

    def name(self, gender: str) -> str:
        """A full name not yet used in this roster, so no two rows are mistaken for one person."""
        while True:
            rng = self.rng
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
            if name not in self.names:
                self.names.add(name)
                return name

    def birth(self, age: int) -> date:
        """A birth date giving ``age`` completed years on the as-of date."""
        year_before = self.as_of.replace(year=self.as_of.year - age - 1)
        return year_before + timedelta(days=self.rng.randint(1, 365))

    def body(self, code: str) -> str:
        rng = self.rng
        text = self.habit[code] if rng.random() < 0.85 else rng.choice(self.bodies[code])
        if code.startswith("party_") and text.startswith(("Ủy viên", "UV")) and rng.random() < 0.3:
            text += " Đảng bộ" if code == "party_committee" else f" {self.party_committee}"
        return text

    def degree(self, code: str, medical: bool) -> str:
        """Doctors write their degree as "Bác sĩ", nobody else does."""
        spellings = tuple(s for s in self.education[code] if medical or s not in MEDICAL_DEGREES)
        return _spell(self.rng, spellings)

    def term(self) -> str:
        start, end = self.as_of.year, self.as_of.year + 5
        return self.rng.choice((f"{start}-{end}", f"{start}-{end}", f"{start} – {end}", f"NK {start}-{end}"))

    def person(self, post: Post, female: bool, young: bool) -> Person:
        rng, group = self.rng, GROUPS[post.group]
        gender = post.gender or ("F" if female else "M")
        age = rng.randint(group.youngest, 39) if young else round(rng.triangular(40, 60, 52))
        elected = "party_committee" in post.bodies
        theory = _pick(rng, group.political_theory)
        return Person(
            full_name=self.name(gender), birth=self.birth(age), gender=gender,
            ethnicity=_spell(rng, self.ethnic[_pick(rng, self.ethnic_mix)], plain=0.85),
            bodies=tuple(self.body(code) for code in sorted(post.bodies, key=_elected_first)),
            term=self.term() if elected else "",
            education=self.degree(_pick(rng, group.education), medical="Y tế" in post.organisation),
            political_theory=_spell(rng, self.theory[theory]) if theory else "",
            position=post.position, organisation=post.organisation,
            note="Tái cử" if elected and self.period > 0 and rng.random() < 0.5 else "",
        )

    def staff(self, posts: list[Post]) -> list[Person]:
        people: list[Person | None] = [None] * len(posts)
        for key, group in GROUPS.items():
            seats = [i for i, p in enumerate(posts) if p.group == key]
            women = _flags(self.rng, len(seats), group.women[self.period] + self.women_tilt)
            young = _flags(self.rng, len(seats), group.under_40[self.period])
            for seat, female, is_young in zip(seats, women, young):
                people[seat] = self.person(posts[seat], female, is_young)
        return people


def _elected_first(code: str) -> int:
    return 0 if code == "party_committee" else 1 if code == "party_standing_committee" else 2


def _training(rng: random.Random, as_of: date) -> tuple[tuple[int, str, str], ...]:
    metrics = _spellings("training_metrics.csv", "metric_code", "metric_name")
    rows = []
    for year in (as_of.year - 1, as_of.year):
        recruited, moved_up, trained = rng.randint(15, 60), rng.randint(2, 12), rng.randint(4000, 15000)
        written = f"{trained:,}".replace(",", ".") if rng.random() < 0.7 else str(trained)
        rows += [(year, _spell(rng, metrics["recruited_commune_civil_servants"]), str(recruited)),
                 (year, _spell(rng, metrics["commune_staff_moved_up"]), str(moved_up)),
                 (year, _spell(rng, metrics["training_participations"]), written)]
    return tuple(rows)


def synthetic_roster(unit: UnitRow, as_of: date, unit_title: str, with_training: bool = False,
                     bad_rows: dict[str, int] | None = None, seed: int = 457) -> Roster:
    """An invented roster of ``unit`` at ``as_of``, with ``bad_rows`` (reason code → count) mixed in.

    The unit's level decides what it lists (``KINDS``): a district its committees, departments and communes; a
    commune its Đảng ủy, cadres and civil servants; the province its own committees and its agencies' rooms.
    Bad rows are extra people with exactly one defect each, the kind the reader rejects with that reason code:
    missing_name, bad_birth_date, age_out_of_range, unknown_ethnicity, ambiguous_ethnicity_code, unknown_body,
    missing_gender. Good rows are distinct people (unique names), so none is a duplicate membership.
    """
    rng = random.Random(f"{seed}:{unit.code}:{as_of.isoformat()}")
    clerk, kind = Clerk(rng, as_of, unit), KINDS[unit.level]
    posts = kind.posts(rng, unit)
    people = clerk.staff(posts)
    signers = (clerk.name("F"), people[1].full_name)  # the clerk, and the deputy secretary who signs
    spare = Post(posts[-1].group, posts[-1].bodies, kind.spare_position, posts[-1].organisation)
    for reason, count in sorted((bad_rows or {}).items()):
        for _ in range(count):
            template = clerk.person(spare, rng.random() < 0.4, False)
            people.insert(rng.randint(1, len(people)), broken_person(template, reason, as_of))
    training = _training(rng, as_of) if with_training else ()
    return Roster(unit_title, as_of, tuple(people), training, signers, kind.signed_for)


def broken_person(person: Person, reason: str, as_of: date) -> Person:
    defects = {
        "missing_name": {"full_name": ""},
        "bad_birth_date": {"birth": "31/02/1980"},
        "age_out_of_range": {"birth": date(as_of.year - 85, 1, 1)},  # 85 completed years
        "unknown_ethnicity": {"ethnicity": "Kinh Tày"},
        "ambiguous_ethnicity_code": {"ethnicity": "7"},
        "unknown_body": {"bodies": ("Bí thư chi bộ",)},
        "missing_gender": {"gender": None},
    }
    if reason not in defects:
        raise ValueError(f"no demo defect for reason {reason!r}; known: {', '.join(defects)}")
    return replace(person, **defects[reason])
