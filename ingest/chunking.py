"""Pure chunker: headings -> sections -> whole sentences packed into min..max word chunks.

Rules (documented because retrieval quality and citations depend on them):

- Markdown headings (`#`..`######`, outside code fences) split the text into sections; each
  chunk keeps the heading path above it, outermost first (the `#` title first when present).
- Sentences are never split. A sentence longer than `max_words` becomes its own chunk.
- Within a section, sentences are packed into balanced chunks of roughly `min_words`..`max_words`.
- A section shorter than `min_words` is merged with the following sections *of the same `##`
  topic*; if the topic as a whole is too short, it joins the previous chunk of the same topic,
  and only if that is impossible does it cross a `##` boundary (next, else previous). So no chunk
  is shorter than `min_words` unless the whole document is. A merged chunk's heading path is the
  common prefix of the merged sections' paths (e.g. the `##` topic), and its text includes the
  sub-heading lines in between, verbatim.
- Tier per section: a document's `section_tiers` maps a heading's text to a tier; a section takes the tier of
  the innermost heading above it that the map names, else the document's tier. Sections of different tiers are
  never merged, so a chunk has exactly one tier (a short section next to a section of another tier stays short).
  Sources likewise: `section_sources` gives a section its own source (a guideline summary's "Supporting evidence"
  cites the trials' reports), and sections of different sources are never merged.
- `chunk.text == document.text[chunk.char_start:chunk.char_end]` always (quotes are verbatim).
- `chunk_id = sha256(f"{section_id}|{chunk_no}|{text}")[:16]`, `chunk_no` counts from 0 per document.

Example:
    >>> from ingest.models import Document
    >>> doc = Document(doc_id="d", title="T", section_id="s", tier="context", source="x", path="x.md",
    ...                text="# T\\n\\n## A\\n\\nImatinib is given daily. It is taken with food.\\n")
    >>> [c.heading_path for c in chunk_document(doc, min_words=2, max_words=20)]
    [['T', 'A']]
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ingest.japanese import word_count
from ingest.models import Chunk, Document

CHUNKER_VERSION = 2  # 2: tier per section

_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_ITEM_RE = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_TABLE_RE = re.compile(r"^\s*\|")
_BOUNDARY_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[「]?[A-Z\u3040-\u30ff\u4e00-\u9fff])"
                          # Japanese: 。！？ end a sentence (no space after them), with their closing brackets, unless
                          # a quotation goes on ("「飲み忘れたときは？」と聞かれた")
                          r"|[。！？][」』）)\u201d]*(?![」』）)\u201d]|[とっのなや])\s*")
_ABBREVIATIONS = frozenset(
    ["e.g", "i.e", "vs", "v", "cf", "al", "fig", "figs", "no", "nos", "approx", "ca", "dr", "prof", "mr", "mrs", "ms", "st", "vol", "p", "pp", "ref", "refs", "eq", "eqs", "sec", "incl", "resp", "ed", "eds", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ph", "dept", "univ", "est"]
)


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    words: int
    section: int


@dataclass
class _Section:
    path: tuple[tuple[int, str], ...]  # (level, heading text), outermost first
    tier: str = ""
    sentences: list[_Sentence] = field(default_factory=list)
    source: str = ""  # the section's own source (front matter `section_sources`); "" = the document's

    @property
    def kind(self) -> tuple[str, str]:
        """What a chunk may not mix: the tier and the source."""
        return self.tier, self.source

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sentences)

    @property
    def topic(self) -> tuple[tuple[int, str], ...]:
        return tuple(p for p in self.path if p[0] <= 2)


def _is_abbreviation(text: str, dot: int) -> bool:
    """True if the '.' at `dot` ends an abbreviation or an initial (no sentence boundary)."""
    if text[dot] != ".":
        return False
    start = dot
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    token = text[start:dot].lstrip("([\"'\u201c")
    if not token:
        return False
    if len(token) == 1 and token.isalpha():
        return True  # initials: "J. Smith"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token):
        return True  # e.g / i.e / U.S
    return token.lower() in _ABBREVIATIONS


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into blocks at blank lines, list items and table rows."""
    blocks: list[tuple[int, int]] = []
    block_start: int | None = None
    prev_table = False
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        stripped = line.strip()
        is_table = bool(_TABLE_RE.match(line))
        if not stripped:
            if block_start is not None:
                blocks.append((block_start, line_start))
                block_start = None
        elif block_start is None:
            block_start = line_start
        elif _ITEM_RE.match(line) or is_table or prev_table:
            blocks.append((block_start, line_start))
            block_start = line_start
        prev_table = is_table and bool(stripped)
    if block_start is not None:
        blocks.append((block_start, end))
    return blocks


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (char offsets into `text`) within text[start:end].

    Example:
        >>> t = "Use e.g. imatinib at 0.01% vs. placebo. Int J Hematol. 2024;1:1. Then stop."
        >>> [t[a:b] for a, b in split_sentences(t)]
        ['Use e.g. imatinib at 0.01% vs. placebo.', 'Int J Hematol. 2024;1:1.', 'Then stop.']
        >>> t = "成人ALLでは寛解導入を行う。MRDは陰性か？「はい」！そうです"
        >>> [t[a:b] for a, b in split_sentences(t)]
        ['成人ALLでは寛解導入を行う。', 'MRDは陰性か？', '「はい」！', 'そうです']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for b_start, b_end in _blocks(text, start, end):
        cur = b_start
        for m in _BOUNDARY_RE.finditer(text, b_start, b_end):
            if _is_abbreviation(text, m.start()):
                continue
            span = _strip_span(text, cur, m.end())
            if span:
                spans.append(span)
            cur = m.end()
        span = _strip_span(text, cur, b_end)
        if span:
            spans.append(span)
    return spans


def heading_tier(path: Sequence[str], section_tiers: Mapping[str, str], default: str) -> str:
    """The tier of a section: that of the innermost heading in `path` named by `section_tiers`, else `default`.

    Example:
        >>> heading_tier(["T", "Supporting evidence"], {"Supporting evidence": "evidence"}, "guideline")
        'evidence'
        >>> heading_tier(["T", "Recommendation"], {"Supporting evidence": "evidence"}, "guideline")
        'guideline'
    """
    return heading_value(path, section_tiers, default)


def heading_value(path: Sequence[str], by_heading: Mapping[str, str], default: str) -> str:
    """The value `by_heading` gives the innermost heading in `path` it names (a tier, a source), else `default`."""
    return next((by_heading[h] for h in reversed(path) if h in by_heading), default)


def _sections(text: str, section_tiers: Mapping[str, str] | None = None, default_tier: str = "",
              section_sources: Mapping[str, str] | None = None) -> list[_Section]:
    """Sections with their sentence spans, tiers and sources, in document order (empty sections dropped)."""
    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []
    body_start = 0
    in_fence = False
    pos = 0

    def close(body_end: int) -> None:
        heads = [h for _, h in stack]
        sec = _Section(path=tuple(stack), tier=heading_tier(heads, section_tiers or {}, default_tier),
                       source=heading_value(heads, section_sources or {}, ""))
        idx = len(sections)
        for a, b in split_sentences(text, body_start, body_end):
            sec.sentences.append(_Sentence(a, b, word_count(text[a:b]), idx))
        if sec.sentences:
            sections.append(sec)

    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        m = None if in_fence else _HEADING_RE.match(line.rstrip("\n"))
        if m is None:
            continue
        close(line_start)
        level = len(m.group(1))
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, " ".join(m.group(2).split())))
        body_start = pos
    close(len(text))
    return sections


def _group_sections(sections: list[_Section], min_words: int) -> list[list[_Section]]:
    """Merge short sections of the same tier (see module docstring for the order of preference)."""
    groups: list[list[_Section]] = []
    i = 0
    while i < len(sections):
        group = [sections[i]]
        i += 1
        while (sum(s.words for s in group) < min_words and i < len(sections)
               and sections[i].topic == group[0].topic and sections[i].kind == group[0].kind):
            group.append(sections[i])
            i += 1
        groups.append(group)

    def words(g: list[_Section]) -> int:
        return sum(s.words for s in g)

    def target_of(j: int) -> int | None:
        """The neighbour a short group joins: same topic before, else next, else previous; same tier only."""
        g = groups[j]
        prev_ok = j > 0 and groups[j - 1][-1].kind == g[0].kind
        next_ok = j + 1 < len(groups) and groups[j + 1][0].kind == g[-1].kind
        if prev_ok and groups[j - 1][-1].topic == g[0].topic:
            return j - 1
        if next_ok:
            return j + 1
        return j - 1 if prev_ok else None

    while len(groups) > 1:
        found = next(((j, t) for j, g in enumerate(groups) if words(g) < min_words
                      and (t := target_of(j)) is not None), None)
        if found is None:
            break
        short, target = found
        lo, hi = min(short, target), max(short, target)
        groups[lo:hi + 1] = [groups[lo] + groups[hi]]
    return groups


def _pack(sentences: list[_Sentence], min_words: int, max_words: int) -> list[list[_Sentence]]:
    """Balanced greedy packing of whole sentences; no chunk below min_words if avoidable."""
    total = sum(s.words for s in sentences)
    if total <= max_words:
        return [sentences]
    target = total / math.ceil(total / max_words)
    chunks: list[list[_Sentence]] = []
    cur: list[_Sentence] = []
    cur_words = 0
    remaining = total
    for s in sentences:
        if cur:
            overflow = cur_words + s.words > max_words
            reached = (
                cur_words + s.words > target
                and target - cur_words <= cur_words + s.words - target
                and cur_words >= min_words
                and remaining >= min_words
                and cur_words + remaining > max_words  # the rest doesn't fit in this chunk anyway
            )
            if overflow or reached:
                chunks.append(cur)
                cur, cur_words = [], 0
        cur.append(s)
        cur_words += s.words
        remaining -= s.words
    chunks.append(cur)

    def words(c: list[_Sentence]) -> int:
        return sum(s.words for s in c)

    while len(chunks) > 1:
        short = next((j for j, c in enumerate(chunks) if words(c) < min_words), None)
        if short is None:
            break
        if short == 0:
            other = 1
        elif short == len(chunks) - 1:
            other = short - 1
        else:
            other = short - 1 if words(chunks[short - 1]) <= words(chunks[short + 1]) else short + 1
        lo, hi = min(short, other), max(short, other)
        chunks[lo:hi + 1] = [chunks[lo] + chunks[hi]]
    return chunks


def _page_at(pages: list[tuple[int, int, int]], offset: int) -> int | None:
    if not pages:
        return None
    starts = [p[1] for p in pages]
    i = max(0, bisect.bisect_right(starts, offset) - 1)
    return pages[i][0]


def make_chunk_id(section_id: str, chunk_no: int, text: str) -> str:
    """`sha256(f"{section_id}|{chunk_no}|{text}")[:16]` (STYLE.md section 6)."""
    return hashlib.sha256(f"{section_id}|{chunk_no}|{text}".encode()).hexdigest()[:16]


def _common_prefix(paths: list[tuple[tuple[int, str], ...]]) -> list[str]:
    prefix: list[str] = []
    for items in zip(*paths):
        if any(it != items[0] for it in items):
            break
        prefix.append(items[0][1])
    return prefix


def chunk_document(doc: Document, *, min_words: int = 60, max_words: int = 250) -> list[Chunk]:
    """Split one document into chunks (pure, deterministic).

    Example:
        >>> chunks = chunk_document(doc, min_words=60, max_words=250)        # doctest: +SKIP
        >>> all(doc.text[c.char_start:c.char_end] == c.text for c in chunks)  # doctest: +SKIP
        True
    """
    if min_words > max_words:
        raise ValueError(f"min_words ({min_words}) must not exceed max_words ({max_words})")
    sections = _sections(doc.text, doc.section_tiers, doc.tier, doc.section_sources)
    chunks: list[Chunk] = []
    for group in _group_sections(sections, min_words):
        sentences = [s for sec in group for s in sec.sentences]
        for piece in _pack(sentences, min_words, max_words):
            start, end = piece[0].start, piece[-1].end
            text = doc.text[start:end]
            section_paths = [sections[i].path for i in sorted({s.section for s in piece})]
            chunk_no = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=make_chunk_id(doc.section_id, chunk_no, text),
                    doc_id=doc.doc_id,
                    section_id=doc.section_id,
                    title=doc.title,
                    heading_path=_common_prefix(section_paths),
                    tier=group[0].tier,  # type: ignore[arg-type]  # a tier of TIERS (checked by the loader)
                    source=group[0].source or doc.source,
                    edition=doc.edition,
                    provenance=doc.provenance,
                    page=_page_at(doc.pages, start),
                    chunk_no=chunk_no,
                    char_start=start,
                    char_end=end,
                    text=text,
                )
            )
    return chunks


def chunk_documents(docs: list[Document], *, min_words: int = 60, max_words: int = 250) -> list[Chunk]:
    """`chunk_document` over many documents, in order."""
    return [c for d in docs for c in chunk_document(d, min_words=min_words, max_words=max_words)]
