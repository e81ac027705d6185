"""Keywarden reads a kit back from scans, decoding the QR codes itself (in Rust): the
pages of two sheets of a 2-of-3 split kit, rendered by `pdftoppm` as a scanner would
give them, clean as PNG and worn (tilt, blur, grey paper, JPEG quality 50) as JPEG
files and as a scanner's PDF made by Pillow. The keys restored into a new vault are
byte-identical to the originals.

Run with the real CLI and tools (poppler-utils):
    cargo build -p keywarden-cli
    KEYWARDEN_BIN=target/debug/keywarden tests/.venv/bin/python -m pytest tests/interop -q
"""

from pathlib import Path

import pytest
from PIL import Image

from test_cli_formats import Vault, tool
from test_kit_recovery import scan
from test_kit_scan_damage import damage


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> tuple[Vault, dict, list[list[Path]]]:
    """A vault with an RSA-4096 key (many codes) and an AES key, its 2-of-3 split kit,
    and the 300 dpi pages of Ada's and Cy's sheets."""
    tool("pdftoppm")
    tmp = tmp_path_factory.mktemp("scan-recovery")
    vault = Vault(tmp / "v.keywarden")
    keys = {
        alg: vault.json("key", "gen", "--name", name, "--alg", alg)["key"]
        for alg, name in (("rsa-4096", "Archive signing"), ("aes-256", "Backup data"))
    }
    out = tmp / "kit"
    vault.json("kit", "create", *(k["id"] for k in keys.values()), "--kind", "split",
               "--threshold", "2", "--custodian", "Ada", "--custodian", "Bea",
               "--custodian", "Cy", "--out", str(out))
    sheets = sorted(out.glob("*.pdf"))
    chosen = [s for s in sheets if "share-1-" in s.name or "share-3-" in s.name]
    assert len(chosen) == 2, sheets
    return vault, keys, [scan(sheet) for sheet in chosen]


def recovered_fingerprints(result: dict) -> dict[str, str]:
    """Key name -> fingerprint value (the kit prints it as `KIND VALUE`)."""
    return {k["name"]: k["fingerprint"].split(" ", 1)[1] for k in result["recovered"]["keys"]}


def test_clean_png_scans_recover_with_the_fingerprints_of_the_keys(kit):
    vault, keys, pages = kit
    files = [str(p) for sheet in pages for p in sheet]
    result = vault.json("kit", "recover", "--dry-run", *files)
    assert result["recovered"]["dry_run"] is True
    expected = {
        k["name"]: vault.json("key", "show", k["id"])["key"]["fingerprint"] for k in keys.values()
    }
    assert recovered_fingerprints(result) == expected


def test_worn_scans_as_jpeg_files_and_a_scanners_pdf_restore_into_a_new_vault(kit, tmp_path):
    vault, keys, pages = kit
    worn = [[damage(page, tmp_path / f"s{s}-p{i}.jpg", tilt=(-1.5, 1.5)[s], blur=0.8,
                    quality=50, seed=10 * s + i)
             for i, page in enumerate(sheet)]
            for s, sheet in enumerate(pages)]
    # Ada's sheet comes back as one PDF of JPEG pages, as a scanner's software saves it.
    pdf = tmp_path / "ada-scan.pdf"
    images = [Image.open(p) for p in worn[0]]
    images[0].save(pdf, "PDF", resolution=300, save_all=True, append_images=images[1:])
    assert b"/DCTDecode" in pdf.read_bytes()

    fresh = Vault(tmp_path / "new.keywarden")
    result = fresh.json("kit", "recover", str(pdf), *map(str, worn[1]))
    assert {k["outcome"] for k in result["recovered"]["keys"]} == {"added"}
    for key in keys.values():
        (restored,) = [k for k in result["recovered"]["keys"] if k["name"] == key["name"]]
        fmt = "pkcs8-pem" if key["algorithm"].startswith("rsa") else "hex"
        assert fresh.export(restored["id"], fmt).read_bytes() == \
            vault.export(key["id"], fmt).read_bytes()


def test_a_kit_pdf_as_saved_is_refused_with_how_to_scan_it(kit):
    vault, _, _ = kit
    sheet = next((vault.dir / "kit").glob("*share-1-*.pdf"))
    refused = vault.json("kit", "recover", "--dry-run", str(sheet), code=2)
    assert refused["error"]["code"] == "kit_invalid"
    assert "pdftoppm -r 300 -png" in refused["error"]["message"]
