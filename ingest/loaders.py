"""Read corpus Markdown (strict front matter) and user files (.txt, .html/.htm, .pdf) into `Document`s.

Every problem raises `IngestInputError(path, problem)` before anything is written.

Example:
    >>> from pathlib import Path
    >>> docs = load_documents([Path("corpus")])                     # doctest: +SKIP
    >>> docs[0].section_id                                          # doctest: +SKIP
    'jsh2023/ph-positive'
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from ingest.errors import IngestInputError
from ingest.models import TIERS, Document

log = logging.getLogger(__name__)

FRONT_MATTER_FIELDS: tuple[str, ...] = ("doc_id", "title", "section_id", "tier", "source", "edition", "provenance")
#: Optional front-matter fields: `section_tiers` maps a heading's text (any level) to the tier of that section,
#: for a document that mixes guideline text with evidence or context (e.g. a "Supporting evidence" section);
#: `section_sources` maps a heading's text to the source its sentences are cited to (the trials' reports, not the
#: guideline summary the document's `source` names).
OPTIONAL_FRONT_MATTER_FIELDS: tuple[str, ...] = ("section_tiers", "section_sources")
REQUIRED_NONEMPTY: tuple[str, ...] = ("doc_id", "title", "section_id", "tier", "source")
MARKDOWN_SUFFIXES = (".md", ".markdown")
SUPPORTED_SUFFIXES = (*MARKDOWN_SUFFIXES, ".txt", ".html", ".htm", ".pdf")
USER_PROVENANCE = "user-supplied document"

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_MD_HEADING_RE = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def slugify(text: str) -> str:
    """Lower-case ASCII slug: `slugify("My File (v2)")` -> `'my-file-v2'`. A name with no ASCII letters or digits
    (a Japanese file name) gets a stable slug of its own, so two such files do not share one id:

    >>> slugify("当院手順"), slugify("当院手順") == slugify("維持療法"), slugify("  ")
    ('doc-287a09f8', False, 'doc')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug and text.strip():
        return "doc-" + hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]
    return slug or "doc"


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestInputError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise IngestInputError(path, "empty file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestInputError(path, f"invalid UTF-8 (byte {exc.start}); save the file as UTF-8") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestInputError(path, "empty file")
    return text


def _user_document(path: Path, text: str, *, tier: str, title: str | None,
                   pages: list[tuple[int, int, int]] | None = None) -> Document:
    doc_id = slugify(path.stem)
    return Document(
        doc_id=doc_id,
        title=title or path.stem,
        section_id=f"user/{doc_id}",
        tier=tier,  # type: ignore[arg-type]
        source=path.name,
        edition="",
        provenance=USER_PROVENANCE,
        path=str(path),
        text=text,
        pages=pages or [],
    )


def _first_md_heading(text: str) -> str | None:
    m = _MD_HEADING_RE.search(text)
    return m.group(1).strip() if m else None


def load_markdown(path: Path, *, require_front_matter: bool = True, tier: str = "context") -> Document:
    """Markdown with YAML front matter holding exactly `FRONT_MATTER_FIELDS`.

    Without front matter (and `require_front_matter=False`) it is loaded like a user text file.
    """
    text = _read_text(path)
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        if require_front_matter or text.lstrip().startswith("---"):
            raise IngestInputError(path, "missing YAML front matter (a '---' block at the top of the file)")
        return _user_document(path, text, tier=tier, title=_first_md_heading(text))
    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        raise IngestInputError(path, f"invalid YAML front matter ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict):
        raise IngestInputError(path, "front matter is not a mapping of fields")
    for key in FRONT_MATTER_FIELDS:
        if key not in meta:
            raise IngestInputError(path, f"missing front-matter field '{key}'")
    allowed = FRONT_MATTER_FIELDS + OPTIONAL_FRONT_MATTER_FIELDS
    for key in meta:
        if key not in allowed:
            raise IngestInputError(path, f"unknown front-matter field '{key}' (allowed: {', '.join(allowed)})")
    fields = {k: "" if meta[k] is None else str(meta[k]).strip() for k in FRONT_MATTER_FIELDS}
    for key in REQUIRED_NONEMPTY:
        if not fields[key]:
            raise IngestInputError(path, f"front-matter field '{key}' is empty")
    if fields["tier"] not in TIERS:
        raise IngestInputError(
            path, f"front-matter field 'tier' is '{fields['tier']}'; must be one of {', '.join(TIERS)}"
        )
    body = text[m.end():]
    if not body.strip():
        raise IngestInputError(path, "no body text after the front matter")
    section_tiers = _section_tiers(path, meta.get("section_tiers"), body)
    section_sources = _section_sources(path, meta.get("section_sources"), body)
    return Document(path=str(path), text=body, section_tiers=section_tiers,  # type: ignore[arg-type]
                    section_sources=section_sources, **fields)


def _by_heading(path: Path, raw: object, body: str, field: str, what: str,
                check: Callable[[str, object], None]) -> dict[str, object]:
    """Front matter `field` as a mapping of a heading's text in the body (spaces normalised) to its value, each
    value passed to `check` in turn; an error names the file when it is no mapping (of headings to a `what`) or names
    no heading of the body."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise IngestInputError(path, f"front-matter field '{field}' must map heading text to a {what}")
    headings = {" ".join(h.split()) for h in _MD_HEADING_RE.findall(body)}
    out: dict[str, object] = {}
    for heading, value in raw.items():
        name = " ".join(str(heading).split())
        if name not in headings:
            raise IngestInputError(path, f"{field} names heading '{name}', which is not a heading in the file")
        check(name, value)
        out[name] = value
    return out


def _section_tiers(path: Path, raw: object, body: str) -> dict[str, str]:
    """Validate front matter `section_tiers`: a mapping of a heading's text in the body to a tier.

    Example (front matter):
        section_tiers:
          "Supporting evidence": evidence
          "Japanese label and JSTCT guidance": context
    """
    def check(name: str, tier: object) -> None:
        if tier not in TIERS:
            raise IngestInputError(
                path, f"section_tiers gives heading '{name}' the tier '{tier}'; must be one of {', '.join(TIERS)}")

    return {name: str(tier) for name, tier in _by_heading(path, raw, body, "section_tiers", "tier", check).items()}


def _section_sources(path: Path, raw: object, body: str) -> dict[str, str]:
    """Validate front matter `section_sources`: a mapping of a heading's text in the body to a non-empty source.

    Example (front matter):
        section_sources:
          "Supporting evidence": "JALSG ALL202-O: Sakura T et al. Leukemia 2018"
    """
    def check(name: str, source: object) -> None:
        if not isinstance(source, str) or not source.strip():
            raise IngestInputError(path, f"section_sources gives heading '{name}' no source text")

    return {name: " ".join(str(source).split())
            for name, source in _by_heading(path, raw, body, "section_sources", "source", check).items()}


def load_text(path: Path, *, tier: str = "context") -> Document:
    """Plain text; title = first Markdown-style heading, else the file stem."""
    text = _read_text(path)
    return _user_document(path, text, tier=tier, title=_first_md_heading(text))


_BLOCK_TAGS = (
    "p", "div", "li", "ul", "ol", "table", "tr", "section", "article", "blockquote", "pre",
    "h4", "h5", "h6", "dd", "dt", "header", "footer", "main", "aside", "figure", "figcaption",
)


def load_html(path: Path, *, tier: str = "context") -> Document:
    """HTML via BeautifulSoup; h1-h3 become Markdown headings (`#`..`###`) in `Document.text`."""
    from bs4 import BeautifulSoup

    html = _read_text(path)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if soup.head is not None:
        soup.head.decompose()
    first_heading = None
    for tag in soup.find_all(["h1", "h2", "h3"]):
        heading = " ".join(tag.get_text(" ", strip=True).split())
        level = int(tag.name[1])
        if heading:
            first_heading = first_heading or heading
            tag.replace_with(f"\n\n{'#' * level} {heading}\n\n")
        else:
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    lines = [" ".join(line.split()) for line in soup.get_text().split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    if not text.strip():
        raise IngestInputError(path, "HTML has no visible text")
    return _user_document(path, text, tier=tier, title=first_heading or page_title or None)


def load_pdf(path: Path, *, tier: str = "context") -> Document:
    """PDF via pypdf; `Document.pages` keeps (page_number, char_start, char_end) spans."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        if path.stat().st_size == 0:
            raise IngestInputError(path, "empty file")
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            # Owner-password-only PDFs open with an empty user password; anything else is refused.
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 (pypdf raises various types for unsupported crypto)
                ok = 0
            if not ok:
                raise IngestInputError(path, "encrypted PDF (password protected); save an unencrypted copy")
        raw_pages = [(page.extract_text() or "") for page in reader.pages]
    except IngestInputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise IngestInputError(path, f"corrupt or unreadable PDF ({exc.__class__.__name__}: {exc})") from exc
    except Exception as exc:
        raise IngestInputError(path, f"corrupt or unreadable PDF ({exc.__class__.__name__}: {exc})") from exc
    parts: list[str] = []
    pages: list[tuple[int, int, int]] = []
    pos = 0
    for number, raw in enumerate(raw_pages, start=1):
        page_text = "\n".join(line.rstrip() for line in raw.replace("\r", "\n").split("\n")).strip()
        if not page_text:
            continue
        if parts:  # one newline: a sentence running over a page break stays one sentence
            parts.append("\n")
            pos += 1
        parts.append(page_text)
        pages.append((number, pos, pos + len(page_text)))
        pos += len(page_text)
    text = "".join(parts)
    if not text.strip():
        raise IngestInputError(path, "PDF has no extractable text (scanned images need OCR first)")
    title = None
    try:
        title = (reader.metadata.title or "").strip() if reader.metadata else None
    except Exception:  # noqa: BLE001 (broken metadata is not fatal)
        title = None
    return _user_document(path, text, tier=tier, title=title or None, pages=pages)


def load_document(path: Path, *, tier: str = "context", require_front_matter: bool = False) -> Document:
    """Load one file by suffix. `tier` applies to non-Markdown (and front-matter-less) user files.

    Example:
        >>> load_document(Path("notes.txt"), tier="evidence").section_id     # doctest: +SKIP
        'user/notes'
    """
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, got {tier!r}")
    suffix = path.suffix.lower()
    if not path.is_file():
        raise IngestInputError(path, "file not found")
    if suffix in MARKDOWN_SUFFIXES:
        return load_markdown(path, require_front_matter=require_front_matter, tier=tier)
    if suffix == ".txt":
        return load_text(path, tier=tier)
    if suffix in (".html", ".htm"):
        return load_html(path, tier=tier)
    if suffix == ".pdf":
        return load_pdf(path, tier=tier)
    raise IngestInputError(path, f"unsupported file type '{suffix}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The corpus Markdown files: `*.md` directly in `corpus_dir`, except README."""
    if not corpus_dir.is_dir():
        raise IngestInputError(corpus_dir, "corpus folder not found")
    return sorted(p for p in corpus_dir.glob("*.md") if p.is_file() and p.stem.lower() != "readme")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders expanded recursively to supported files (hidden files and README skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path).parts
                if not p.is_file() or any(part.startswith(".") for part in rel):
                    continue
                if p.suffix.lower() not in SUPPORTED_SUFFIXES or p.stem.lower() == "readme":
                    log.debug("skipping %s", p)
                    continue
                out.append(p)
        elif path.exists():
            out.append(path)
        else:
            raise IngestInputError(path, "file not found")
    return out


def check_unique(docs: list[Document]) -> None:
    """Raise on a duplicate section_id or doc_id across the input set."""
    for key in ("section_id", "doc_id"):
        seen: dict[str, str] = {}
        for doc in docs:
            value = getattr(doc, key)
            if value in seen and seen[value] != doc.path:
                raise IngestInputError(doc.path, f"duplicate {key} '{value}' (also in {seen[value]})")
            seen[value] = doc.path


def load_documents(
    paths: Iterable[Path] = (),
    *,
    corpus_dir: Path | None = None,
    tier: str = "context",
) -> list[Document]:
    """Load the corpus (strict front matter) plus user `paths` (files or folders) and check uniqueness.

    Example:
        >>> docs = load_documents([Path("my_notes")], corpus_dir=Path("corpus"))   # doctest: +SKIP
    """
    docs: list[Document] = []
    if corpus_dir is not None:
        docs += [load_markdown(p, require_front_matter=True) for p in corpus_files(corpus_dir)]
    seen_paths = {Path(d.path).resolve() for d in docs}
    for p in expand_paths(paths):
        if p.resolve() in seen_paths:
            continue
        seen_paths.add(p.resolve())
        docs.append(load_document(p, tier=tier))
    check_unique(docs)
    return docs


def _manifest_key(entry: object) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        for key in ("doc_id", "file", "path", "filename"):
            if entry.get(key):
                return str(entry[key])
    return None


def check_manifest(docs: list[Document], corpus_dir: Path) -> dict:
    """Check `corpus_dir/manifest.yaml` (if present) against the loaded corpus documents.

    Each `documents` entry is a doc_id, a file name, or a mapping with `doc_id` (or `file`/`path`).
    Every listed document must be present and no corpus document may be unlisted.
    Returns the manifest (empty dict when there is none).
    """
    mpath = corpus_dir / "manifest.yaml"
    if not mpath.is_file():
        return {}
    try:
        manifest = yaml.safe_load(mpath.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IngestInputError(mpath, f"invalid manifest ({exc.__class__.__name__})") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("documents"), list):
        raise IngestInputError(mpath, "manifest must be a mapping with a 'documents' list")
    corpus_root = corpus_dir.resolve()
    corpus_docs = [d for d in docs if Path(d.path).resolve().parent == corpus_root]
    names: dict[str, Document] = {}
    for d in corpus_docs:
        p = Path(d.path)
        for key in (d.doc_id, p.name, p.stem, f"{corpus_dir.name}/{p.name}"):
            names[key] = d
    listed: set[str] = set()
    for entry in manifest["documents"]:
        key = _manifest_key(entry)
        if key is None:
            raise IngestInputError(mpath, f"manifest entry {entry!r} has no doc_id")
        if key not in names:
            raise IngestInputError(mpath, f"document '{key}' is listed in the manifest but missing from {corpus_dir}")
        listed.add(names[key].doc_id)
    for d in corpus_docs:
        if d.doc_id not in listed:
            raise IngestInputError(d.path, f"document '{d.doc_id}' is not listed in {mpath}")
    return manifest
