"""A recovery kit opens without Keywarden, with public tools only, exactly as its sheets
say: `pdftoppm` renders the PDF sheets, `zbarimg` reads their QR codes, the SLIP-39
reference implementation (`shamir-mnemonic`, by SatoshiLabs) recombines two of three
shares, the shell pipeline printed on the sheet reassembles the age file, and the `age`
command decrypts it with the recovered master secret. The keys that come out are
byte-identical to what `keywarden key export` gives.

Run with the real CLI and tools (poppler-utils, zbar-tools, age):
    cargo build -p keywarden-cli
    KEYWARDEN_BIN=target/debug/keywarden tests/.venv/bin/python -m pytest tests/interop -q
"""

import re
import subprocess
from pathlib import Path

import pexpect
import pytest
import shamir_mnemonic

from test_cli_formats import Vault, run, tool

# The pipeline printed on every sheet (docs/kit-format.md, section 4).
REASSEMBLE = ("for f in {pngs}; do zbarimg --raw -q \"$f\"; done | grep '^KW1 ' "
              "| sort -u | sort -k3,3 | cut -d' ' -f4 | tr -d '\\n' | base64 -d > {out}")


def scan(pdf: Path, dpi: int = 300) -> list[Path]:
    """The sheet's pages as PNG images, as a scanner would give them."""
    prefix = pdf.with_suffix("")
    run(tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(prefix))
    pages = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    assert pages, f"pdftoppm made no pages of {pdf}"
    return pages


def codes(pages: list[Path]) -> list[str]:
    """Every QR code's text on the pages, one per line, as zbarimg prints them: one
    zbarimg per page, as the sheets say (given several images, zbar 0.23 carries state
    from one to the next). zbarimg exits 4 when a page has no code at all (the
    instructions page), which is fine."""
    texts = []
    for page in pages:
        done = subprocess.run([tool("zbarimg"), "--raw", "-q", str(page)],
                              capture_output=True, timeout=120)
        assert done.returncode in (0, 4), f"zbarimg: exit {done.returncode}: {done.stderr!r}"
        texts += [line for line in done.stdout.decode().splitlines() if line.strip()]
    return texts


def age_decrypt(payload: Path, out: Path, passphrase: str) -> None:
    """`age -d -o OUT PAYLOAD`, typing the passphrase at age's prompt (age reads it from
    the terminal only, as a person would type it)."""
    child = pexpect.spawn(tool("age"), ["-d", "-o", str(out), str(payload)], timeout=60)
    child.expect("passphrase")
    child.sendline(passphrase)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, f"age -d failed: {child.before!r}"


def document_materials(text: str) -> dict[str, str]:
    """Key name -> material, from a recovery document (docs/kit-format.md, section 2)."""
    found = {}
    for block in re.finditer(r"^Key: (.*?)\n.*?^Material:\n(.*?)\nEnd of key$", text,
                             re.S | re.M):
        found[block.group(1)] = block.group(2)
    return found


@pytest.fixture()
def vault(tmp_path: Path) -> Vault:
    for name in ("pdftoppm", "zbarimg", "age", "base64", "sort", "cut"):
        tool(name)
    return Vault(tmp_path / "v.keywarden")


def test_a_split_kit_recovers_with_public_tools_from_two_of_three_sheets(vault, tmp_path):
    # An RSA-4096 key makes a payload that spans several QR codes.
    rsa = vault.json("key", "gen", "--name", "Archive signing", "--alg", "rsa-4096")["key"]
    aes = vault.json("key", "gen", "--name", "Backup data", "--alg", "aes-256")["key"]
    out = tmp_path / "kit"
    vault.json("kit", "create", rsa["id"], aes["id"], "--kind", "split", "--threshold", "2",
               "--custodian", "Ada", "--custodian", "Bea", "--custodian", "Cy",
               "--out", str(out))
    sheets = sorted(out.glob("*.pdf"))
    assert len(sheets) == 3, sheets

    # Two custodians bring their sheets: Ada's and Cy's.
    chosen = [s for s in sheets if "share-1-" in s.name or "share-3-" in s.name]
    assert len(chosen) == 2, sheets
    pages, shares = [], []
    for sheet in chosen:
        scanned = scan(sheet)
        pages += scanned
        texts = codes(scanned)
        words = [t for t in texts if not t.startswith("KW1 ")]
        assert len(words) == 1, f"one share code per sheet, got {len(words)}"
        shares.append(words[0])
        count = {t.split(" ")[2] for t in texts if t.startswith("KW1 ")}
        assert len(count) > 1, "an RSA-4096 kit spans several codes"

    # The SLIP-39 reference implementation recovers the master secret.
    with pytest.raises(shamir_mnemonic.MnemonicError):
        shamir_mnemonic.combine_mnemonics(shares[:1])
    master = shamir_mnemonic.combine_mnemonics(shares).hex()

    # The pipeline printed on the sheet, then age with the master secret.
    payload = tmp_path / "kit.age"
    # As a person runs it: zbarimg's exit status (4 for the instructions page, which has
    # no code) does not stop the pipeline; the result is checked below.
    subprocess.run(["bash", "-c", REASSEMBLE.format(pngs=" ".join(map(str, pages)),
                                                    out=payload)],
                   check=True, timeout=120)
    assert payload.read_bytes() == next(out.glob("*.age")).read_bytes()
    recovered = tmp_path / "keys.txt"
    age_decrypt(payload, recovered, master)

    text = recovered.read_text()
    assert text.startswith("Keywarden recovery kit, format 1\n")
    materials = document_materials(text)
    pem = vault.export(rsa["id"], "pkcs8-pem").read_text().strip()
    assert materials["Archive signing"] == pem
    hex_key = vault.export(aes["id"], "hex").read_text().strip()
    assert materials["Backup data"] == hex_key


def test_a_personal_kit_opens_with_age_and_the_handwritten_passphrase(vault, tmp_path):
    key = vault.json("key", "gen", "--name", "Laptop disk", "--alg", "aes-128")["key"]
    passphrase_file = tmp_path / "kit-passphrase"
    passphrase_file.write_text("plaid walrus origami quarry thimble\n")
    out = tmp_path / "kit"
    vault.json("kit", "create", key["id"], "--kind", "personal", "--custodian", "Ada",
               "--kit-passphrase-file", str(passphrase_file), "--out", str(out))
    (sheet,) = out.glob("*.pdf")
    pages = scan(sheet)
    assert all(t.startswith("KW1 ") for t in codes(pages)), "no share on a personal kit"
    payload = tmp_path / "kit.age"
    # As a person runs it: zbarimg's exit status (4 for the instructions page, which has
    # no code) does not stop the pipeline; the result is checked below.
    subprocess.run(["bash", "-c", REASSEMBLE.format(pngs=" ".join(map(str, pages)),
                                                    out=payload)],
                   check=True, timeout=120)
    recovered = tmp_path / "keys.txt"
    age_decrypt(payload, recovered, "plaid walrus origami quarry thimble")
    materials = document_materials(recovered.read_text())
    assert materials["Laptop disk"] == vault.export(key["id"], "hex").read_text().strip()
    # The passphrase is written by hand: it is nowhere in the sheet.
    assert b"plaid walrus" not in sheet.read_bytes()
    assert "plaid walrus" not in run(tool("pdftotext"), str(sheet), "-").decode()
