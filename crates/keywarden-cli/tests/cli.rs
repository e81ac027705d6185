//! The `keywarden` binary, end to end: the trycmd cases in `tests/cmd/`, and the cases
//! that need the test process itself (holding a vault open, comparing files byte for
//! byte, reading ids out of JSON).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test fails by panicking, helpers included"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use keywarden_core::{LockedVault, SystemClock};

const PASSPHRASE: &str = "correct horse battery staple";
const NEW_PASSPHRASE: &str = "a much better passphrase, 2025";

#[test]
fn trycmd_cases() {
    trycmd::TestCases::new()
        .register_bin("keywarden", PathBuf::from(env!("CARGO_BIN_EXE_keywarden")))
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.trycmd");
}

/// The binary in `dir`, with no passphrase or vault from the developer's environment and
/// no terminal on standard input.
fn keywarden(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keywarden"));
    cmd.current_dir(dir)
        .env_remove("KEYWARDEN_PASSPHRASE")
        .env_remove("KEYWARDEN_NEW_PASSPHRASE")
        .env_remove("KEYWARDEN_VAULT")
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("output is UTF-8")
}

fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A new test vault `vault.keywarden` in `dir`, passphrase from the environment.
fn init(dir: &Path) -> PathBuf {
    let out = run(keywarden(dir)
        .args(["--vault", "vault.keywarden", "init", "--insecure-test-kdf"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    dir.join("vault.keywarden")
}

/// Runs a command on the test vault with `--json` and the passphrase from the
/// environment, and parses its output.
fn json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let out = run(keywarden(dir)
        .args(["--vault", "vault.keywarden", "--json"])
        .args(args)
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    let value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: not JSON: {}", text(&out.stdout)));
    (out.status.code().expect("exit code"), value)
}

#[test]
fn a_vault_held_by_another_process_exits_5() {
    let dir = tempfile::tempdir().unwrap();
    let path = init(dir.path());
    let held = LockedVault::open(&path, Arc::new(SystemClock)).unwrap();
    let out = run(keywarden(dir.path())
        .args(["--vault", "vault.keywarden", "key", "list"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 5);
    assert!(
        text(&out.stderr).contains("in use by another Keywarden process"),
        "{}",
        text(&out.stderr)
    );
    let (code, value) = json(dir.path(), &["key", "list"]);
    assert_eq!(code, 5);
    assert_eq!(value["error"]["code"], "vault_busy");
    drop(held);
    let out = run(keywarden(dir.path())
        .args(["--vault", "vault.keywarden", "key", "list"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
}

#[test]
fn failures_leave_the_keys_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let path = init(dir.path());
    let (code, _) = json(
        dir.path(),
        &["key", "gen", "--name", "k", "--alg", "aes-256"],
    );
    assert_eq!(code, 0);
    let before = fs::read(&path).unwrap();

    // init over an existing vault refuses before asking for anything.
    let out = run(keywarden(dir.path())
        .args(["--vault", "vault.keywarden", "init", "--insecure-test-kdf"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("already exists"));

    // A wrong passphrase, a weak new passphrase, an unknown key, a name taken.
    let out = run(keywarden(dir.path())
        .args(["--vault", "vault.keywarden", "key", "list"])
        .env("KEYWARDEN_PASSPHRASE", "not the passphrase at all"));
    assert_exit(&out, 3);
    // Neither got as far as unlocking: the file is exactly as it was.
    assert_eq!(fs::read(&path).unwrap(), before, "the vault file changed");
    let (_, keys_before) = json(dir.path(), &["key", "list"]);

    // These unlock first, so the audit log records them; the keys stay as they were.
    let out = run(keywarden(dir.path())
        .args(["--vault", "vault.keywarden", "passwd"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE)
        .env("KEYWARDEN_NEW_PASSPHRASE", "short"));
    assert_exit(&out, 2);
    assert_eq!(json(dir.path(), &["key", "delete", "nope", "--yes"]).0, 2);
    assert_eq!(
        json(
            dir.path(),
            &["key", "gen", "--name", "K", "--alg", "aes-128"]
        )
        .0,
        2
    );

    let (_, list) = json(dir.path(), &["key", "list"]);
    assert_eq!(list, keys_before);
    assert_eq!(list["keys"].as_array().unwrap().len(), 1);
}

#[test]
fn keys_are_found_by_id_prefix_and_json_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let (code, made) = json(
        dir.path(),
        &[
            "key",
            "gen",
            "--name",
            "Backup",
            "--alg",
            "hmac-sha512",
            "--tag",
            "prod",
            "--notes",
            "offsite\ncopy",
        ],
    );
    assert_eq!(code, 0);
    let key = &made["key"];
    let id = key["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(key["name"], "Backup");
    assert_eq!(key["algorithm"], "hmac-sha512");
    assert_eq!(key["tags"], serde_json::json!(["prod"]));
    assert_eq!(key["notes"], "offsite\ncopy");
    assert_eq!(key["current_version"], 1);
    let created = key["created_at"].as_str().unwrap();
    assert!(
        created.len() == 20 && created.ends_with('Z') && created.as_bytes()[10] == b'T',
        "{created}"
    );

    // A unique prefix of four or more characters finds the key; shorter ones do not.
    let (code, shown) = json(dir.path(), &["key", "show", &id[..6]]);
    assert_eq!(code, 0, "{shown}");
    assert_eq!(shown["key"]["id"], id.as_str());
    assert_eq!(shown, made, "show and gen describe the key the same way");
    let (code, err) = json(dir.path(), &["key", "show", &id[..3]]);
    assert_eq!(code, 2);
    assert_eq!(err["error"]["code"], "key_not_found");

    // Two keys whose ids share a prefix: "-" alone is no prefix, so use the hex digits
    // the keys have in common, if any, else skip (ids are random).
    let (_, other) = json(
        dir.path(),
        &["key", "gen", "--name", "Other", "--alg", "aes-256"],
    );
    let other_id = other["key"]["id"].as_str().unwrap();
    let common: String = id
        .chars()
        .zip(other_id.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    if common.len() >= 4 {
        let (code, err) = json(dir.path(), &["key", "show", &common]);
        assert_eq!(code, 2);
        assert_eq!(err["error"]["code"], "key_ambiguous");
    }

    // A key without notes has no "notes" member.
    assert!(other["key"].get("notes").is_none(), "{other}");

    let (code, renamed) = json(dir.path(), &["key", "rename", &id, "Backup 2025"]);
    assert_eq!(code, 0);
    assert_eq!(renamed["key"]["name"], "Backup 2025");
    assert_eq!(renamed["key"]["id"], id.as_str());

    let (code, deleted) = json(dir.path(), &["key", "delete", "backup 2025", "--yes"]);
    assert_eq!(code, 0);
    assert_eq!(
        deleted,
        serde_json::json!({"deleted": {"id": id, "name": "Backup 2025"}})
    );
    let (_, list) = json(dir.path(), &["key", "list"]);
    assert_eq!(list["keys"].as_array().unwrap().len(), 1);
}

#[test]
fn no_passphrase_and_no_terminal_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(keywarden(dir.path()).args([
        "--vault",
        "vault.keywarden",
        "init",
        "--insecure-test-kdf",
    ]));
    assert_exit(&out, 2);
    let err = text(&out.stderr);
    assert!(err.contains("--passphrase-file FILE"), "{err}");
    assert!(err.contains("KEYWARDEN_PASSPHRASE"), "{err}");
    assert!(!dir.path().join("vault.keywarden").exists());

    init(dir.path());
    let out = run(keywarden(dir.path()).args(["--vault", "vault.keywarden", "key", "list"]));
    assert_exit(&out, 2);
    let out = run(keywarden(dir.path())
        .args(["--vault", "vault.keywarden", "passwd"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("KEYWARDEN_NEW_PASSPHRASE"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn passphrases_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    let mut go = |args: &[&str], new: Option<&str>, current: &str| {
        let mut cmd = keywarden(dir.path());
        cmd.args(["--vault", "vault.keywarden"])
            .args(args)
            .env("KEYWARDEN_PASSPHRASE", current);
        if let Some(new) = new {
            cmd.env("KEYWARDEN_NEW_PASSPHRASE", new);
        }
        let out = run(&mut cmd);
        outputs.push(format!("{}{}", text(&out.stdout), text(&out.stderr)));
    };
    go(&["init", "--insecure-test-kdf"], None, PASSPHRASE);
    go(
        &["key", "gen", "--name", "k", "--alg", "aes-256"],
        None,
        PASSPHRASE,
    );
    go(&["key", "list"], None, "zebra quokka wombat 19");
    go(&["--json", "key", "list"], None, "zebra quokka wombat 19");
    go(&["passwd"], Some(NEW_PASSPHRASE), PASSPHRASE);
    go(&["--json", "passwd"], Some("tiny7"), NEW_PASSPHRASE);
    go(&["key", "show", "k"], None, NEW_PASSPHRASE);
    for out in &outputs {
        for secret in [PASSPHRASE, NEW_PASSPHRASE, "zebra quokka", "tiny7"] {
            assert!(!out.contains(secret), "{secret:?} printed in {out}");
        }
    }
}

#[test]
fn the_default_vault_is_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = run(keywarden(dir.path())
        .args(["--json", "init", "--insecure-test-kdf"])
        // An empty variable counts as unset.
        .env("KEYWARDEN_VAULT", "")
        .env("XDG_DATA_HOME", &data)
        .env("HOME", dir.path())
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    let expected = data.join("keywarden").join("vault.keywarden");
    assert!(expected.is_file());
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["vault"], expected.to_str().unwrap());

    // KEYWARDEN_VAULT names another vault; --vault wins over both.
    let out = run(keywarden(dir.path())
        .args(["init", "--insecure-test-kdf"])
        .env("XDG_DATA_HOME", &data)
        .env("KEYWARDEN_VAULT", "from-env.keywarden")
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    assert!(dir.path().join("from-env.keywarden").is_file());
    let out = run(keywarden(dir.path())
        .args([
            "--vault",
            "from-flag.keywarden",
            "init",
            "--insecure-test-kdf",
        ])
        .env("KEYWARDEN_VAULT", "from-env.keywarden")
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    assert!(dir.path().join("from-flag.keywarden").is_file());
}

#[test]
fn a_new_key_file_is_removed_when_the_vault_cannot_be_made() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a-file"), b"x").unwrap();
    // The vault's directory would have to be inside a regular file.
    let out = run(keywarden(dir.path())
        .args([
            "--vault",
            "a-file/vault.keywarden",
            "init",
            "--insecure-test-kdf",
            "--new-keyfile",
            "vault.key",
        ])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 5);
    assert!(!dir.path().join("vault.key").exists());

    // A weak passphrase is refused before the key file is written.
    let out = run(keywarden(dir.path())
        .args([
            "--vault",
            "vault.keywarden",
            "init",
            "--insecure-test-kdf",
            "--new-keyfile",
            "vault.key",
        ])
        .env("KEYWARDEN_PASSPHRASE", "too short"));
    assert_exit(&out, 2);
    assert!(!dir.path().join("vault.key").exists());
    assert!(!dir.path().join("vault.keywarden").exists());
}
