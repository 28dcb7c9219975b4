"""Ranked, typo-tolerant search over the procedure catalog (pure: no I/O, no database).

Build a `CatalogIndex` once from the current procedure versions and query it on every key press.

Matching, in order of rank (docs/DESIGN.md §4.9):

1. **Code** — "1.001193" exactly (score 100), or a code prefix such as "1.0011" (95…99).
2. **Every word found** — each query word (diacritics folded, "đ" ≡ "d", "ký" ≡ "kí") is a word of
   the name (or of an alias), whole or as a word prefix ("dang ky kh"). Also the officers'
   abbreviations: the initials of the name ("dkks" = Đăng ký khai sinh, "ctbs" = Chứng thực bản
   sao …) and a small table of common words for a procedure ("sổ đỏ", "giấy độc thân", "nhập khẩu"
   …), tried as a rewrite of the query. Scores 60…99; a commune-level procedure gets +1.
3. **Partial / fuzzy** — misspelt words (OSA edit distance 1, or 2 for long words, via rapidfuzz
   over the vocabulary, never over whole names), doubled letters ("sinhh"), words run together
   ("khaisinh"), words that only match the field. Scores below 60, by the IDF-weighted share of
   query words found.

Telex typed with the Vietnamese keyboard off ("ddawng kys" = "đăng ký") is read back as words;
words that say nothing about the procedure ("thủ tục", "hồ sơ", "cho con", "làm", "xin") weigh
little or are dropped.

Within a band, in-order and contiguous matches, a match at the start of the name and an exact
name score higher; longer names lose a little per extra word, so "Đăng ký khai sinh" comes before
"Đăng ký khai sinh có yếu tố nước ngoài". Ties: fewer words, commune level, then code.

Speed: a token → postings map plus a sorted vocabulary (bisect for prefixes); rapidfuzz runs only
over the few thousand distinct words; detailed scoring runs only over the best candidates.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from counter_app.domain.text import fold, initials

__all__ = ["SearchDoc", "Hit", "CatalogIndex", "canon_token", "SYNONYMS", "ABBREVIATIONS"]

# --- vocabulary normalisation --------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")


def canon_token(tok: str) -> str:
    """Spelling variants that are the same word: final "y" after a consonant ≡ "i" ("ký" ≡ "kí")."""
    if len(tok) >= 2 and tok[-1] == "y" and tok[-2] not in _VOWELS and tok[-2].isalpha():
        return tok[:-1] + "i"
    return tok


def _canon_words(text: str) -> list[str]:
    return [canon_token(t) for t in fold(text).split()]


# Words people say around the procedure name ("làm khai sinh cho con"): optional, light weight.
FILLERS = frozenset(
    "cho con lam xin muon can toi minh em be cua ve tai o nhe a giup voi duoc".split()
)

# Common words for a procedure → words of its official name (folded). Tried as a query rewrite.
SYNONYMS: dict[str, str] = {
    "giay khai sinh": "khai sinh",
    "lam khai sinh": "dang ky khai sinh",
    "ban sao khai sinh": "ban sao trich luc ho tich",
    "trich luc khai sinh": "ban sao trich luc ho tich",
    "trich luc ket hon": "ban sao trich luc ho tich",
    "trich luc khai tu": "ban sao trich luc ho tich",
    "trich luc": "trich luc ho tich",
    "giay chung tu": "dang ky khai tu",
    "bao tu": "dang ky khai tu",
    "giay ket hon": "dang ky ket hon",
    "dang ky cuoi": "dang ky ket hon",
    "xac nhan doc than": "xac nhan tinh trang hon nhan",
    "giay doc than": "giay xac nhan tinh trang hon nhan",
    "doc than": "tinh trang hon nhan",
    "cong chung": "chung thuc",
    "photo": "ban sao",
    "sao y": "chung thuc ban sao",
    "ky ten": "chung thuc chu ky",
    "so do": "giay chung nhan quyen su dung dat",
    "so hong": "giay chung nhan quyen su dung dat quyen so huu nha o",
    "nhap ho khau": "dang ky thuong tru",
    "nhap khau": "dang ky thuong tru",
    "chuyen khau": "dang ky thuong tru",
    "ho khau": "thuong tru",
    "cat khau": "xoa dang ky thuong tru",
    "tach khau": "tach ho",
    "kt3": "tam tru",
    "giay phep kinh doanh": "ho kinh doanh",
    "dang ky kinh doanh": "dang ky thanh lap ho kinh doanh",
    "kinh doanh ca the": "ho kinh doanh",
    "ho ca the": "ho kinh doanh",
    "mo cua hang": "dang ky thanh lap ho kinh doanh",
    "mo quan": "dang ky thanh lap ho kinh doanh",
    "doi ten": "thay doi thong tin ho tich",
    "sua ten": "cai chinh thong tin ho tich",
    "sua ngay sinh": "cai chinh thong tin ho tich",
    "doi dan toc": "xac dinh lai dan toc",
    "nhan con": "nhan cha me con",
    "nhan cha": "nhan cha me con",
    "ho ngheo": "cong nhan ho ngheo ho can ngheo",
    "can ngheo": "cong nhan ho ngheo ho can ngheo",
    "tro cap nguoi gia": "tro cap huu tri xa hoi",
    "luong huu xa hoi": "tro cap huu tri xa hoi",
    "mua ban nha": "chung thuc hop dong giao dich nha o",
    "mua ban dat": "chung thuc hop dong quyen su dung dat",
    "chuyen nhuong dat": "chung thuc hop dong quyen su dung dat",
    "hop dong mua ban": "chung thuc hop dong giao dich",
    "tang cho": "chung thuc hop dong giao dich",
    "bhyt cho tre": "lien thong khai sinh thuong tru bhyt",
    "the bhyt tre em": "lien thong khai sinh thuong tru bhyt",
    "thua ke": "di san",
    "chia thua ke": "thoa thuan phan chia di san",
    "giay chung nhan ket hon": "dang ky ket hon",
    # Words around the name that say nothing about which procedure: dropped.
    "thu tuc": "",
    "lam thu tuc": "",
    "ho so": "",
}

# Officers' short forms of single words (after folding: "đk" → "dk").
ABBREVIATIONS: dict[str, str] = {
    "dk": "dang ky",
    "ct": "chung thuc",
    "gcn": "giay chung nhan",
    "gxn": "giay xac nhan",
    "xn": "xac nhan",
    "hkd": "ho kinh doanh",
    "tthn": "tinh trang hon nhan",
    "qsdd": "quyen su dung dat",
    "ks": "khai sinh",
    "bs": "ban sao",
    "hd": "hop dong",
    "gd": "giao dich",
    "tc": "tro cap",
    "btxh": "bao tro xa hoi",
}

_PARENS = re.compile(r"\([^()]*\)")  # "(kể cả …)" does not make a name longer for ranking
_COMMUNE = frozenset({"xa", "cap xa", "phuong", "commune"})
_CODE_RE = re.compile(r"^\d+(\.\d*)*$|^local\.[0-9a-f]*$", re.IGNORECASE)


def _compile_rewrites() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    table = {**{k: v for k, v in SYNONYMS.items()}, **ABBREVIATIONS}
    out = [(tuple(_canon_words(k)), tuple(_canon_words(v))) for k, v in table.items()]
    out.sort(key=lambda kv: -len(kv[0]))  # longest phrase first
    return out


_REWRITES = _compile_rewrites()
_FILLERS = frozenset(canon_token(w) for w in FILLERS)

# Weight of a match by where the word was found.
_NAME, _ALIAS, _FIELD = 0, 1, 2
_KIND_FACTOR = (1.0, 0.97, 0.55)
_STRONG = 0.85  # a per-word similarity at or above this is an exact or prefix match (not fuzzy)
_MEMO_SIZE = 2048  # query words remembered (expansions and postings)
_DETAIL = 32  # candidates scored in detail per pass (at least; more when more are asked for)


# --- public types --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What the index needs of one procedure (its current version)."""

    key: int  # caller's id (row id)
    code: str
    name: str
    field: str = ""
    aliases: tuple[str, ...] = ()
    level: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    key: int
    code: str
    name: str
    score: float  # 0…100, higher is better
    match: str  # code | exact | words | abbreviation | synonym | partial


@dataclass(slots=True)
class _Doc:
    src: SearchDoc
    code_lc: str
    name_tokens: list[str]
    alias_tokens: list[list[str]]
    name_initials: str
    alias_initials: list[str]
    length: int
    level_bonus: float
    positions: list[dict[str, list[int]]]  # word → positions, for the name then each alias
    word_counts: tuple[int, ...]  # number of words of the name and of each alias
    min_length: int  # fewest words (name without parentheses, or an alias)


@dataclass(slots=True)
class _Scored:
    score: float
    match: str


# --- the index -----------------------------------------------------------------------------------


class CatalogIndex:
    """An in-memory index; immutable once built (rebuild it when the catalog changes)."""

    def __init__(self, docs: Iterable[SearchDoc]) -> None:
        self._docs: list[_Doc] = []
        postings: dict[str, dict[int, int]] = {}  # token → {doc: best kind}
        for src in docs:
            idx = len(self._docs)
            name_tokens = _canon_words(src.name)
            alias_tokens = [t for t in (_canon_words(a) for a in src.aliases) if t]
            field_tokens = _canon_words(src.field)
            self._docs.append(
                _Doc(
                    src=src,
                    code_lc=src.code.strip().lower(),
                    name_tokens=name_tokens,
                    alias_tokens=alias_tokens,
                    name_initials=initials(name_tokens),
                    alias_initials=[initials(t) for t in alias_tokens],
                    length=len(_canon_words(_PARENS.sub(" ", src.name))) or len(name_tokens),
                    level_bonus=1.0 if fold(src.level) in _COMMUNE else 0.0,
                    positions=[_position_map(w) for w in (name_tokens, *alias_tokens)],
                    word_counts=tuple(len(w) for w in (name_tokens, *alias_tokens)),
                    min_length=min(
                        [len(_canon_words(_PARENS.sub(" ", src.name))) or len(name_tokens)]
                        + [len(w) for w in alias_tokens]
                    ),
                )
            )
            for kind, toks in (
                (_FIELD, field_tokens),
                (_ALIAS, _flatten(alias_tokens)),
                (_NAME, name_tokens),
            ):
                for tok in toks:
                    slot = postings.setdefault(tok, {})
                    if kind < slot.get(idx, 99):
                        slot[idx] = kind
        # token → docs, split by where the word was found (name, alias, field)
        self._by_kind: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {}
        self._strong_docs: dict[str, frozenset[int]] = {}  # name or alias docs
        self._name_docs: dict[str, frozenset[int]] = {}
        for tok, slot in postings.items():
            kinds: tuple[list[int], list[int], list[int]] = ([], [], [])
            for doc, kind in slot.items():
                kinds[kind].append(doc)
            self._by_kind[tok] = (tuple(kinds[0]), tuple(kinds[1]), tuple(kinds[2]))
            self._name_docs[tok] = frozenset(kinds[0])
            self._strong_docs[tok] = self._name_docs[tok] | frozenset(kinds[1])
        self._vocab: list[str] = sorted(postings)
        n = max(len(self._docs), 1)
        self._idf: dict[str, float] = {
            tok: math.log((n + 1) / (len(p) + 1)) / math.log(n + 1) for tok, p in postings.items()
        }
        self._codes: list[tuple[str, int]] = sorted(
            (d.code_lc, i) for i, d in enumerate(self._docs)
        )
        self._lenpen: list[float] = [0.004 * d.length for d in self._docs]
        self._prune = True  # tests turn the detail pruning off to check it changes nothing
        self._memo: dict[
            tuple[str, bool, bool], tuple[dict[str, float], dict[int, float], frozenset[int]]
        ] = {}
        # Abbreviations: initials (bisect for prefixes) and their inner runs of 3–5 letters.
        self._initials: list[tuple[str, int]] = sorted(
            (ini, i)
            for i, d in enumerate(self._docs)
            for ini in {d.name_initials, *d.alias_initials}
            if ini
        )
        self._initial_runs: dict[str, set[int]] = {}
        for ini, i in self._initials:
            for k in range(3, 6):
                for start in range(1, len(ini) - k + 1):
                    self._initial_runs.setdefault(ini[start : start + k], set()).add(i)

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab)

    # -- query ------------------------------------------------------------------------------------

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        raw = (text or "").strip()
        if not raw or limit <= 0 or not self._docs:
            return []
        results: dict[int, _Scored] = {}
        if _CODE_RE.match(raw):
            self._search_code(raw.lower(), results)
            if results:
                return self._top(results, limit)
        tokens = self._split_joined(_canon_words(raw))
        if not tokens:
            return []
        detail = max(_DETAIL, limit + 16)
        self._score_tokens(tokens, results, limit, detail, penalty=0.0, label=None)
        if len(tokens) == 1 and len(tokens[0]) >= 2:
            self._score_initials(tokens[0], results)
        for alt, phrase_len, dropped_only in _rewrites(tokens):
            # A known phrase of several words ("sổ đỏ", "giấy độc thân") is a stronger sign of
            # intent than its words taken one by one; a one-word short form is weaker; dropping
            # empty words ("thủ tục", "hồ sơ") is neutral.
            penalty = 0.0 if dropped_only else (-2.0 if phrase_len >= 2 else 1.0)
            self._score_tokens(
                alt,
                results,
                limit,
                detail,
                penalty=penalty,
                label=None if dropped_only else "synonym",
            )
        return self._top(results, limit)

    def _top(self, results: dict[int, _Scored], limit: int) -> list[Hit]:
        docs = self._docs

        def order(item: tuple[int, _Scored]) -> tuple[float, int, float, str]:
            idx, s = item
            d = docs[idx]
            return (-round(s.score, 3), d.length, -d.level_bonus, d.code_lc)

        ranked = sorted(results.items(), key=order)[:limit]
        return [
            Hit(
                key=docs[i].src.key,
                code=docs[i].src.code,
                name=docs[i].src.name,
                score=round(min(s.score, 100.0), 2),
                match=s.match,
            )
            for i, s in ranked
        ]

    def _search_code(self, q: str, results: dict[int, _Scored]) -> None:
        start = bisect.bisect_left(self._codes, (q, -1))
        for code, idx in self._codes[start:]:
            if not code.startswith(q):
                break
            if code == q:
                _keep(results, idx, 100.0, "code")
            else:
                _keep(results, idx, max(95.0, 99.0 - 0.5 * (len(code) - len(q))), "code")

    # -- words ------------------------------------------------------------------------------------

    def _expand(self, tok: str, is_last: bool) -> dict[str, float]:
        """Vocabulary words a query word may stand for, with a similarity 0…1."""
        out: dict[str, float] = {}
        exact = tok in self._by_kind
        if exact:
            out[tok] = 1.0
        # Word prefixes: always for the word being typed; for the others only when the word
        # itself is not a known word ("dang ky kh", but "ho ngheo" does not mean "hoa ngheo").
        if is_last or (not exact and len(tok) >= 2):
            lo = bisect.bisect_left(self._vocab, tok)
            hi = bisect.bisect_left(self._vocab, tok + "\uffff")
            sim = 0.9 if len(tok) >= 2 else 0.86
            for v in self._vocab[lo:hi]:
                if v != tok:
                    out[v] = sim
        if exact:
            return out
        untyped = canon_token(_untelex(tok))
        if untyped != tok and untyped in self._by_kind:  # IME off: "ddawng kys" = "đăng ký"
            out[untyped] = max(out.get(untyped, 0.0), 0.95)
        squeezed = canon_token(_squeeze(tok))
        if squeezed != tok and squeezed in self._by_kind:  # "sinhh", "kyy"
            out[squeezed] = max(out.get(squeezed, 0.0), 0.8)
        if len(tok) >= 3 and not tok.isdigit():
            max_d = 1 if len(tok) <= 5 else 2
            for v, dist, _ in process.extract(
                tok, self._vocab, scorer=OSA.distance, score_cutoff=max_d, limit=12
            ):
                if abs(len(v) - len(tok)) > max_d or dist == 0:
                    continue
                sim = 0.75 if dist == 1 else 0.6
                if out.get(v, 0.0) < sim:
                    out[v] = sim
        return out

    def _split_joined(self, tokens: list[str]) -> list[str]:
        """Words run together ("khaisinh" → "khai", "sinh") when the whole is no known word."""
        out: list[str] = []
        for tok in tokens:
            if len(tok) >= 4 and tok not in self._by_kind and not tok.isdigit():
                lo = bisect.bisect_left(self._vocab, tok)
                is_prefix = lo < len(self._vocab) and self._vocab[lo].startswith(tok)
                if not is_prefix:
                    for i in range(len(tok) - 2, 1, -1):
                        a, b = tok[:i], tok[i:]
                        if a in self._by_kind and b in self._by_kind:
                            out.extend((a, b))
                            break
                    else:
                        out.append(tok)
                    continue
            out.append(tok)
        return out

    def _word(
        self, tok: str, is_last: bool, filler: bool
    ) -> tuple[dict[str, float], dict[int, float], frozenset[int]]:
        """(expansions, doc → similarity, docs matching strongly) of one query word, memoised:
        live search re-types the same words on every key press."""
        key = (tok, is_last, filler)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if filler:  # filler words count only as typed (no prefixes, no typos)
            exp = {tok: 1.0} if tok in self._by_kind else {}
        else:
            exp = self._expand(tok, is_last)
        # Docs where this word matches strongly (as `_docs_for` computes it: by name or alias).
        strong = [
            self._strong_docs[v] if sim * _KIND_FACTOR[_ALIAS] >= _STRONG else self._name_docs[v]
            for v, sim in exp.items()
            if sim >= _STRONG
        ]
        out = (exp, self._docs_for(exp), frozenset().union(*strong))
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = out
        return out

    def _docs_for(self, exp: dict[str, float]) -> dict[int, float]:
        """doc → best similarity of one query word (max over its expansions and where found)."""
        layers: list[tuple[float, tuple[int, ...]]] = []
        for v, sim in exp.items():
            name, alias, field = self._by_kind[v]
            if name:
                layers.append((sim, name))
            if alias:
                layers.append((sim * _KIND_FACTOR[_ALIAS], alias))
            if field:
                layers.append((sim * _KIND_FACTOR[_FIELD], field))
        layers.sort(key=lambda layer: layer[0])
        per: dict[int, float] = {}
        for s, docs in layers:  # ascending: a higher similarity overwrites a lower one
            per.update(dict.fromkeys(docs, s))
        return per

    def _score_tokens(
        self,
        tokens: list[str],
        results: dict[int, _Scored],
        limit: int,
        detail: int,
        *,
        penalty: float,
        label: str | None,
    ) -> None:
        n = len(tokens)
        filler = [t in _FILLERS for t in tokens]
        if all(filler):
            filler = [False] * n
        words = [self._word(t, i == n - 1, filler[i]) for i, t in enumerate(tokens)]
        expansions = [w[0] for w in words]
        best = [w[1] for w in words]
        weights: list[float] = []
        for i, (t, exp) in enumerate(zip(tokens, expansions, strict=True)):
            if filler[i]:
                weights.append(0.15)
            elif t in self._idf:
                weights.append(0.5 + self._idf[t])
            elif exp:
                weights.append(0.5 + max(self._idf[v] for v in exp))
            else:
                weights.append(1.0)
        essential = [i for i in range(n) if not filler[i]]
        # Docs where every essential word is a word (or word prefix) of the name or an alias.
        strong: frozenset[int] | set[int] = frozenset()
        for j, i in enumerate(essential):
            strong = words[i][2] if j == 0 else strong & words[i][2]
            if not strong:
                break
        inv = 1.0 / (sum(weights) or 1.0)
        lenpen = self._lenpen
        pairs = [(weights[i], best[i]) for i in range(n)]
        if len(strong) >= limit:
            # Enough docs match every word: partial matches (< 60) can never reach the results.
            keyed = [
                (sum([w * per.get(doc, 0.0) for w, per in pairs]) * inv - lenpen[doc], doc)
                for doc in strong
            ]
        else:
            # Weighted coverage over the posting dicts (essential words define the pool; filler
            # words only add to docs already in it).
            coverage: dict[int, float] = {}
            get = coverage.get
            for i in essential:
                w = weights[i]
                for doc, sim in best[i].items():
                    coverage[doc] = get(doc, 0.0) + w * sim
            if not coverage:
                return
            for i in range(n):
                if filler[i]:
                    w = weights[i]
                    for doc, sim in best[i].items():
                        if doc in coverage:
                            coverage[doc] += w * sim
            keyed = [
                (cov * inv + (doc in strong) - lenpen[doc], doc) for doc, cov in coverage.items()
            ]
        ranked = [doc for _, doc in heapq.nlargest(detail, keyed)]
        total_w = 1.0 / inv
        # Score in detail in order of an upper bound of the detailed score, and stop once no
        # remaining candidate can enter this pass's top `limit` (exact pruning, no ranking change).
        n_ess = len(essential)
        n_fill = n - n_ess
        shape_max = 5.0 + (4.0 if n_ess > 1 else 0.0)  # in order + at start (+ contiguous)
        bounded = []
        for doc in ranked:
            d = self._docs[doc]
            if doc in strong:
                exactness = sum([best[i].get(doc, 0.0) for i in essential]) / n_ess
                ub = (
                    70.0
                    + 80.0 * (exactness - 0.85)
                    + 0.5 * n_fill
                    + d.level_bonus
                    + shape_max
                    + (6.0 if any(n_ess <= k <= n for k in d.word_counts) else 0.0)
                    - 0.4 * min(max(d.min_length - n_ess, 0), 14)
                )
                ub = max(ub, 60.5) + 1e-6
            else:
                cov = sum([w * per.get(doc, 0.0) for w, per in pairs]) * inv
                ub = min(55.0 * cov + 1.5 + 0.5 * d.level_bonus, 59.0) + 1e-6
            bounded.append((ub, doc))
        bounded.sort(reverse=True)
        top: list[float] = []  # min-heap of this pass's best `limit` scores
        for ub, doc in bounded:
            if self._prune and len(top) >= limit and ub < top[0]:
                break
            score, kind = self._detail(doc, tokens, expansions, weights, best, essential, total_w)
            if len(top) < limit:
                heapq.heappush(top, score)
            elif score > top[0]:
                heapq.heapreplace(top, score)
            if label and kind != "exact":
                kind = label
            _keep(results, doc, score - penalty, kind)

    def _detail(
        self,
        doc: int,
        tokens: list[str],
        expansions: list[dict[str, float]],
        weights: list[float],
        best: list[dict[int, float]],
        essential: list[int],
        total_w: float,
    ) -> tuple[float, str]:
        d = self._docs[doc]
        sims = [per.get(doc, 0.0) for per in best]
        strong = all(sims[i] >= _STRONG for i in essential)
        if strong:
            exactness = sum(sims[i] for i in essential) / len(essential)  # 0.85 … 1
            fill = sum(0.5 for i, t in enumerate(tokens) if t in _FILLERS and sims[i] >= _STRONG)
            base = 70.0 + 12.0 * (exactness - 0.85) / 0.15 + fill + d.level_bonus
            # Word order and extra words, on the name or (1 point less) on an alias.
            best_shape = -1e9
            exact_any = False
            for j, words in enumerate((d.name_tokens, *d.alias_tokens)):
                shape, exact = _shape(
                    words,
                    d.positions[j],
                    tokens,
                    expansions,
                    essential,
                    d.length if j == 0 else len(words),
                )
                shape -= 1.0 if j else 0.0
                exact_any = exact_any or (exact and j == 0)
                best_shape = max(best_shape, shape + (6.0 if exact else 0.0))
            return max(base + best_shape, 60.5), ("exact" if exact_any else "words")
        cov = sum(w * s for w, s in zip(weights, sims, strict=True)) / total_w
        chosen, in_order = _positions(d.name_tokens, d.positions[0], expansions, essential)
        extra = min(max(d.length - len(set(chosen)), 0), 16)
        score = (
            55.0 * cov
            + (1.5 if in_order and len(chosen) > 1 else 0.0)
            + 0.5 * d.level_bonus
            - 0.15 * extra
        )
        return max(min(score, 59.0), 0.1), "partial"

    def _score_initials(self, q: str, results: dict[int, _Scored]) -> None:
        """Officers' abbreviations: the initials of the name's words ("dkks", "ctbs")."""
        if q.isdigit():
            return
        lo = bisect.bisect_left(self._initials, (q, -1))
        for ini, idx in self._initials[lo:]:
            if not ini.startswith(q):
                break
            s = 86.0 if ini == q else 80.0 - 0.4 * min(len(ini) - len(q), 15)
            _keep(results, idx, s, "abbreviation")
        if 3 <= len(q) <= 5:
            for idx in self._initial_runs.get(q, ()):
                d = self._docs[idx]
                longest = max(len(d.name_initials), *(len(a) for a in d.alias_initials), 0)
                _keep(results, idx, 72.0 - 0.4 * min(longest - len(q), 15), "abbreviation")


def _position_map(words: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for p, w in enumerate(words):
        out.setdefault(w, []).append(p)
    return out


def _positions(
    words: list[str],
    where: dict[str, list[int]],
    expansions: list[dict[str, float]],
    essential: list[int],
) -> tuple[list[int], bool]:
    """Where the query words sit in `words`, matched greedily in query order."""
    chosen: list[int] = []
    prev = -1
    in_order = True
    for i in essential:
        exp = expansions[i]
        if len(exp) <= len(where):
            hits = sorted(p for v in exp if v in where for p in where[v])
        else:
            hits = [p for p, w in enumerate(words) if w in exp]
        if not hits:
            continue
        pos = next((p for p in hits if p > prev), -1)
        if pos < 0:
            pos = hits[0]
            in_order = False
        chosen.append(pos)
        prev = max(prev, pos)
    return chosen, in_order


def _shape(
    words: list[str],
    where: dict[str, list[int]],
    tokens: list[str],
    expansions: list[dict[str, float]],
    essential: list[int],
    length: int,
) -> tuple[float, bool]:
    """Bonus for in-order, contiguous, at-start matches; a malus per extra word. (bonus, exact)"""
    chosen, in_order = _positions(words, where, expansions, essential)
    contiguous = in_order and len(chosen) > 1 and chosen[-1] - chosen[0] == len(chosen) - 1
    at_start = bool(chosen) and chosen[0] == 0
    extra = min(max(length - len(set(chosen)), 0), 14)
    exact = [t for t in tokens if t not in _FILLERS] == words or tokens == words
    bonus = (
        (3.0 if in_order and chosen else 0.0)
        + (4.0 if contiguous else 0.0)
        + (2.0 if at_start else 0.0)
        - 0.4 * extra
    )
    return bonus, exact


def _keep(results: dict[int, _Scored], idx: int, score: float, match: str) -> None:
    cur = results.get(idx)
    if cur is None or score > cur.score:
        results[idx] = _Scored(score, match)


_TELEX_PAIRS = (
    ("dd", "d"),
    ("aw", "a"),
    ("aa", "a"),
    ("ee", "e"),
    ("oo", "o"),
    ("ow", "o"),
    ("uw", "u"),
)


def _untelex(tok: str) -> str:
    """Undo Telex typed with the Vietnamese keyboard off: "ddawng" → "dang", "kys" → "ky".

    No Vietnamese word ends in s, f, r, x, j or z: at the end they are tone keys."""
    out = tok
    for a, b in _TELEX_PAIRS:
        out = out.replace(a, b)
    out = out.replace("w", "u")
    if len(out) > 1 and out[-1] in "sfrxjz":
        out = out[:-1]
    return out


def _squeeze(tok: str) -> str:
    """Doubled letters typed by mistake: "sinhh" → "sinh"."""
    return re.sub(r"(.)\1+", r"\1", tok)


def _flatten(lists: list[list[str]]) -> list[str]:
    return [t for sub in lists for t in sub]


def _rewrites(tokens: list[str]) -> list[tuple[list[str], int, bool]]:
    """The query with known phrases replaced by the official words (one rewrite, longest first),
    with the length of the longest phrase replaced and whether phrases were only dropped."""
    out: list[str] = []
    i = 0
    changed = 0
    dropped_only = True
    n = len(tokens)
    while i < n:
        for key, value in _REWRITES:
            k = len(key)
            if tuple(tokens[i : i + k]) == key:
                out.extend(value)
                i += k
                changed = max(changed, k)
                dropped_only = dropped_only and not value
                break
        else:
            out.append(tokens[i])
            i += 1
    return [(out, changed, dropped_only)] if changed and out else []
