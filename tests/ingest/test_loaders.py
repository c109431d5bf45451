"""Loaders: strict Markdown front matter, user text/HTML/PDF, and every bad-input error."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import META, PAGE_SENTENCES, make_blank_pdf, make_encrypted_pdf, make_pdf, write_md

from ingest.errors import IngestInputError
from ingest.loaders import (
    FRONT_MATTER_FIELDS,
    check_manifest,
    expand_paths,
    load_document,
    load_documents,
    load_markdown,
    slugify,
)

BODY = "# Title\n\nSome sentence here.\n"


def test_markdown_front_matter_fields_and_body(tiny_corpus: Path) -> None:
    doc = load_markdown(tiny_corpus / "ph_positive.md")
    assert (doc.doc_id, doc.section_id, doc.tier, doc.edition) == ("tiny-ph", "tiny/ph-positive", "guideline", "2023")
    assert doc.text.startswith("# Ph-positive ALL")
    assert "---" not in doc.text and "doc_id" not in doc.text


@pytest.mark.parametrize("field", FRONT_MATTER_FIELDS)
def test_missing_front_matter_field_names_file_and_field(tmp_path: Path, field: str) -> None:
    path = write_md(tmp_path / "a.md", {k: v for k, v in META.items() if k != field}, BODY)
    with pytest.raises(IngestInputError) as err:
        load_markdown(path)
    assert str(path) in str(err.value) and f"missing front-matter field '{field}'" in str(err.value)


def test_unknown_front_matter_field(tmp_path: Path) -> None:
    path = write_md(tmp_path / "a.md", {**META, "author": "x"}, BODY)
    with pytest.raises(IngestInputError, match=r"a\.md: unknown front-matter field 'author'"):
        load_markdown(path)


@pytest.mark.parametrize(
    ("meta", "problem"),
    [
        ({**META, "tier": "opinion"}, "must be one of guideline, evidence, context"),
        ({**META, "doc_id": ""}, "'doc_id' is empty"),
    ],
)
def test_bad_front_matter_values(tmp_path: Path, meta: dict, problem: str) -> None:
    with pytest.raises(IngestInputError, match=problem):
        load_markdown(write_md(tmp_path / "a.md", meta, BODY))


def test_corpus_markdown_needs_front_matter_but_user_markdown_does_not(tmp_path: Path) -> None:
    path = tmp_path / "My Notes.md"
    path.write_text("# Notes on MRD\n\nMRD matters.\n")
    with pytest.raises(IngestInputError, match="missing YAML front matter"):
        load_markdown(path)
    doc = load_document(path)
    assert (doc.doc_id, doc.section_id, doc.tier, doc.title) == ("my-notes", "user/my-notes", "context", "Notes on MRD")


def test_text_file_defaults_and_tier_override(tmp_path: Path) -> None:
    path = tmp_path / "Ward Protocol (v2).txt"
    path.write_text("Give fluids before chemotherapy. Check potassium daily.\n")
    doc = load_document(path, tier="evidence")
    assert doc.doc_id == "ward-protocol-v2" and doc.section_id == "user/ward-protocol-v2"
    assert doc.tier == "evidence" and doc.title == "Ward Protocol (v2)" and doc.source == path.name
    assert doc.provenance == "user-supplied document"
    assert slugify("  ") == "doc"


def test_html_keeps_h1_to_h3_as_headings(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Tab</title><style>p{}</style></head><body><h1>Main</h1><p>First para.</p>"
        "<h2>Sub</h2><ul><li>Item one.</li><li>Item two.</li></ul><script>var x=1;</script>"
        "<h4>Minor</h4><p>Last.</p></body></html>"
    )
    doc = load_document(path)
    assert doc.title == "Main"
    assert "# Main" in doc.text and "## Sub" in doc.text and "#### Minor" not in doc.text
    assert "var x" not in doc.text and "p{}" not in doc.text and "Item two." in doc.text


def test_pdf_keeps_page_spans(tmp_path: Path) -> None:
    doc = load_document(make_pdf(tmp_path / "three.pdf", title="Three pages"))
    assert doc.title == "Three pages" and [p[0] for p in doc.pages] == [1, 2, 3]
    for (number, start, end), sentences in zip(doc.pages, PAGE_SENTENCES):
        page_text = doc.text[start:end]
        assert all(s in page_text for s in sentences), number


def _write_bytes(name: str, data: bytes):
    def make(tmp: Path) -> Path:
        (tmp / name).write_bytes(data)
        return tmp / name

    return make


BAD_INPUTS = [
    pytest.param(_write_bytes("empty.md", b""), "empty file", id="empty-md"),
    pytest.param(_write_bytes("blank.txt", b"  \n\n"), "empty file", id="blank-txt"),
    pytest.param(_write_bytes("empty.pdf", b""), "empty file", id="empty-pdf"),
    pytest.param(_write_bytes("corrupt.pdf", b"%PDF-1.4\n garbage \x00\x01"), "corrupt or unreadable PDF", id="corrupt-pdf"),
    pytest.param(lambda t: make_encrypted_pdf(t / "locked.pdf"), "encrypted PDF", id="encrypted-pdf"),
    pytest.param(lambda t: make_blank_pdf(t / "scan.pdf"), "no extractable text", id="textless-pdf"),
    pytest.param(_write_bytes("latin1.txt", "Fi\u00e8vre".encode("latin-1")), "invalid UTF-8", id="bad-utf8"),
    pytest.param(_write_bytes("page.html", b"<html><body><script>x</script></body></html>"), "no visible text",
                 id="empty-html"),
    pytest.param(_write_bytes("notes.docx", b"PK\x03\x04"), "unsupported file type '.docx'", id="docx"),
]


@pytest.mark.parametrize(("make", "problem"), BAD_INPUTS)
def test_bad_user_inputs_name_file_and_problem(tmp_path: Path, make, problem: str) -> None:
    path = make(tmp_path)
    with pytest.raises(IngestInputError) as err:
        load_documents([path])
    assert err.value.path == str(path) and problem in err.value.problem
    assert str(err.value).startswith(f"{path}: ")


def test_duplicate_section_id_across_inputs(tiny_corpus: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    dup = write_md(extra / "copy.md", {**META, "doc_id": "other"}, BODY)
    with pytest.raises(IngestInputError) as err:
        load_documents([extra], corpus_dir=tiny_corpus)
    assert err.value.path == str(dup) and "duplicate section_id 'tiny/ph-positive'" in err.value.problem


def test_folder_expansion_skips_readme_hidden_and_unsupported(tmp_path: Path) -> None:
    for name in ("a.txt", "README.md", ".hidden.txt", "b.csv", "sub/c.html"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("<p>x.</p>" if name.endswith("html") else "x.")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])] == ["a.txt", "sub/c.html"]


def test_manifest_must_match_corpus(tiny_corpus: Path) -> None:
    docs = load_documents(corpus_dir=tiny_corpus)
    manifest = tiny_corpus / "manifest.yaml"
    manifest.write_text("corpus_version: '7'\ndocuments:\n  - doc_id: tiny-ph\n  - mrd_evidence.md\n  - tiny-care\n")
    assert check_manifest(docs, tiny_corpus)["corpus_version"] == "7"
    manifest.write_text("corpus_version: 1\ndocuments:\n  - tiny-ph\n  - tiny-mrd\n  - tiny-care\n  - tiny-gone\n")
    with pytest.raises(IngestInputError, match="'tiny-gone' is listed in the manifest but missing"):
        check_manifest(docs, tiny_corpus)
    manifest.write_text("corpus_version: 1\ndocuments:\n  - tiny-ph\n  - tiny-mrd\n")
    with pytest.raises(IngestInputError, match="supportive_care.md: document 'tiny-care' is not listed"):
        check_manifest(docs, tiny_corpus)


SECTIONED = "# Title\n\n## Recommendation\n\nThe guideline says this.\n\n## Supporting evidence\n\nA trial found that.\n"


def _with_section_tiers(path: Path, mapping: str) -> Path:
    """Write a corpus file whose front matter ends with a `section_tiers` block (YAML text)."""
    return _with_front_matter_block(path, f"section_tiers:\n{mapping}")


def test_section_tiers_are_read_from_front_matter(tmp_path: Path) -> None:
    doc = load_markdown(_with_section_tiers(tmp_path / "a.md", '  "Supporting evidence": evidence\n'))
    assert doc.tier == "guideline" and doc.section_tiers == {"Supporting evidence": "evidence"}
    assert "section_tiers" not in doc.text


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ('  "Supporting data": evidence\n', "section_tiers names heading 'Supporting data', which is not a heading"),
        ('  "Supporting evidence": opinion\n', "gives heading 'Supporting evidence' the tier 'opinion'; must be one of"),
        ("  - evidence\n", "'section_tiers' must map heading text to a tier"),
    ],
)
def test_bad_section_tiers_name_the_file_and_the_problem(tmp_path: Path, mapping: str, problem: str) -> None:
    path = _with_section_tiers(tmp_path / "a.md", mapping)
    with pytest.raises(IngestInputError) as err:
        load_markdown(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def _with_front_matter_block(path: Path, block: str) -> Path:
    """Write a corpus file whose front matter ends with `block` (YAML text)."""
    write_md(path, META, SECTIONED)
    text = path.read_text(encoding="utf-8").replace("\n---\n#", f"\n{block}---\n#", 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_section_sources_are_read_from_front_matter(tmp_path: Path) -> None:
    path = _with_front_matter_block(tmp_path / "a.md", 'section_sources:\n  "Supporting evidence": "Trial X, Blood 2020"\n')
    doc = load_markdown(path)
    assert doc.section_sources == {"Supporting evidence": "Trial X, Blood 2020"}
    assert "section_sources" not in doc.text


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ('section_sources:\n  "Evidence": "Trial X"\n', "section_sources names heading 'Evidence', which is not a heading"),
        ('section_sources:\n  "Supporting evidence": ""\n', "section_sources gives heading 'Supporting evidence' no source"),
        ('section_sources:\n  - "Trial X"\n', "'section_sources' must map heading text to a source"),
    ],
)
def test_bad_section_sources_name_the_file_and_the_problem(tmp_path: Path, block: str, problem: str) -> None:
    path = _with_front_matter_block(tmp_path / "a.md", block)
    with pytest.raises(IngestInputError) as err:
        load_markdown(path)
    assert str(path) in str(err.value) and problem in str(err.value)
