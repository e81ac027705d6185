"""`keywarden report` writes one self-contained HTML document that a strict, independent
HTML5 parser (html5lib) reads without a single parse error: no scripts, nothing loaded
from anywhere, hostile key names shown as text, and sections and counts that agree with
`keywarden --json key list`, `due` and `audit list`.

Run with the real CLI:
    cargo build -p keywarden-cli
    KEYWARDEN_BIN=target/debug/keywarden tests/.venv/bin/python -m pytest tests/interop -q
"""

import re
import subprocess
from collections import Counter
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest

from test_calendar import Vault

HOSTILE = '<script>alert(1)</script> & "q"'
SECTIONS = ["header", "summary", "inventory", "by-state", "by-purpose", "due", "findings",
            "unused", "escrow", "audit", "sign-off"]


def parse(path: Path) -> Element:
    """The document, parsed strictly: any HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def text(element: Element) -> str:
    return "".join(element.itertext())


def by_id(doc: Element, id_: str) -> Element:
    found = doc.find(f".//*[@id='{id_}']")
    assert found is not None, f"no element with id {id_}"
    return found


@pytest.fixture()
def vault(tmp_path: Path) -> Vault:
    v = Vault(tmp_path / "team.keywarden")
    # RSA-2048 gives 112-bit security: allowed through 2030, with a warning.
    v.json("policy", "set", "min-strength", "112", "--reason", "interop: a warning")
    v.gen(HOSTILE, "aes-256", "--rotation-days", "1", "--owner", "<b>ops</b> & co",
          "--custodian", "ada \"the admin\"", "--custodian", "bob's team")
    v.gen("signer", "ed25519")
    v.gen("legacy", "rsa-2048")
    v.gen("waiting", "aes-128", "--pre-activation")
    old = v.gen("old", "chacha20")
    v.json("key", "state", old["id"], "deactivated", "--reason", "replaced")
    doomed = v.gen("doomed", "hmac-sha512")
    v.json("key", "destroy", doomed["id"], "--reason", "</td><script>bad()</script>")
    return v


def test_the_report_is_well_formed_self_contained_and_escapes_vault_text(vault):
    out = vault.dir / "review.html"
    vault.json("report", "--out", str(out))
    assert out.stat().st_mode & 0o777 == 0o600
    doc = parse(out)
    assert doc.findall(".//script") == []
    for tag in ("link", "img", "iframe", "object", "embed", "base", "form", "a", "svg"):
        assert doc.findall(f".//{tag}") == [], f"<{tag}> in the report"
    for element in doc.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name}"
            assert "://" not in value and not value.startswith("//"), f"{name}={value!r}"
            assert name.lower() not in ("src", "href", "srcset", "action"), name
    style = "".join(text(s) for s in doc.iter("style"))
    for banned in ("url(", "@import", "@font-face"):
        assert banned not in style
    assert "@page" in style and "@media print" in style
    raw = out.read_text(encoding="utf-8")
    assert not re.search(r"https?:", raw)
    csp = [m for m in doc.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0].get("content")

    keys = {k["name"]: k for k in vault.json("key", "list")["keys"]}
    row = by_id(doc, "inventory").find(f".//tr[@data-id='{keys[HOSTILE]['id']}']")
    cells = row.findall("td")
    # The name is text: the first text node of its cell, exactly as stored.
    assert cells[0].text == HOSTILE
    assert text(cells[4]) == "<b>ops</b> & co"
    assert text(cells[5]) == "ada \"the admin\", bob's team"
    assert text(cells[7]) == keys[HOSTILE]["fingerprint"]
    assert "</td><script>bad()</script>" in text(by_id(doc, "due"))
    # The raw file holds them only as character references.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;" in raw


def test_sections_and_counts_agree_with_the_json_of_other_commands(vault):
    out = vault.dir / "review.html"
    written = vault.json("report", "--out", str(out))["report"]
    doc = parse(out)
    for section in SECTIONS:
        by_id(doc, section)

    keys = vault.json("key", "list")["keys"]
    due = vault.json("due", code=1)["due"]
    counts = {dd.get("data-count"): text(dd) for dd in by_id(doc, "summary").iter("dd")}
    findings = Counter(f["severity"] for k in keys for f in k["findings"])
    expected = {
        "keys": len(keys),
        "active": sum(k["state"] == "active" for k in keys),
        "overdue": sum(d["status"] == "overdue" for d in due),
        "due-soon": sum(d["status"] != "overdue" for d in due),
        "violations": findings["violation"],
        "warnings": findings["warning"],
        "unused": 0,
        # No kit was made: every key in use is unescrowed.
        "unescrowed": sum(k["state"] in ("active", "suspended", "deactivated") for k in keys),
    }
    assert findings["warning"] >= 1, "RSA-2048 is expected to be warned about"
    for name, value in expected.items():
        assert counts[name] == str(value), name
        assert written[name.replace("-", "_")] == value, name
    assert counts["audit"] == "intact" and written["audit_intact"] is True

    # The inventory lists every key, once, with its fingerprint and state.
    rows = by_id(doc, "inventory").findall(".//tbody/tr")
    assert sorted(r.get("data-id") for r in rows) == sorted(k["id"] for k in keys)
    by_key = {k["id"]: k for k in keys}
    for r in rows:
        cells = [text(c) for c in r.findall("td")]
        key = by_key[r.get("data-id")]
        assert cells[1:4] == [key["algorithm"], key["purpose"], key["state"]]
        assert cells[6] == str(key["current_version"])
        assert cells[7] == key["fingerprint"]

    states = {r.get("data-state"): int(text(r.findall("td")[1]))
              for r in by_id(doc, "by-state").findall(".//tbody/tr")}
    assert states == {s: Counter(k["state"] for k in keys)[s] for s in states}
    assert sum(states.values()) == len(keys)
    purposes = {r.get("data-purpose"): int(text(r.findall("td")[1]))
                for r in by_id(doc, "by-purpose").findall(".//tbody/tr")}
    assert purposes == {p: Counter(k["purpose"] for k in keys)[p] for p in purposes}

    due_rows = by_id(doc, "due").findall(".//tbody/tr")
    assert [(r.get("data-id"), r.get("data-kind")) for r in due_rows] == [
        (d["id"], d["kind"]) for d in due]
    for r, d in zip(due_rows, due):
        assert r.find(".//time").get("datetime") == d["due_at"]

    finding_rows = by_id(doc, "findings").findall(".//tbody/tr")
    assert Counter(r.get("class") for r in finding_rows) == findings

    # The audit section counts the entries before the report's own: the entry that
    # records it comes right after them.
    entries = vault.json("audit", "list")["entries"]
    exported = [e for e in entries if e["action"] == "report-exported"]
    assert [e["outcome"] for e in exported] == ["success"]
    assert counts["audit-entries"] == str(exported[0]["seq"] - 1)
    assert by_id(doc, "audit").find(".//p").get("data-intact") == "true"


def test_the_unused_window_is_an_option(vault):
    out = vault.dir / "review.html"
    # Every key was made moments ago: none is unused for a day, so the section says so.
    assert vault.json("report", "--out", str(out), "--unused-days", "1")["report"]["unused"] == 0
    assert "No key is unused" in text(by_id(parse(out), "unused"))
    assert vault.json("report", "--out", str(out), "--unused-days", "0", code=2)["error"]["code"] \
        == "usage"


def test_an_existing_file_is_refused_unless_forced(vault):
    out = vault.dir / "review.html"
    out.write_text("keep me")
    assert vault.json("report", "--out", str(out), code=2)["error"]["code"] == "file_exists"
    assert out.read_text() == "keep me"
    vault.json("report", "--out", str(out), "--force")
    parse(out)


def pdf_text(path: Path) -> list[str]:
    """Each page's text as poppler's `pdftotext` reads it, an independent PDF reader."""
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, timeout=60)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def test_a_pdf_report_reads_back_with_an_independent_reader(vault):
    out = vault.dir / "review.pdf"
    written = vault.json("report", "--out", str(out), "--paper", "letter")["report"]
    assert written["format"] == "pdf" and written["paper"] == "letter"
    assert out.stat().st_mode & 0o777 == 0o600
    raw = out.read_bytes()
    assert raw.startswith(b"%PDF-")
    for banned in (b"/JavaScript", b"/JS", b"/URI", b"/Launch", b"/OpenAction", b"/AcroForm",
                   b"/EmbeddedFile"):
        assert banned not in raw, banned
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True,
                          text=True).stdout
    assert re.search(r"Page size:\s+612 x 792 pts", info), info
    pages = pdf_text(out)
    assert len(pages) == int(re.search(r"Pages:\s+(\d+)", info).group(1))
    whole = "\n".join(pages)
    for heading in ("Key-management review", "Summary", "Inventory", "Keys by state",
                    "Keys by purpose", "Due and overdue", "Policy violations and warnings",
                    "Unused keys", "Escrow coverage", "Audit log", "Review"):
        assert heading in whole, heading
    for i, page in enumerate(pages, 1):
        assert f"page {i} of {len(pages)}" in page, i
        assert "Confidential" in page
    # Every key and its fingerprint, hostile text shown as text.
    flat = re.sub(r"\s+", "", whole)
    for key in vault.json("key", "list")["keys"]:
        assert key["id"][:8] in flat, key["name"]
        assert key["name"].replace(" ", "") in flat, key["name"]
    assert "<b>ops</b>&co" in flat
    assert written["audit_intact"] is True and "Intact:" in whole
    # A4 by default, and the format from the file's extension.
    a4 = vault.dir / "a4.PDF"
    assert vault.json("report", "--out", str(a4))["report"]["paper"] == "a4"
    info = subprocess.run(["pdfinfo", str(a4)], capture_output=True, check=True,
                          text=True).stdout
    assert re.search(r"Page size:\s+595.2\d? x 841.8\d? pts \(A4\)", info), info
