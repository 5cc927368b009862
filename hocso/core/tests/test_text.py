import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hocso.core.text import collation_key, fold, normalize, person_sort_key, split_full_name


def sort_vi(words):
    return sorted(words, key=collation_key)


def test_d_with_stroke_is_a_letter_after_d():
    assert sort_vi(["Đỗ", "Dương", "Đặng", "Dung"]) == ["Dung", "Dương", "Đặng", "Đỗ"]


def test_tones_are_secondary_in_cldr_order():
    # none, huyền, hỏi, ngã, sắc, nặng
    assert sort_vi(["Ánh", "Ảnh", "Anh", "Ạnh", "Ãnh", "Ành"]) == ["Anh", "Ành", "Ảnh", "Ãnh", "Ánh", "Ạnh"]


def test_letters_before_tones():
    # A tone never beats a later letter: "Ánh" < "Ao" because n < o.
    assert sort_vi(["Ao", "Ánh", "Anh"]) == ["Anh", "Ánh", "Ao"]


def test_vowel_letters_in_vietnamese_alphabet():
    expected = ["a", "ă", "â", "e", "ê", "o", "ô", "ơ", "u", "ư"]
    assert sort_vi(["ơ", "o", "ô", "ư", "u", "â", "ă", "a", "ê", "e"]) == expected


def test_shorter_word_first():
    assert sort_vi(["Anh", "An"]) == ["An", "Anh"]


def test_shorter_phrase_first_whatever_its_tones():
    assert sort_vi(["an b", "ạn"]) == ["ạn", "an b"]
    assert person_sort_key("Trần", "", "Ạn") < person_sort_key("Trần", "Văn", "An")  # tie on given/family


def test_people_sorted_by_given_then_family_then_middle():
    people = [("Trần", "Văn", "An"), ("Nguyễn", "Thị", "Bình"), ("Lê", "Văn", "An"), ("Lê", "Hoàng", "An")]
    ordered = sorted(people, key=lambda p: person_sort_key(*p))
    assert ordered == [("Lê", "Hoàng", "An"), ("Lê", "Văn", "An"), ("Trần", "Văn", "An"), ("Nguyễn", "Thị", "Bình")]


def test_nfd_and_nfc_have_the_same_key():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert collation_key(nfd) == collation_key("Nguyễn Thị Ánh")


def test_key_is_digits_only_so_any_database_collation_agrees():
    assert collation_key("Đặng Thị Ánh, Jr.").isdigit()


def test_fold_strips_tones_case_and_d_stroke():
    assert fold("Nguyễn Văn ĐẠT") == "nguyen van dat"
    assert fold(unicodedata.normalize("NFD", "Đặng  Thị   Ánh")) == "dang thi anh"


def test_normalize_gives_nfc_and_single_spaces():
    assert normalize(unicodedata.normalize("NFD", "  Lê   Thị  Hồng ")) == "Lê Thị Hồng"


def test_split_full_name():
    assert split_full_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_full_name("Lan") == ("", "", "Lan")


_TONED = {
    "a": "aàảãáạ", "ă": "ăằẳẵắặ", "â": "âầẩẫấậ", "e": "eèẻẽéẹ", "ê": "êềểễếệ", "i": "iìỉĩíị",
    "o": "oòỏõóọ", "ô": "ôồổỗốộ", "ơ": "ơờởỡớợ", "u": "uùủũúụ", "ư": "ưừửữứự", "y": "yỳỷỹýỵ",
}
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
vietnamese_words = st.text(alphabet="".join(_TONED.values()) + "bcdđghklmnpqrstvx", min_size=1, max_size=6)
phrases = st.lists(vietnamese_words, min_size=1, max_size=3).map(" ".join)


def reference_key(phrase: str) -> tuple:
    """An independent statement of CLDR vi order: compare base letters word by word first, then the tones."""
    words = [_word_key(w) for w in phrase.split(" ")]
    return ([w[0] for w in words], [t for w in words for t in w[1]])


def _word_key(word: str) -> tuple:
    bases, tones = [], []
    for ch in word:
        for base, variants in _TONED.items():
            if ch in variants:
                bases.append(_ALPHABET.index(base))
                tones.append(variants.index(ch))
                break
        else:
            bases.append(_ALPHABET.index(ch))
            tones.append(0)
    return (bases, tones)


@given(phrases, phrases)
def test_collation_key_agrees_with_reference_order(a, b):
    assert (collation_key(a) < collation_key(b)) == (reference_key(a) < reference_key(b))
    assert collation_key(a) == collation_key(unicodedata.normalize("NFD", a))
