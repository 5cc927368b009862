"""Lists behind the demo province: agencies, staff profiles (positions, ranks, target groups) and names.

Agency codes follow QCVN 102:2016 (`level4.level3.level2.H55`, H55 = Thái Nguyên):
  000.00.00.H55   the province (UBND tỉnh)
  000.00.NN.H55   provincial departments, agencies and Party/union bodies (NN = 01..19, 40, 41)
  000.MM.NN.H55   their divisions and public service units (MM = 01..)
  0KK.MM.NN.H55   one level further down (hospital wards, faculties)
  000.MM.30.H55   communes and wards (level-2 block 30 = commune level; MM in official admin-code order)
  0KK.MM.30.H55   offices, schools and the health station of commune MM
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PROVINCE_NAME = "Tỉnh Thái Nguyên"
PROVINCE_CODE = "000.00.00.H55"
PROVINCE_ADMIN_CODE = "19"
PROVINCE_LETTER = "H55"
COMMUNE_BLOCK = 30

# The province as it is now was formed on 1 July 2025 (Thái Nguyên + Bắc Kạn, districts abolished):
# every provincial agency and every commune-level unit dates from then.
REORGANISED_ON = dt.date(2025, 7, 1)
REORGANISATION_NOTE = "Sắp xếp tổ chức bộ máy, hợp nhất tỉnh Thái Nguyên và tỉnh Bắc Kạn từ 01/07/2025"

# The demo reorganisation: two centres of the Department of Science and Technology become one.
MERGE_DEPARTMENT = "Sở Khoa học và Công nghệ"
MERGE_SOURCES = (
    "Trung tâm Công nghệ thông tin và Truyền thông",
    "Trung tâm Thông tin và Ứng dụng khoa học công nghệ",
)
MERGE_TARGET = "Trung tâm Chuyển đổi số và Ứng dụng khoa học công nghệ"
MERGE_ON = dt.date(2026, 1, 1)
MERGE_NOTE = "Hợp nhất theo Quyết định của UBND tỉnh về sắp xếp đơn vị sự nghiệp công lập"

# Every person joined or transferred on or before this day, so the merge never precedes a membership.
LAST_HIRE = dt.date(2025, 12, 15)
TRANSFER_WINDOW = (dt.date(2025, 9, 1), dt.date(2026, 10, 31))


@dataclass(frozen=True)
class Spec:
    """One unit of the demo tree, with its children."""

    name: str
    kind: str
    profile: str
    short_name: str = ""
    head: str = ""  # title of the head when the name does not tell it
    established: dt.date | None = None  # units older than the 2025 reorganisation
    children: tuple[Spec, ...] = field(default_factory=tuple)


def _div(name: str, profile: str = "division", **extra) -> Spec:
    return Spec(name, "division", profile, **extra)


def _psu(name: str, profile: str = "psu", **extra) -> Spec:
    return Spec(name, "public_service", profile, **extra)


def _office_set(*names: str) -> tuple[Spec, ...]:
    return tuple(_div(n, "inspection" if n.startswith("Thanh tra") else "division") for n in names)


def _hospital(name: str, wards: tuple[str, ...], year: int) -> Spec:
    return Spec(
        name, "hospital", "hospital", established=dt.date(year, 1, 1),
        children=tuple(Spec(w, "other", "hospital_ward", established=dt.date(year, 1, 1)) for w in wards),
    )


def _upper_secondary(name: str, year: int) -> Spec:
    return Spec(name, "school", "school_thpt", established=dt.date(year, 9, 1))


# (level-2 code, spec). Names are those in use after 1 July 2025.
AGENCIES: tuple[tuple[int, Spec], ...] = (
    (1, Spec("Văn phòng UBND tỉnh", "department", "department", short_name="VP UBND tỉnh", head="Chánh Văn phòng",
             children=(*_office_set("Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Khoa giáo - Văn xã", "Phòng Nội chính",
                                    "Phòng Hành chính - Tổ chức", "Phòng Quản trị - Tài vụ"),
                       _psu("Trung tâm Phục vụ hành chính công tỉnh"),
                       _psu("Trung tâm Thông tin - Cổng thông tin điện tử tỉnh", "psu_it")))),
    (2, Spec("Sở Nội vụ", "department", "department", short_name="SNV",
             children=(*_office_set("Văn phòng Sở", "Thanh tra Sở",
                                    "Phòng Tổ chức, biên chế và Tổ chức phi chính phủ",
                                    "Phòng Xây dựng chính quyền và Công tác thanh niên",
                                    "Phòng Cải cách hành chính và Văn thư, lưu trữ",
                                    "Phòng Lao động - Việc làm và Bảo hiểm xã hội",
                                    "Ban Thi đua - Khen thưởng"),
                       _psu("Trung tâm Dịch vụ việc làm"), _psu("Trung tâm Lưu trữ lịch sử")))),
    (3, Spec("Sở Tư pháp", "department", "department", short_name="STP",
             children=(*_office_set("Văn phòng Sở", "Phòng Xây dựng, kiểm tra và Theo dõi thi hành pháp luật",
                                    "Phòng Hành chính tư pháp và Bổ trợ tư pháp"),
                       _psu("Trung tâm Trợ giúp pháp lý nhà nước"),
                       _psu("Phòng Công chứng số 1", head="Trưởng phòng")))),
    (4, Spec("Sở Tài chính", "department", "department", short_name="STC",
             children=(*_office_set("Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý ngân sách",
                                    "Phòng Quản lý giá và công sản", "Phòng Quản lý đầu tư",
                                    "Phòng Doanh nghiệp, kinh tế tập thể và tư nhân"),
                       _psu("Trung tâm Xúc tiến đầu tư")))),
    (5, Spec("Sở Công Thương", "department", "department", short_name="SCT",
             children=(*_office_set("Văn phòng Sở", "Phòng Quản lý công nghiệp", "Phòng Quản lý thương mại",
                                    "Phòng Kỹ thuật an toàn và Năng lượng"),
                       _psu("Trung tâm Khuyến công và Xúc tiến thương mại")))),
    (6, Spec("Sở Nông nghiệp và Môi trường", "department", "department", short_name="SNNMT",
             children=(*_office_set("Văn phòng Sở", "Phòng Trồng trọt, Chăn nuôi và Thủy sản",
                                    "Phòng Quản lý đất đai", "Phòng Môi trường"),
                       _div("Chi cục Kiểm lâm"), _div("Chi cục Thủy lợi"),
                       _psu("Trung tâm Khuyến nông"),
                       _psu("Văn phòng Đăng ký đất đai", head="Giám đốc Văn phòng Đăng ký đất đai")))),
    (7, Spec("Sở Xây dựng", "department", "department", short_name="SXD",
             children=(*_office_set("Văn phòng Sở", "Phòng Quản lý xây dựng", "Phòng Quy hoạch - Kiến trúc",
                                    "Phòng Quản lý vận tải, phương tiện và người lái"),
                       _psu("Trung tâm Giám định chất lượng xây dựng")))),
    (8, Spec("Sở Khoa học và Công nghệ", "department", "department", short_name="SKHCN",
             children=(*_office_set("Văn phòng Sở", "Phòng Kế hoạch - Tài chính",
                                    "Phòng Quản lý khoa học và Công nghệ"),
                       _div("Phòng Chuyển đổi số", "division_it"),
                       _div("Phòng Bưu chính, Viễn thông và Công nghệ thông tin", "division_it"),
                       _psu("Trung tâm Công nghệ thông tin và Truyền thông", "psu_it"),
                       _psu("Trung tâm Thông tin và Ứng dụng khoa học công nghệ"),
                       _psu("Trung tâm Kỹ thuật Tiêu chuẩn - Đo lường - Chất lượng")))),
    (9, Spec("Sở Giáo dục và Đào tạo", "department", "department", short_name="SGDĐT",
             children=(*_office_set("Văn phòng Sở", "Thanh tra Sở", "Phòng Giáo dục phổ thông",
                                    "Phòng Giáo dục mầm non và Giáo dục thường xuyên", "Phòng Tổ chức cán bộ",
                                    "Phòng Khảo thí và Quản lý chất lượng giáo dục"),
                       _upper_secondary("Trường THPT Chuyên Thái Nguyên", 1988),
                       _upper_secondary("Trường THPT Lương Ngọc Quyến", 1945),
                       _upper_secondary("Trường THPT Gang Thép", 1966),
                       _upper_secondary("Trường THPT Ngô Quyền", 1963),
                       _upper_secondary("Trường THPT Chuyên Bắc Kạn", 1991),
                       _upper_secondary("Trường THPT Phổ Yên", 1961)))),
    (10, Spec("Sở Y tế", "department", "department", short_name="SYT",
              children=(*_office_set("Văn phòng Sở", "Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược",
                                     "Phòng Kế hoạch - Tài chính"),
                        _div("Chi cục Dân số"),
                        _hospital("Bệnh viện A Thái Nguyên",
                                  ("Khoa Nội", "Khoa Ngoại", "Khoa Nhi", "Khoa Cấp cứu", "Khoa Hồi sức tích cực"),
                                  1951),
                        _hospital("Bệnh viện C Thái Nguyên", ("Khoa Nội", "Khoa Sản", "Khoa Truyền nhiễm"), 1963),
                        _hospital("Bệnh viện Đa khoa Bắc Kạn", ("Khoa Nội", "Khoa Ngoại"), 1997),
                        _psu("Trung tâm Kiểm soát bệnh tật tỉnh", "psu_health")))),
    (11, Spec("Sở Văn hóa, Thể thao và Du lịch", "department", "department", short_name="SVHTTDL",
              children=(*_office_set("Văn phòng Sở", "Phòng Quản lý văn hóa và Gia đình",
                                     "Phòng Quản lý thể dục thể thao", "Phòng Quản lý du lịch"),
                        _psu("Bảo tàng tỉnh", head="Giám đốc Bảo tàng"),
                        _psu("Thư viện tỉnh", head="Giám đốc Thư viện"),
                        _psu("Trung tâm Văn hóa nghệ thuật tỉnh")))),
    (12, Spec("Sở Dân tộc và Tôn giáo", "department", "department", short_name="SDTTG",
              children=_office_set("Văn phòng Sở", "Phòng Chính sách dân tộc", "Phòng Quản lý tôn giáo"))),
    (13, Spec("Thanh tra tỉnh", "department", "department",
              children=(_div("Văn phòng Thanh tra tỉnh"), _div("Phòng Nghiệp vụ 1", "inspection"),
                        _div("Phòng Nghiệp vụ 2", "inspection"),
                        _div("Phòng Tiếp công dân và Xử lý đơn thư", "inspection")))),
    (14, Spec("Ban Quản lý các khu công nghiệp tỉnh", "department", "department", short_name="BQL KCN",
              children=_office_set("Văn phòng Ban", "Phòng Quản lý đầu tư", "Phòng Quản lý doanh nghiệp",
                                   "Phòng Quản lý quy hoạch và Xây dựng"))),
    (15, Spec("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "department", "department", head="Chánh Văn phòng",
              children=_office_set("Phòng Công tác Quốc hội", "Phòng Công tác HĐND",
                                   "Phòng Hành chính, Tổ chức và Quản trị"))),
    (16, Spec("Ban Quản lý dự án đầu tư xây dựng tỉnh", "public_service", "psu", head="Giám đốc",
              children=_office_set("Phòng Hành chính - Tổng hợp", "Phòng Kế hoạch - Tài chính",
                                   "Phòng Quản lý dự án 1"))),
    (17, Spec("Báo và Phát thanh, Truyền hình Thái Nguyên", "public_service", "media", head="Tổng Biên tập",
              children=_office_set("Phòng Thời sự", "Phòng Chuyên đề", "Phòng Kỹ thuật - Công nghệ"))),
    (18, Spec("Trường Cao đẳng Thái Nguyên", "public_service", "college", established=dt.date(2010, 9, 1),
              children=(_div("Phòng Đào tạo"), _div("Khoa Kinh tế", "college"), _div("Khoa Kỹ thuật", "college")))),
    (19, Spec("Vườn Quốc gia Ba Bể", "public_service", "psu", head="Giám đốc", established=dt.date(1992, 11, 10),
              children=(_div("Phòng Hành chính - Tổng hợp"), _div("Hạt Kiểm lâm", head="Hạt trưởng")))),
    (40, Spec("Tỉnh ủy Thái Nguyên", "party_union", "party", head="Bí thư Tỉnh ủy",
              children=(Spec("Văn phòng Tỉnh ủy", "party_union", "party"),
                        Spec("Ban Tổ chức Tỉnh ủy", "party_union", "party"),
                        Spec("Ban Tuyên giáo và Dân vận Tỉnh ủy", "party_union", "party"),
                        Spec("Ủy ban Kiểm tra Tỉnh ủy", "party_union", "party", head="Chủ nhiệm Ủy ban Kiểm tra"),
                        Spec("Ban Nội chính Tỉnh ủy", "party_union", "party"),
                        Spec("Trường Chính trị tỉnh Thái Nguyên", "public_service", "political_school")))),
    (41, Spec("Ủy ban MTTQ Việt Nam tỉnh Thái Nguyên", "party_union", "union", short_name="MTTQ tỉnh",
              head="Chủ tịch Ủy ban MTTQ",
              children=(Spec("Hội Liên hiệp Phụ nữ tỉnh", "party_union", "union"),
                        Spec("Tỉnh Đoàn Thái Nguyên", "party_union", "union", head="Bí thư Tỉnh Đoàn"),
                        Spec("Hội Nông dân tỉnh", "party_union", "union"),
                        Spec("Hội Cựu chiến binh tỉnh", "party_union", "union"),
                        Spec("Liên đoàn Lao động tỉnh", "party_union", "union")))),
)

# The commune whose focal point, coordinator and learner accounts are demo log-ins; it has all three schools.
DEMO_COMMUNE = "Xã Đại Phúc"
DEMO_LEARNER = {
    "name": ("Đặng", "Thị", "Ánh"), "gender": "F", "date_of_birth": dt.date(1988, 3, 14),
    "position": "Giáo viên tiểu học", "rank_code": "V.07.03.29", "target_group": "education",
    "email": "anhdt.thdaiphuc@thainguyen.edu.example", "phone": "0912 345 678",
}
DEMO_LEARNER_UNIT = "Trường Tiểu học Đại Phúc"
DEMO_LEARNER_TRANSFERRED_FROM = "Trường Tiểu học Yên Trạch"
DEMO_LEARNER_TRANSFERRED_ON = dt.date(2025, 9, 1)
# Communes that always have all three schools (the demo commune and the one its learner came from).
FULL_SCHOOL_COMMUNES = frozenset({DEMO_COMMUNE, "Xã Yên Trạch"})

SCHOOL_TYPES = (("Trường Mầm non", "school_mn"), ("Trường Tiểu học", "school_th"), ("Trường THCS", "school_thcs"))
SCHOOL_COUNT_WEIGHTS = (1, 3, 10)  # how many of the three a commune has: 1, 2 or 3


def commune_children(commune_name: str, is_ward: bool) -> list[Spec]:
    """Offices, Party/union bodies and the health station of one commune or ward (schools come separately)."""
    lower = commune_name[0].lower() + commune_name[1:]  # "xã Đại Phúc", "phường Gia Sàng"
    economy = "Phòng Kinh tế, Hạ tầng và Đô thị" if is_ward else "Phòng Kinh tế"
    return [
        Spec(f"Văn phòng HĐND và UBND {lower}", "division", "commune_office"),
        Spec(f"{economy} {lower}", "division", "commune_office"),
        Spec(f"Phòng Văn hóa - Xã hội {lower}", "division", "commune_office"),
        Spec(f"Trung tâm Phục vụ hành chính công {lower}", "public_service", "hcc"),
        Spec(f"Đảng ủy {lower}", "party_union", "commune_party", head="Bí thư Đảng ủy"),
        Spec(f"Ủy ban MTTQ Việt Nam {lower}", "party_union", "commune_mttq", head="Chủ tịch Ủy ban MTTQ"),
        Spec(f"Trạm Y tế {lower}", "health_station", "health_station", head="Trạm trưởng"),
    ]


def head_title(spec: Spec) -> str:
    """The title of a unit's head, from its name (Vietnamese usage)."""
    if spec.head:
        return spec.head
    name = spec.name
    rules = (
        ("Tỉnh Thái Nguyên", "Chủ tịch UBND tỉnh"), ("Sở ", "Giám đốc Sở"), ("Văn phòng", "Chánh Văn phòng"),
        ("Thanh tra", "Chánh Thanh tra"), ("Phòng ", "Trưởng phòng"), ("Chi cục", "Chi cục trưởng"),
        ("Ban ", "Trưởng ban"), ("Trung tâm", "Giám đốc Trung tâm"), ("Bệnh viện", "Giám đốc Bệnh viện"),
        ("Khoa ", "Trưởng khoa"), ("Trường", "Hiệu trưởng"), ("Xã ", "Chủ tịch UBND xã"),
        ("Phường ", "Chủ tịch UBND phường"), ("Hội ", "Chủ tịch Hội"), ("Liên đoàn", "Chủ tịch Liên đoàn"),
        ("Thôn", "Trưởng thôn"), ("Tổ dân phố", "Tổ trưởng tổ dân phố"),
    )
    for prefix, title in rules:
        if name.startswith(prefix):
            return title
    return "Thủ trưởng đơn vị"


# (position, rank code, target group code)
Job = tuple[str, str, str]


@dataclass(frozen=True)
class StaffProfile:
    size: float  # how many people a unit of this profile has, relative to the others
    head_rank: str
    deputies: int
    staff: tuple[tuple[Job, int], ...]  # weighted
    female_share: float = 0.5


_CIVIL_STAFF: tuple[tuple[Job, int], ...] = (
    (("Chuyên viên", "01.003", "civil_servants"), 10),
    (("Chuyên viên chính", "01.002", "civil_servants"), 4),
    (("Cán sự", "01.004", "civil_servants"), 1),
    (("Kế toán viên", "06.031", "civil_servants"), 1),
    (("Văn thư viên", "02.007", "support_staff"), 1),
    (("Nhân viên", "01.005", "support_staff"), 1),
    (("Chuyên viên công nghệ thông tin", "01.003", "it_specialists"), 1),
)
_HOSPITAL_STAFF: tuple[tuple[Job, int], ...] = (
    (("Bác sĩ", "V.08.01.03", "health"), 6),
    (("Bác sĩ chính", "V.08.01.02", "health"), 2),
    (("Điều dưỡng", "V.08.05.12", "health"), 8),
    (("Điều dưỡng", "V.08.05.13", "health"), 3),
    (("Kỹ thuật y", "V.08.07.18", "health"), 2),
    (("Dược sĩ", "V.08.08.22", "health"), 1),
)


def _school(grade_iii: str, grade_ii: str, grade_i: str, teacher: str, size: float, female: float) -> StaffProfile:
    return StaffProfile(
        size=size, head_rank=grade_ii, deputies=2, female_share=female,
        staff=(
            ((teacher, grade_iii, "education"), 14), ((teacher, grade_ii, "education"), 6),
            ((teacher, grade_i, "education"), 1),
            (("Kế toán", "06.032", "support_staff"), 1), (("Văn thư", "02.008", "support_staff"), 1),
            (("Thư viện viên", "V.10.02.07", "support_staff"), 1),
            (("Nhân viên thiết bị, thí nghiệm", "V.07.07.20", "support_staff"), 1),
        ),
    )


PROFILES: dict[str, StaffProfile] = {
    "province": StaffProfile(4, "01.001", 3, ((("Chuyên viên chính", "01.002", "civil_servants"), 1),), 0.3),
    "department": StaffProfile(4, "01.001", 3, ((("Chuyên viên chính", "01.002", "civil_servants"), 1),), 0.35),
    "division": StaffProfile(8, "01.002", 2, _CIVIL_STAFF, 0.5),
    "division_it": StaffProfile(8, "01.002", 1, (
        (("Chuyên viên công nghệ thông tin", "01.003", "it_specialists"), 8),
        (("Chuyên viên chuyển đổi số", "01.003", "it_specialists"), 4),
        (("Chuyên viên chính", "01.002", "civil_servants"), 2),
    ), 0.4),
    "inspection": StaffProfile(7, "04.024", 2, (
        (("Thanh tra viên", "04.025", "civil_servants"), 8), (("Thanh tra viên chính", "04.024", "civil_servants"), 3),
    ), 0.4),
    "psu": StaffProfile(14, "01.002", 2, (
        (("Chuyên viên", "01.003", "public_service"), 6), (("Kỹ sư", "V.05.02.07", "public_service"), 4),
        (("Kế toán viên", "06.031", "public_service"), 1), (("Lưu trữ viên", "V.01.02.02", "public_service"), 1),
        (("Nhân viên hành chính", "01.005", "support_staff"), 1), (("Lái xe", "", "support_staff"), 1),
    ), 0.5),
    "psu_it": StaffProfile(12, "V.11.06.13", 2, (
        (("Viên chức công nghệ thông tin", "V.11.06.14", "it_specialists"), 8),
        (("Viên chức an toàn thông tin", "V.11.05.11", "it_specialists"), 3),
        (("Kỹ sư", "V.05.02.07", "public_service"), 1), (("Kế toán viên", "06.031", "public_service"), 1),
    ), 0.35),
    "psu_health": StaffProfile(20, "V.08.01.02", 2, (
        (("Bác sĩ", "V.08.01.03", "health"), 4), (("Bác sĩ y học dự phòng", "V.08.02.06", "health"), 4),
        (("Y tế công cộng", "V.08.04.10", "health"), 2), (("Kỹ thuật y", "V.08.07.18", "health"), 3),
        (("Kế toán viên", "06.031", "support_staff"), 1),
    ), 0.6),
    "hospital": StaffProfile(30, "V.08.01.02", 3, (
        *_HOSPITAL_STAFF, (("Kế toán viên", "06.031", "support_staff"), 1),
        (("Viên chức công nghệ thông tin", "V.11.06.14", "it_specialists"), 1),
    ), 0.65),
    "hospital_ward": StaffProfile(20, "V.08.01.02", 2, _HOSPITAL_STAFF, 0.65),
    "health_station": StaffProfile(7, "V.08.01.03", 1, (
        (("Y sĩ", "V.08.03.07", "health"), 4), (("Điều dưỡng", "V.08.05.13", "health"), 3),
        (("Hộ sinh", "V.08.06.16", "health"), 2), (("Dược sĩ", "V.08.08.23", "health"), 1),
    ), 0.7),
    "school_mn": _school("V.07.02.26", "V.07.02.25", "V.07.02.24", "Giáo viên mầm non", 20, 0.97),
    "school_th": _school("V.07.03.29", "V.07.03.28", "V.07.03.27", "Giáo viên tiểu học", 26, 0.8),
    "school_thcs": _school("V.07.04.32", "V.07.04.31", "V.07.04.30", "Giáo viên trung học cơ sở", 30, 0.7),
    "school_thpt": _school("V.07.05.15", "V.07.05.14", "V.07.05.13", "Giáo viên trung học phổ thông", 55, 0.6),
    "college": StaffProfile(25, "V.09.02.02", 2, (
        (("Giảng viên giáo dục nghề nghiệp lý thuyết", "V.09.02.03", "education"), 8),
        (("Giảng viên giáo dục nghề nghiệp thực hành", "V.09.02.04", "education"), 4),
        (("Giảng viên giáo dục nghề nghiệp chính", "V.09.02.02", "education"), 2),
        (("Chuyên viên", "01.003", "public_service"), 2),
    ), 0.5),
    "political_school": StaffProfile(22, "V.07.01.02", 2, (
        (("Giảng viên", "V.07.01.03", "party_unions"), 10), (("Giảng viên chính", "V.07.01.02", "party_unions"), 3),
        (("Chuyên viên", "01.003", "party_unions"), 2),
    ), 0.5),
    "media": StaffProfile(25, "V.11.01.02", 3, (
        (("Phóng viên", "V.11.02.06", "public_service"), 6), (("Biên tập viên", "V.11.01.03", "public_service"), 5),
        (("Kỹ sư", "V.05.02.07", "public_service"), 2),
        (("Viên chức công nghệ thông tin", "V.11.06.14", "it_specialists"), 1),
    ), 0.5),
    "party": StaffProfile(10, "01.002", 2, (
        (("Chuyên viên", "01.003", "party_unions"), 8), (("Chuyên viên chính", "01.002", "party_unions"), 3),
        (("Văn thư viên", "02.007", "support_staff"), 1),
    ), 0.45),
    "union": StaffProfile(7, "01.002", 2, (
        (("Chuyên viên", "01.003", "party_unions"), 6), (("Chuyên viên chính", "01.002", "party_unions"), 2),
    ), 0.55),
    "commune": StaffProfile(3, "01.002", 2, ((("Chuyên viên", "01.003", "civil_servants"), 1),), 0.25),
    "commune_office": StaffProfile(7, "01.002", 1, (
        (("Chuyên viên", "01.003", "civil_servants"), 8), (("Cán sự", "01.004", "civil_servants"), 1),
        (("Chuyên viên chính", "01.002", "civil_servants"), 1), (("Văn thư viên", "02.007", "support_staff"), 1),
        (("Chuyên viên công nghệ thông tin", "01.003", "it_specialists"), 1),
    ), 0.5),
    "hcc": StaffProfile(4, "01.002", 1, ((("Chuyên viên", "01.003", "civil_servants"), 1),), 0.55),
    "commune_party": StaffProfile(5, "01.002", 1, ((("Chuyên viên", "01.003", "party_unions"), 1),), 0.4),
    "commune_mttq": StaffProfile(5, "", 1, (
        (("Chủ tịch Hội Liên hiệp Phụ nữ", "", "party_unions"), 1), (("Bí thư Đoàn Thanh niên", "", "party_unions"), 1),
        (("Chủ tịch Hội Nông dân", "", "party_unions"), 1), (("Chủ tịch Hội Cựu chiến binh", "", "party_unions"), 1),
        (("Chuyên viên", "01.003", "party_unions"), 2),
    ), 0.45),
    "village": StaffProfile(1.5, "", 1, ((("Công an viên", "", "support_staff"), 1),), 0.3),
}

# Family names with rough weights for northern Vietnam (Thái Nguyên: Kinh, Tày, Nùng, Dao, Sán Dìu...).
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 31), ("Trần", 8), ("Lê", 6), ("Hoàng", 6), ("Phạm", 5), ("Vũ", 4), ("Đặng", 2.5), ("Bùi", 2.5),
    ("Đỗ", 2.5), ("Hà", 2.5), ("Dương", 2.2), ("Ma", 2), ("Nông", 2), ("Ngô", 1.8), ("Phan", 1.5),
    ("Đinh", 1.5), ("Lương", 1.5), ("Trịnh", 1.2), ("Đoàn", 1), ("Lý", 1), ("Triệu", 1), ("Đào", 1),
    ("Hồ", 0.8), ("Chu", 0.8), ("Lưu", 0.8), ("Đàm", 0.6), ("Mai", 0.6), ("Tạ", 0.6), ("Hứa", 0.5),
    ("Tô", 0.5), ("Lục", 0.4), ("La", 0.4), ("Huỳnh", 0.3), ("Võ", 0.3), ("Ninh", 0.3), ("Khổng", 0.3),
    ("Quan", 0.3), ("Âu", 0.3),
)
MIDDLE_NAMES = {
    "M": (
        ("Văn", 45), ("Đức", 8), ("Minh", 7), ("Quang", 5), ("Hữu", 5), ("Xuân", 4), ("Mạnh", 4), ("Quốc", 3),
        ("Tiến", 3), ("Ngọc", 3), ("Thanh", 3), ("Trung", 3), ("Công", 3), ("Duy", 3), ("Đình", 3), ("Thế", 2),
        ("Hoàng", 2), ("Việt", 2), ("Anh", 2), ("Tuấn", 2), ("Văn Minh", 1), ("Đức Anh", 1),
    ),
    "F": (
        ("Thị", 45), ("Thu", 6), ("Thanh", 5), ("Ngọc", 5), ("Minh", 4), ("Thùy", 4), ("Hồng", 4), ("Phương", 3),
        ("Kim", 3), ("Bích", 2), ("Diệu", 2), ("Mai", 2), ("Hải", 2), ("Khánh", 2), ("Thị Thu", 3),
        ("Thị Minh", 2), ("Thị Hồng", 2), ("Thị Thanh", 2), ("Lan", 1), ("Quỳnh", 1),
    ),
}
# The classic middle names are less common among people born from 1990 on.
CLASSIC_MIDDLE = {"Văn", "Thị"}
GIVEN_NAMES = {
    "M": (
        "An", "Anh", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu",
        "Hiệp", "Hoàng", "Hòa", "Hùng", "Hưng", "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lợi", "Minh",
        "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thái", "Thắng", "Thành", "Thịnh",
        "Toàn", "Trung", "Tú", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hậu", "Lực", "Tiến", "Trường",
    ),
    "F": (
        "Anh", "Ánh", "Châm", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hòa",
        "Hồng", "Huệ", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "Nga", "Ngân", "Ngọc",
        "Nhàn", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thanh", "Thơm", "Thúy", "Thủy",
        "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Xuân", "Hậu", "Lệ", "My", "Nguyệt",
    ),
}

# Where a CCCD was issued: mostly Thái Nguyên (019), then old Bắc Kạn (006), then elsewhere.
CCCD_PROVINCES: tuple[tuple[str, float], ...] = (
    ("019", 75), ("006", 12), ("024", 2), ("020", 2), ("008", 2), ("001", 2), ("010", 1), ("022", 1),
    ("025", 1), ("026", 1), ("030", 0.5), ("034", 0.5), ("036", 0.5), ("038", 0.5),
)
MOBILE_PREFIXES = ("086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
                   "091", "094", "088", "083", "084", "085", "081", "082", "090", "093", "089", "070", "079")
# Reserved domains (RFC 2606): demo addresses can never reach a real mailbox.
EMAIL_DOMAIN_GOV = "thainguyen.gov.example"
EMAIL_DOMAIN_EDU = "thainguyen.edu.example"

# Demo log-ins: (username, full name, role, unit name or None, what the README says they see).
DEMO_PASSWORD = "HocSo@2026-demo"
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("admin", "Lê Quang Huy", "province_admin", None, "Province administrator: everything"),
    ("daumoi.khcn", "Trần Thu Hà", "focal_point", "Sở Khoa học và Công nghệ",
     "Focal point of the Department of Science and Technology"),
    ("daumoi.daiphuc", "Hoàng Văn Nam", "focal_point", DEMO_COMMUNE, "Focal point of Xã Đại Phúc"),
    ("giangvien", "Phạm Đức Thắng", "instructor", "Trường Chính trị tỉnh Thái Nguyên", "Instructor"),
    ("diemcau", "Ma Thị Hồng", "coordinator", DEMO_COMMUNE, "Bridge-site coordinator in Xã Đại Phúc"),
    ("hocvien", "Đặng Thị Ánh", "learner", None, "Learner (teacher at Trường Tiểu học Đại Phúc)"),
)

# Padding for benchmarks: villages and residential groups under communes and wards.
VILLAGE_NAME = {"commune": "Thôn {n}, {commune}", "ward": "Tổ dân phố số {n}, {commune}"}
