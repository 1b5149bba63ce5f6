"""Synthetic rosters of a Lạng Sơn district-level unit, for the demo inbox and for tests.

Nobody here is real: names are random combinations of common family, middle and given names, birth dates are
random, and any likeness to an actual cadre is a coincidence. Only the proportions aim at realism: bodies of the
usual size, an ethnic mix near the province's population (Nùng 43 %, Tày 36 %, Kinh 16 %, Dao 4 %, Hoa, Sán Chay
and Mông 1 %), women and under-40s a minority that grows from 2015 to 2020. Every value is written the way a clerk
would, with spellings taken from the seeds' names and aliases, so the reader has real variety to recognise.
The same unit, date and ``seed`` always give the same roster.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from samples.forms import Person, Roster
from ingest.settings import load_settings

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
PLACE = ("Tân", "Hồng", "Bình", "Hòa", "Minh", "Quang", "Hùng", "Xuân", "Vân", "Yên", "Gia", "Thạch", "Đồng",
         "Khánh", "Hải", "Thụy", "Hợp", "Thanh", "Tú", "Nhạc", "Chi", "Mai", "Quốc", "Đào", "Song", "Hữu", "Thiện")
STANDING_POSITIONS = ("Bí thư {pc}", "Phó Bí thư Thường trực {pc}", "Phó Bí thư, Chủ tịch UBND {lv}",
                      "Trưởng Ban Tổ chức {pc}", "Chủ nhiệm UBKT {pc}", "Trưởng Ban Tuyên giáo {pc}",
                      "Trưởng Ban Dân vận {pc}", "Chánh Văn phòng {pc}", "Phó Chủ tịch UBND {lv}",
                      "Chủ tịch Ủy ban MTTQ {lv}", "Trưởng Công an {lv}", "Chỉ huy trưởng Ban CHQS {lv}",
                      "Phó Chủ tịch HĐND {lv}")
COMMITTEE_POSITIONS = ("Phó Chủ tịch UBND {lv}", "Chánh án TAND {lv}", "Viện trưởng VKSND {lv}", "Bí thư {yu}",
                       "Chủ tịch Hội LHPN {lv}", "Chủ tịch Hội Nông dân {lv}", "Chủ tịch Hội CCB {lv}",
                       "Chủ tịch LĐLĐ {lv}", "Phó Trưởng Ban Tổ chức {pc}", "Phó Chủ nhiệm UBKT {pc}",
                       "Phó Trưởng Ban Tuyên giáo {pc}", "Phó Trưởng Ban Dân vận {pc}", "Phó Chánh Văn phòng {pc}",
                       "Giám đốc Trung tâm Chính trị {lv}", "Phó Trưởng Công an {lv}",
                       "Phó Chỉ huy trưởng Ban CHQS {lv}", "Giám đốc Trung tâm Y tế {lv}", "Hiệu trưởng Trường THPT",
                       "Giám đốc Kho bạc {lv}",
                       "Chi cục trưởng Chi cục Thuế", "Giám đốc Ban QLDA {lv}", "Phó Chủ tịch Ủy ban MTTQ {lv}",
                       "Ủy viên UBKT {pc}", "Trưởng Ban Pháp chế HĐND {lv}")
DEPARTMENTS = ("Phòng Nội vụ", "Phòng Tài chính - Kế hoạch", "Phòng Giáo dục và Đào tạo",
               "Phòng Tài nguyên và Môi trường", "Phòng Lao động - TB&XH", "Phòng Văn hóa và Thông tin",
               "Phòng Y tế", "Phòng Tư pháp", "Phòng Kinh tế và Hạ tầng", "Phòng Nông nghiệp và PTNT", "Thanh tra",
               "Văn phòng HĐND và UBND", "Phòng Dân tộc", "Trung tâm Văn hóa, Thể thao", "Ban Quản lý dự án")
COMMUNE_CADRES = ("Bí thư Đảng ủy", "Chủ tịch UBND", "Phó Bí thư Đảng ủy", "Chủ tịch HĐND", "Phó Chủ tịch UBND",
                  "Chủ tịch Ủy ban MTTQ", "Chủ tịch Hội LHPN", "Chủ tịch Hội Nông dân", "Phó Chủ tịch HĐND",
                  "Bí thư Đoàn TN", "Chủ tịch Hội CCB")
COMMUNE_CIVIL_SERVANTS = ("Chỉ huy trưởng Quân sự", "Văn phòng - Thống kê", "Địa chính - Xây dựng",
                          "Tài chính - Kế toán", "Tư pháp - Hộ tịch", "Văn hóa - Xã hội", "Văn phòng - Thống kê",
                          "Địa chính - Nông nghiệp", "Tư pháp - Hộ tịch", "Văn hóa - Xã hội", "Tài chính - Kế toán")


@dataclass(frozen=True)
class Group:
    """How one kind of post is staffed: (2015, 2020) shares of women and under-40s, the youngest age, levels."""

    women: tuple[float, float]
    under_40: tuple[float, float]
    youngest: int
    education: dict[str, float]
    political_theory: dict[str, float]  # "" = no political theory training


GROUPS = {
    "standing": Group((0.10, 0.15), (0.05, 0.08), 36, {"master": 4, "university": 6}, {"advanced": 1}),
    "committee": Group((0.22, 0.28), (0.12, 0.18), 30, {"master": 2, "university": 8},
                       {"advanced": 7, "intermediate": 3}),
    "head": Group((0.22, 0.27), (0.10, 0.14), 30, {"master": 3, "university": 7}, {"advanced": 4, "intermediate": 6}),
    "deputy": Group((0.32, 0.38), (0.18, 0.22), 28, {"master": 1.5, "university": 8.5},
                    {"advanced": 1.5, "intermediate": 7, "elementary": 1, "": 0.5}),
    "commune_cadre": Group((0.22, 0.28), (0.15, 0.20), 25, {"university": 6, "college": 1, "intermediate": 2.5,
                                                             "elementary": 0.5},
                           {"advanced": 0.5, "intermediate": 7.5, "elementary": 2}),
    "commune_civil_servant": Group((0.38, 0.45), (0.22, 0.25), 25, {"university": 6, "college": 1.5,
                                                                     "intermediate": 2.5},
                                   {"intermediate": 2.5, "elementary": 4.5, "": 3}),
}


@dataclass(frozen=True)
class Post:
    """A seat to fill before we know who sits in it."""

    group: str
    bodies: tuple[str, ...]  # body codes of the seed
    position: str
    organisation: str
    gender: str | None = None  # forced for posts held by one sex by statute (Hội LHPN)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    short_name: str
    aliases: tuple[str, ...]

    @property
    def is_city(self) -> bool:
        return self.name.startswith("Thành phố")


def _seed_rows(name: str) -> list[dict[str, str]]:
    with (load_settings().seeds / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def district_units() -> list[UnitRow]:
    """The district-level units of the units seed, in seed order."""
    return [UnitRow(r["unit_code"], r["unit_name"], r["short_name"], tuple(a for a in r["aliases"].split(";") if a))
            for r in _seed_rows("units.csv") if r["unit_level"] == "district"]


@cache
def _spellings(seed: str, key: str, name: str) -> dict[str, tuple[str, ...]]:
    """Seed code (or name) → its name and aliases, the name first."""
    return {row[key]: (row[name], *(a for a in row["aliases"].split(";") if a and a not in UNWRITTEN))
            for row in _seed_rows(seed)}


def _spell(rng: random.Random, spellings: tuple[str, ...], plain: float = 0.75) -> str:
    return spellings[0] if len(spellings) == 1 or rng.random() < plain else rng.choice(spellings[1:])


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _flags(rng: random.Random, n: int, share: float) -> list[bool]:
    """``n`` flags of which round(n × share) are set, shuffled: small bodies get the intended share exactly."""
    flags = [i < round(n * share) for i in range(n)]
    rng.shuffle(flags)
    return flags


def _head_title(department: str) -> str:
    if department.startswith("Phòng"):
        return "Trưởng phòng"
    if department == "Thanh tra":
        return "Chánh Thanh tra"
    return "Chánh Văn phòng" if department.startswith("Văn phòng") else "Giám đốc"


def unit_posts(rng: random.Random, unit: UnitRow) -> list[Post]:
    pc = "Thành ủy" if unit.is_city else "Huyện ủy"
    fill = {"pc": pc, "lv": "thành phố" if unit.is_city else "huyện",
            "yu": "Thành đoàn" if unit.is_city else "Huyện đoàn"}
    district = unit.name.removeprefix("Thành phố ").removeprefix("Huyện ")
    committee, standing = rng.randint(33, 45), rng.randint(11, 13)
    heads_in_committee, secretaries_in_committee = rng.randint(4, 7), rng.randint(6, 10)
    posts = [Post("standing", ("party_committee", "party_standing_committee"), p.format(**fill), f"{pc} {district}")
             for p in STANDING_POSITIONS[:standing]]
    others = committee - standing - heads_in_committee - secretaries_in_committee
    posts += [Post("committee", ("party_committee",), p.format(**fill), unit.name)
              for p in COMMITTEE_POSITIONS[:others]]
    departments = DEPARTMENTS[: rng.randint(12, 15)]
    posts += [Post("head", ("department_head",) + (("party_committee",) if i < heads_in_committee else ()),
                   _head_title(d), d) for i, d in enumerate(departments)]
    deputies = rng.randint(20, min(25, 2 * len(departments)))
    posts += [Post("deputy", ("department_deputy",), f"Phó {_head_title(d)}", d)
              for d in (departments * 2)[:deputies]]
    places = rng.sample([f"{a} {b}" for a in PLACE for b in PLACE if a != b], rng.randint(15, 25))
    for i, place in enumerate(places):
        commune = f"{'Phường' if unit.is_city and i % 3 == 0 else 'Xã'} {place}"
        for j, position in enumerate(COMMUNE_CADRES[: rng.randint(8, 11)]):
            bodies = ("commune_cadre",) + (("party_committee",) if j == 0 and i < secretaries_in_committee else ())
            posts.append(Post("commune_cadre", bodies, position, commune, "F" if "LHPN" in position else None))
        posts += [Post("commune_civil_servant", ("commune_civil_servant",), p, commune)
                  for p in COMMUNE_CIVIL_SERVANTS[: rng.randint(8, 11)]]
    return posts


class Clerk:
    """Fills posts with invented people and writes them down the way a district clerk would."""

    def __init__(self, rng: random.Random, as_of: date, unit: UnitRow):
        self.rng, self.as_of, self.names = rng, as_of, set()
        self.later = 1 if as_of.year >= 2020 else 0
        self.party_committee = "Thành ủy" if unit.is_city else "Huyện ủy"
        jitter = random.Random(f"unit-mix:{unit.code}")  # the same tilt in every year: a unit keeps its character
        self.ethnic_mix = {k: v * jitter.uniform(0.75, 1.3) for k, v in ETHNIC_MIX.items()}
        self.women_tilt = jitter.uniform(-0.04, 0.04)
        self.bodies = _spellings("bodies.csv", "body_code", "body_name")
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
            note="Tái cử" if elected and self.later and rng.random() < 0.5 else "",
        )

    def staff(self, posts: list[Post]) -> list[Person]:
        people: list[Person | None] = [None] * len(posts)
        for key, group in GROUPS.items():
            seats = [i for i, p in enumerate(posts) if p.group == key]
            women = _flags(self.rng, len(seats), group.women[self.later] + self.women_tilt)
            young = _flags(self.rng, len(seats), group.under_40[self.later])
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

    Bad rows are extra people with exactly one defect each, the kind the reader rejects with that reason code:
    missing_name, bad_birth_date, age_out_of_range, unknown_ethnicity, ambiguous_ethnicity_code, unknown_body,
    missing_gender. Good rows are distinct people (unique names), so none is a duplicate membership.
    """
    rng = random.Random(f"{seed}:{unit.code}:{as_of.isoformat()}")
    clerk = Clerk(rng, as_of, unit)
    people = clerk.staff(unit_posts(rng, unit))
    signers = (clerk.name("F"), people[1].full_name)  # the clerk, and the deputy secretary who signs
    for reason, count in sorted((bad_rows or {}).items()):
        for _ in range(count):
            template = clerk.person(Post("commune_civil_servant", ("commune_civil_servant",), "Văn phòng - Thống kê",
                                         people[-1].organisation), rng.random() < 0.4, False)
            people.insert(rng.randint(1, len(people)), broken_person(template, reason, as_of))
    training = _training(rng, as_of) if with_training else ()
    return Roster(unit_title, as_of, tuple(people), training, signers)


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
