"""A vault recovery kit opens its vault without Keywarden: `pdftoppm` renders two of its
three sheets, `zbarimg` reads each sheet's share code, the SLIP-39 reference
implementation (`shamir-mnemonic`) recombines them, and the independent reader of the
vault format (vault_reader.py) opens the vault's recovery keyslot with the master secret
in hex (docs/vault-format.md, section 3.1) and reads the keys. Then `keywarden passwd
--recovery-kit` sets a new passphrase from the same words, and the old one stops working.
"""

import os
import subprocess
from pathlib import Path

import pytest
import shamir_mnemonic

import vault_reader
from test_cli_formats import KEYWARDEN, PASSPHRASE, Vault, tool
from test_kit_recovery import codes, scan

NEW_PASSPHRASE = "a new passphrase after the loss"


@pytest.fixture()
def vault(tmp_path: Path) -> Vault:
    for name in ("pdftoppm", "zbarimg"):
        tool(name)
    return Vault(tmp_path / "v.keywarden")


def passwd_with_kit(vault: Vault, *files: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KEYWARDEN_NEW_PASSPHRASE": NEW_PASSPHRASE}
    env.pop("KEYWARDEN_PASSPHRASE", None)
    return subprocess.run(
        [str(KEYWARDEN), "--vault", str(vault.path), "--json", "passwd", "--recovery-kit",
         *map(str, files)],
        env=env, cwd=vault.dir, capture_output=True, stdin=subprocess.DEVNULL, timeout=120)


def test_a_vault_kit_opens_the_vault_file_with_public_tools(vault, tmp_path):
    key = vault.json("key", "gen", "--name", "Backup data", "--alg", "aes-256")["key"]
    out = tmp_path / "kit"
    made = vault.json("kit", "create", "--kind", "vault", "--threshold", "2",
                      "--custodian", "Ada", "--custodian", "Bea", "--custodian", "Cy",
                      "--out", str(out))
    assert made["kit"]["kind"] == "vault"
    sheets = sorted(out.iterdir())
    assert [s.suffix for s in sheets] == [".pdf"] * 3, sheets

    shares = []
    for sheet in (sheets[0], sheets[2]):
        texts = codes(scan(sheet))
        assert not any(t.startswith("KW1 ") for t in texts), "a vault kit has no payload"
        assert len(texts) == 1, texts
        shares.append(texts[0])
    with pytest.raises(shamir_mnemonic.MnemonicError):
        shamir_mnemonic.combine_mnemonics(shares[:1])
    master = shamir_mnemonic.combine_mnemonics(shares).hex()

    # The independent reader opens the recovery keyslot: the vault's keys, unchanged.
    read = vault_reader.read_vault(str(vault.path), master, kind="recovery")
    hex_key = vault.export(key["id"], "hex").read_text().strip()
    (stored,) = read["keys"]
    assert stored["material"].hex() == hex_key
    with pytest.raises(vault_reader.VaultError):
        vault_reader.read_vault(str(vault.path), "00" * 16, kind="recovery")

    # Keywarden sets a new passphrase from the same words, read as zbarimg printed them.
    words = []
    for i, share in enumerate(shares):
        words.append(tmp_path / f"share-{i}.txt")
        words[-1].write_text(share + "\n")
    done = passwd_with_kit(vault, *words)
    assert done.returncode == 0, done
    assert vault_reader.read_vault(str(vault.path), NEW_PASSPHRASE)["keys"][0]["material"] \
        .hex() == hex_key
    with pytest.raises(vault_reader.VaultError):
        vault_reader.read_vault(str(vault.path), PASSPHRASE)
    # The kit still opens the vault until a newer one replaces it.
    assert vault_reader.read_vault(str(vault.path), master, kind="recovery")["keys"]


def test_passwd_reads_the_scanned_sheets_of_a_vault_kit(vault, tmp_path):
    """The same recovery from the sheets' scans as they come off a scanner, every page:
    Keywarden decodes the share codes itself and skips the pages without one."""
    key = vault.json("key", "gen", "--name", "Backup data", "--alg", "aes-256")["key"]
    out = tmp_path / "kit"
    vault.json("kit", "create", "--kind", "vault", "--threshold", "2", "--custodian", "Ada",
               "--custodian", "Bea", "--custodian", "Cy", "--out", str(out))
    hex_key = vault.export(key["id"], "hex").read_text().strip()
    sheets = sorted(out.iterdir())
    pages = scan(sheets[0]) + scan(sheets[1])
    done = passwd_with_kit(vault, *pages)
    assert done.returncode == 0, done
    assert "read 1 code on the image" in done.stderr.decode()
    assert vault_reader.read_vault(str(vault.path), NEW_PASSPHRASE)["keys"][0]["material"] \
        .hex() == hex_key
