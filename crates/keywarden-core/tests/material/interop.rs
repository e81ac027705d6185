//! Interop with independent implementations: OpenSSL (`openssl`), OpenSSH
//! (`ssh-keygen`) and age (`age-keygen`, the Go reference implementation).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use keywarden_core::Algorithm;
use keywarden_core::material::{Fingerprint, Format, MaterialError, PublicKey, SecretKey};

/// Runs `program args…`, failing the test with a clear message when the tool is missing
/// or fails. Returns standard output.
fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{program}` ({e}): the material interop tests need openssl, \
             ssh-keygen and age-keygen on PATH (Debian packages openssl, openssh-client \
             and age; `scripts/install-deps.sh test` installs them)"
            )
        });
    assert!(
        output.status.success(),
        "`{program} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

/// Writes a private file (ssh-keygen refuses keys readable by others).
fn write_private(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, data).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The type and base64 fields of an OpenSSH public key line (the comment may differ).
fn ssh_key_fields(line: &str) -> String {
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

const OPENSSL_ALGORITHMS: [Algorithm; 5] = [
    Algorithm::Ed25519,
    Algorithm::X25519,
    Algorithm::EcdsaP256,
    Algorithm::EcdsaP384,
    Algorithm::Rsa2048,
];

const SSH_ALGORITHMS: [Algorithm; 4] = [
    Algorithm::Ed25519,
    Algorithm::EcdsaP256,
    Algorithm::EcdsaP384,
    Algorithm::Rsa2048,
];

#[test]
fn openssl_reads_our_pkcs8_and_derives_our_spki() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in OPENSSL_ALGORITHMS {
        let key = SecretKey::generate(algorithm).unwrap();
        let pem = key.export(Format::Pkcs8Pem, "").unwrap();
        let path = write_private(dir.path(), "key.pem", &pem);
        let theirs = text(run("openssl", &["pkey", "-in", path_str(&path), "-pubout"]));
        let ours = text(key.export(Format::SpkiPem, "").unwrap().to_vec());
        assert_eq!(theirs, ours, "{algorithm}");
        let der = key.export(Format::Pkcs8Der, "").unwrap();
        let path = write_private(dir.path(), "key.der", &der);
        let theirs = run(
            "openssl",
            &[
                "pkey",
                "-inform",
                "DER",
                "-in",
                path_str(&path),
                "-pubout",
                "-outform",
                "DER",
            ],
        );
        assert_eq!(theirs, key.public_key().unwrap().spki_der(), "{algorithm}");
        // The SPKI fingerprint is SHA-256 of what OpenSSL prints.
        let digest = text(run(
            "openssl",
            &[
                "dgst",
                "-sha256",
                "-r",
                path_str(&write_private(dir.path(), "spki.der", &theirs)),
            ],
        ));
        assert_eq!(
            digest.split_whitespace().next().unwrap(),
            key.fingerprints()
                .iter()
                .find(|f| matches!(f, Fingerprint::Spki(_)))
                .unwrap()
                .to_string()
        );
    }
}

#[test]
fn we_import_what_openssl_genpkey_writes() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(Algorithm, &[&str]); 5] = [
        (Algorithm::Ed25519, &["-algorithm", "ED25519"]),
        (Algorithm::X25519, &["-algorithm", "X25519"]),
        (
            Algorithm::EcdsaP256,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
        (
            Algorithm::EcdsaP384,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        ),
        (
            Algorithm::Rsa2048,
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        ),
    ];
    for (algorithm, args) in cases {
        let path = dir.path().join("theirs.pem");
        let mut all = vec!["genpkey"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-out", path_str(&path)]);
        run("openssl", &all);
        let pem = fs::read(&path).unwrap();
        let key = SecretKey::import(&pem, Format::Pkcs8Pem, None).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        let theirs = text(run("openssl", &["pkey", "-in", path_str(&path), "-pubout"]));
        let ours = text(key.export(Format::SpkiPem, "").unwrap().to_vec());
        assert_eq!(theirs, ours, "{algorithm}");
        // The same key in PKCS#8 DER (`openssl pkey -outform DER` writes SEC1 for EC).
        let der = run(
            "openssl",
            &[
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                path_str(&path),
                "-outform",
                "DER",
            ],
        );
        let again = SecretKey::import(&der, Format::Pkcs8Der, Some(algorithm)).unwrap();
        assert_eq!(again, key);
    }
}

#[test]
fn openssl_keys_we_do_not_keep_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let genpkey = |name: &str, args: &[&str]| {
        let path = dir.path().join(name);
        let mut all = vec!["genpkey"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-out", path_str(&path)]);
        run("openssl", &all);
        fs::read(&path).unwrap()
    };
    let p521 = genpkey(
        "p521.pem",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    );
    let err = SecretKey::import(&p521, Format::Pkcs8Pem, None).unwrap_err();
    assert!(err.to_string().contains("P-521"), "{err}");
    let rsa1024 = genpkey(
        "rsa1024.pem",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    );
    let err = SecretKey::import(&rsa1024, Format::Pkcs8Pem, None).unwrap_err();
    assert!(matches!(err, MaterialError::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("1024 bits"), "{err}");
    let ed448 = genpkey("ed448.pem", &["-algorithm", "ED448"]);
    assert!(matches!(
        SecretKey::import(&ed448, Format::Pkcs8Pem, None),
        Err(MaterialError::Unsupported { .. })
    ));
    // An encrypted PKCS#8 file, PEM and DER.
    let plain = write_private(
        dir.path(),
        "plain.pem",
        &SecretKey::generate(Algorithm::EcdsaP256)
            .unwrap()
            .export(Format::Pkcs8Pem, "")
            .unwrap(),
    );
    for (outform, format) in [("PEM", Format::Pkcs8Pem), ("DER", Format::Pkcs8Der)] {
        let encrypted = run(
            "openssl",
            &[
                "pkcs8",
                "-topk8",
                "-in",
                path_str(&plain),
                "-v2",
                "aes-256-cbc",
                "-passout",
                "pass:secret",
                "-outform",
                outform,
            ],
        );
        let err = SecretKey::import(&encrypted, format, None).unwrap_err();
        assert!(
            matches!(err, MaterialError::Encrypted { .. }),
            "{outform}: {err}"
        );
        assert!(err.to_string().contains("decrypt it first"), "{err}");
    }
    // A traditional (SEC1) EC key is named as such.
    let sec1 = run("openssl", &["ec", "-in", path_str(&plain)]);
    let err = SecretKey::import(&sec1, Format::Pkcs8Pem, None).unwrap_err();
    assert!(err.to_string().contains("openssl pkcs8 -topk8"), "{err}");
}

#[test]
fn ssh_keygen_reads_our_openssh_keys_and_agrees_on_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in SSH_ALGORITHMS {
        let key = SecretKey::generate(algorithm).unwrap();
        let file = key.export(Format::OpenSshPrivate, "alice@example").unwrap();
        // One name per key: `ssh-keygen -l -f KEY` reads KEY.pub when it exists.
        let name = format!("id_{}", algorithm.id());
        let path = write_private(dir.path(), &name, &file);
        let theirs = text(run("ssh-keygen", &["-y", "-f", path_str(&path)]));
        let ours = text(
            key.export(Format::OpenSshPublic, "alice@example")
                .unwrap()
                .to_vec(),
        );
        assert_eq!(
            ssh_key_fields(&theirs),
            ssh_key_fields(&ours),
            "{algorithm}"
        );
        let listed = text(run(
            "ssh-keygen",
            &["-l", "-E", "sha256", "-f", path_str(&path)],
        ));
        let fingerprint = key
            .fingerprints()
            .into_iter()
            .find(|f| matches!(f, Fingerprint::OpenSsh(_)))
            .unwrap()
            .to_string();
        assert_eq!(
            listed.split_whitespace().nth(1),
            Some(fingerprint.as_str()),
            "{listed}"
        );
        // The public key file gives the same fingerprint.
        let public = dir.path().join(format!("{name}.pub"));
        fs::write(&public, &ours).unwrap();
        let listed = text(run(
            "ssh-keygen",
            &["-l", "-E", "sha256", "-f", path_str(&public)],
        ));
        assert_eq!(listed.split_whitespace().nth(1), Some(fingerprint.as_str()));
    }
}

#[test]
fn we_import_what_ssh_keygen_writes() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(Algorithm, &[&str]); 3] = [
        (Algorithm::Ed25519, &["-t", "ed25519"]),
        (Algorithm::EcdsaP256, &["-t", "ecdsa", "-b", "256"]),
        (Algorithm::Rsa2048, &["-t", "rsa", "-b", "2048"]),
    ];
    for (i, (algorithm, args)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("id_{i}"));
        let mut all = args.to_vec();
        all.extend_from_slice(&["-N", "", "-C", "bob@example", "-q", "-f", path_str(&path)]);
        run("ssh-keygen", &all);
        let key =
            SecretKey::import(&fs::read(&path).unwrap(), Format::OpenSshPrivate, None).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        let theirs = fs::read_to_string(path.with_extension("pub")).unwrap();
        let ours = text(
            key.export(Format::OpenSshPublic, "bob@example")
                .unwrap()
                .to_vec(),
        );
        assert_eq!(theirs, ours, "{algorithm}");
    }
    // A passphrase-protected key is refused with a clear message.
    let path = dir.path().join("id_locked");
    run(
        "ssh-keygen",
        &[
            "-t",
            "ed25519",
            "-N",
            "secret phrase",
            "-q",
            "-f",
            path_str(&path),
        ],
    );
    let err =
        SecretKey::import(&fs::read(&path).unwrap(), Format::OpenSshPrivate, None).unwrap_err();
    assert!(matches!(err, MaterialError::Encrypted { .. }), "{err}");
    assert!(err.to_string().contains("decrypt it first"), "{err}");
}

#[test]
fn age_keygen_agrees_on_our_recipients_and_we_read_its_identities() {
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate(Algorithm::AgeX25519).unwrap();
    let identity = key.export(Format::AgeIdentity, "").unwrap();
    let path = write_private(dir.path(), "ours.txt", &identity);
    let theirs = text(run("age-keygen", &["-y", path_str(&path)]));
    let ours = text(key.export(Format::AgeRecipient, "").unwrap().to_vec());
    assert_eq!(theirs, ours);
    assert_eq!(theirs.trim(), key.fingerprint().to_string());

    let path = dir.path().join("theirs.txt");
    run("age-keygen", &["-o", path_str(&path)]);
    let file = fs::read(&path).unwrap();
    let key = SecretKey::import(&file, Format::AgeIdentity, None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::AgeX25519);
    let theirs = text(run("age-keygen", &["-y", path_str(&path)]));
    assert_eq!(
        theirs,
        text(key.export(Format::AgeRecipient, "").unwrap().to_vec())
    );
    // The identity line alone, as a person would paste it.
    let line = String::from_utf8(file)
        .unwrap()
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .unwrap()
        .to_owned();
    assert_eq!(
        SecretKey::import(line.as_bytes(), Format::AgeIdentity, None).unwrap(),
        key
    );
    // The same key through PKCS#8: OpenSSL derives the same X25519 public key.
    let pem = key.export(Format::Pkcs8Pem, "").unwrap();
    let pem_path = write_private(dir.path(), "age.pem", &pem);
    let spki = text(run(
        "openssl",
        &["pkey", "-in", path_str(&pem_path), "-pubout"],
    ));
    assert_eq!(
        spki,
        text(key.export(Format::SpkiPem, "").unwrap().to_vec())
    );
}

#[test]
fn we_import_public_keys_that_openssl_ssh_keygen_and_age_keygen_write() {
    let dir = tempfile::tempdir().unwrap();
    let sha256 = |der: &[u8]| {
        let path = write_private(dir.path(), "spki.der", der);
        let digest = text(run("openssl", &["dgst", "-sha256", "-r", path_str(&path)]));
        digest.split_whitespace().next().unwrap().to_owned()
    };
    // OpenSSL: SPKI in PEM and DER; the fingerprint is SHA-256 of OpenSSL's DER.
    let cases: [(Algorithm, &[&str]); 4] = [
        (Algorithm::Ed25519, &["-algorithm", "ED25519"]),
        (Algorithm::X25519, &["-algorithm", "X25519"]),
        (
            Algorithm::EcdsaP384,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        ),
        (
            Algorithm::Rsa3072,
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
        ),
    ];
    for (algorithm, args) in cases {
        let private = dir.path().join("theirs.pem");
        let mut all = vec!["genpkey"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-out", path_str(&private)]);
        run("openssl", &all);
        let pem = run("openssl", &["pkey", "-in", path_str(&private), "-pubout"]);
        let der = run(
            "openssl",
            &[
                "pkey",
                "-in",
                path_str(&private),
                "-pubout",
                "-outform",
                "DER",
            ],
        );
        let public = PublicKey::import(&pem, Format::SpkiPem, None).unwrap();
        assert_eq!(public.algorithm(), algorithm);
        assert_eq!(
            public.spki_der(),
            der,
            "{algorithm}: canonical is OpenSSL's"
        );
        assert_eq!(
            public.fingerprint().to_string(),
            sha256(&der),
            "{algorithm}"
        );
        assert_eq!(
            PublicKey::import(&der, Format::SpkiDer, None).unwrap(),
            public
        );
        assert_eq!(public.export(Format::SpkiPem, "").unwrap(), pem);
        // And OpenSSL reads back what we export.
        let ours = write_private(
            dir.path(),
            "ours.pem",
            &public.export(Format::SpkiPem, "").unwrap(),
        );
        let again = run(
            "openssl",
            &["pkey", "-pubin", "-in", path_str(&ours), "-pubout"],
        );
        assert_eq!(again, pem, "{algorithm}");
    }
    // A compressed EC point is read, and kept in the canonical uncompressed form.
    let private = dir.path().join("p256.pem");
    run(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            path_str(&private),
        ],
    );
    let compressed = run(
        "openssl",
        &[
            "ec",
            "-in",
            path_str(&private),
            "-pubout",
            "-conv_form",
            "compressed",
        ],
    );
    let uncompressed = run("openssl", &["ec", "-in", path_str(&private), "-pubout"]);
    assert_ne!(compressed, uncompressed);
    let public = PublicKey::import(&compressed, Format::SpkiPem, None).unwrap();
    assert_eq!(public.export(Format::SpkiPem, "").unwrap(), uncompressed);

    // OpenSSH: the .pub file; both fingerprints agree with ssh-keygen -l.
    for (i, args) in [
        &["-t", "ed25519"][..],
        &["-t", "ecdsa", "-b", "384"],
        &["-t", "rsa", "-b", "2048"],
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("id_{i}"));
        let mut all = args.to_vec();
        all.extend_from_slice(&["-N", "", "-C", "carol@example", "-q", "-f", path_str(&path)]);
        run("ssh-keygen", &all);
        let pub_path = path.with_extension("pub");
        let line = fs::read(&pub_path).unwrap();
        let public = PublicKey::import(&line, Format::OpenSshPublic, None).unwrap();
        let listed = text(run(
            "ssh-keygen",
            &["-l", "-E", "sha256", "-f", path_str(&pub_path)],
        ));
        let ssh = public
            .fingerprints()
            .into_iter()
            .find(|f| matches!(f, Fingerprint::OpenSsh(_)))
            .unwrap()
            .to_string();
        assert_eq!(
            listed.split_whitespace().nth(1),
            Some(ssh.as_str()),
            "{listed}"
        );
        assert_eq!(
            ssh_key_fields(&text(public.export(Format::OpenSshPublic, "").unwrap())),
            ssh_key_fields(&text(line))
        );
        // The same key from the private file gives the same fingerprints.
        let private =
            SecretKey::import(&fs::read(&path).unwrap(), Format::OpenSshPrivate, None).unwrap();
        assert_eq!(private.fingerprints(), public.fingerprints());
    }

    // age: the recipient age-keygen prints.
    let path = dir.path().join("age.txt");
    run("age-keygen", &["-o", path_str(&path)]);
    let recipient = run("age-keygen", &["-y", path_str(&path)]);
    let public = PublicKey::import(&recipient, Format::AgeRecipient, None).unwrap();
    assert_eq!(public.algorithm(), Algorithm::AgeX25519);
    assert_eq!(
        public.fingerprint().to_string(),
        text(recipient.clone()).trim()
    );
    let identity = SecretKey::import(&fs::read(&path).unwrap(), Format::AgeIdentity, None).unwrap();
    assert_eq!(identity.public_key().unwrap(), public);
}
