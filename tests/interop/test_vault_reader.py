"""The vault format specification is complete: an independent Python reader
(vault_reader.py, written from docs/vault-format.md) reads vaults that the real
`keywarden` CLI writes, and rejects tampered ones."""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from vault_reader import KEY_LENGTHS, VaultError, read_vault

ROOT = Path(__file__).resolve().parents[2]
KEYWARDEN = Path(os.environ.get("KEYWARDEN_BIN", ROOT / "target" / "debug" / "keywarden")).resolve()
PASSPHRASE = "Grüße aus der Schweiz, 2026"  # non-ASCII: exercises NFKC and UTF-8


def keywarden(vault: Path, *args: str, key_file: Path | None = None) -> dict:
    env = {**os.environ, "KEYWARDEN_PASSPHRASE": PASSPHRASE}
    global_args = ["--vault", str(vault), "--json"]
    if key_file is not None:
        global_args += ["--keyfile", str(key_file)]
    done = subprocess.run(
        [str(KEYWARDEN), *global_args, *args],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert done.returncode == 0, f"keywarden {' '.join(args)}: {done.stdout} {done.stderr}"
    return json.loads(done.stdout)


@pytest.fixture(scope="module", autouse=True)
def built_cli():
    if not KEYWARDEN.exists():
        subprocess.run(["cargo", "build", "-p", "keywarden-cli"], cwd=ROOT, check=True)


def make_vault(tmp_path: Path, key_file: Path | None = None) -> tuple[Path, list[dict]]:
    vault = tmp_path / "v.keywarden"
    init = ["init", "--insecure-test-kdf"]
    if key_file is not None:
        init += ["--new-keyfile", str(key_file)]
    keywarden(vault, *init)
    made = []
    for i, alg in enumerate(sorted(KEY_LENGTHS)):
        made.append(keywarden(vault, "key", "gen", "--name", f"Key {i} ünïcödé", "--alg", alg,
                              "--notes", f"notes {i}", "--tag", "interop", "--tag", alg,
                              key_file=key_file)["key"])
    renamed = keywarden(vault, "key", "rename", made[0]["id"], "Renamed key", key_file=key_file)["key"]
    made[0] = renamed
    return vault, made


def check_matches(read: dict, made: list[dict]) -> None:
    by_id = {k["id"]: k for k in read["keys"]}
    assert sorted(by_id) == sorted(k["id"] for k in made)
    for k in made:
        r = by_id[k["id"]]
        assert r["name"] == k["name"]
        assert r["algorithm"] == k["algorithm"]
        assert r["tags"] == k["tags"]
        assert len(r["material"]) == KEY_LENGTHS[k["algorithm"]]
        assert r["material"] != bytes(len(r["material"]))
    assert read["settings"]["auto_lock_minutes"] == 5


def test_reads_a_vault_written_by_keywarden(tmp_path):
    vault, made = make_vault(tmp_path)
    check_matches(read_vault(str(vault), PASSPHRASE), made)
    with pytest.raises(VaultError):
        read_vault(str(vault), PASSPHRASE + " ")


def test_reads_a_vault_with_a_key_file(tmp_path):
    key_file = tmp_path / "vault.key"
    vault, made = make_vault(tmp_path, key_file)
    # The CLI needs the key file from now on; the reader gets its bytes.
    check_matches(read_vault(str(vault), PASSPHRASE, key_file.read_bytes()), made)
    with pytest.raises(VaultError):
        read_vault(str(vault), PASSPHRASE)
    with pytest.raises(VaultError):
        read_vault(str(vault), PASSPHRASE, b"another key file")


def test_reader_detects_a_record_moved_between_rows(tmp_path):
    vault, made = make_vault(tmp_path)
    copy = tmp_path / "tampered.keywarden"
    shutil.copy(vault, copy)
    db = sqlite3.connect(copy)
    (meta,) = db.execute("SELECT meta FROM key WHERE id = ?", (made[1]["id"],)).fetchone()
    db.execute("UPDATE key SET meta = ? WHERE id = ?", (meta, made[2]["id"]))
    db.commit()
    db.close()
    with pytest.raises(VaultError, match="authentication"):
        read_vault(str(copy), PASSPHRASE)
