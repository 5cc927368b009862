"""Reading real staff lists: every shape of file the issue lists, written as real .xlsx and CSV files."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from hocso.core.actors import SYSTEM
from hocso.core.uploads.csvtext import decode_text
from hocso.org.services import unit_create, units_merge
from hocso.people.importing.engine import apply_file, preview_file
from hocso.people.importing.errors import ImportFileError
from hocso.people.models import Learner
from hocso.tests.factories import make_cccd, make_learner, make_unit, target_group

from .import_files import BORN, HEADER, csv_bytes, person, vi, with_formula, xlsx

ON = dt.date(2026, 6, 1)


def preview(content: bytes, actor, name: str = "ds.xlsx", unit=None, **kwargs):
    return preview_file(content, name, actor=actor, default_unit=unit, on=ON, **kwargs)


def apply(content: bytes, actor, name: str = "ds.xlsx", unit=None, **kwargs):
    return apply_file(content, name, actor=actor, default_unit=unit, on=ON, **kwargs)


def problems(plan) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in plan.problems]




# --- the header ------------------------------------------------------------------------------------------------


def test_header_found_under_title_rows_with_merged_title(province_admin, school_a):
    content = xlsx([
        ["ỦY BAN NHÂN DÂN XÃ ĐẠI PHÚC"],
        ["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC NĂM 2026"],
        ["(Kèm theo Công văn số 123/UBND ngày 01/6/2026)"],
        [],
        HEADER,
        person("Nguyễn Văn An", BORN, unit=school_a.name),
        person("Lê Thị Bình", dt.date(1990, 3, 2), "F", unit=school_a.name),
    ], merged=["A1:G1", "A2:G2", "A3:G3"])
    plan = preview(content, province_admin)
    assert plan.parsed.layout.header_rows == (4,)
    assert plan.counts["new"] == 2 and plan.counts["error"] == 0
    assert [row.number for row in plan.parsed.rows] == [6, 7]  # numbered as Excel shows them


def test_two_row_header_with_merged_cells_and_birth_date_under_nam_nu(province_admin, school_a):
    """The classic form: "Ngày sinh" merged over "Nam" | "Nữ"; the date's column gives the gender."""
    content = xlsx([
        ["DANH SÁCH CÁN BỘ"],
        ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD", "Đơn vị"],
        [None, None, "Nam", "Nữ", None, None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        [1, "Trần Văn Cường", BORN, None, make_cccd(BORN, "M"), school_a.name],
        [2, "Phạm Thị Dung", None, dt.date(1992, 8, 9), make_cccd(dt.date(1992, 8, 9), "F"), school_a.name],
    ], merged=["A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"])
    plan = preview(content, province_admin)
    assert plan.counts["error"] == 0, problems(plan)
    people = {r.learner.full_name: r.learner for r in plan.rows}
    assert (people["Trần Văn Cường"].gender, people["Trần Văn Cường"].date_of_birth) == ("M", BORN)
    assert (people["Phạm Thị Dung"].gender, people["Phạm Thị Dung"].date_of_birth) == ("F", dt.date(1992, 8, 9))
    assert plan.parsed.layout.data_start == 4  # the "(1) (2) (3)" numbering row is skipped


def test_merged_name_header_over_split_name_columns(province_admin, school_a):
    content = xlsx([
        ["STT", "Họ và tên", None, None, "Số CCCD", "Ngày sinh", "Giới tính", "Đơn vị"],
        [None, "Họ", "Tên đệm", "Tên", None, None, None, None],
        [1, "Nguyễn", "Thị Minh", "Khai", make_cccd(BORN, "F"), BORN, "Nữ", school_a.name],
        [2, "Tôn Nữ", "", "Diệu Linh", make_cccd(BORN, "F"), BORN, "Nữ", school_a.name],
    ], merged=["B1:D1", "A1:A2", "E1:E2", "F1:F2", "G1:G2", "H1:H2"])
    plan = preview(content, province_admin)
    assert plan.counts["error"] == 0, problems(plan)
    names = [(r.learner.family_name, r.learner.middle_name, r.learner.given_name) for r in plan.rows]
    assert names == [("Nguyễn", "Thị Minh", "Khai"), ("Tôn Nữ", "", "Diệu Linh")]


@pytest.mark.parametrize("headers", [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ", "Ngạch", "Đối tượng", "Email",
     "Số điện thoại"],
    ["Ho va ten", "Ngay sinh", "Gioi tinh", "So CCCD", "Don vi", "Chuc vu", "Ngach", "Doi tuong", "Email",
     "So dien thoai"],
    ["HỌ TÊN", "Ngày, tháng, năm sinh", "Giới", "CCCD/CMND", "Đơn vị công tác", "Chức danh", "Mã ngạch",
     "Đối tượng bồi dưỡng", "E-mail", "SĐT"],
    ["  Họ   tên ", "Ngày sinh (dd/mm/yyyy)", "Giới tính*", "Số CCCD (12 số)", "Tên đơn vị", "Chức vụ", "Mã ngạch",
     "Đối tượng", "Thư điện tử", "Điện thoại"],
])
def test_vietnamese_column_names_with_or_without_diacritics_and_variants(province_admin, school_a, headers):
    content = xlsx([headers, ["Nguyễn Văn An", BORN, "Nam", make_cccd(BORN, "M"), school_a.name, "Chuyên viên",
                              "01.003", "Cán bộ, công chức hành chính", "An.Nguyen@daiphuc.gov.vn", "0912345678"]])
    plan = preview(content, province_admin)
    assert plan.counts["error"] == 0, problems(plan)
    learner = plan.rows[0].learner
    assert learner.full_name == "Nguyễn Văn An"
    assert (learner.date_of_birth, learner.gender, learner.position) == (BORN, "M", "Chuyên viên")
    assert (learner.rank_code, learner.target_group, learner.email, learner.phone) == (
        "01.003", target_group("civil_servants"), "an.nguyen@daiphuc.gov.vn", "0912345678")
    assert plan.rows[0].unit_to == school_a


def test_family_and_middle_in_one_column_and_given_name_in_another(province_admin, school_a):
    content = xlsx([
        ["STT", "Họ và đệm", "Tên", "Số CCCD", "Đơn vị"],
        [1, "Nguyễn Thị Minh", "Khai", make_cccd(BORN, "F"), school_a.name],
    ])
    learner = preview(content, province_admin).rows[0].learner
    assert (learner.family_name, learner.middle_name, learner.given_name) == ("Nguyễn", "Thị Minh", "Khai")


def test_rank_name_becomes_its_code_and_an_unknown_one_is_a_warning(province_admin, school_a):
    content = xlsx([
        ["Họ và tên", "Số CCCD", "Đơn vị", "Ngạch"],
        ["Nguyễn Văn An", make_cccd(BORN, "M"), school_a.name, "Chuyên viên chính"],
        ["Lê Văn Bảo", make_cccd(BORN, "M"), school_a.name, 1.003],  # the code typed as a number
        ["Lê Văn Cần", make_cccd(BORN, "M"), school_a.name, "Thủ quỹ"],
    ])
    plan = preview(content, province_admin)
    assert [r.learner.rank_code for r in plan.rows] == ["01.002", "01.003", ""]
    assert plan.counts["new"] == 3 and plan.counts["warnings"] == 1
    assert plan.problems[0].severity == "warning" and plan.problems[0].row == 4


# --- cell values -----------------------------------------------------------------------------------------------


def test_dates_as_excel_dates_and_as_text(province_admin, school_a):
    rows = [
        ("Ngày thật", BORN, BORN),
        ("Chữ dd/mm/yyyy", "17/05/1985", BORN),
        ("Chữ d/m/yyyy", "7/5/1985", dt.date(1985, 5, 7)),
        ("Chữ có dấu chấm", "17.05.1985", BORN),
        ("Số ngày của Excel", 31184, BORN),  # a date cell whose format was lost
    ]
    content = xlsx([["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"]] + [
        [f"Nguyễn Văn {name}", value, "Nam", make_cccd(expected, "M"), school_a.name]
        for name, value, expected in rows
    ])
    plan = preview(content, province_admin)
    assert plan.counts["error"] == 0, problems(plan)
    assert [r.learner.date_of_birth for r in plan.rows] == [expected for _n, _v, expected in rows]


def test_impossible_dates_and_years_alone_are_errors_on_their_cell(province_admin, school_a):
    content = xlsx([
        ["Họ và tên", "Ngày sinh", "Số CCCD", "Đơn vị"],
        ["Nguyễn Văn An", "31/02/1990", make_cccd(BORN, "M"), school_a.name],
        ["Nguyễn Văn Bình", 1985, make_cccd(BORN, "M"), school_a.name],
        ["Nguyễn Văn Cảnh", "hôm qua", make_cccd(BORN, "M"), school_a.name],
    ])
    plan = preview(content, province_admin)
    assert problems(plan) == [
        (2, "Ngày sinh", vi("%(text)s is not a real date (day/month/year).", text="31/02/1990")),
        (3, "Ngày sinh", vi("Only the year is given; enter the full date as dd/mm/yyyy.")),
        (4, "Ngày sinh", vi("Enter a date as dd/mm/yyyy, e.g. 17/05/1985.")),
    ]
    assert plan.counts["error"] == 3 and plan.counts["new"] == 0


def test_cccd_that_lost_its_leading_zero_or_has_spaces_is_restored(province_admin, school_a):
    number = make_cccd(BORN, "M")  # starts with "019"
    other = make_cccd(BORN, "F", province="001")
    content = xlsx([
        ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"],
        ["Nguyễn Văn An", BORN, "Nam", int(number), school_a.name],  # 11 digits once Excel made it a number
        ["Lê Thị Bình", BORN, "Nữ", f"{other[:3]} {other[3:6]} {other[6:]}", school_a.name],
    ])
    plan = preview(content, province_admin)
    assert plan.counts["error"] == 0, problems(plan)
    assert [r.learner.cccd for r in plan.rows] == [number, other]


def test_bad_cccd_numbers_say_what_is_wrong(province_admin, school_a):
    content = csv_bytes([
        ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"],
        ["Nguyễn Văn An", "17/05/1985", "Nam", "1.90851E+10", school_a.name],
        ["Nguyễn Văn Bình", "17/05/1985", "Nam", "123456789", school_a.name],
        ["Nguyễn Văn Cảnh", "17/05/1985", "Nam", "019*******34", school_a.name],
        ["Nguyễn Văn Dũng", "17/05/1985", "Nam", "", school_a.name],
        ["Nguyễn Thị Em", "17/05/1985", "Nữ", make_cccd(BORN, "M"), school_a.name],  # digit 4 says male
    ])
    plan = preview(content, province_admin, name="ds.csv")
    assert [(p.row, p.column) for p in plan.problems] == [(n, "Số CCCD") for n in (2, 3, 4, 5, 6)]
    assert plan.problems[0].message == vi(
        "The number was saved in scientific notation (%(text)s) and has lost digits. Format the column as Text in "
        "Excel and type the numbers again.", text="1.90851E+10")
    assert plan.problems[1].message == vi(
        "This looks like an old 9-digit CMND number; a 12-digit CCCD number is needed.")
    assert plan.problems[3].message == vi("The CCCD number is missing; people are matched by it.")
    assert plan.counts["error"] == 5


def test_names_typed_in_nfd_or_with_double_spaces_are_stored_clean_and_match(province_admin, school_a):
    existing = make_learner(school_a, "Đặng Thị Ánh", gender="F")
    content = xlsx([
        ["Họ và tên", "Số CCCD", "Đơn vị"],
        [unicodedata.normalize("NFD", "Đặng  Thị   Ánh "), existing.cccd, school_a.name],
        [unicodedata.normalize("NFD", "Nguyễn Văn  Đức"), make_cccd(BORN, "M"), school_a.name],
    ])
    plan = preview(content, province_admin)
    assert plan.counts["unchanged"] == 1 and plan.counts["new"] == 1
    learner = plan.rows[1].learner
    assert learner.full_name == "Nguyễn Văn Đức"
    assert unicodedata.is_normalized("NFC", learner.given_name)


def test_formulas_give_their_cached_value(province_admin, school_a):
    content = xlsx([
        ["Họ", "Tên đệm", "Tên", "Họ và tên", "Số CCCD", "Đơn vị"],
        ["Lê", "Văn", "Bình", "placeholder", make_cccd(BORN, "M"), school_a.name],
    ])
    content = with_formula(content, "D2", 'A2&" "&B2&" "&C2', "Lê Văn Bình")
    content = with_formula(content, "F2", 'UPPER("x")', school_a.name)
    plan = preview(content, province_admin)
    assert plan.counts["error"] == 0, problems(plan)
    assert plan.rows[0].learner.full_name == "Lê Văn Bình"
    assert plan.rows[0].unit_to == school_a


def test_blank_rows_and_section_titles_are_skipped(province_admin, school_a):
    content = xlsx([
        HEADER,
        ["I", "Khối giáo dục"],
        person("Nguyễn Văn An", BORN, unit=school_a.name),
        [],
        [None, None, None, None, None, None, None],
        ["", "TRƯỜNG TIỂU HỌC ĐẠI PHÚC", "", "", "", "", ""],
        person("Lê Văn Bảo", BORN, unit=school_a.name),
        [17],  # a pre-numbered empty row
    ], merged=["B6:G6"])
    plan = preview(content, province_admin)
    assert plan.counts["new"] == 2 and plan.counts["error"] == 0, problems(plan)
    assert plan.parsed.headings == [2, 6]


def test_a_later_sheet_is_read_when_the_first_has_no_list(province_admin, school_a):
    content = xlsx(
        [HEADER, person("Nguyễn Văn An", BORN, unit=school_a.name)],
        title="Cán bộ",
        first_sheet=[["Tổng hợp số lượng"], ["Đơn vị", "Số người"], [school_a.name, 1]],
    )
    plan = preview(content, province_admin)
    assert plan.parsed.sheet == "Cán bộ"
    assert plan.parsed.sheet_names == ["Tổng hợp", "Cán bộ"]
    assert plan.counts["new"] == 1


def test_a_sheet_can_be_chosen(province_admin, school_a, commune_a):
    content = xlsx(
        [HEADER, person("Nguyễn Văn An", BORN, unit=school_a.name)],
        sheets={"Khối xã": [HEADER, person("Lê Văn Bảo", BORN, unit=commune_a.name),
                             person("Lê Văn Cảnh", BORN, unit=commune_a.name)]},
    )
    assert preview(content, province_admin).counts["new"] == 1
    plan = preview(content, province_admin, sheet="Khối xã")
    assert plan.counts["new"] == 2 and plan.parsed.sheet == "Khối xã"
    with pytest.raises(ImportFileError) as error:
        preview(content, province_admin, sheet="Không có")
    assert error.value.code == "no_such_sheet"


# --- CSV encodings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8", ","), ("utf-8-sig", ","), ("cp1258", ","), ("utf-8-sig", ";"), ("cp1258", "\t"), ("utf-16", "\t"),
])
def test_csv_in_every_encoding_excel_saves(province_admin, school_a, encoding, delimiter):
    content = csv_bytes([
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ"],
        ["1", "Nguyễn Thị Ánh Tuyết", "17/05/1985", "Nữ", make_cccd(BORN, "F")[1:], school_a.name, "Kế toán"],
        ["2", "Đặng Quốc Việt", "2/3/1990", "Nam", make_cccd(dt.date(1990, 3, 2), "M"), school_a.name,
         "Phó Hiệu trưởng"],
    ], encoding=encoding, delimiter=delimiter)
    plan = preview(content, province_admin, name="ds.csv")
    assert plan.counts["error"] == 0, problems(plan)
    assert [r.learner.full_name for r in plan.rows] == ["Nguyễn Thị Ánh Tuyết", "Đặng Quốc Việt"]
    assert all(unicodedata.is_normalized("NFC", r.learner.full_name) for r in plan.rows)
    assert plan.rows[1].learner.position == "Phó Hiệu trưởng"
    assert plan.rows[0].unit_to == school_a


def test_cp1258_decoding_composes_tone_marks():
    from .import_files import to_cp1258

    raw = to_cp1258("Nguyễn Thị Ánh Tuyết, Đặng Quốc Việt")
    assert b"\xec" in raw or b"\xde" in raw  # tone marks really are separate bytes in this encoding
    assert decode_text(raw) == "Nguyễn Thị Ánh Tuyết, Đặng Quốc Việt"


# --- units -----------------------------------------------------------------------------------------------------


def test_unit_by_code_or_by_name_ignoring_case_and_diacritics(province_admin, commune_a, school_a):
    content = xlsx([
        ["Họ và tên", "Số CCCD", "Đơn vị"],
        ["Nguyễn Văn An", make_cccd(BORN, "M"), "000.01.30.H55"],
        ["Nguyễn Văn Bảo", make_cccd(BORN, "M"), "TRUONG TIEU HOC DAI PHUC"],
        ["Nguyễn Văn Cảnh", make_cccd(BORN, "M"), "xã đại phúc"],
    ])
    plan = preview(content, province_admin)
    assert [r.unit_to for r in plan.rows] == [commune_a, school_a, commune_a]


def test_a_unit_name_that_is_close_gets_a_suggestion(province_admin, school_a):
    content = xlsx([["Họ và tên", "Số CCCD", "Đơn vị"],
                    ["Nguyễn Văn Bảo", make_cccd(BORN, "M"), "Trường Tiểu học Đại Phú"],
                    ["Nguyễn Văn Cảnh", make_cccd(BORN, "M"), "Sở Du lịch"]])
    plan = preview(content, province_admin)
    assert problems(plan) == [
        (2, "Đơn vị", vi("No unit is called “%(name)s”. Did you mean “%(suggestion)s”?",
                         name="Trường Tiểu học Đại Phú", suggestion=school_a.name)),
        (3, "Đơn vị", vi("No unit is called “%(name)s”.", name="Sở Du lịch")),
    ]
    assert plan.counts["error"] == 2


def test_common_abbreviations_in_unit_names(province_admin, commune_a, school_a):
    office = make_unit("Văn phòng HĐND và UBND xã", commune_a)
    content = xlsx([["Họ và tên", "Số CCCD", "Đơn vị"],
                    ["Nguyễn Văn An", make_cccd(BORN, "M"), "Trường TH Đại Phúc"],
                    ["Nguyễn Văn Bảo", make_cccd(BORN, "M"), "VP HĐND & UBND xã"],
                    ["Nguyễn Văn Cảnh", make_cccd(BORN, "M"), "Văn phòng HĐND-UBND xã"]])
    plan = preview(content, province_admin)
    assert [r.unit_to for r in plan.rows] == [school_a, None, office]
    assert plan.counts["error"] == 1  # "VP" is not spelled out: a suggestion instead
    assert office.name in plan.problems[0].message


def test_units_with_the_same_name_are_told_apart_by_the_chosen_unit_or_by_their_parent(
        province_admin, commune_a, commune_b):
    office_a = make_unit("Văn phòng HĐND và UBND", commune_a)
    office_b = make_unit("Văn phòng HĐND và UBND", commune_b)
    content = xlsx([["Họ và tên", "Số CCCD", "Đơn vị"], ["Nguyễn Văn An", make_cccd(BORN, "M"), office_a.name],
                    ["Nguyễn Văn Bảo", make_cccd(BORN, "M"), f"{office_b.name} ({commune_b.name})"]])
    ambiguous = preview(content, province_admin)
    assert ambiguous.rows[0].kind == "error" and ambiguous.rows[1].unit_to == office_b
    narrowed = preview(content, province_admin, unit=commune_a)
    assert narrowed.rows[0].unit_to == office_a


def test_a_former_unit_names_its_successor(province_admin, commune_a):
    old = unit_create(actor=SYSTEM, parent=commune_a, name="Trạm Y tế cũ", kind="health_station", audited=False)
    target = unit_create(actor=SYSTEM, parent=commune_a, name="Trung tâm Y tế mới", kind="hospital", audited=False)
    units_merge(actor=province_admin, sources=[old], into=target, on=dt.date(2025, 7, 1))
    content = xlsx([["Họ và tên", "Số CCCD", "Đơn vị"], ["Nguyễn Văn An", make_cccd(BORN, "M"), "Trạm Y tế cũ"]])
    assert problems(preview(content, province_admin)) == [(2, "Đơn vị", vi(
        "%(unit)s no longer exists since %(date)s; its people now belong to %(successor)s.",
        unit="Trạm Y tế cũ", date="01/07/2025", successor="Trung tâm Y tế mới"))]


# --- duplicates ------------------------------------------------------------------------------------------------


def test_identical_duplicate_rows_count_once_and_conflicting_ones_are_refused(province_admin, school_a):
    same = person("Nguyễn Văn An", BORN, unit=school_a.name)
    conflict = make_cccd(BORN, "M")
    content = xlsx([
        HEADER, same, person("Lê Văn Bảo", BORN, unit=school_a.name, cccd=conflict), same,
        person("Lê Văn Bảo", BORN, unit=school_a.name, position="Kế toán", cccd=conflict),
    ])
    plan = preview(content, province_admin)
    assert [r.kind for r in plan.rows] == ["new", "error", "duplicate", "error"]
    assert plan.counts["duplicate"] == 1
    assert problems(plan)[0][:2] == (3, "Số CCCD")
    _plan, counts = apply(content, province_admin)
    assert counts["new"] == 1 and Learner.objects.count() == 1


def test_a_masked_export_row_says_why_it_cannot_be_matched(province_admin, school_a):
    content = xlsx([["Họ và tên", "Ngày sinh", "Số CCCD", "Đơn vị"],
                    ["Nguyễn Văn An", "**/**/1985", "019*******34", school_a.name]])
    assert [m for _r, _c, m in problems(preview(content, province_admin))] == [
        vi("This CCCD number is masked (***). Export the list with full numbers, or type the number."),
        vi("This date is masked (***). Export the list with full data, or type the date."),
    ]


def test_an_html_table_saved_as_xls_is_explained(province_admin):
    with pytest.raises(ImportFileError) as error:
        preview(b"<html><body><table><tr><td>H\xe1\xbb\x8d</td></tr></table></body></html>", province_admin,
                name="ds.xls")
    assert error.value.code == "html"


@pytest.mark.parametrize("cccd", ["01908500000²", "０１９０８５０００００１", "٠١٩٠٨٥٠٠٠٠٠١"])
def test_a_cccd_written_with_other_digits_is_a_row_error_not_a_crash(province, province_admin, cccd):
    # str.isdigit() takes "²" and other digits that int() refuses or that no CCCD is written with.
    plan = preview(xlsx([HEADER, person("Nguyễn Văn An", dt.date(1985, 5, 17), unit=province.name, cccd=cccd)]),
                   province_admin, unit=province)
    assert problems(plan) == [(2, "Số CCCD", vi("A CCCD number has only digits."))]
