"""Pure text utilities shared by retrieval, drafting and the rule layer.

Canonicalisation maps the many ways clinicians write the same thing ("Ph+", "Philadelphia-positive",
"BCR::ABL1-positive") onto one token so BM25 and the support checks see them as equal.

Example:
    >>> tokenize("Ph+ ALL with MRD 0.01% after allo-HSCT, CD19+")
    ['ph_pos', 'all', 'mrd', '0.01%', 'after', 'allo_hsct', 'cd19', 'cd19_pos']
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from ingest.japanese import has_japanese
from ingest.japanese import terms as japanese_terms

# --- sentence splitting -------------------------------------------------------------------------

_ABBREV = ("e.g", "i.e", "vs", "et al", "Dr", "approx", "cf", "Fig", "No", "mo", "yr", "yrs", "Int J", "Ann")
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\"'*_0-9])")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking abbreviations or decimals.

    >>> split_sentences("MRD of 0.01% is high risk. Blinatumomab e.g. targets CD19. Done.")
    ['MRD of 0.01% is high risk.', 'Blinatumomab e.g. targets CD19.', 'Done.']
    """
    text = text.strip()
    if not text:
        return []
    parts: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        candidate = text[start : m.start()]
        if any(candidate.endswith(a + ".") for a in _ABBREV):
            continue
        parts.append(candidate.strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


@lru_cache(maxsize=8192)
def headed_sentences(text: str, heading: str = "") -> tuple[tuple[str, str], ...]:
    """(heading, sentence) pairs of a chunk's text, in order, never spanning a paragraph break or a Markdown
    heading line; text before the first heading line sits under `heading` (cached: pure)."""
    out: list[tuple[str, str]] = []
    body: list[str] = []

    def flush() -> None:
        if body:
            out.extend((heading, sent) for sent in split_sentences(" ".join(body)))
            body.clear()

    for ln in text.split("\n"):
        if not ln.strip() or ln.startswith("#"):
            flush()  # a paragraph ends at a blank line and before a heading line
        if ln.lstrip().startswith("#"):
            heading = ln.lstrip("# ").strip()
        elif ln.strip():
            body.append(ln.strip())
    flush()
    return tuple(out)


@lru_cache(maxsize=8192)
def chunk_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a chunk's text (see `headed_sentences`)."""
    return tuple(s for _, s in headed_sentences(text))


def split_answer_sentences(text: str) -> list[str]:
    """Split a Markdown answer into sentences, keeping the citation markers with their sentence.

    A marker group such as ``[1][2]`` that follows the full stop belongs to the sentence before it.
    """
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        line = _without_bullet(line)
        # Move markers written after the full stop ("... done. [1] Next") to before the split point.
        pieces = re.split(r"(?<=[.!?])((?:\s*\[\d+\])+)(?=\s|$)", line)
        buf = ""
        for i, piece in enumerate(pieces):
            if i % 2 == 1:  # a marker group
                buf += piece.strip()
                continue
            sents = split_sentences(piece) if piece.strip() else []
            if buf and sents:
                out.append(buf)
                buf = ""
            if not sents:
                continue
            out.extend(s for s in sents[:-1])
            buf = sents[-1]
        if buf:
            out.append(buf)
    return out


def _without_bullet(line: str) -> str:
    """A line without its list bullet ("- ", "1. ") or heading marks ("## ").

    >>> _without_bullet("- TKI.[1]"), _without_bullet("12. Done."), _without_bullet("## Heading"), _without_bullet("-5%")
    ('TKI.[1]', 'Done.', 'Heading', '-5%')
    """
    if line[:1] in "-*+":
        mark = 1
    elif line[:1] == "#":
        mark = len(line) - len(line.lstrip("#"))
    else:
        digits = len(line) - len(line.lstrip("0123456789"))
        mark = digits + 1 if digits and line[digits:digits + 1] == "." else 0
    rest = line[mark:]
    return rest.lstrip() if mark and rest[:1].isspace() else line


def without_markers(text: str, replace: str = "") -> tuple[str, list[int]]:
    """`text` with each citation marker ("[12]") replaced by `replace`, and the marker numbers in order.

    >>> without_markers("A.[1][12] B [x] [3]", " ")
    ('A.   B [x]  ', [1, 12, 3])
    """
    out: list[str] = []
    numbers: list[int] = []
    i = 0
    while i < len(text):
        j = text.find("]", i + 1) if text[i] == "[" else -1
        if j > i + 1 and text[i + 1:j].isdecimal():
            numbers.append(int(text[i + 1:j]))
            out.append(replace)
            i = j + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out), numbers


def strip_markers(sentence: str) -> tuple[str, list[int]]:
    """Return the sentence without its markers and the marker numbers (in order, unique).

    >>> strip_markers("TKI is recommended.[1][3]")
    ('TKI is recommended.', [1, 3])
    """
    body, markers = without_markers(sentence)
    body = body.strip()
    if body[-1:] in (".", "!", "?") and body[-2:-1].isspace():
        body = body[:-1].rstrip() + body[-1]
    seen: list[int] = []
    for m in markers:
        if m not in seen:
            seen.append(m)
    return body, seen


#: Names of the trials and studies in the corpus (a regex alternation, lower-case text).
TRIAL_NAME = (
    r"phallcon|e1910|tower|ino-?vate|eliana|zuma-?\d*|d-?alba|gimema(?:\s+lal\s*\d+)?|jalsg(?:[\s-]*\w+)?"
    r"|calgb(?:\s*\d+)?|graaph(?:-?\d+)?|gralla?\w*|all202|all213|lal\d+|ukall\w*|nishiwaki|md\s*anderson"
)


#: Drug tokens (after canonicalisation) that name what a question is about.
DRUG_TOKENS = frozenset(["tki", "blinatumomab", "inotuzumab", "nelarabine", "tisagenlecleucel", "brexucabtagene",
                         "imatinib", "dasatinib", "nilotinib", "ponatinib", "methotrexate", "cytarabine",
                         "asparaginase", "car_t"])
#: Tokens that name a population of adult ALL (a question's setting: "for Ph+ ALL", "in T-ALL").
POPULATION_TOKENS = frozenset(["ph_pos", "ph_neg", "t_all", "b_all"])
#: A trial or study named in text ("E1910", "JALSG ALL202-O").
TRIAL_RE = re.compile(r"\b(?:" + TRIAL_NAME + r")\b", re.IGNORECASE)


def names_trial(text: str) -> bool:
    """
    >>> names_trial("BLAST used 10^-3"), names_trial("marrow blast count 10%"), names_trial("TOWER results")
    (True, False, True)
    """
    return bool(TRIAL_RE.search(text)) or term_at(text, "BLAST", fold=False) >= 0  # (in capitals: "blasts" are cells)


# --- canonicalisation ---------------------------------------------------------------------------

_DASH = "\u2212\u2013\u2014\u2010\u2011"

_CANON: list[tuple[str, str]] = [
    # trial names that share a stem must stay distinct ("Ph+ALL202" vs "ALL202-U" vs "ALL202-O")
    (r"\bph\s*\+?\s*-?\s*all\s*(\d{3})\b", r" ph_all\1 ph_pos "),
    (r"\ball\s*(\d{3})\s*-\s*([uo])\b", r" all\1_\2 "),
    # Ph status (order matters: negative forms first)
    (r"\b(?:ph|philadelphia(?:\s+chromosome)?|bcr::?abl1?|bcr-abl1?)\s*(?:-\s*)?(?:negative|neg)\b", " ph_neg "),
    (r"\bph\s*-(?=\s|$|[,.;:)/])", " ph_neg "),
    (r"\b(?:ph|philadelphia(?:\s+chromosome)?|bcr::?abl1?|bcr-abl1?)\s*(?:-\s*)?(?:positive|pos)\b", " ph_pos "),
    (r"\bph\s*\+", " ph_pos "),
    (r"\bph[\s-]*like\b", " ph_like "),
    (r"\bt\(9;22\)", " ph_pos "),
    # CD markers
    (r"\bcd\s?(19|22)\s*(?:-\s*)?(?:positive|pos)\b", r" cd\1 cd\1_pos "),
    (r"\bcd\s?(19|22)\s*\+", r" cd\1 cd\1_pos "),
    (r"\bcd\s?(19|22)\s*(?:-\s*)?(?:negative|neg)\b", r" cd\1 cd\1_neg "),
    (r"\bcd\s?(19|22)\s*-(?=\s|$|[,.;:)/])", r" cd\1 cd\1_neg "),
    # transplant
    (r"\bauto(?:logous)?[\s-]*(?:hsct|sct|hct|bmt|transplant(?:ation)?|stem[\s-]+cell[\s-]+transplant(?:ation)?)\b",
     " auto_hsct "),
    (r"\ballo(?:geneic)?[\s-]*(?:hsct|sct|hct|bmt|transplant(?:ation)?|stem[\s-]+cell[\s-]+transplant(?:ation)?)\b",
     " allo_hsct "),
    (r"\b(?:hsct|hct|sct|bmt)\b", " allo_hsct "),
    (r"\bhematopoietic\s+(?:stem\s+)?cell\s+transplant(?:ation)?\b", " allo_hsct "),
    (r"\bbone\s+marrow\s+transplant(?:ation)?\b", " allo_hsct "),
    (r"\btransplant(?:ation|ed|s)?\b", " allo_hsct "),
    (r"\ballo\b(?![\s-]*(?:reactiv|immun|antibod|graft|antigen|geneic))", " allo_hsct "),  # "is allo in CR1 indicated?"
    (r"\bchemo\b", " chemotherapy "),
    (r"\bshd\b", " should "),
    (r"\btox(?:icit(?:y|ies)|s)?\b|\bside[\s-]+effects?\b|\badverse\s+(?:events?|effects?)\b|\baes?\b", " toxicity "),
    (r"\bliver\s+(?:issues?|problems?|toxicit(?:y|ies)|damage|injury|risks?|complications?)\b|\bhepatotoxic\w*"
     r"|\bhepatic\s+(?:toxicity|issues?|problems?|risks?)\b", " toxicity vod "),
    (r"\bveno[\s-]*occlusive\s+disease\b|\bsinusoidal\s+obstruction\s+syndrome\b|\bvod\s*/\s*sos\b|\bvod\b",
     " vod "),
    (r"\bcytokine\s+release\s+syndrome\b|\bcrs\b", " crs "),
    (r"\bneurotoxicity\b|\bneurological\s+(?:toxicity|events?)\b|\bicans\b", " neurotoxicity "),
    (r"\b(?:wbc|white\s+(?:blood\s+)?cell\s+counts?|leu[ck]ocyte\s+counts?)\b", " wbc "),
    # how often a finding occurs ("what fraction of adult ALL is Ph+?" ~ "makes up roughly a quarter")
    (r"\b(?:how|more|less)\s+(?:common|frequent)\b|\b(?:fraction|proportion|prevalence|frequency|quarter)\b"
     r"|\bpercentage\s+of\b|\bwhat\s*(?:%|percent\b)|\bits\s+share\b|\bshare\s+of\s+(?=adult|all\b|patients)", " frequency "),
    # drugs and therapies
    (r"\bbackbones?\b", " regimen "),
    (r"\bfront[\s-]?line\b|\bup[\s-]?front\b", " first line "),
    (r"\bcns[\s-]+(?:involvement|disease|leuka?emia|positive|status\s+3|3)\b|\bcsf[\s-]+(?:blasts|positive|involvement)\b"
     r"|\bestablished\s+cns\b", " cns cns_involvement "),
    (r"\bhd[\s-]*mtx\b|\bhigh[\s-]*dose\s+(?:methotrexate|mtx)\b", " hd_mtx methotrexate "),
    (r"\bhd[\s-]*ara[\s-]*c\b|\bhigh[\s-]*dose\s+(?:cytarabine|ara-?c)\b", " hd_arac cytarabine "),
    (r"\bcar[\s-]*t(?:[\s-]*cell)?s?\b|\bchimeric\s+antigen\s+receptor\b", " car_t "),
    (r"\btisa[\s-]*cel\b|\bkymriah\b", " tisagenlecleucel car_t "),
    (r"\bbrexu[\s-]*cel\b|\btecartus\b", " brexucabtagene car_t "),
    (r"\bblina\b|\bblincyto\b", " blinatumomab "),
    (r"\bino[\s-]?vate\b", " ino_vate inotuzumab "),
    (r"\bino\b|\binotuzumab(?:\s+ozogamicin)?\b|\bbesponsa\b", " inotuzumab "),
    (r"\btyrosine\s+kinase\s+inhibitors?\b|\btkis\b", " tki "),
    (r"\b(?:cortico)?steroids?\b|\bprednisolone\b|\bprednisone\b|\bdexamethasone\b", " corticosteroid "),
    (r"\bintrathecal\b|\bi\.?t\.?\s+(?:chemo|mtx|methotrexate)", " intrathecal "),
    (r"\bcranial\s+(?:irradiation|radiation|radiotherapy|rt)\b|\bcrt\b|\bpci\b", " cranial_irradiation "),
    (r"\bcns\b|\bcentral\s+nervous\s+system\b", " cns "),
    (r"\b(?:measurable|minimal)\s+residual\s+disease\b", " mrd "),
    (r"\bpa?ediatric[\s-]*(?:type|inspired|like|based|style)\b|\bpeds?[\s-]+(?:type|style|protocol|regimen)\b"
     r"|\bchild(?:ren)?(?:'s|s')?[\s-]+(?:style|type|treatment|protocol|regimen|plan|chemo\w*|therapy)\b",
     " pediatric_type "),
    (r"\badolescents?\s+and\s+young\s+adults?\b|\bayas?\b", " aya "),
    (r"\breduced[\s-]*intensity\s+conditioning\b|\bric\b", " ric "),
    (r"\bfirst\s+(?:complete\s+)?remission\b|\bcr\s*1\b", " cr1 "),
    (r"\bsecond\s+(?:complete\s+)?remission\b|\bcr\s*2\b", " cr2 "),
    (r"\brelapsed?\s*/\s*refractory\b|\br\s*/\s*r\b", " relapsed refractory "),
    (r"\bt[\s-]*(?:cell\s+)?lymphoblastic\s+lymphomas?\b|\bt[\s-]*lbl\b", " t_all lbl "),
    (r"\blymphoblastic\s+lymphomas?\b", " lbl lymphoma "),
    (r"\bt[\s-]*(?:cell\s+)?(?:all|lbl|lymphoblastic)\b", " t_all "),
    (r"\bb[\s-]*(?:cell\s+)?(?:all|lymphoblastic)\b|\bprecursor[\s-]*b\b|\bpre[\s-]*b\b", " b_all "),
    (r"\bpre[\s-]*emptive(?:ly)?\b", " preemptive "),
    (r"\bprophylactic(?:ally)?\b|\bprophylaxis\b", " prophylactic "),
    (r"\bmaintenance\b", " maintenance "),
    (r"\b10\s*\^\s*[-" + _DASH + r"]\s*4\b|\b1\s*[x×]\s*10\s*\^?\s*[-" + _DASH + r"]\s*4\b|\b1e-4\b", " 0.01% "),
    (r"\b10\s*\^\s*[-" + _DASH + r"]\s*3\b|\b1\s*[x×]\s*10\s*\^?\s*[-" + _DASH + r"]\s*3\b|\b1e-3\b", " 0.1% "),
]
_CANON_RE = [(re.compile(p, re.IGNORECASE), r) for p, r in _CANON]

_STOP = frozenset(
    ["a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "with", "without", "is", "are", "was", "were", "be", "been", "being", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "does", "do", "did", "should", "would", "could", "can", "may", "might", "must", "will", "shall", "this", "that", "these", "those", "it", "its", "as", "at", "by", "from", "into", "than", "then", "there", "their", "they", "them", "he", "she", "his", "her", "him", "patient", "patients", "pt", "pts", "about", "any", "some", "all_words", "i", "we", "you", "me", "my", "our", "your", "us", "if", "but", "not", "no", "yes", "vs", "versus", "per", "also", "only", "more", "most", "less", "such", "guideline", "guidelines", "jsh", "recommend", "recommended", "recommendation", "recommendations", "treatment", "treat", "treated", "therapy", "option", "options", "please", "tell", "according", "say", "says", "said", "mean", "means"]
)

#: Domain words that the typo corrector may snap to (only words of 6+ letters).
DOMAIN_WORDS = ["blinatumomab", "inotuzumab", "ozogamicin", "nelarabine", "tisagenlecleucel", "brexucabtagene", "ponatinib", "dasatinib", "imatinib", "nilotinib", "bosutinib", "asciminib", "methotrexate", "cytarabine", "corticosteroid", "prednisolone", "dexamethasone", "asparaginase", "intrathecal", "irradiation", "prophylaxis", "prophylactic", "preemptive", "maintenance", "induction", "consolidation", "remission", "relapsed", "refractory", "transplant", "transplantation", "lymphoblastic", "leukemia", "leukaemia", "philadelphia", "pediatric", "paediatric", "reinduction", "salvage", "allogeneic", "conditioning", "hyperdiploid", "hypodiploid", "rearrangement"]

_TOKEN_RE = re.compile(r"[a-z0-9_]+(?:[.:][0-9]+)?%?|[a-z0-9_]+")


@lru_cache(maxsize=16384)
def normalize(text: str) -> str:
    """Lower-case, unify dashes, and canonicalise clinical synonyms.

    >>> normalize("Ph− B-ALL, HD-MTX")
    ' ph_neg   b_all ,  hd_mtx methotrexate '
    """
    t = text
    for ch in _DASH:
        t = t.replace(ch, "-")
    t = t.replace("\u00b5", "u").replace("\u2009", " ")
    t = t.lower()
    for pat, rep in _CANON_RE:
        t = pat.sub(rep, t)
    return t


#: Real words that sit close to a domain word and must not be "corrected" ("indication" is not "induction").
_NOT_TYPOS = frozenset(
    ["condition", "conditions", "indication", "indications", "indicated", "release", "released", "releases",
     "leukemic", "lymphoblast", "lymphoblasts", "related", "relative", "relatives", "relation", "reduction",
     "inductive", "remissions", "transfusion", "infusion", "infusions", "maintained", "refraction"])


@lru_cache(maxsize=4096)
def _fix_typo(word: str) -> str:
    if len(word) < 6 or word in DOMAIN_WORDS or word in _NOT_TYPOS:
        return word
    close = difflib.get_close_matches(word, DOMAIN_WORDS, n=1, cutoff=0.84)
    return close[0] if close else word


def tokenize(text: str, *, keep_stopwords: bool = False, fix_typos: bool = True) -> list[str]:
    """Tokens for BM25 and overlap scoring; keeps `ph_pos`, `cd19`, `t315i`, `0.01%`, `allo_hsct` intact."""
    return list(_tokenize(text, keep_stopwords, fix_typos))


@lru_cache(maxsize=16384)
def _tokenize(text: str, keep_stopwords: bool, fix_typos: bool) -> tuple[str, ...]:
    out: list[str] = []
    for tok in _TOKEN_RE.findall(normalize(text)):
        tok = tok.rstrip(".:")
        if not tok:
            continue
        if not keep_stopwords and tok in _STOP:
            continue
        if fix_typos and tok.isalpha():
            tok = _fix_typo(tok)
        if len(tok) > 5 and tok.endswith("ies") and tok.isalpha():
            tok = tok[:-3] + "y"
        elif len(tok) > 4 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")) and tok.isalpha():
            tok = tok[:-1]
        if tok in ("cd19_pos", "cd22_pos"):
            out.append(tok)
            continue
        out.append(tok)
    if has_japanese(text):  # a Japanese document or question: SudachiPy's content words (ingest.japanese)
        out.extend(japanese_terms(text))
    return tuple(out)


#: Trial names that carry no number.
_TRIAL_WORDS = frozenset(["tower", "eliana", "phallcon", "alba", "graaph", "zuma", "nishiwaki", "gmall", "lysa",
                          "ino_vate"])


#: Letters-and-digit tokens that name a classification edition, not a trial ("WHO-HAEM5").
_CLASSIFICATIONS = frozenset(["haem5", "who5", "icc2022", "who2017", "who2022"])


def _is_trial_key(tok: str) -> bool:
    """A token that names one trial ("all202_o", "ph_all202", "10403", "tower", "ukall14"), not a gene ("cd19",
    "t315i") or a year ("2023").

    >>> [_is_trial_key(t) for t in ("all202_o", "10403", "tower", "ukall", "cd19", "t315i", "2023", "0.01%", "haem5")]
    [True, True, True, True, False, False, False, False, False]
    """
    if (tok.startswith("cd") and tok[2:3].isdecimal()) or tok.startswith("t315i") or (
            len(tok) == 4 and tok[:2] in ("19", "20") and tok[2:].isdecimal()) or tok in _CLASSIFICATIONS:
        return False
    if tok in _TRIAL_WORDS or tok.isdecimal() and len(tok) >= 3:
        return True
    if not all(word_char(ch) for ch in tok):
        return False
    if tok.startswith("ukall"):
        return True
    letters = len(tok) - len(tok.lstrip("abcdefghijklmnopqrstuvwxyz_"))
    return letters > 0 and tok[letters:letters + 1].isdecimal()


def trial_keys(text: str) -> set[str]:
    """The tokens that tell one trial from another ("all202_o" vs "ph_all202", "10403", "tower")."""
    return {t for t in tokenize(text) if _is_trial_key(t)}


# --- cue words ------------------------------------------------------------------------------------------


#: Superscript digits and signs as plain text ("10⁻⁴" -> "10^-4"): the facts reader and the Japanese reader.
#: Enclosed numbers that number a list ("①67歳 ... ②..."): a list mark of their own, not digits run into the number
#: after them (NFKC alone makes "①６７歳" "167歳").
ENCLOSED_NUMBERS = {**{0x2460 + i: f" ({i + 1}) " for i in range(20)}, **{0x2776 + i: f" ({i + 1}) " for i in range(10)},
                    **{0x2780 + i: f" ({i + 1}) " for i in range(10)}, **{0x278A + i: f" ({i + 1}) " for i in range(10)}}
SUPERSCRIPTS = str.maketrans({"\u207b": "^-", "\u207a": "^+", "\u2070": "0", "\u00b9": "1", "\u00b2": "2",
                              "\u00b3": "3", "\u2074": "4", "\u2075": "5", "\u2076": "6", "\u2077": "7",
                              "\u2078": "8", "\u2079": "9"})


def word_char(ch: str) -> bool:
    """A character the regex `\\w` matches (letters, digits, underscore)."""
    return ch.isalnum() or ch == "_"


def term_at(text: str, term: str, start: int = 0, *, fold: bool = True) -> int:
    """Where `term` first occurs in `text` from `start` as whole words (-1 if nowhere): a word character may not
    touch either end, except where the term has a `*` ("prefer*" runs on into "preferred", "*corpus*" matches
    anywhere) ; a leading `^` ties it to the start of the text. Case-insensitive unless `fold` is False.

    >>> term_at("Is ponatinib preferred?", "prefer*"), term_at("Is ponatinib preferred?", "prefer")
    (13, -1)
    >>> term_at("Within the CR1 setting", "cr1"), term_at("in CR12", "cr1"), term_at("As a result, X", "^as a result")
    (11, -1, 0)
    """
    anchored = term.startswith("^")
    body = term.lstrip("^")
    open_start, open_end = body.startswith("*"), body.endswith("*")
    body = body.strip("*")
    hay = text.lower() if fold else text
    if fold:
        body = body.lower()
    i = hay.find(body, start)
    while i >= 0:
        j = i + len(body)
        before = open_start or i == 0 or not (word_char(body[0]) and word_char(hay[i - 1]))
        after = open_end or j == len(hay) or not (word_char(body[-1]) and word_char(hay[j]))
        if before and after and (not anchored or i == 0):
            return i
        if anchored:
            return -1
        i = hay.find(body, i + 1)
    return -1


@lru_cache(maxsize=65536)
def has_any(text: str, terms: tuple[str, ...]) -> bool:
    """Whether any of `terms` occurs in `text` (see `term_at`); cached, as corpus sentences recur.

    >>> has_any("Blinatumomab is not recommended first-line.", ("not recommended", "no jsh"))
    True
    """
    low = text.lower()
    return any(term_at(low, term, fold=False) >= 0 for term in terms)


def first_of(text: str, terms: tuple[str, ...]) -> tuple[int, int] | None:
    """(start, end) of the leftmost occurrence of any of `terms` (see `term_at`; the first term listed wins a
    tie), or None.

    >>> first_of("AYA are conventionally defined as 15-39", ("defined", "conventionally"))
    (8, 22)
    """
    low = text.lower()
    best: tuple[int, int] | None = None
    for term in terms:
        i = term_at(low, term, fold=False)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, i + len(term.strip("^*")))
    return best


def first_word(text: str) -> str:
    """The first word of `text`, lower-cased (what `\\W*(\\w+)` would match at its start).

    >>> first_word("  ...Why is X?"), first_word("?!")
    ('why', '')
    """
    i = 0
    while i < len(text) and not word_char(text[i]):
        i += 1
    j = i
    while j < len(text) and word_char(text[j]):
        j += 1
    return text[i:j].lower()


def words(text: str) -> set[str]:
    """The lower-cased words of `text` (runs of word characters).

    >>> sorted(words("Ph+ ALL, vs. CR1"))
    ['all', 'cr1', 'ph', 'vs']
    """
    out: set[str] = set()
    cur: list[str] = []
    for ch in text.lower() + " ":
        if word_char(ch):
            cur.append(ch)
        elif cur:
            out.add("".join(cur))
            cur = []
    return out


def after_number(text: str, unit: str, *, bounded: bool = False) -> bool:
    """`unit` (a term, see `term_at`; case-sensitive) right after a number, spaces allowed ("12 months", "40%");
    `bounded`: the number starts a word ("x2%" does not count).

    >>> after_number("OS 7.7 months", "*months"), after_number("months later", "*months"), after_number("x2%", "*%")
    (True, False, True)
    >>> after_number("x2%", "*%", bounded=True)
    False
    """
    at = term_at(text, unit, fold=False)
    while at >= 0:
        before = text[:at].rstrip()
        digits = len(before) - len(before.rstrip("0123456789"))
        if digits and not (bounded and word_char(before[len(before) - digits - 1:len(before) - digits])):
            return True
        at = term_at(text, unit, at + 1, fold=False)
    return False
