"""The ranked search index (pure): the cases of the brief, on the demo and the 2,216 catalogs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.domain.catalog_search import CatalogIndex, SearchDoc, canon_token

BIRTH = "1.001193"


def codes(index: CatalogIndex, query: str, n: int = 3) -> list[str]:
    return [h.code for h in index.search(query, n)]


@pytest.mark.parametrize(
    "query",
    [
        "khai sinh",
        "KHAI SINH",
        "khai sinh cho con",
        "đăng ký khai sinh",
        "Đăng Ký Khai Sinh",
        "dang ky khai sinh",
        "đang ky khai sinh",
        "dang ki khai sinh",
    ],
)
def test_birth_registration_diacritics_and_case(big_index: CatalogIndex, query: str) -> None:
    assert BIRTH in codes(big_index, query)


def test_exact_name_is_first(big_index: CatalogIndex) -> None:
    hits = big_index.search("đăng ký khai sinh", 5)
    assert hits[0].code == BIRTH
    assert hits[0].match == "exact"
    # The longer variants follow, never before the exact name.
    assert all(h.score < hits[0].score for h in hits[1:])


def test_d_with_stroke_equals_d(demo_index: CatalogIndex) -> None:
    assert (
        codes(demo_index, "ĐĂNG KÝ KẾT HÔN", 1)
        == codes(demo_index, "dang ky ket hon", 1)
        == ["1.000894"]
    )


def test_word_prefix_while_typing(big_index: CatalogIndex) -> None:
    assert BIRTH in codes(big_index, "dang ky kh")
    assert BIRTH in codes(big_index, "dang ky khai si")
    assert codes(big_index, "chung thuc ban s", 1) == ["2.000815"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("khai sinhh", BIRTH),
        ("khai snh", BIRTH),
        ("khaisinh", BIRTH),
        ("chung thuc ban sao", "2.000815"),
        ("chung thuc bna sao", "2.000815"),
        ("ket hon", "1.000894"),
        ("kethon", "1.000894"),
        ("dang ky tam truu", "1.004194"),
    ],
)
def test_typos(big_index: CatalogIndex, query: str, code: str) -> None:
    assert code in codes(big_index, query), [(h.code, h.name) for h in big_index.search(query, 5)]


def test_exact_words_outrank_fuzzy(demo_index: CatalogIndex) -> None:
    words = demo_index.search("khai sinh", 1)[0]
    fuzzy = demo_index.search("khai sinhh", 1)[0]
    assert words.code == fuzzy.code == BIRTH
    assert words.score > fuzzy.score
    assert fuzzy.match == "partial"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("dkks", BIRTH),
        ("đkks", BIRTH),
        ("ctbs", "2.000815"),
        ("dkkh", "1.000894"),
        ("hkd", "1.001612"),
        ("xn tthn", "1.004873"),
    ],
)
def test_abbreviations(big_index: CatalogIndex, query: str, code: str) -> None:
    assert code in codes(big_index, query)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("giấy khai sinh", BIRTH),
        ("giay doc than", "1.004873"),
        ("trích lục", "2.000635"),
        ("nhap ho khau", "1.004222"),
        ("tam tru", "1.004194"),
        ("ho kinh doanh", "1.001612"),
        ("cong chung ban sao", "2.000815"),
    ],
)
def test_synonyms(big_index: CatalogIndex, query: str, code: str) -> None:
    assert code in codes(big_index, query)


def test_so_do_finds_land_use_certificates(big_index: CatalogIndex) -> None:
    hits = big_index.search("so do", 5)
    assert hits and all("quyền sử dụng đất" in h.name for h in hits[:3])


def test_code_exact_and_prefix(big_index: CatalogIndex) -> None:
    hit = big_index.search("1.001193", 5)[0]
    assert (hit.code, hit.score, hit.match) == (BIRTH, 100.0, "code")
    prefix = big_index.search("1.0011", 50)
    assert BIRTH in [h.code for h in prefix[:3]]
    assert all(h.code.startswith("1.0011") for h in prefix)
    assert big_index.search("1.00119", 1)[0].code == BIRTH


def test_local_code_search(demo_index: CatalogIndex) -> None:
    from counter_app.services.catalog import local_code

    code = local_code("Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú")
    assert demo_index.search(code, 1)[0].code == code
    assert demo_index.search(code.lower(), 1)[0].code == code


def test_empty_and_nonsense_queries(demo_index: CatalogIndex) -> None:
    assert demo_index.search("", 10) == []
    assert demo_index.search("   ", 10) == []
    assert demo_index.search("!!!", 10) == []
    assert demo_index.search("khai sinh", 0) == []
    assert demo_index.search("xyzqwv", 10) == []
    assert CatalogIndex([]).search("khai sinh") == []


def test_limit_and_order(big_index: CatalogIndex) -> None:
    hits = big_index.search("dang ky", 25)
    assert len(hits) == 25
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len({h.code for h in hits}) == 25


def test_ties_prefer_shorter_names() -> None:
    index = CatalogIndex(
        [
            SearchDoc(1, "A.1", "Đăng ký khai sinh có yếu tố nước ngoài cho người đã có hồ sơ"),
            SearchDoc(2, "A.2", "Đăng ký khai sinh"),
            SearchDoc(3, "A.3", "Đăng ký khai sinh có yếu tố nước ngoài"),
        ]
    )
    assert [h.code for h in index.search("khai sinh", 3)] == ["A.2", "A.3", "A.1"]


def test_aliases_are_searchable() -> None:
    index = CatalogIndex(
        [
            SearchDoc(
                1,
                "B.1",
                "Cấp Giấy xác nhận tình trạng hôn nhân",
                aliases=("Giấy xác nhận độc thân",),
            ),
            SearchDoc(2, "B.2", "Đăng ký kết hôn"),
        ]
    )
    assert index.search("xac nhan doc than", 1)[0].code == "B.1"


def test_field_words_rank_below_name_words(demo_index: CatalogIndex) -> None:
    hits = demo_index.search("ho tich", 30)
    names = [h.name for h in hits]
    # Procedures whose *name* says "hộ tịch" come before those only filed under the field.
    assert "hộ tịch" in names[0].lower()
    assert len(hits) > 10


def test_canon_token() -> None:
    assert canon_token("ky") == canon_token("ki") == "ki"
    assert canon_token("quy") == "quy"
    assert canon_token("hay") == "hay"


def test_hits_have_bounded_scores(big_index: CatalogIndex) -> None:
    for q in ("khai sinh", "dkks", "1.001193", "chung thuc bna sao", "so do"):
        for h in big_index.search(q, 10):
            assert 0 < h.score <= 100
            assert h.match in {"code", "exact", "words", "abbreviation", "synonym", "partial"}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("ddawng kys khai sinh", BIRTH),
        ("ddawng kys keets hoon", "1.000894"),
        ("ddawng kys thuowngf truws", "1.004222"),
    ],
)
def test_telex_typed_with_the_keyboard_off(big_index: CatalogIndex, query: str, code: str) -> None:
    assert code in codes(big_index, query)


def test_empty_words_are_dropped(demo_index: CatalogIndex) -> None:
    assert codes(demo_index, "thu tuc khai sinh", 1) == [BIRTH]
    assert codes(demo_index, "ho so dang ky tam tru", 1) == ["1.004194"]
    # …but a name that really contains them still matches as typed.
    target = "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân"
    assert demo_index.search("khai sinh nguoi da co ho so giay to", 1)[0].name == target


_ALPHABET = st.sampled_from(list("abcdđhiknostuyáàảãạăâêôơưý .,-/()1234567890ĐKHS"))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(st.text(max_size=40), st.text(_ALPHABET, max_size=40)), limit=st.integers(1, 30)
)
def test_any_text_gives_a_sane_ranked_list(demo_index: CatalogIndex, text: str, limit: int) -> None:
    hits = demo_index.search(text, limit)
    assert len(hits) <= limit
    assert len({h.key for h in hits}) == len(hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 100 for s in scores)


def test_detail_pruning_changes_nothing(big_entries: list) -> None:
    """The upper-bound pruning of detailed scoring is exact: same hits, same scores."""
    from tests.catalog.conftest import docs_of
    from tests.catalog.officer_queries import QUERIES

    pruned = CatalogIndex(docs_of(big_entries))
    full = CatalogIndex(docs_of(big_entries))
    full._prune = False
    extra = [
        "dang ky",
        "cap lai giay",
        "giay phep",
        "xac nhan",
        "ho",
        "d",
        "chung",
        "tro cap",
        "khai sinhh",
        "kethon",
        "ctbs",
        "1.00",
        "ddawng kys",
        "cho con",
        "gay phep lai xe",
    ]
    for q in [q for q, _ in QUERIES] + extra:
        for limit in (1, 3, 10, 30):
            got = [(h.code, h.score) for h in pruned.search(q, limit)]
            want = [(h.code, h.score) for h in full.search(q, limit)]
            assert got == want, (q, limit)
