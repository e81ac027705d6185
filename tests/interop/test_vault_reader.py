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

from vault_reader import KEY_LENGTHS, VaultError, read_audit, read_reminders, read_vault

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
        assert r["encoding"] == "raw"
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


def test_the_audit_log_verifies_independently_and_a_gap_is_seen(tmp_path):
    vault, made = make_vault(tmp_path)
    keywarden(vault, "key", "state", made[1]["id"], "suspended", "--reason", "interop check")
    entries, problems = read_audit(str(vault), PASSPHRASE)
    assert problems == []
    actions = [e["action"] for e in entries]
    assert actions[0] == "vault-created"
    assert actions.count("key-generated") == len(KEY_LENGTHS)
    assert "key-updated" in actions
    changed = [e for e in entries if e["action"] == "state-changed"]
    assert changed[-1]["reason"] == "interop check"
    assert changed[-1]["key"] == made[1]["id"]
    assert all(e["outcome"] == "success" for e in entries)
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))

    copy = tmp_path / "gap.keywarden"
    shutil.copy(vault, copy)
    db = sqlite3.connect(copy)
    db.execute("DELETE FROM audit WHERE seq = 3")
    db.commit()
    db.close()
    assert read_audit(str(copy), PASSPHRASE)[1] == ["entries 3 to 3 missing"]


def test_public_key_fingerprints_match_the_specification(tmp_path):
    """A key pair written by the CLI: its stored PKCS#8 loads with `cryptography`, and
    SHA-256 of its SPKI is the fingerprint the CLI printed (docs/key-formats.md)."""
    import hashlib

    from cryptography.hazmat.primitives import serialization

    vault = tmp_path / "v.keywarden"
    keywarden(vault, "init", "--insecure-test-kdf")
    made = {alg: keywarden(vault, "key", "gen", "--name", alg, "--alg", alg)["key"]
            for alg in ("ed25519", "ecdsa-p256", "rsa-3072", "x25519")}
    read = {k["id"]: k for k in read_vault(str(vault), PASSPHRASE)["keys"]}
    for alg, k in made.items():
        r = read[k["id"]]
        assert r["encoding"] == "pkcs8", alg
        private = serialization.load_der_private_key(r["material"], password=None)
        spki = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        assert r["versions"][0]["fingerprint"] == hashlib.sha256(spki).hexdigest(), alg


def test_a_public_key_alone_is_stored_as_its_spki(tmp_path):
    """A public key imported on its own: the record says `public_only`, the material is
    the SPKI DER (encoding 0x05), and the fingerprint is SHA-256 of it."""
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = tmp_path / "partner.pub.pem"
    pem.write_bytes(public.public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo))
    vault = tmp_path / "v.keywarden"
    keywarden(vault, "init", "--insecure-test-kdf")
    made = keywarden(vault, "key", "import", str(pem), "--name", "partner")["key"]
    (read,) = read_vault(str(vault), PASSPHRASE)["keys"]
    assert read["id"] == made["id"]
    assert read["public_only"] is True
    assert read["encoding"] == "spki"
    assert read["material"] == der
    assert read["versions"][0]["fingerprint"] == hashlib.sha256(der).hexdigest()


def test_a_locked_vault_s_plaintext_due_dates_agree_with_keywarden_due(tmp_path):
    """The reminder copy is readable without the passphrase and holds exactly the due
    dates `keywarden due` lists (kinds and instants), and the policy's thresholds."""
    from datetime import datetime

    vault, _ = make_vault(tmp_path)
    for days in ("3", "40"):
        keywarden(vault, "key", "gen", "--name", f"due in {days}", "--alg", "aes-256",
                  "--rotation-days", days)
    keywarden(vault, "policy", "set", "reminder-days", "20,5", "--reason", "interop")
    env = {**os.environ, "KEYWARDEN_PASSPHRASE": PASSPHRASE}
    done = subprocess.run(
        [str(KEYWARDEN), "--vault", str(vault), "--json", "due", "--within", "36500"],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert done.returncode == 1, done.stderr  # something is listed
    listed = sorted(
        (int(datetime.fromisoformat(i["due_at"].replace("Z", "+00:00")).timestamp()), i["kind"])
        for i in json.loads(done.stdout)["due"]
    )
    reminders = read_reminders(str(vault))
    assert reminders["thresholds"] == [20, 5]
    assert sorted((d["due_at"], d["kind"]) for d in reminders["dates"]) == listed
    assert len(listed) >= 2 + len(KEY_LENGTHS)
    assert all(d["snoozed_until"] is None for d in reminders["dates"])
    # Nothing in the copy names a key.
    names = [k["name"] for k in read_vault(str(vault), PASSPHRASE)["keys"]]
    db = sqlite3.connect(f"file:{vault}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT * FROM reminder").fetchall() + db.execute(
            "SELECT * FROM reminder_threshold").fetchall()
    finally:
        db.close()
    text = repr(rows)
    assert not any(name in text for name in names)


def test_the_kit_register_reads_as_specified(tmp_path):
    vault, made = make_vault(tmp_path)
    assert read_vault(str(vault), PASSPHRASE)["kits"] == []
    out = tmp_path / "kit"
    kit = keywarden(vault, "kit", "create", made[0]["id"], made[1]["id"], "--kind", "split",
                    "--threshold", "2", "--custodian", "Ada", "--custodian", "Bea",
                    "--out", str(out))["kit"]
    keywarden(vault, "key", "rotate", made[1]["id"], "--reason", "interop")
    (stored,) = read_vault(str(vault), PASSPHRASE)["kits"]
    assert stored["id"] == kit["id"]
    assert stored["generation"] == 1
    assert (stored["kind"], stored["threshold"], stored["count"]) == ("split", 2, 2)
    assert [(c["custodian"], c["share"]) for c in stored["custody"]] == [("Ada", 1), ("Bea", 2)]
    assert [(k["id"], k["version"]) for k in stored["keys"]] == [(made[0]["id"], 1),
                                                                 (made[1]["id"], 1)]
    assert stored["status"] == "superseded"
    assert made[1]["name"] in stored["status_reason"]

