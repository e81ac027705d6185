"""An independent reader of Keywarden vault files (format v1), written from
docs/vault-format.md alone with standard Python libraries: sqlite3, hashlib, and the
PyPI packages cryptography (AES-GCM-SIV, HKDF), argon2-cffi (Argon2id with the secret
input K) and cbor2. It shares no code with Keywarden; if it can read a vault, the
specification is complete."""

import hashlib
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


def read_vault(path: str, passphrase: str, key_file: bytes | None = None) -> dict:
    """Returns {"keys": [{id, name, algorithm, notes, tags, created, updated,
    current_version, material}], "settings": {...}}."""
    check_header(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (vault_id,) = db.execute("SELECT vault_id FROM vault WHERE singleton = 1").fetchone()
        password = unicodedata.normalize("NFKC", passphrase).encode("utf-8")
        secret = hashlib.sha256(key_file).digest() if key_file is not None else None
        dek = None
        for slot_id, row_version, kdf, m, t, p, salt, check, wrapped in db.execute(
            "SELECT id, row_version, kdf, kdf_memory_kib, kdf_iterations, kdf_lanes, salt,"
            " keyfile_check, wrapped_dek FROM keyslot WHERE kind = 'passphrase' ORDER BY id"
        ):
            if kdf != "argon2id-v19":
                raise VaultError("unknown KDF")
            if (check is None) != (secret is None):
                continue
            if check is not None and hkdf(secret, salt, b"keywarden/v1/keyfile-check", 16) != check:
                continue
            kek = argon2id(password, salt, secret, t, m, p)
            try:
                dek = unseal(kek, wrapped, aad(vault_id, "keyslot", str(slot_id), row_version))
                break
            except VaultError:
                continue
        if dek is None:
            raise VaultError("wrong passphrase or key file")
        records = hkdf(dek, vault_id, b"keywarden/v1/records", 32)
        material_key = hkdf(dek, vault_id, b"keywarden/v1/material", 32)

        row_version, value = db.execute(
            "SELECT row_version, value FROM setting WHERE name = 'preferences'"
        ).fetchone()
        settings = cbor2.loads(unseal(records, value, aad(vault_id, "setting", "preferences", row_version)))

        keys = []
        for key_id, row_version, meta in db.execute("SELECT id, row_version, meta FROM key ORDER BY id"):
            record = cbor2.loads(unseal(records, meta, aad(vault_id, "key", key_id, row_version)))
            version = record["current_version"]
            v_row, blob = db.execute(
                "SELECT row_version, material FROM key_version WHERE key_id = ? AND version = ?",
                (key_id, version),
            ).fetchone()
            plain = unseal(material_key, blob, aad(vault_id, "key_version", f"{key_id}/{version}", v_row))
            if plain[0] != 0x01:
                raise VaultError("unknown material encoding")
            keys.append({"id": key_id, **record, "material": plain[1:]})
        return {"keys": keys, "settings": settings}
    finally:
        db.close()
