"""An independent reader of Keywarden vault files (format v1), written from
docs/vault-format.md alone with standard Python libraries: sqlite3, hashlib, and the
PyPI packages cryptography (AES-GCM-SIV, HKDF), argon2-cffi (Argon2id with the secret
input K) and cbor2. It shares no code with Keywarden; if it can read a vault, the
specification is complete."""

import hashlib
import hmac
import sqlite3
import struct
import unicodedata

import cbor2
from argon2.low_level import ARGON2_VERSION, Type, core, ffi, lib
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

APPLICATION_ID = 0x4B574456
KEY_LENGTHS = {"aes-128": 16, "aes-256": 32, "chacha20": 32, "hmac-sha256": 32, "hmac-sha512": 64}


class VaultError(Exception):
    """The file is not a readable v1 vault, or a value failed authentication."""


def argon2id(password: bytes, salt: bytes, secret: bytes | None, t: int, m: int, p: int) -> bytes:
    """Argon2id v0x13 with the optional secret value K (RFC 9106 section 3.1)."""
    out = ffi.new("uint8_t[]", 32)
    keep = [ffi.new("uint8_t[]", password or b"\0"), ffi.new("uint8_t[]", salt)]
    secret_buf = ffi.new("uint8_t[]", secret) if secret else ffi.NULL
    ctx = ffi.new(
        "argon2_context *",
        dict(
            version=ARGON2_VERSION, out=out, outlen=32,
            pwd=keep[0], pwdlen=len(password), salt=keep[1], saltlen=len(salt),
            secret=secret_buf, secretlen=len(secret) if secret else 0,
            ad=ffi.NULL, adlen=0, t_cost=t, m_cost=m, lanes=p, threads=p,
            allocate_cbk=ffi.NULL, free_cbk=ffi.NULL, flags=lib.ARGON2_DEFAULT_FLAGS,
        ),
    )
    if core(ctx, Type.ID.value) != lib.ARGON2_OK:
        raise VaultError("Argon2id failed")
    return bytes(ffi.buffer(out, 32))


def hkdf(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def aad(vault_id: bytes, table: str, row_id: str, row_version: int) -> bytes:
    t, r = table.encode("ascii"), row_id.encode("utf-8")
    return b"KWv1" + vault_id + bytes([len(t)]) + t + struct.pack(">H", len(r)) + r + struct.pack(">Q", row_version)


def unseal(key: bytes, blob: bytes, associated: bytes) -> bytes:
    if len(blob) < 29 or blob[0] != 0x01:
        raise VaultError("not a v1 sealed blob")
    try:
        return AESGCMSIV(key).decrypt(blob[1:13], blob[13:], associated)
    except Exception as e:  # cryptography raises InvalidTag
        raise VaultError("a sealed value failed authentication") from e


def check_header(path: str) -> None:
    with open(path, "rb") as f:
        header = f.read(100)
    if len(header) < 100 or header[:16] != b"SQLite format 3\0":
        raise VaultError("not an SQLite file")
    user_version, = struct.unpack(">I", header[60:64])
    app_id, = struct.unpack(">I", header[68:72])
    if app_id != APPLICATION_ID or user_version != 1:
        raise VaultError("not a Keywarden v1 vault")


def unlock(db: sqlite3.Connection, passphrase: str, key_file: bytes | None,
           kind: str = "passphrase") -> tuple[bytes, bytes]:
    """Returns (vault_id, DEK) from the first keyslot of `kind` that opens (section 3): a
    `passphrase` slot, or the `recovery` slot, whose passphrase is the vault recovery
    kit's SLIP-39 master secret in lowercase hex (section 3.1)."""
    (vault_id,) = db.execute("SELECT vault_id FROM vault WHERE singleton = 1").fetchone()
    password = unicodedata.normalize("NFKC", passphrase).encode("utf-8")
    secret = hashlib.sha256(key_file).digest() if key_file is not None else None
    for slot_id, row_version, kdf, m, t, p, salt, check, wrapped in db.execute(
        "SELECT id, row_version, kdf, kdf_memory_kib, kdf_iterations, kdf_lanes, salt,"
        " keyfile_check, wrapped_dek FROM keyslot WHERE kind = ? ORDER BY id", (kind,)
    ):
        if kdf != "argon2id-v19":
            raise VaultError("unknown KDF")
        if (check is None) != (secret is None):
            continue
        if check is not None and hkdf(secret, salt, b"keywarden/v1/keyfile-check", 16) != check:
            continue
        kek = argon2id(password, salt, secret, t, m, p)
        try:
            return vault_id, unseal(kek, wrapped, aad(vault_id, "keyslot", str(slot_id), row_version))
        except VaultError:
            continue
    raise VaultError("wrong passphrase or key file")


# Section 5.2 and docs/key-formats.md: the first byte of a material plaintext.
MATERIAL_TAGS = {0x01: "raw", 0x02: "pkcs8", 0x03: "x25519-scalar", 0x04: "text", 0x05: "spki"}


def read_vault(path: str, passphrase: str, key_file: bytes | None = None,
               kind: str = "passphrase") -> dict:
    """Returns {"keys": [{id, name, algorithm, ..., current_version, encoding, material}],
    "settings": {...}, "policy": {...}, "kits": [...]} (the custody register, section 5.7;
    empty before the first kit). `kind` "recovery" opens it with the vault recovery kit's
    master secret in hex as `passphrase`."""
    check_header(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        vault_id, dek = unlock(db, passphrase, key_file, kind)
        records = hkdf(dek, vault_id, b"keywarden/v1/records", 32)
        material_key = hkdf(dek, vault_id, b"keywarden/v1/material", 32)

        def setting(name: str) -> dict | None:
            row = db.execute(
                "SELECT row_version, value FROM setting WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                return None
            row_version, value = row
            return cbor2.loads(unseal(records, value, aad(vault_id, "setting", name, row_version)))

        keys = []
        for key_id, row_version, meta in db.execute("SELECT id, row_version, meta FROM key ORDER BY id"):
            record = cbor2.loads(unseal(records, meta, aad(vault_id, "key", key_id, row_version)))
            version = record["current_version"]
            v_row, blob = db.execute(
                "SELECT row_version, material FROM key_version WHERE key_id = ? AND version = ?",
                (key_id, version),
            ).fetchone()
            plain = unseal(material_key, blob, aad(vault_id, "key_version", f"{key_id}/{version}", v_row))
            if plain[0] not in MATERIAL_TAGS:
                raise VaultError("unknown material encoding")
            # Section 5.2: a public-only record holds SPKI DER, and only it does.
            if (plain[0] == 0x05) != record.get("public_only", False):
                raise VaultError("material does not match public_only")
            keys.append({"id": key_id, **record, "encoding": MATERIAL_TAGS[plain[0]], "material": plain[1:]})
        kits = (setting("kits") or {"kits": []})["kits"]
        return {"keys": keys, "settings": setting("preferences"), "policy": setting("policy"),
                "kits": kits}
    finally:
        db.close()


def read_reminders(path: str) -> dict:
    """The plaintext due dates a locked vault keeps (vault-format section 2, `reminder`):
    {"thresholds": [days, ...], "dates": [{kind, due_at, snoozed_until}, ...]}, no passphrase."""
    check_header(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dates = [
            {"kind": kind, "due_at": due_at, "snoozed_until": until}
            for kind, due_at, until in db.execute(
                "SELECT kind, due_at, snoozed_until FROM reminder ORDER BY due_at, kind"
            )
        ]
        thresholds = [d for (d,) in db.execute("SELECT days FROM reminder_threshold ORDER BY days DESC")]
        return {"thresholds": thresholds, "dates": dates}
    finally:
        db.close()


def row_digest(db: sqlite3.Connection) -> str:
    """Section "audit": SHA-256 over one line per row, table by table (key, key_version,
    keyslot, setting), each in primary-key order."""
    rows = []
    rows += [("key", i, v) for i, v in db.execute("SELECT id, row_version FROM key ORDER BY id")]
    rows += [("key_version", f"{k}/{n}", v) for k, n, v in db.execute(
        "SELECT key_id, version, row_version FROM key_version ORDER BY key_id, version")]
    rows += [("keyslot", str(i), v) for i, v in db.execute("SELECT id, row_version FROM keyslot ORDER BY id")]
    rows += [("setting", n, v) for n, v in db.execute(
        "SELECT name, row_version FROM setting WHERE name != 'audit-head' ORDER BY name")]
    h = hashlib.sha256(b"keywarden/v1/rows\n")
    for table, row_id, version in rows:
        h.update(table.encode() + b"\0" + row_id.encode() + b"\0" + str(version).encode() + b"\n")
    return h.hexdigest()


def read_audit(path: str, passphrase: str, key_file: bytes | None = None) -> tuple[list[dict], list[str]]:
    """Returns (entries, problems): every entry opened and the chain and head checked as
    docs/vault-format.md describes; problems is empty for an intact log."""
    check_header(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        vault_id, dek = unlock(db, passphrase, key_file)
        seal_key = hkdf(dek, vault_id, b"keywarden/v1/audit", 32)
        chain_key = hkdf(dek, vault_id, b"keywarden/v1/audit-chain", 32)
        problems, entries = [], []
        previous, expected = bytes(32), 1
        for seq, blob, stored in db.execute("SELECT seq, entry, mac FROM audit ORDER BY seq"):
            if seq != expected:
                problems.append(f"entries {expected} to {seq - 1} missing")
            mac = hmac.new(chain_key, previous + seq.to_bytes(8, "big") + blob, hashlib.sha256).digest()
            if seq == expected and mac != stored:
                problems.append(f"entry {seq}: chain value does not match")
            try:
                entries.append({"seq": seq, **cbor2.loads(unseal(seal_key, blob, aad(vault_id, "audit", str(seq), 1)))})
            except VaultError:
                problems.append(f"entry {seq}: seal does not open")
            previous, expected = stored, seq + 1
        row_version, value = db.execute(
            "SELECT row_version, value FROM setting WHERE name = 'audit-head'"
        ).fetchone()
        head = cbor2.loads(unseal(seal_key, value, aad(vault_id, "setting", "audit-head", row_version)))
        if head["seq"] != expected - 1 or bytes.fromhex(head["mac"]) != previous:
            problems.append(f"head names entry {head['seq']}, log ends at {expected - 1}")
        if head.get("rows") != row_digest(db):
            problems.append("rows do not match the head")
        return entries, problems
    finally:
        db.close()
