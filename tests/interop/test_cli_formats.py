"""The key formats of `keywarden key import | export-public | export` agree with the
tools people use them with: OpenSSL reads our PKCS#8 and prints our SPKI, keys made by
`openssl genpkey` import with the fingerprint OpenSSL's public key gives, `ssh-keygen`
reads our OpenSSH keys and prints our `SHA256:` fingerprint, OpenSSH keys import, age
reads our identities and its own import, and our JWKs follow RFC 7518 and RFC 8037.

Run with the real CLI and tools:
    cargo build -p keywarden-cli
    KEYWARDEN_BIN=target/debug/keywarden tests/.venv/bin/python -m pytest tests/interop -q
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYWARDEN = Path(os.environ.get("KEYWARDEN_BIN", ROOT / "target" / "debug" / "keywarden")).resolve()
PASSPHRASE = "interop formats, 2026 édition"

# Kinds of key with a public part, and which of them OpenSSH knows.
ASYMMETRIC = ["ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-2048", "x25519", "age-x25519"]
SSH = ["ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-2048"]


def tool(name: str) -> str:
    """The path of an external tool; the test fails, saying so, when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: these interop tests need openssl, ssh-keygen "
                    f"and age-keygen on PATH")
    return path


def run(*args: str, stdin: bytes | None = None) -> bytes:
    """Runs an external tool and returns its standard output; fails on a non-zero exit."""
    done = subprocess.run(list(args), input=stdin, capture_output=True, timeout=60)
    assert done.returncode == 0, f"{' '.join(args)}: exit {done.returncode}: {done.stderr!r}"
    return done.stdout


class Vault:
    """A test vault and the real `keywarden` binary over it."""

    def __init__(self, path: Path):
        self.path = path
        self.dir = path.parent
        self.raw("init", "--insecure-test-kdf")
        # RSA-2048 (112 bits) is below the default minimum strength for new keys.
        self.json("policy", "set", "min-strength", "112", "--reason", "interop: RSA-2048")

    def raw(self, *args: str, code: int = 0) -> bytes:
        """Runs `keywarden --vault V ARGS` in the vault's directory; returns stdout."""
        if not KEYWARDEN.exists():
            pytest.fail(f"no keywarden binary at {KEYWARDEN}: run cargo build -p keywarden-cli "
                        f"or set KEYWARDEN_BIN")
        env = {**os.environ, "KEYWARDEN_PASSPHRASE": PASSPHRASE}
        env.pop("KEYWARDEN_VAULT", None)
        done = subprocess.run(
            [str(KEYWARDEN), "--vault", str(self.path), *args],
            env=env, cwd=self.dir, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
        )
        assert done.returncode == code, (
            f"keywarden {' '.join(args)}: exit {done.returncode}: {done.stdout!r} {done.stderr!r}")
        return done.stdout

    def json(self, *args: str, code: int = 0) -> dict:
        return json.loads(self.raw("--json", *args, code=code))

    def gen(self, alg: str) -> dict:
        return self.json("key", "gen", "--name", alg, "--alg", alg)["key"]

    def public(self, ref: str, fmt: str) -> bytes:
        return self.raw("key", "export-public", ref, "--format", fmt)

    def export(self, ref: str, fmt: str) -> Path:
        out = self.dir / f"{ref}.{fmt}"
        done = self.json("key", "export", ref, "--format", fmt, "--out", str(out))
        assert done["export"]["mode"] == "0600"
        assert out.stat().st_mode & 0o777 == 0o600
        return out

    def fingerprints(self, ref: str) -> dict[str, str]:
        """Every fingerprint of a key by kind, from `export-public --json --out`: `key show`
        prints only the main one."""
        out = self.dir / f"{ref}.fingerprints.pem"
        done = self.json("key", "export-public", ref, "--format", "spki-pem", "--out", str(out),
                         "--force")
        return {f["kind"]: f["value"] for f in done["export"]["fingerprints"]}


@pytest.fixture()
def vault(tmp_path: Path) -> Vault:
    for name in ("openssl", "ssh-keygen", "age-keygen"):
        tool(name)
    return Vault(tmp_path / "v.keywarden")


def spki_sha256(private_pem: Path) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo OpenSSL derives from a private key."""
    der = run(tool("openssl"), "pkey", "-in", str(private_pem), "-pubout", "-outform", "DER")
    return hashlib.sha256(der).hexdigest()


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize("alg", ASYMMETRIC)
def test_openssl_derives_the_public_key_we_export(vault, alg):
    key = vault.gen(alg)
    private = vault.export(alg, "pkcs8-pem")
    assert run(tool("openssl"), "pkey", "-in", str(private), "-pubout") == vault.public(alg, "spki-pem")
    der = vault.public(alg, "spki-der")
    assert run(tool("openssl"), "pkey", "-in", str(private), "-pubout", "-outform", "DER") == der
    # The SPKI fingerprint is SHA-256 of that DER (for age keys, the second one).
    assert vault.fingerprints(alg)["spki-sha256"] == hashlib.sha256(der).hexdigest()
    if alg != "age-x25519":
        assert key["fingerprint"] == hashlib.sha256(der).hexdigest()
    # OpenSSL reads our DER too.
    private_der = vault.export(alg, "pkcs8-der")
    assert run(tool("openssl"), "pkey", "-inform", "DER", "-in", str(private_der), "-pubout",
               "-outform", "DER") == der


@pytest.mark.parametrize("alg, genpkey, expected", [
    ("ed25519", ["-algorithm", "ed25519"], "ed25519"),
    ("x25519", ["-algorithm", "x25519"], "x25519"),
    ("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "ecdsa-p256"),
    ("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], "ecdsa-p384"),
    ("rsa2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "rsa-2048"),
])
def test_keys_made_by_openssl_import_with_openssls_fingerprint(vault, alg, genpkey, expected):
    pem = vault.dir / f"openssl-{alg}.pem"
    run(tool("openssl"), "genpkey", *genpkey, "-out", str(pem))
    imported = vault.json("key", "import", str(pem), "--name", f"openssl {alg}")
    assert imported["format"] == "pkcs8-pem"
    assert imported["key"]["algorithm"] == expected
    assert imported["key"]["fingerprint"] == spki_sha256(pem)
    # The same key as PKCS#8 DER, recognised as such (`openssl pkey -outform DER` would
    # write SEC1 for EC keys).
    der = vault.dir / f"openssl-{alg}.der"
    run(tool("openssl"), "pkcs8", "-topk8", "-nocrypt", "-in", str(pem), "-outform", "DER",
        "-out", str(der))
    again = vault.json("key", "import", str(der), "--name", f"openssl {alg} der")
    assert again["format"] == "pkcs8-der"
    assert again["key"]["fingerprint"] == imported["key"]["fingerprint"]


@pytest.mark.parametrize("alg, genpkey, expected", [
    ("ed25519", ["-algorithm", "ed25519"], "ed25519"),
    ("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], "ecdsa-p384"),
    ("rsa2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "rsa-2048"),
])
def test_public_keys_from_openssl_are_kept_without_a_secret(vault, alg, genpkey, expected):
    pem = vault.dir / "k.pem"
    run(tool("openssl"), "genpkey", *genpkey, "-out", str(pem))
    pub = vault.dir / "k.pub.pem"
    run(tool("openssl"), "pkey", "-in", str(pem), "-pubout", "-out", str(pub))
    der = vault.dir / "k.pub.der"
    run(tool("openssl"), "pkey", "-in", str(pem), "-pubout", "-outform", "DER", "-out", str(der))
    imported = vault.json("key", "import", str(pub), "--name", "theirs")
    assert imported["format"] == "spki-pem"
    assert imported["key"]["algorithm"] == expected
    assert imported["key"]["public_only"] is True
    assert imported["key"]["fingerprint"] == spki_sha256(pem)
    # What we export is what OpenSSL wrote, byte for byte.
    assert vault.public("theirs", "spki-pem") == pub.read_bytes()
    assert vault.public("theirs", "spki-der") == der.read_bytes()
    again = vault.json("key", "import", str(der), "--name", "theirs der")
    assert again["format"] == "spki-der"
    assert again["key"]["fingerprint"] == imported["key"]["fingerprint"]
    # There is no secret to export.
    err = vault.json("key", "export", "theirs", "--format", "pkcs8-pem", "--out",
                     str(vault.dir / "out.pem"), code=2)["error"]
    assert "holds only the public key" in err["message"]
    assert not (vault.dir / "out.pem").exists()


def test_encrypted_openssl_keys_are_refused(vault):
    pem = vault.dir / "k.pem"
    run(tool("openssl"), "genpkey", "-algorithm", "ed25519", "-out", str(pem))
    enc = vault.dir / "k.enc.pem"
    run(tool("openssl"), "pkcs8", "-topk8", "-in", str(pem), "-passout", "pass:secret",
        "-out", str(enc))
    err = vault.json("key", "import", str(enc), "--name", enc.name, code=2)["error"]
    assert err["code"] == "invalid_input"
    assert "decrypt it first" in err["message"]
    assert vault.json("key", "list")["keys"] == []


@pytest.mark.parametrize("alg", SSH)
def test_ssh_keygen_reads_our_openssh_keys(vault, alg):
    vault.gen(alg)
    private = vault.export(alg, "openssh-private")
    derived = run(tool("ssh-keygen"), "-y", "-f", str(private)).decode().split()
    ours = vault.public(alg, "openssh-public").decode().split()
    assert derived[:2] == ours[:2], "type and key blob differ (comments are not compared)"
    pub = vault.dir / f"{alg}.pub"
    pub.write_text(" ".join(ours) + "\n")
    listed = run(tool("ssh-keygen"), "-l", "-E", "sha256", "-f", str(pub)).decode().split()
    assert listed[1] == vault.fingerprints(alg)["openssh-sha256"]


@pytest.mark.parametrize("kind, bits, expected", [
    ("ed25519", None, "ed25519"),
    ("ecdsa", "256", "ecdsa-p256"),
    ("ecdsa", "384", "ecdsa-p384"),
    ("rsa", "3072", "rsa-3072"),
])
def test_keys_made_by_ssh_keygen_import(vault, kind, bits, expected):
    path = vault.dir / f"id_{kind}{bits or ''}"
    args = ["-q", "-t", kind, "-N", "", "-C", "ada@example", "-f", str(path)]
    if bits:
        args += ["-b", bits]
    run(tool("ssh-keygen"), *args)
    imported = vault.json("key", "import", str(path), "--name", path.name)
    assert imported["format"] == "openssh-private"
    assert imported["key"]["algorithm"] == expected
    kinds = {f["kind"]: f["value"] for f in imported["fingerprints"]}
    listed = run(tool("ssh-keygen"), "-l", "-E", "sha256", "-f", f"{path}.pub").decode().split()
    assert kinds["openssh-sha256"] == listed[1]
    # Our public line is ssh-keygen's, but for the comment.
    ours = vault.public(path.name, "openssh-public").decode().split()
    assert ours[:2] == Path(f"{path}.pub").read_text().split()[:2]


def test_an_encrypted_openssh_key_is_refused_and_its_public_line_kept(vault):
    path = vault.dir / "id_locked"
    run(tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "a passphrase", "-f", str(path))
    err = vault.json("key", "import", str(path), "--name", "locked", code=2)["error"]
    assert "decrypt it first" in err["message"]
    # Its public line is kept as a public-only key, with ssh-keygen's fingerprint.
    imported = vault.json("key", "import", f"{path}.pub", "--name", "public")
    assert imported["format"] == "openssh-public"
    assert imported["key"]["public_only"] is True
    listed = run(tool("ssh-keygen"), "-l", "-E", "sha256", "-f", f"{path}.pub").decode().split()
    kinds = {f["kind"]: f["value"] for f in imported["fingerprints"]}
    assert kinds["openssh-sha256"] == listed[1]
    # Rotated to the holder's next key.
    run(tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "another", "-f", f"{path}2")
    rotated = vault.json("key", "rotate", "public", "--public", f"{path}2.pub", "--reason",
                         "new laptop")["key"]
    assert rotated["current_version"] == 2
    listed = run(tool("ssh-keygen"), "-l", "-E", "sha256", "-f", f"{path}2.pub").decode().split()
    assert vault.fingerprints("public")["openssh-sha256"] == listed[1]


def test_age_reads_our_identities_and_imports_its_own(vault):
    key = vault.gen("age-x25519")
    identity = vault.export("age-x25519", "age-identity")
    recipient = vault.public("age-x25519", "age-recipient").decode().strip()
    assert run(tool("age-keygen"), "-y", str(identity)).decode().strip() == recipient
    assert key["fingerprint"] == recipient

    theirs = vault.dir / "age-keygen.txt"
    run(tool("age-keygen"), "-o", str(theirs))
    imported = vault.json("key", "import", str(theirs), "--name", "from age-keygen")
    assert imported["format"] == "age-identity"
    assert imported["key"]["algorithm"] == "age-x25519"
    expected = run(tool("age-keygen"), "-y", str(theirs)).decode().strip()
    assert imported["key"]["fingerprint"] == expected
    assert vault.public("from age-keygen", "age-recipient").decode().strip() == expected

    # A recipient alone, as age-keygen -y prints it, is a public-only key.
    recipient_file = vault.dir / "recipient.txt"
    recipient_file.write_text(expected + "\n")
    theirs = vault.json("key", "import", str(recipient_file), "--name", "their recipient")
    assert theirs["format"] == "age-recipient"
    assert theirs["key"]["public_only"] is True
    assert theirs["key"]["fingerprint"] == expected

    # With the age tool itself, when it is there: encrypt to our recipient, decrypt with
    # our exported identity.
    age = shutil.which("age")
    if age is not None:
        sealed = run(age, "-r", recipient, stdin=b"interop message")
        assert run(age, "-d", "-i", str(identity), stdin=sealed) == b"interop message"


@pytest.mark.parametrize("alg, kty, crv, size", [
    ("ed25519", "OKP", "Ed25519", 32),
    ("x25519", "OKP", "X25519", 32),
    ("age-x25519", "OKP", "X25519", 32),
    ("ecdsa-p256", "EC", "P-256", 32),
    ("ecdsa-p384", "EC", "P-384", 48),
    ("rsa-2048", "RSA", None, 256),
])
def test_jwks_follow_rfc_7518_and_8037(vault, alg, kty, crv, size):
    vault.gen(alg)
    public = json.loads(vault.public(alg, "jwk"))
    private = json.loads(vault.export(alg, "jwk").read_text())
    spki = vault.public(alg, "spki-der")
    for jwk in (public, private):
        assert jwk["kty"] == kty
        assert jwk.get("crv") == crv
        assert jwk["kid"] == hashlib.sha256(spki).hexdigest()
    assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & set(public), "a public JWK holds no secret"
    if kty == "OKP":
        x = b64url(public["x"])
        assert len(x) == size and spki.endswith(x), "x is the raw public key in the SPKI"
        assert len(b64url(private["d"])) == size
    elif kty == "EC":
        x, y = b64url(public["x"]), b64url(public["y"])
        assert len(x) == len(y) == size
        assert spki.endswith(b"\x04" + x + y), "x and y are the uncompressed point"
        assert len(b64url(private["d"])) == size, "d at full field length (RFC 7518 6.2.2.1)"
    else:
        assert len(b64url(public["n"])) == size
        assert public["e"] == "AQAB"
        for member in ("d", "p", "q", "dp", "dq", "qi"):
            assert member in private
    # The private JWK imports back as the same key.
    back = vault.json("key", "import", str(vault.dir / f"{alg}.jwk"), "--name", f"{alg} jwk",
                      "--alg", alg)
    assert back["format"] == "jwk"
    assert back["key"]["algorithm"] == alg


def test_symmetric_keys_are_oct_jwks(vault):
    vault.gen("aes-256")
    jwk = json.loads(vault.export("aes-256", "jwk").read_text())
    assert jwk["kty"] == "oct"
    assert len(b64url(jwk["k"])) == 32
    hexed = vault.export("aes-256", "hex").read_text()
    assert bytes.fromhex(hexed) == b64url(jwk["k"])
