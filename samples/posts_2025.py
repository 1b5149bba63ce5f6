"""The posts of the two-level government (from 1 July 2025): a commune's or ward's roster, and the province's own.

A commune's roster lists its Đảng ủy (15–33 members, a Ban Thường vụ of 5–11 among them), its cadres (cán bộ cấp xã:
the elected posts of the party, HĐND, UBND and the Mặt trận) and its civil servants (công chức cấp xã: the offices
the reform gave every commune). Most of its committee are cadres or heads of those offices, as in a real Đảng ủy;
the others are the police chief and the military commander, and secretaries of village party cells. The province's
roster lists its Ban Chấp hành (52, a Ban Thường vụ of 14) and the heads and deputies of the rooms (phòng) of its
agencies. The clerk writes the province's posts with the unit-level bodies' words ("UV BCH", "Trưởng phòng"):
ingest reads them as the province's bodies because the roster's unit is the province.
"""

from __future__ import annotations

import random

from samples.posts import Post
from samples.units import UnitRow

ELECTED = ("party_committee",)
STANDING = ("party_committee", "party_standing_committee")
# (position, what else the holder is: cadre | civil_servant | "" for neither); {lv} is xã or phường.
COMMUNE_STANDING = (
    ("Bí thư Đảng ủy {lv}", "cadre"), ("Phó Bí thư Thường trực Đảng ủy, Chủ tịch HĐND {lv}", "cadre"),
    ("Phó Bí thư Đảng ủy, Chủ tịch UBND {lv}", "cadre"), ("Chủ tịch Ủy ban MTTQ {lv}", "cadre"),
    ("Chủ nhiệm Ủy ban Kiểm tra Đảng ủy", "cadre"), ("Phó Chủ tịch Thường trực UBND {lv}", "cadre"),
    ("Trưởng Công an {lv}", ""), ("Trưởng Ban Xây dựng Đảng", "cadre"), ("Chỉ huy trưởng Ban CHQS {lv}", ""),
    ("Chánh Văn phòng Đảng ủy", "civil_servant"), ("Phó Chủ tịch HĐND {lv}", "cadre"),
)
COMMUNE_COMMITTEE = (
    ("Phó Chủ tịch UBND {lv}", "cadre"), ("Phó Chủ tịch HĐND {lv}", "cadre"),
    ("Phó Chủ tịch Ủy ban MTTQ {lv}, Chủ tịch Hội LHPN", "cadre"), ("Chánh Văn phòng HĐND và UBND", "civil_servant"),
    ("Trưởng {economy}", "civil_servant"), ("Trưởng phòng Văn hóa - Xã hội", "civil_servant"),
    ("Phó Chủ tịch Ủy ban MTTQ {lv}, Chủ tịch Hội Nông dân", "cadre"),
    ("Phó Chủ tịch Ủy ban MTTQ {lv}, Bí thư Đoàn TN", "cadre"), ("Phó Trưởng Công an {lv}", ""),
    ("Phó Chủ nhiệm Ủy ban Kiểm tra Đảng ủy", "civil_servant"), ("Phó Trưởng Ban Xây dựng Đảng", "civil_servant"),
    ("Giám đốc Trung tâm Phục vụ hành chính công", "civil_servant"),
    ("Phó Chủ tịch Ủy ban MTTQ {lv}, Chủ tịch Hội CCB", "cadre"), ("Trạm trưởng Trạm Y tế {lv}", ""),
    ("Hiệu trưởng Trường THCS {name}", ""),
)
BODIES = {"cadre": ("commune_cadre",), "civil_servant": ("commune_civil_servant",), "": ()}
GROUPS = {"cadre": "commune_cadre", "civil_servant": "commune_civil_servant", "": "commune_member"}
# The offices of a commune after the reform (a ward's economic office also runs its infrastructure) and the title
# of their deputies; a deputy of the inspection committee sits in the committee already.
COMMUNE_OFFICES = (("Văn phòng HĐND và UBND", "Phó Chánh Văn phòng"), ("{economy}", "Phó Trưởng phòng"),
                   ("Phòng Văn hóa - Xã hội", "Phó Trưởng phòng"),
                   ("Trung tâm Phục vụ hành chính công", "Phó Giám đốc"), ("Văn phòng Đảng ủy", "Phó Chánh Văn phòng"),
                   ("Ban Xây dựng Đảng", "Phó Trưởng Ban"), ("Ủy ban Kiểm tra Đảng ủy", None))
ECONOMY = {"xã": "Phòng Kinh tế", "phường": "Phòng Kinh tế, Hạ tầng và Đô thị"}
VILLAGE = (("Nà", "Khuổi", "Bản", "Pò", "Khòn", "Phai", "Còn", "Lũng", "Nặm", "Pác", "Kéo", "Khau"),
           ("Pàn", "Rặc", "Slam", "Mò", "Lẹng", "Cáy", "Tấu", "Khiếc", "Đon", "Vài", "Lầy", "Làng", "Thin", "Phiêng"))


def commune_posts(rng: random.Random, unit: UnitRow) -> list[Post]:
    """The posts of a commune's or ward's roster: its Đảng ủy (15–33, 5–11 of them standing), 1–3 cadres outside
    it, and the civil servants of its seven offices (a deputy or two and 1–9 specialists each)."""
    lv = unit.unit_type
    fill = {"lv": lv, "economy": ECONOMY[lv], "name": unit.short_name}
    committee = rng.randint(15, 33)
    standing = rng.randint(5, min(11, committee // 3))
    party = f"Đảng ủy {lv} {unit.short_name}"
    posts = [Post("standing", STANDING + BODIES[kind], position.format(**fill), party, _sex(position))
             for position, kind in COMMUNE_STANDING[:standing]]
    members = COMMUNE_COMMITTEE[: committee - standing]
    posts += [Post(GROUPS[kind], ELECTED + BODIES[kind], position.format(**fill), unit.name, _sex(position))
              for position, kind in members]
    villages = rng.sample([f"{a} {b}" for a in VILLAGE[0] for b in VILLAGE[1]], committee - standing - len(members))
    posts += [Post("commune_member", ELECTED, f"Bí thư Chi bộ thôn {v}", f"Chi bộ thôn {v}") for v in villages]
    posts += [Post("commune_cadre", BODIES["cadre"], f"Phó Chủ tịch Ủy ban MTTQ {lv}", f"Ủy ban MTTQ {lv}")
              for _ in range(rng.randint(1, 3))]
    for office, deputy in COMMUNE_OFFICES:
        office = office.format(**fill)
        titles = [deputy] * (rng.randint(1, 2) if deputy else 0) + ["Chuyên viên"] * rng.randint(1, 9)
        posts += [Post("commune_civil_servant", BODIES["civil_servant"], t, office) for t in titles]
    return posts


def _sex(position: str) -> str | None:
    return "F" if "LHPN" in position else None


PROVINCE_STANDING = (
    "Bí thư Tỉnh ủy", "Phó Bí thư Thường trực Tỉnh ủy", "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh",
    "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh", "Trưởng Ban Tổ chức Tỉnh ủy", "Chủ nhiệm UBKT Tỉnh ủy",
    "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy", "Chánh Văn phòng Tỉnh ủy", "Chủ tịch Ủy ban MTTQ tỉnh",
    "Phó Chủ tịch Thường trực UBND tỉnh", "Giám đốc Công an tỉnh", "Chỉ huy trưởng Bộ CHQS tỉnh",
    "Bí thư Đảng ủy UBND tỉnh", "Bí thư Đảng ủy các cơ quan Đảng tỉnh",
)
PROVINCE_COMMITTEE = (
    ("Phó Chủ tịch UBND tỉnh",) * 3 + ("Phó Chủ tịch HĐND tỉnh",) * 2
    + ("Phó Trưởng Ban Tổ chức Tỉnh ủy", "Phó Chủ nhiệm UBKT Tỉnh ủy", "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
       "Phó Chánh Văn phòng Tỉnh ủy")
    + tuple(f"Giám đốc Sở {s}" for s in ("Nội vụ", "Tài chính", "Giáo dục và Đào tạo", "Y tế", "Xây dựng",
                                         "Nông nghiệp và Môi trường", "Công Thương", "Khoa học và Công nghệ",
                                         "Văn hóa, Thể thao và Du lịch", "Tư pháp", "Dân tộc và Tôn giáo", "Ngoại vụ"))
    + ("Chánh Thanh tra tỉnh", "Chánh án TAND tỉnh", "Viện trưởng VKSND tỉnh", "Chánh Văn phòng UBND tỉnh",
       "Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Trưởng Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn",
       "Hiệu trưởng Trường Chính trị Hoàng Văn Thụ", "Phó Giám đốc Công an tỉnh", "Phó Chỉ huy trưởng Bộ CHQS tỉnh",
       "Chỉ huy trưởng Bộ Chỉ huy BĐBP tỉnh", "Phó Chủ tịch Ủy ban MTTQ tỉnh, Chủ tịch Hội LHPN tỉnh",
       "Phó Chủ tịch Ủy ban MTTQ tỉnh, Bí thư Tỉnh đoàn", "Phó Chủ tịch Ủy ban MTTQ tỉnh, Chủ tịch Hội Nông dân tỉnh",
       "Phó Chủ tịch Ủy ban MTTQ tỉnh, Chủ tịch LĐLĐ tỉnh", "Trưởng Ban Kinh tế - Ngân sách HĐND tỉnh",
       "Chủ tịch Liên minh Hợp tác xã tỉnh",
       "Tổng Biên tập Báo và Phát thanh, Truyền hình Lạng Sơn")
)
AGENCY_ROOMS = {
    "Sở Nội vụ": ("Phòng Tổ chức, biên chế", "Phòng Công chức, viên chức", "Phòng Xây dựng chính quyền",
                  "Phòng Lao động - Việc làm"),
    "Sở Tài chính": ("Phòng Quản lý ngân sách", "Phòng Tài chính doanh nghiệp", "Phòng Đăng ký kinh doanh",
                     "Phòng Tổng hợp, quy hoạch"),
    "Sở Giáo dục và Đào tạo": ("Phòng Giáo dục phổ thông", "Phòng Giáo dục mầm non", "Phòng Tổ chức cán bộ",
                               "Phòng Quản lý chất lượng"),
    "Sở Y tế": ("Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược", "Phòng Kế hoạch - Tài chính", "Phòng Bảo trợ xã hội"),
    "Sở Nông nghiệp và Môi trường": ("Phòng Trồng trọt và Bảo vệ thực vật", "Phòng Chăn nuôi và Thú y",
                                     "Phòng Quản lý đất đai", "Phòng Môi trường", "Phòng Kế hoạch - Tài chính"),
    "Sở Xây dựng": ("Phòng Quy hoạch - Kiến trúc", "Phòng Quản lý giao thông", "Phòng Kinh tế xây dựng"),
    "Sở Công Thương": ("Phòng Quản lý thương mại", "Phòng Quản lý công nghiệp", "Phòng Kinh tế cửa khẩu"),
    "Sở Văn hóa, Thể thao và Du lịch": ("Phòng Quản lý văn hóa", "Phòng Quản lý du lịch",
                                        "Phòng Quản lý thể dục thể thao"),
    "Sở Khoa học và Công nghệ": ("Phòng Chuyển đổi số", "Phòng Quản lý khoa học", "Phòng Bưu chính, viễn thông"),
    "Sở Tư pháp": ("Phòng Xây dựng và kiểm tra văn bản", "Phòng Hành chính tư pháp", "Phòng Bổ trợ tư pháp"),
    "Sở Dân tộc và Tôn giáo": ("Phòng Chính sách dân tộc", "Phòng Tôn giáo"),
    "Thanh tra tỉnh": ("Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Phòng Nghiệp vụ 3"),
    "Văn phòng UBND tỉnh": ("Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Khoa giáo - Văn xã", "Phòng Nội chính"),
    "Ban Tổ chức Tỉnh ủy": ("Phòng Tổ chức đảng, đảng viên", "Phòng Tổ chức cán bộ", "Phòng Bảo vệ chính trị"),
}
# Every agency but the two offices has a Văn phòng of its own, headed by a Chánh Văn phòng.
ROOMS = tuple((room, agency) for agency, rooms in AGENCY_ROOMS.items()
              for room in (() if agency.startswith(("Văn phòng", "Ban")) else ("Văn phòng",)) + rooms)


def province_posts(rng: random.Random, unit: UnitRow) -> list[Post]:
    """The posts of the province's own roster: the Ban Chấp hành 2025–2030 (52, of them 14 standing), a head for
    each of the ~60 rooms of its agencies and 90–110 deputies."""
    posts = [Post("standing", STANDING, p, f"{unit.party_committee} {unit.short_name}") for p in PROVINCE_STANDING]
    posts += [Post("committee", ELECTED, p, unit.name, _sex(p)) for p in PROVINCE_COMMITTEE]
    heads = [("Chánh Văn phòng" if room == "Văn phòng" else "Trưởng phòng", f"{room}, {agency}")
             for room, agency in ROOMS]
    posts += [Post("head", ("department_head",), title, office) for title, office in heads]
    posts += [Post("deputy", ("department_deputy",), f"Phó {title}", office)
              for title, office in (heads * 2)[: rng.randint(90, 110)]]
    return posts
