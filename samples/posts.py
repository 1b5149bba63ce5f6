"""The posts a roster lists before anyone fills them: the seats of a Lạng Sơn district-level unit (until 2025).

A district's roster lists its Ban Chấp hành and Ban Thường vụ, its department heads and deputies, and the cadres
and civil servants of the communes below it. The posts of the two-level government (communes and the province's own
bodies, from 1 July 2025) are ``samples.posts_2025``. Who sits in a post, and how the clerk writes them, is
``samples.people``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from samples.units import UnitRow

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
class Post:
    """A seat to fill before we know who sits in it."""

    group: str
    bodies: tuple[str, ...]  # body codes of the seed
    position: str
    organisation: str
    gender: str | None = None  # forced for posts held by one sex by statute (Hội LHPN)


def _head_title(department: str) -> str:
    if department.startswith("Phòng"):
        return "Trưởng phòng"
    if department == "Thanh tra":
        return "Chánh Thanh tra"
    return "Chánh Văn phòng" if department.startswith("Văn phòng") else "Giám đốc"


def unit_posts(rng: random.Random, unit: UnitRow) -> list[Post]:
    """The posts of a district's roster: Ban Chấp hành (33–45, Ban Thường vụ 11–13 of them), 12–15 departments with
    their heads and 20–25 deputies, and 15–25 communes with their cadres and civil servants."""
    pc = unit.party_committee
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
