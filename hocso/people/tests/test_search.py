import unicodedata

from hocso.people.models import Learner
from hocso.tests.factories import make_learner


def names(qs):
    return [learner.full_name for learner in qs]


def test_unaccented_query_finds_accented_name(commune_a):
    make_learner(commune_a, "Nguyễn Văn An")
    make_learner(commune_a, "Nguyễn Văn Bình")
    assert names(Learner.objects.search("Nguyen Van An")) == ["Nguyễn Văn An"]
    assert names(Learner.objects.search("NGUYỄN văn an")) == ["Nguyễn Văn An"]


def test_d_stroke_folds_to_d(commune_a):
    make_learner(commune_a, "Đỗ Thị Hạnh")
    make_learner(commune_a, "Dương Văn Đức")
    assert names(Learner.objects.search("do thi")) == ["Đỗ Thị Hạnh"]
    assert names(Learner.objects.search("duc")) == ["Dương Văn Đức"]


def test_nfd_query_matches_nfc_data(commune_a):
    make_learner(commune_a, "Đặng Thị Ánh")
    assert names(Learner.objects.search(unicodedata.normalize("NFD", "Đặng Thị Ánh"))) == ["Đặng Thị Ánh"]


def test_terms_match_word_starts_not_the_middle_of_an_email_domain(commune_a):
    make_learner(commune_a, "Trần Văn An", email="antv@thainguyen.gov.vn")
    make_learner(commune_a, "Nguyễn Thị Lan")
    assert names(Learner.objects.search("nguyen")) == ["Nguyễn Thị Lan"]
    assert names(Learner.objects.search("antv")) == ["Trần Văn An"]


def test_ordering_is_vietnamese(commune_a):
    for name in ["Nguyễn Văn Ảnh", "Lê Thị Anh", "Trần Văn Ánh", "Đặng Văn Bình", "Dương Thị Bình"]:
        make_learner(commune_a, name)
    ordered = names(Learner.objects.order_by("sort_key"))
    assert ordered == ["Lê Thị Anh", "Nguyễn Văn Ảnh", "Trần Văn Ánh", "Dương Thị Bình", "Đặng Văn Bình"]
