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

/// Runs a command with `--json` and `--actor tester`, and expects `code`.
fn json_ok(dir: &Path, args: &[&str], code: i32) -> serde_json::Value {
    let mut all = vec!["--actor", "tester"];
    all.extend_from_slice(args);
    let (got, value) = json(dir, &all);
    assert_eq!(got, code, "{args:?}: {value}");
    value
}

/// Generates a key and returns its id.
fn gen_key(dir: &Path, name: &str, extra: &[&str]) -> String {
    let mut args = vec!["key", "gen", "--name", name, "--alg", "aes-256"];
    args.extend_from_slice(extra);
    let made = json_ok(dir, &args, 0);
    made["key"]["id"].as_str().unwrap().to_owned()
}

fn state_of(dir: &Path, name: &str) -> String {
    let shown = json_ok(dir, &["key", "show", name], 0);
    shown["key"]["state"].as_str().unwrap().to_owned()
}

#[test]
fn every_transition_nist_does_not_have_is_refused_with_not_allowed() {
    use keywarden_core::KeyState;
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    // One key in each state.
    gen_key(d, "pre-activation", &["--pre-activation"]);
    gen_key(d, "active", &[]);
    for (name, path) in [
        ("suspended", &["suspended"][..]),
        ("deactivated", &["deactivated"][..]),
        ("compromised", &["compromised"][..]),
    ] {
        gen_key(d, name, &[]);
        for step in path {
            json_ok(d, &["key", "state", name, step, "--reason", "setup"], 0);
        }
    }
    gen_key(d, "destroyed", &[]);
    json_ok(
        d,
        &[
            "policy",
            "set",
            "destruction-wait-days",
            "0",
            "--reason",
            "test",
        ],
        0,
    );
    let gone = json_ok(
        d,
        &[
            "key",
            "destroy",
            "destroyed",
            "--after",
            "0",
            "--reason",
            "x",
        ],
        0,
    );
    assert_eq!(gone["key"]["state"], "destroyed", "{gone}");
    for from in KeyState::ALL {
        assert_eq!(state_of(d, from.id()), from.id());
    }

    let mut refused = 0;
    for from in KeyState::ALL {
        for to in KeyState::ALL {
            // Destruction goes through `key destroy`, never `key state`.
            if from.can_become(to) && to != KeyState::Destroyed {
                continue;
            }
            let err = json_ok(
                d,
                &["key", "state", from.id(), to.id(), "--reason", "try"],
                2,
            );
            assert_eq!(err["error"]["code"], "not_allowed", "{from} to {to}: {err}");
            assert_eq!(
                state_of(d, from.id()),
                from.id(),
                "{from} to {to} changed it"
            );
            refused += 1;
        }
    }
    // 36 pairs, of which the 9 transitions between living states are allowed here.
    assert_eq!(refused, 27);

    // The allowed ones go through and record who and why.
    let moved = json_ok(
        d,
        &["key", "state", "suspended", "active", "--reason", "back"],
        0,
    );
    assert_eq!(moved["previous_state"], "suspended");
    assert_eq!(moved["follow_up"], serde_json::json!([]));
    let last = moved["key"]["history"].as_array().unwrap().last().unwrap();
    assert_eq!(last["actor"], "tester");
    assert_eq!(last["reason"], "back");
    let hit = json_ok(
        d,
        &["key", "state", "active", "compromised", "--reason", "leak"],
        0,
    );
    assert_eq!(hit["follow_up"].as_array().unwrap().len(), 3, "{hit}");
}

#[test]
fn rotation_adds_a_version_and_deactivates_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    let id = gen_key(d, "k", &[]);
    let first = json_ok(d, &["key", "reveal", &id], 0);
    let first = first["secret"]["material"].as_str().unwrap().to_owned();
    assert_eq!(first.len(), 64);
    assert!(
        first
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );

    let rotated = json_ok(d, &["key", "rotate", "k", "--reason", "yearly"], 0);
    let key = &rotated["key"];
    assert_eq!(rotated["previous_version"], 1);
    assert_eq!(key["current_version"], 2);
    let versions = key["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions[0]["deactivated_at"].is_string(), "{key}");
    assert!(versions[1].get("deactivated_at").is_none(), "{key}");
    assert!(key["rotated_at"].is_string());
    let again = json_ok(d, &["key", "rotate", "k", "--reason", "again"], 0);
    assert_eq!(again["key"]["current_version"], 3);

    // Every version stays readable, and each is new material.
    let v1 = json_ok(d, &["key", "reveal", "k", "--version", "1"], 0);
    let v3 = json_ok(d, &["key", "reveal", "k"], 0);
    assert_eq!(v1["secret"]["material"], first.as_str());
    assert_eq!(v3["secret"]["version"], 3);
    assert_ne!(v3["secret"]["material"], first.as_str());
    let missing = json_ok(d, &["key", "reveal", "k", "--version", "4"], 2);
    assert_eq!(missing["error"]["code"], "key_not_found");

    // Only an active key rotates; another family is refused, and so is an algorithm
    // that cannot serve the key's purpose.
    let other = json_ok(
        d,
        &["key", "rotate", "k", "--alg", "ed25519", "--reason", "x"],
        2,
    );
    assert_eq!(other["error"]["code"], "not_allowed");
    let purpose = json_ok(
        d,
        &[
            "key",
            "rotate",
            "k",
            "--alg",
            "hmac-sha256",
            "--reason",
            "x",
        ],
        2,
    );
    assert_eq!(purpose["error"]["code"], "policy_violation");
    json_ok(
        d,
        &["key", "state", "k", "suspended", "--reason", "pause"],
        0,
    );
    let paused = json_ok(d, &["key", "rotate", "k", "--reason", "x"], 2);
    assert_eq!(paused["error"]["code"], "not_allowed");
    assert_eq!(
        json_ok(d, &["key", "show", "k"], 0)["key"]["current_version"],
        3
    );
}

#[test]
fn destruction_is_scheduled_cancelled_and_carried_out_when_due() {
    let dir = tempfile::tempdir().unwrap();
    let path = init(dir.path());
    let d = dir.path();
    gen_key(d, "k", &[]);

    let short = json_ok(
        d,
        &["key", "destroy", "k", "--after", "3", "--reason", "x"],
        2,
    );
    assert_eq!(short["error"]["code"], "not_allowed");
    let scheduled = json_ok(d, &["key", "destroy", "k", "--reason", "retired"], 0);
    let destruction = &scheduled["key"]["destruction"];
    assert_eq!(destruction["actor"], "tester");
    assert_eq!(destruction["reason"], "retired");
    let at: keywarden_core::Timestamp = destruction["scheduled_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let due: keywarden_core::Timestamp = destruction["due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due.as_second() - at.as_second(),
        7 * 86_400,
        "the policy's wait"
    );
    assert_eq!(scheduled["key"]["state"], "active");
    let twice = json_ok(d, &["key", "destroy", "k", "--reason", "again"], 2);
    assert_eq!(twice["error"]["code"], "not_allowed");

    let cancelled = json_ok(
        d,
        &["key", "destroy", "k", "--cancel", "--reason", "kept"],
        0,
    );
    assert!(cancelled["key"].get("destruction").is_none(), "{cancelled}");
    let none = json_ok(
        d,
        &["key", "destroy", "k", "--cancel", "--reason", "again"],
        2,
    );
    assert_eq!(none["error"]["code"], "not_allowed");
    let later = json_ok(
        d,
        &["key", "destroy", "k", "--after", "30", "--reason", "x"],
        0,
    );
    assert!(later["key"]["destruction"]["due_at"].is_string());

    // A destruction scheduled in the past is due: the next command, whatever it is,
    // carries it out and says so on standard error.
    let month_ago = keywarden_core::Timestamp::from_second(
        keywarden_core::Timestamp::now().as_second() - 30 * 86_400,
    )
    .unwrap();
    {
        let locked =
            LockedVault::open(&path, Arc::new(keywarden_core::FixedClock(month_ago))).unwrap();
        let mut vault = locked
            .unlock(
                &keywarden_core::Passphrase::new(PASSPHRASE.to_owned()),
                None,
            )
            .unwrap();
        let id = vault
            .generate_key(keywarden_core::NewKey::new(
                "old",
                keywarden_core::Algorithm::Aes128,
            ))
            .unwrap()
            .id;
        vault.schedule_destruction(&id, None, "long gone").unwrap();
    }
    let out = run(keywarden(d)
        .args(["--vault", "vault.keywarden", "policy", "show"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    let err = text(&out.stderr);
    assert!(
        err.contains("warning: destroyed the key \"old\"") && err.contains("as scheduled"),
        "{err}"
    );
    let old = json_ok(d, &["key", "show", "old"], 0);
    assert_eq!(old["key"]["state"], "destroyed");
    assert!(old["key"]["versions"][0]["destroyed_at"].is_string());
    let gone = json_ok(d, &["key", "reveal", "old"], 2);
    assert_eq!(gone["error"]["code"], "not_allowed");
    // Once is enough: the next command has nothing left to destroy.
    let out = run(keywarden(d)
        .args(["--vault", "vault.keywarden", "key", "list"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    assert!(
        !text(&out.stderr).contains("destroyed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_policy_refuses_keys_it_does_not_allow() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    let mismatch = json_ok(
        d,
        &[
            "key",
            "gen",
            "--name",
            "s",
            "--alg",
            "aes-256",
            "--purpose",
            "signature",
        ],
        2,
    );
    assert_eq!(mismatch["error"]["code"], "policy_violation");
    let set = json_ok(
        d,
        &[
            "policy",
            "set",
            "allowed-algorithms",
            "aes-256,hmac-sha512",
            "--reason",
            "only these",
        ],
        0,
    );
    assert_eq!(set["change"]["previous"], "all");
    assert_eq!(set["change"]["value"], "aes-256,hmac-sha512");
    assert_eq!(set["change"]["changed"], true);
    let refused = json_ok(d, &["key", "gen", "--name", "c", "--alg", "chacha20"], 2);
    assert_eq!(refused["error"]["code"], "policy_violation");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ChaCha20"),
        "{refused}"
    );
    json_ok(
        d,
        &["policy", "set", "min-strength", "256", "--reason", "x"],
        0,
    );
    gen_key(d, "a", &[]);
    // The audit log holds the refusals, with who.
    let failures = json_ok(
        d,
        &[
            "audit",
            "list",
            "--action",
            "key-generated",
            "--outcome",
            "failure",
        ],
        0,
    );
    let failures = failures["entries"].as_array().unwrap();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures.iter().all(|e| e["actor"] == "tester"));
    // Bad settings and empty reasons are invalid input, and change nothing.
    let bad = json_ok(
        d,
        &["policy", "set", "min-strength", "64", "--reason", "x"],
        2,
    );
    assert_eq!(bad["error"]["code"], "invalid_input");
    let empty = json_ok(
        d,
        &["policy", "set", "min-strength", "192", "--reason", " "],
        2,
    );
    assert_eq!(empty["error"]["code"], "invalid_input");
    let shown = json_ok(d, &["policy", "show"], 0);
    assert_eq!(
        shown["policy"][0],
        serde_json::json!({"name": "min-strength", "value": "256"})
    );
}

#[test]
fn audit_verify_fails_with_exit_1_once_the_log_is_edited() {
    let dir = tempfile::tempdir().unwrap();
    let path = init(dir.path());
    let d = dir.path();
    gen_key(d, "k", &[]);
    let ok = json_ok(d, &["audit", "verify"], 0);
    assert_eq!(ok["audit"]["intact"], true);
    let out = run(keywarden(d)
        .args(["--vault", "vault.keywarden", "audit", "verify"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    assert!(text(&out.stdout).starts_with("The audit log is intact"));

    // Flip one byte of the third entry, outside Keywarden.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut entry: Vec<u8> = conn
            .query_row("SELECT entry FROM audit WHERE seq = 3", [], |r| r.get(0))
            .unwrap();
        let last = entry.len() - 1;
        entry[last] ^= 0x01;
        conn.execute("UPDATE audit SET entry = ?1 WHERE seq = 3", [entry])
            .unwrap();
    }
    let failed = json_ok(d, &["audit", "verify"], 1);
    assert_eq!(failed["error"]["code"], "check_failed");
    let details = failed["error"]["details"].as_array().unwrap();
    assert!(
        details.iter().any(|p| p == "entry 3 was edited"),
        "{failed}"
    );
    let out = run(keywarden(d)
        .args(["--vault", "vault.keywarden", "audit", "verify"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 1);
    let err = text(&out.stderr);
    assert!(
        err.starts_with("error: the audit log does not verify"),
        "{err}"
    );
    assert!(err.contains("  - entry 3 was edited"), "{err}");
    // Listing cannot read the edited entry; it says so rather than skip it.
    let list = json_ok(d, &["audit", "list"], 4);
    assert_eq!(list["error"]["code"], "vault_damaged");
}

#[test]
fn audit_export_jsonl_is_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "k, with \"quotes\"", &[]);
    json_ok(d, &["key", "rotate", "0", "--reason", "x"], 2);
    let out = run(keywarden(d)
        .args(["--vault", "vault.keywarden", "--actor", "tester"])
        .args(["audit", "export", "--format", "jsonl"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.ends_with('\n'));
    let mut seqs = Vec::new();
    for line in stdout.lines() {
        let e: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}"));
        for member in [
            "seq",
            "at",
            "actor",
            "action",
            "key",
            "key_name",
            "key_fingerprint",
            "reason",
            "outcome",
            "detail",
        ] {
            assert!(e.get(member).is_some(), "{member} missing from {line}");
        }
        assert!(["success", "failure"].contains(&e["outcome"].as_str().unwrap()));
        seqs.push(e["seq"].as_u64().unwrap());
    }
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["action"], "vault-created");
    assert!(
        stdout.contains("\"key_name\":\"k, with \\\"quotes\\\"\""),
        "{stdout}"
    );

    // To a file: the same lines, readable only by the owner.
    let written = json_ok(
        d,
        &[
            "audit",
            "export",
            "--format",
            "jsonl",
            "--out",
            "audit.jsonl",
        ],
        0,
    );
    let n = written["exported"]["entries"].as_u64().unwrap();
    let file = fs::read_to_string(d.join("audit.jsonl")).unwrap();
    assert_eq!(file.lines().count() as u64, n);
    assert!(n > seqs.len() as u64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(d.join("audit.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let csv = json_ok(
        d,
        &[
            "audit",
            "export",
            "--format",
            "csv",
            "--out",
            "audit.csv",
            "--action",
            "key-generated",
        ],
        0,
    );
    assert_eq!(csv["exported"]["entries"], 1);
    let csv = fs::read_to_string(d.join("audit.csv")).unwrap();
    assert!(
        csv.starts_with(
            "seq,at,actor,action,key,key_name,key_fingerprint,reason,outcome,detail\r\n"
        )
    );
    assert_eq!(csv.lines().count(), 2);
}

#[test]
fn reveal_needs_the_passphrase_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "k", &[]);
    let out = run(keywarden(d)
        .args(["--vault", "vault.keywarden", "key", "reveal", "k"])
        .env("KEYWARDEN_PASSPHRASE", "not the passphrase at all"));
    assert_exit(&out, 3);
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("wrong passphrase"),
        "{}",
        text(&out.stderr)
    );
    let (code, err) = {
        let out = run(keywarden(d)
            .args(["--vault", "vault.keywarden", "--json", "key", "reveal", "k"])
            .env("KEYWARDEN_PASSPHRASE", "not the passphrase at all"));
        (
            out.status.code().unwrap(),
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        )
    };
    assert_eq!(code, 3);
    assert_eq!(err["error"]["code"], "wrong_passphrase");
    // No passphrase at all, and no terminal: a usage error, nothing printed.
    let out = run(keywarden(d).args(["--vault", "vault.keywarden", "key", "reveal", "k"]));
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty());

    // Piped, the secret is printed without asking; the key and the log remember it.
    let out = run(keywarden(d)
        .args([
            "--vault",
            "vault.keywarden",
            "--actor",
            "tester",
            "key",
            "reveal",
            "k",
        ])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 0);
    let hex = text(&out.stdout).trim_end();
    assert_eq!(hex.len(), 64, "{hex}");
    let shown = json_ok(d, &["key", "show", "k"], 0);
    assert!(shown["key"]["revealed_at"].is_string(), "{shown}");
    let log = json_ok(d, &["audit", "list", "--action", "secret-revealed"], 0);
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["actor"], "tester");
    assert_eq!(entries[0]["key_name"], "k");
    assert!(!entries[0]["detail"].as_str().unwrap().contains(hex));
    // The secret never reaches the audit log.
    let all = run(keywarden(d)
        .args([
            "--vault",
            "vault.keywarden",
            "audit",
            "export",
            "--format",
            "csv",
        ])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert!(!text(&all.stdout).contains(hex));
}

#[test]
fn the_actor_is_checked_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let (code, err) = json(dir.path(), &["--actor", "bad\u{7}name", "key", "list"]);
    assert_eq!(code, 2);
    assert_eq!(err["error"]["code"], "invalid_input");
    let (code, made) = json(
        dir.path(),
        &[
            "--actor",
            "Grace Hopper",
            "key",
            "gen",
            "--name",
            "k",
            "--alg",
            "aes-256",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(made["key"]["history"][0]["actor"], "Grace Hopper");
    let (_, log) = json(dir.path(), &["audit", "list", "--search", "grace"]);
    let entries = log["entries"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["action"] == "key-generated"),
        "{log}"
    );
}

#[test]
fn key_list_filters_and_sorts() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "b-soon", &["--rotation-days", "5"]);
    gen_key(d, "a-later", &["--rotation-days", "50"]);
    gen_key(
        d,
        "c-waiting",
        &["--pre-activation", "--purpose", "key-wrapping"],
    );
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = json_ok(d, &["key", "list"], 0);
    assert_eq!(names(&all), ["a-later", "b-soon", "c-waiting"]);
    let due = json_ok(d, &["key", "list", "--sort", "due"], 0);
    assert_eq!(names(&due), ["b-soon", "a-later", "c-waiting"]);
    let within = json_ok(d, &["key", "list", "--due-within", "10"], 0);
    assert_eq!(names(&within), ["b-soon"]);
    let by_state = json_ok(d, &["key", "list", "--sort", "state"], 0);
    assert_eq!(names(&by_state), ["c-waiting", "a-later", "b-soon"]);
    let wrapping = json_ok(d, &["key", "list", "--purpose", "key-wrapping"], 0);
    assert_eq!(names(&wrapping), ["c-waiting"]);
    let active = json_ok(
        d,
        &["key", "list", "--state", "active", "--alg", "aes-256"],
        0,
    );
    assert_eq!(names(&active), ["a-later", "b-soon"]);
    let unused = json_ok(d, &["key", "list", "--unused-days", "1"], 0);
    assert_eq!(names(&unused), Vec::<String>::new());
    let created = json_ok(d, &["key", "list", "--sort", "created"], 0);
    assert_eq!(names(&created).len(), 3);
    assert!(all["keys"][0]["next_rotation"].is_string());
    assert!(all["keys"][2].get("next_rotation").is_none());
}

/// A fixture of the trycmd import case: the example Ed25519 key of RFC 8410 and its
/// public and encrypted forms.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cmd/transfer.in")
        .join(name)
}

/// The private formats of `key export` a key of `alg` has, as `key_format` lists them.
fn private_formats(alg: &str) -> Vec<&'static str> {
    let alg: keywarden_core::Algorithm = alg.parse().unwrap();
    let mut formats: Vec<&str> = keywarden_core::Format::for_algorithm(alg)
        .into_iter()
        .filter(|f| f.is_private())
        .map(keywarden_core::Format::id)
        .collect();
    if alg.family() != keywarden_core::Family::Secret {
        formats.push("jwk");
    }
    formats
}

/// The public formats of `key export-public` a key of `alg` has.
fn public_formats(alg: &str) -> Vec<&'static str> {
    let alg: keywarden_core::Algorithm = alg.parse().unwrap();
    let mut formats: Vec<&str> = keywarden_core::Format::for_algorithm(alg)
        .into_iter()
        .filter(|f| !f.is_private())
        .map(keywarden_core::Format::id)
        .collect();
    if alg.family() == keywarden_core::Family::Asymmetric {
        formats.push("jwk");
    }
    formats
}

/// Runs a command on the test vault (passphrase from the environment) and returns its
/// output.
fn raw(dir: &Path, args: &[&str]) -> Output {
    run(keywarden(dir)
        .args(["--vault", "vault.keywarden"])
        .args(args)
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE))
}

#[test]
fn every_export_format_imports_back_as_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    // RSA-2048 (112 bits) is below the default minimum strength.
    json_ok(
        d,
        &[
            "policy",
            "set",
            "min-strength",
            "112",
            "--reason",
            "test RSA-2048",
        ],
        0,
    );
    for alg in [
        "ed25519",
        "ecdsa-p256",
        "ecdsa-p384",
        "rsa-2048",
        "x25519",
        "age-x25519",
        "aes-256",
        "chacha20",
        "hmac-sha512",
        "password",
        "diceware",
        "api-token",
    ] {
        let made = json_ok(d, &["key", "gen", "--name", alg, "--alg", alg], 0);
        let fingerprint = made["key"]["fingerprint"].as_str().unwrap().to_owned();
        assert!(!fingerprint.is_empty(), "{alg}");
        let publics: Vec<(&str, Vec<u8>)> = public_formats(alg)
            .into_iter()
            .map(|format| {
                let out = raw(d, &["key", "export-public", alg, "--format", format]);
                assert_exit(&out, 0);
                assert!(!out.stdout.is_empty(), "{alg} {format}");
                (format, out.stdout)
            })
            .collect();
        for format in private_formats(alg) {
            let file = format!("{alg}.{format}");
            let exported = json_ok(
                d,
                &["key", "export", alg, "--format", format, "--out", &file],
                0,
            );
            assert_eq!(exported["export"]["part"], "secret");
            assert_eq!(exported["export"]["format"], format);
            assert_eq!(exported["export"]["mode"], "0600");
            assert_eq!(
                exported["export"]["fingerprints"][0]["value"],
                fingerprint.as_str()
            );
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = fs::metadata(d.join(&file)).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{file}");
            }
            // Told the format and the algorithm, every form comes back.
            let name = format!("{alg} from {format}");
            let back = json_ok(
                d,
                &[
                    "key", "import", &file, "--name", &name, "--format", format, "--alg", alg,
                ],
                0,
            );
            assert_eq!(back["key"]["algorithm"], alg, "{file}");
            assert_eq!(back["key"]["fingerprint"], fingerprint.as_str(), "{file}");
            assert_eq!(back["format"], format);
            for (public, bytes) in &publics {
                let out = raw(
                    d,
                    &[
                        "key",
                        "export-public",
                        &name,
                        "--format",
                        public,
                        "--comment",
                        alg,
                    ],
                );
                assert_exit(&out, 0);
                let original = raw(
                    d,
                    &[
                        "key",
                        "export-public",
                        alg,
                        "--format",
                        public,
                        "--comment",
                        alg,
                    ],
                );
                assert_eq!(out.stdout, original.stdout, "{file} as {public}");
                assert_eq!(&original.stdout, bytes, "{alg} as {public}");
            }
            // Files that say what they hold are recognised without --format.
            if [
                "pkcs8-pem",
                "pkcs8-der",
                "openssh-private",
                "age-identity",
                "jwk",
            ]
            .contains(&format)
            {
                let name = format!("{alg} detected from {format}");
                let mut args = vec!["key", "import", &file, "--name", &name];
                if format == "jwk" && private_formats(alg).contains(&"hex") {
                    // An oct JWK does not say which symmetric algorithm it is for.
                    args.extend(["--alg", alg]);
                }
                let back = json_ok(d, &args, 0);
                assert_eq!(back["format"], format, "{file}");
                if alg == "age-x25519" && format != "age-identity" {
                    // PKCS#8 and JWK cannot tell an age identity from an X25519 key: it
                    // comes back as X25519, named by the same SPKI digest.
                    assert_eq!(back["key"]["algorithm"], "x25519", "{file}");
                    assert_eq!(
                        back["fingerprints"][0], exported["export"]["fingerprints"][1],
                        "{file}"
                    );
                } else {
                    assert_eq!(back["key"]["algorithm"], alg, "{file}");
                    assert_eq!(back["key"]["fingerprint"], fingerprint.as_str(), "{file}");
                }
            }
        }
    }
}

#[test]
fn import_reads_standard_input_and_refuses_what_it_cannot_keep() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    let key = fs::read(fixture("rfc8410.pem")).unwrap();
    let mut child = keywarden(d)
        .args(["--vault", "vault.keywarden", "--json", "key", "import", "-"])
        .args(["--name", "from stdin", "--purpose", "authentication"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &key).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_exit(&out, 0);
    let imported: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(imported["key"]["purpose"], "authentication");
    assert_eq!(
        imported["key"]["fingerprint"],
        "a1e9156054e04fac899ae9f275132cdc07a5dbc4ea2c2ad3a1ffc6e0d253681f"
    );
    let kinds: Vec<&str> = imported["fingerprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["spki-sha256", "openssh-sha256"]);
    let (_, before) = json(d, &["key", "list"]);

    let secret_hex = "00112233445566778899aabbccddeeff0011223344556677";
    fs::write(d.join("short.hex"), secret_hex).unwrap();
    fs::write(d.join("empty"), "\n").unwrap();
    let public = fixture("rfc8410.pub.pem");
    let encrypted = fixture("rfc8410-encrypted.pem");
    let private = fixture("rfc8410.pem");
    let (public, encrypted, private) = (
        public.to_str().unwrap(),
        encrypted.to_str().unwrap(),
        private.to_str().unwrap(),
    );
    let refusals: [(&[&str], &str, &str); 9] = [
        (
            &[public, "--format", "pkcs8-pem"],
            "invalid_input",
            "holds no private key",
        ),
        (&[encrypted], "invalid_input", "decrypt it first"),
        (&[private, "--alg", "rsa-2048"], "invalid_input", "not RSA"),
        (
            &[private, "--purpose", "key-agreement"],
            "policy_violation",
            "",
        ),
        (&["short.hex"], "invalid_input", "give --format"),
        (
            &["short.hex", "--format", "hex"],
            "invalid_input",
            "give the algorithm",
        ),
        (
            &["short.hex", "--format", "hex", "--alg", "aes-256"],
            "invalid_input",
            "length",
        ),
        (&["empty"], "invalid_input", "is empty"),
        (&["missing.pem"], "invalid_input", "cannot read missing.pem"),
    ];
    for (args, code, says) in refusals {
        let mut all = vec!["key", "import", "--name", "refused"];
        all.extend_from_slice(args);
        let (got, err) = json(d, &all);
        assert_eq!(got, 2, "{args:?}: {err}");
        assert_eq!(err["error"]["code"], code, "{args:?}: {err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{args:?}: {message}");
        // The input is never quoted.
        assert!(!message.contains("aabbccdd"), "{message}");
        assert!(!message.contains("MC4CAQAw"), "{message}");
    }
    // An unknown format is a usage error of the command line.
    let out = raw(
        d,
        &["key", "import", private, "--name", "x", "--format", "pem"],
    );
    assert_exit(&out, 2);
    // None of them added a key.
    assert_eq!(json(d, &["key", "list"]).1, before);
}

#[test]
fn a_public_key_alone_is_imported_rotated_and_never_used_as_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    let public = fixture("rfc8410.pub.pem");
    let public = public.to_str().unwrap();
    let imported = json_ok(d, &["key", "import", public, "--name", "partner"], 0);
    assert_eq!(imported["format"], "spki-pem");
    assert_eq!(imported["key"]["public_only"], true);
    // The fingerprint of the fixture's private key (see the test above).
    assert_eq!(
        imported["key"]["fingerprint"],
        "a1e9156054e04fac899ae9f275132cdc07a5dbc4ea2c2ad3a1ffc6e0d253681f"
    );
    let out = raw(d, &["key", "show", "partner"]);
    assert_exit(&out, 0);
    assert!(
        text(&out.stdout).contains("public key only"),
        "{}",
        text(&out.stdout)
    );
    // Its public forms leave as they would for a key pair: the same bytes.
    let private = fixture("rfc8410.pem");
    json_ok(
        d,
        &["key", "import", private.to_str().unwrap(), "--name", "pair"],
        0,
    );
    for format in public_formats("ed25519") {
        let ours = raw(
            d,
            &[
                "key",
                "export-public",
                "partner",
                "--format",
                format,
                "--comment",
                "c",
            ],
        );
        let pair = raw(
            d,
            &[
                "key",
                "export-public",
                "pair",
                "--format",
                format,
                "--comment",
                "c",
            ],
        );
        assert_exit(&ours, 0);
        assert_eq!(ours.stdout, pair.stdout, "{format}");
        // Each public form reads back, recognised by its content, as a public key alone.
        let file = format!("partner.{format}");
        fs::write(d.join(&file), &ours.stdout).unwrap();
        let name = format!("partner from {format}");
        let back = json_ok(d, &["key", "import", &file, "--name", &name], 0);
        assert_eq!(back["key"]["public_only"], true, "{format}");
        assert_eq!(back["key"]["fingerprint"], imported["key"]["fingerprint"]);
    }
    // Every way to a secret is refused, and says why.
    let refusals: [&[&str]; 3] = [
        &[
            "key",
            "export",
            "partner",
            "--format",
            "pkcs8-pem",
            "--out",
            "x.pem",
        ],
        &["key", "reveal", "partner", "--yes"],
        &["key", "rotate", "partner", "--reason", "yearly"],
    ];
    for args in refusals {
        let (code, err) = json(d, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err["error"]["code"], "not_allowed", "{args:?}: {err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("public key"),
            "{args:?}: {err}"
        );
    }
    assert!(!d.join("x.pem").exists());
    // Rotation takes the holder's new public key, never a private one.
    let (code, err) = json(
        d,
        &[
            "key",
            "rotate",
            "partner",
            "--public",
            private.to_str().unwrap(),
            "--reason",
            "r",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("holds a private key"),
        "{err}"
    );
    json_ok(
        d,
        &["key", "gen", "--name", "next", "--alg", "ecdsa-p256"],
        0,
    );
    let next = raw(
        d,
        &["key", "export-public", "next", "--format", "openssh-public"],
    );
    fs::write(d.join("next.pub"), &next.stdout).unwrap();
    let rotated = json_ok(
        d,
        &[
            "key",
            "rotate",
            "partner",
            "--public",
            "next.pub",
            "--reason",
            "moved to P-256",
        ],
        0,
    );
    assert_eq!(rotated["key"]["current_version"], 2);
    assert_eq!(rotated["key"]["algorithm"], "ecdsa-p256");
    assert_eq!(
        rotated["key"]["fingerprint"],
        json_ok(d, &["key", "show", "next"], 0)["key"]["fingerprint"]
    );
    assert_eq!(
        rotated["key"]["versions"][0]["fingerprint"],
        imported["key"]["fingerprint"]
    );
}

#[test]
fn exports_are_audited_and_files_are_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    json_ok(
        d,
        &[
            "key",
            "import",
            fixture("rfc8410.pem").to_str().unwrap(),
            "--name",
            "k",
        ],
        0,
    );
    gen_key(d, "sym", &[]);

    // Public parts: mode 0644, audited, no passphrase asked again.
    let public = json_ok(
        d,
        &[
            "key",
            "export-public",
            "k",
            "--format",
            "spki-der",
            "--out",
            "k.der",
        ],
        0,
    );
    assert_eq!(public["export"]["part"], "public");
    assert_eq!(public["export"]["mode"], "0644");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(d.join("k.der")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }
    let log = json_ok(d, &["audit", "list", "--action", "public-exported"], 0);
    assert_eq!(log["entries"][0]["detail"], "as spki-der");
    // A symmetric key has no public part.
    let (code, err) = json(d, &["key", "export-public", "sym", "--format", "jwk"]);
    assert_eq!(code, 2);
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no public part")
    );

    // A secret to a new file.
    json_ok(
        d,
        &[
            "key",
            "export",
            "k",
            "--format",
            "pkcs8-pem",
            "--out",
            "k.pem",
        ],
        0,
    );
    let written = fs::read(d.join("k.pem")).unwrap();
    assert_eq!(written, fs::read(fixture("rfc8410.pem")).unwrap());
    let shown = json_ok(d, &["key", "show", "k"], 0);
    assert!(shown["key"]["exported_at"].is_string(), "{shown}");

    // Never over an existing file, unless --force; refused before any passphrase.
    fs::write(d.join("taken.pem"), "mine").unwrap();
    let out = run(keywarden(d).args([
        "--vault",
        "vault.keywarden",
        "--json",
        "key",
        "export",
        "k",
        "--format",
        "pkcs8-pem",
        "--out",
        "taken.pem",
    ]));
    assert_exit(&out, 2);
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "file_exists");
    assert_eq!(fs::read(d.join("taken.pem")).unwrap(), b"mine");
    json_ok(
        d,
        &[
            "key",
            "export",
            "k",
            "--format",
            "openssh-private",
            "--out",
            "taken.pem",
            "--force",
        ],
        0,
    );
    assert!(
        fs::read_to_string(d.join("taken.pem"))
            .unwrap()
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );

    // A wrong passphrase at unlock: exit 3, no file.
    let out = run(keywarden(d)
        .args(["--vault", "vault.keywarden", "key", "export", "k"])
        .args(["--format", "jwk", "--out", "wrong.jwk"])
        .env("KEYWARDEN_PASSPHRASE", "not the passphrase at all"));
    assert_exit(&out, 3);
    assert!(!d.join("wrong.jwk").exists());

    // A formats the key does not have is refused before the export is recorded.
    let (code, _) = json(
        d,
        &["key", "export", "k", "--format", "hex", "--out", "k.hex"],
    );
    assert_eq!(code, 2);
    assert!(!d.join("k.hex").exists());

    // Standard output needs no confirmation when it is not a terminal.
    let out = raw(
        d,
        &["key", "export", "sym", "--format", "hex", "--out", "-"],
    );
    assert_exit(&out, 0);
    assert_eq!(out.stdout.len(), 64, "{}", text(&out.stdout));

    let log = json_ok(d, &["audit", "list", "--action", "secret-exported"], 0);
    let details: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        details,
        [
            "version 1 as pkcs8-pem",
            "version 1 as openssh-private",
            "version 1 as hex"
        ]
    );
    // Only the temporary files' absence is left to check: nothing but what was asked.
    let mut names: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("vault.keywarden"))
        .collect();
    names.sort();
    assert_eq!(names, ["k.der", "k.pem", "taken.pem"]);
}

/// Runs a command with `--json` whose passphrase file is standard input, holding the
/// right passphrase once: unlocking reads it; read again when the command asks for the
/// passphrase again, it is at its end: an empty, wrong one. `None` without /dev/stdin.
fn passphrase_once(dir: &Path, args: &[&str]) -> Option<Output> {
    if !Path::new("/dev/stdin").exists() {
        eprintln!("skipped: no /dev/stdin");
        return None;
    }
    let mut child = keywarden(dir)
        .args(["--vault", "vault.keywarden", "--json"])
        .args(["--passphrase-file", "/dev/stdin"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        format!("{PASSPHRASE}\n").as_bytes(),
    )
    .unwrap();
    Some(child.wait_with_output().unwrap())
}

#[test]
fn a_wrong_passphrase_given_again_exits_3_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "k", &[]);
    let Some(out) = passphrase_once(
        d,
        &["key", "export", "k", "--format", "hex", "--out", "k.hex"],
    ) else {
        return;
    };
    assert_exit(&out, 3);
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "wrong_passphrase");
    assert!(!d.join("k.hex").exists());
    let names: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".keywarden-export"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    let log = json_ok(
        d,
        &[
            "audit",
            "list",
            "--action",
            "secret-exported",
            "--outcome",
            "failure",
        ],
        0,
    );
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");
}

#[test]
fn binary_output_is_refused_on_a_terminal() {
    // `script` runs the command with a terminal on standard output.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: script is not available");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "sym", &[]);
    json_ok(
        d,
        &[
            "key",
            "import",
            fixture("rfc8410.pem").to_str().unwrap(),
            "--name",
            "k",
        ],
        0,
    );
    let bin = env!("CARGO_BIN_EXE_keywarden");
    for (args, says) in [
        ("key export-public k --format spki-der", "is binary"),
        ("key export k --format pkcs8-der --out -", "is binary"),
        (
            "key export k --format pkcs8-pem --out -",
            "standard input cannot confirm",
        ),
    ] {
        let out = run(Command::new("script")
            .args(["-qec"])
            .arg(format!("{bin} --vault vault.keywarden {args} < /dev/null"))
            .arg("/dev/null")
            .current_dir(d)
            .env("KEYWARDEN_PASSPHRASE", PASSPHRASE)
            .stdin(Stdio::null()));
        assert_exit(&out, 2);
        assert!(
            text(&out.stdout).contains(says),
            "{args}: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn due_lists_what_falls_due_and_exits_1_when_anything_does() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let (code, doc) = json(dir.path(), &["due"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["within_days"], 30);
    assert_eq!(doc["due"].as_array().unwrap().len(), 0);
    let (code, soon) = json(
        dir.path(),
        &[
            "key",
            "gen",
            "--name",
            "soon",
            "--alg",
            "aes-256",
            "--rotation-days",
            "5",
        ],
    );
    assert_eq!(code, 0);
    let fingerprint = soon["key"]["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(fingerprint.len(), 16, "{soon}");
    let (code, _) = json(
        dir.path(),
        &["key", "gen", "--name", "later", "--alg", "aes-256"],
    );
    assert_eq!(code, 0);
    let (code, doc) = json(dir.path(), &["due", "--within", "7"]);
    assert_eq!(code, 1, "{doc}");
    let due = doc["due"].as_array().unwrap();
    assert_eq!(due.len(), 1, "{doc}");
    assert_eq!(due[0]["name"], "soon");
    assert_eq!(due[0]["kind"], "rotation");
    assert_eq!(due[0]["status"], "due-soon");
    assert_eq!(due[0]["days"], 5);
    assert_eq!(due[0]["threshold"], 7);
    // The key is named with its fingerprint, in JSON and for people.
    assert_eq!(due[0]["fingerprint"], fingerprint.as_str());
    let out = run(keywarden(dir.path())
        .args(["--vault", "vault.keywarden", "due", "--within", "7"])
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    assert_exit(&out, 1);
    assert!(
        text(&out.stdout).contains(&format!(
            "soon ({}, {fingerprint})",
            due[0]["id"].as_str().unwrap()
        )),
        "{}",
        text(&out.stdout)
    );
    let (code, doc) = json(dir.path(), &["due", "--within", "3"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(json(dir.path(), &["due", "--within", "x"]).0, 2);
}

#[test]
fn a_snoozed_reminder_leaves_due_until_it_wakes_and_the_audit_log_keeps_why() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let gen_args = [
        "key",
        "gen",
        "--name",
        "soon",
        "--alg",
        "aes-256",
        "--rotation-days",
        "5",
    ];
    assert_eq!(json(dir.path(), &gen_args).0, 0);
    let snooze = |extra: &[&str]| {
        let mut args = vec!["key", "snooze", "soon"];
        args.extend_from_slice(extra);
        json(dir.path(), &args)
    };
    // Past the policy's 30 days after the due date: refused, with the limit.
    let (code, doc) = snooze(&["--days", "40", "--reason", "too long"]);
    assert_eq!(code, 2, "{doc}");
    assert_eq!(doc["error"]["code"], "not_allowed", "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 30 days"),
        "{doc}"
    );
    // A kind with nothing due, a bad date, and no "until": refused too.
    assert_eq!(
        snooze(&["--kind", "destruction", "--days", "3", "--reason", "x"]).0,
        2
    );
    assert_eq!(snooze(&["--until", "soon", "--reason", "x"]).0, 2);
    assert_eq!(snooze(&["--reason", "x"]).0, 2);

    let (code, doc) = snooze(&["--days", "10", "--reason", "waiting for the HSM"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["key"]["snoozes"][0]["kind"], "rotation");
    assert_eq!(doc["key"]["snoozes"][0]["reason"], "waiting for the HSM");
    let (code, doc) = json(dir.path(), &["due", "--within", "7"]);
    assert_eq!(code, 0, "snoozed items are not listed: {doc}");
    let (code, doc) = json(dir.path(), &["due", "--within", "7", "--include-snoozed"]);
    assert_eq!(code, 0, "snoozed items do not fail cron: {doc}");
    assert_eq!(doc["due"][0]["snooze_reason"], "waiting for the HSM");
    assert!(doc["due"][0]["snoozed_until"].is_string());

    let (code, doc) = snooze(&["--cancel", "--reason", "the HSM came"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(json(dir.path(), &["due", "--within", "7"]).0, 1);
    let (_, doc) = json(
        dir.path(),
        &["audit", "list", "--action", "reminder-snoozed"],
    );
    let reasons: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["too long", "x", "waiting for the HSM"]);
}

// ---- Recovery kits ----

const KIT_PASSPHRASE: &str = "a kit passphrase to write by hand";

/// Runs a command on the test vault with `--json`, `--actor tester` and the vault's
/// passphrase from the environment; returns the exit code, the JSON and standard error.
fn kit_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = run(keywarden(dir)
        .args(["--vault", "vault.keywarden", "--json", "--actor", "tester"])
        .args(args)
        .env("KEYWARDEN_PASSPHRASE", PASSPHRASE));
    let value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: not JSON: {}", text(&out.stdout)));
    (
        out.status.code().expect("exit code"),
        value,
        text(&out.stderr).to_owned(),
    )
}

/// `kit create ARGS...` on the test vault, which must succeed; its JSON.
fn make_kit(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["kit", "create"];
    all.extend_from_slice(args);
    let (code, made, _) = kit_json(dir, &all);
    assert_eq!(code, 0, "{args:?}: {made}");
    made
}

/// A 2-of-3 split kit for Ada, Bea Smith and Cy.
const SPLIT_2_OF_3: [&str; 10] = [
    "--kind",
    "split",
    "--threshold",
    "2",
    "--custodian",
    "Ada",
    "--custodian",
    "Bea Smith",
    "--custodian",
    "Cy",
];

/// The paths of the files a `kit create --json` reports, as written.
fn kit_files(dir: &Path, made: &serde_json::Value) -> Vec<PathBuf> {
    made["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| dir.join(f["path"].as_str().unwrap()))
        .collect()
}

fn kit_id(made: &serde_json::Value) -> keywarden_core::kit::KitId {
    made["kit"]["id"].as_str().unwrap().parse().unwrap()
}

/// The payload's QR code texts, as `zbarimg --raw` prints them: one per line.
fn kit_codes(made: &serde_json::Value, payload: &Path) -> String {
    codes_of(kit_id(made), &fs::read(payload).unwrap())
}

fn codes_of(kit: keywarden_core::kit::KitId, payload: &[u8]) -> String {
    let chunks = keywarden_core::kit::chunk::split(
        kit,
        payload,
        keywarden_core::kit::chunk::MAX_CHUNK_CHARS,
    )
    .unwrap();
    chunks.join("\n") + "\n"
}

/// The payload as typed lines, under the kit id they need.
fn kit_typed_lines(made: &serde_json::Value, payload: &Path) -> String {
    let kit = kit_id(made);
    let lines = keywarden_core::kit::typed::lines(kit, &fs::read(payload).unwrap());
    format!("Kit: {kit}\n{}\n", lines.join("\n"))
}

/// The share words printed on a split or vault kit's sheet, in their numbered order, as
/// `pdftotext -layout` reads them from the PDF; `None` without pdftotext.
fn sheet_words(pdf: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let page = String::from_utf8(out.stdout).unwrap();
    let start = page
        .find("words (SLIP-39)")
        .expect("the sheet lists its words");
    let end = start + page[start..].find("How to ").unwrap();
    let tokens: Vec<&str> = page[start..end].split_whitespace().collect();
    let mut words: Vec<(usize, &str)> = tokens
        .windows(2)
        .filter_map(|w| {
            let number = w[0].parse().ok()?;
            w[1].bytes()
                .all(|b| b.is_ascii_lowercase())
                .then_some((number, w[1]))
        })
        .collect();
    words.sort_unstable();
    words.dedup();
    assert!(
        words.iter().map(|(n, _)| *n).eq(1..=words.len()),
        "{words:?}"
    );
    Some(words.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(" ") + "\n")
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn kit_create_writes_every_sheet_and_the_payload_and_rotation_supersedes_it() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    let payroll = gen_key(d, "payroll", &[]);
    json_ok(
        d,
        &["key", "gen", "--name", "signing", "--alg", "ed25519"],
        0,
    );
    fs::write(d.join("kp.txt"), format!("{KIT_PASSPHRASE}\n")).unwrap();

    // A personal kit of two keys: one sheet and the age file, in a new directory.
    let made = make_kit(
        d,
        &[
            "payroll",
            "signing",
            "--kind",
            "personal",
            "--out",
            "kits/personal",
            "--kit-passphrase-file",
            "kp.txt",
        ],
    );
    let id = made["kit"]["id"].as_str().unwrap().to_owned();
    assert!(id.len() == 12 && id.starts_with("KW-"), "{id}");
    assert_eq!(made["kit"]["kind"], "personal");
    assert_eq!(made["kit"]["generation"], 1);
    assert_eq!(made["kit"]["status"], "current");
    assert_eq!(made["kit"]["made_by"], "tester");
    assert_eq!(
        made["kit"]["custody"],
        serde_json::json!([{"custodian": "tester"}])
    );
    assert_eq!(made["kit"]["keys"][0]["name"], "payroll");
    assert_eq!(made["kit"]["keys"][0]["version"], 1);
    let shown = json_ok(d, &["key", "show", "payroll"], 0);
    assert_eq!(
        made["kit"]["keys"][0]["fingerprint"],
        format!("kcv {}", shown["key"]["fingerprint"].as_str().unwrap())
    );
    assert!(made.get("kit_passphrase").is_none(), "{made}");
    let files = kit_files(d, &made);
    assert_eq!(
        files,
        [
            d.join(format!("kits/personal/{id}.pdf")),
            d.join(format!("kits/personal/{id}.age"))
        ]
    );
    assert!(fs::read(&files[0]).unwrap().starts_with(b"%PDF-"));
    assert!(
        fs::read(&files[1])
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n-> scrypt ")
    );
    #[cfg(unix)]
    {
        assert_eq!(mode_of(&d.join("kits/personal")), 0o700);
        for f in &files {
            assert_eq!(mode_of(f), 0o600, "{}", f.display());
        }
        assert_eq!(made["files"][0]["mode"], "0600");
    }
    // Only the kit's files: no temporary file is left.
    assert_eq!(fs::read_dir(d.join("kits/personal")).unwrap().count(), 2);

    // A 2-of-3 split kit: one sheet per custodian, named for them, and the age file.
    let out = ["--out", "kits/split", "--paper", "letter"];
    let split = make_kit(d, &[&[&payroll[..8]], &SPLIT_2_OF_3[..], &out].concat());
    let sid = split["kit"]["id"].as_str().unwrap().to_owned();
    assert_eq!(split["kit"]["generation"], 2, "the second kit of payroll");
    assert_eq!(split["kit"]["threshold"], 2);
    assert_eq!(split["kit"]["count"], 3);
    assert_eq!(
        split["kit"]["custody"],
        serde_json::json!([
            {"custodian": "Ada", "share": 1},
            {"custodian": "Bea Smith", "share": 2},
            {"custodian": "Cy", "share": 3}
        ])
    );
    let files = kit_files(d, &split);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            format!("{sid}-share-1-of-3-ada.pdf"),
            format!("{sid}-share-2-of-3-bea-smith.pdf"),
            format!("{sid}-share-3-of-3-cy.pdf"),
            format!("{sid}.age"),
        ]
    );
    assert_eq!(split["files"][1]["content"], "sheet");
    assert_eq!(split["files"][1]["share"], 2);
    assert_eq!(split["files"][3]["content"], "payload");
    for f in &files[..3] {
        let pdf = fs::read(f).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // US Letter: 612 × 792 points.
        assert!(
            pdf.windows(11).any(|w| w == b"0 0 612 792"),
            "{} is not on Letter paper",
            f.display()
        );
        #[cfg(unix)]
        assert_eq!(mode_of(f), 0o600);
    }
    let audit = json_ok(d, &["audit", "list", "--action", "kit-created"], 0);
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "one per key of each kit: {audit}");
    assert!(entries.iter().all(|e| e["outcome"] == "success"));
    assert!(
        entries[2]["detail"]
            .as_str()
            .unwrap()
            .contains("Bea Smith (share 2)"),
        "{audit}"
    );

    // The register lists both; rotating payroll supersedes both, signing's kit too.
    let list = json_ok(d, &["kit", "list"], 0);
    assert_eq!(list["kits"].as_array().unwrap().len(), 2);
    let list = json_ok(d, &["kit", "list", "--key", "signing"], 0);
    assert_eq!(list["kits"].as_array().unwrap().len(), 1);
    assert_eq!(list["kits"][0]["id"], id.as_str());
    json_ok(d, &["key", "rotate", "payroll", "--reason", "yearly"], 0);
    let list = json_ok(d, &["kit", "list", "--key", "payroll"], 0);
    for kit in list["kits"].as_array().unwrap() {
        assert_eq!(kit["status"], "superseded", "{kit}");
        assert!(kit["status_at"].is_string(), "{kit}");
        assert_eq!(
            kit["status_reason"],
            "the key \"payroll\" was rotated to version 2"
        );
    }
    let shown = json_ok(d, &["kit", "show", &sid.to_lowercase()], 0);
    assert_eq!(shown["kit"]["status"], "superseded");
    let out = raw(d, &["kit", "show", &sid]);
    assert_exit(&out, 0);
    assert!(
        text(&out.stdout).contains("share 2  Bea Smith"),
        "{}",
        text(&out.stdout)
    );
    let (code, err, _) = kit_json(d, &["kit", "show", "KW-0000-0000"]);
    assert_eq!(code, 2);
    assert_eq!(err["error"]["code"], "kit_not_found");
}

#[test]
fn a_split_kit_recovers_from_two_shares_into_a_new_vault() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "payroll", &[]);
    let split = |out: &str| {
        make_kit(
            d,
            &[&["payroll"], &SPLIT_2_OF_3[..], &["--out", out]].concat(),
        )
    };
    let made = split("kit");
    let files = kit_files(d, &made);
    let Some(first) = sheet_words(&files[0]) else {
        eprintln!("skipped: pdftotext is not available");
        return;
    };
    let third = sheet_words(&files[2]).unwrap();
    assert_eq!(first.split_whitespace().count(), 20);
    assert_ne!(first, third);
    let other = split("other");
    let foreign = sheet_words(&kit_files(d, &other)[0]).unwrap();

    // A new vault, elsewhere, with the codes and two sheets' words as text files.
    let new = tempfile::tempdir().unwrap();
    let n = new.path();
    init(n);
    fs::write(n.join("codes.txt"), kit_codes(&made, &files[3])).unwrap();
    fs::write(n.join("ada.txt"), &first).unwrap();
    fs::write(n.join("cy.txt"), &third).unwrap();
    fs::write(n.join("other.txt"), &foreign).unwrap();
    fs::write(
        n.join("other-codes.txt"),
        kit_codes(&other, &kit_files(d, &other)[3]),
    )
    .unwrap();
    let mut typo: Vec<&str> = first.split_whitespace().collect();
    typo[4] = "xyzzy";
    fs::write(n.join("typo.txt"), typo.join(" ")).unwrap();

    // One share is too few; a share or code of another kit and a typo are refused, the
    // typo by its position only. Nothing is added.
    let refused = |files: &[&str], code: &str| {
        let mut args = vec!["kit", "recover"];
        args.extend_from_slice(files);
        let (exit, err, stderr) = kit_json(n, &args);
        assert_eq!(exit, 2, "{files:?}: {err}");
        assert_eq!(err["error"]["code"], code, "{files:?}: {err}");
        let words: Vec<&str> = first.split_whitespace().collect();
        let pairs = words.windows(2).map(|w| w.join(" "));
        for secret in pairs.chain(["xyzzy".to_owned()]) {
            assert!(!err.to_string().contains(&secret), "{err} shows {secret}");
            assert!(!stderr.contains(&secret), "{stderr} shows {secret}");
        }
        err["error"]["message"].as_str().unwrap().to_owned()
    };
    let message = refused(&["codes.txt", "ada.txt"], "kit_invalid");
    assert!(message.contains("1 of the 2 shares"), "{message}");
    let message = refused(&["codes.txt", "ada.txt", "other.txt"], "kit_invalid");
    assert!(message.starts_with("other.txt: "), "{message}");
    let message = refused(&["codes.txt", "other-codes.txt"], "kit_invalid");
    assert!(message.contains("belongs to kit"), "{message}");
    let message = refused(&["codes.txt", "typo.txt"], "kit_invalid");
    assert!(message.contains("word 5"), "{message}");
    assert!(
        json_ok(n, &["key", "list"], 0)["keys"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Two shares, in any order, recover the key with its fingerprint.
    let (code, done, stderr) = kit_json(n, &["kit", "recover", "cy.txt", "codes.txt", "ada.txt"]);
    assert_eq!(code, 0, "{done}");
    assert!(stderr.contains("cy.txt: shares 1 of 2 needed"), "{stderr}");
    assert!(
        stderr.contains("codes 1 of 1, shares 1 of 2 needed"),
        "{stderr}"
    );
    assert!(stderr.contains("shares 2 of 2 needed"), "{stderr}");
    let key = &done["recovered"]["keys"][0];
    assert_eq!(done["recovered"]["kit"], made["kit"]["id"]);
    assert_eq!(done["recovered"]["dry_run"], false);
    assert_eq!(key["outcome"], "added");
    assert_eq!(key["name"], "payroll");
    assert_eq!(key["algorithm"], "aes-256");
    assert_eq!(key["fingerprint"], made["kit"]["keys"][0]["fingerprint"]);
    let restored = json_ok(n, &["key", "show", key["id"].as_str().unwrap()], 0);
    let original = json_ok(d, &["key", "show", "payroll"], 0);
    assert_eq!(
        restored["key"]["fingerprint"],
        original["key"]["fingerprint"]
    );
    assert_eq!(restored["key"]["name"], "payroll");
    let audit = json_ok(n, &["audit", "list", "--action", "kit-recovered"], 0);
    assert_eq!(audit["entries"].as_array().unwrap().len(), 1, "{audit}");

    // Again: the vault has it already.
    let (code, again, _) = kit_json(n, &["kit", "recover", "codes.txt", "ada.txt", "cy.txt"]);
    assert_eq!(code, 0, "{again}");
    assert_eq!(again["recovered"]["keys"][0]["outcome"], "already-present");
    assert_eq!(again["recovered"]["keys"][0]["id"], key["id"]);
    // A drill needs the vault the kit was made from.
    let (code, err, _) = kit_json(n, &["kit", "verify", "codes.txt", "ada.txt", "cy.txt"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err["error"]["code"], "kit_not_found");
}

#[test]
fn a_personal_kit_opens_with_its_passphrase_and_drills_against_the_register() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "payroll", &[]);

    // A generated passphrase is printed once: in the JSON, since it was asked for.
    let personal = ["payroll", "--kind", "personal", "--generate-passphrase"];
    let mut args = vec!["kit", "create"];
    args.extend_from_slice(&personal);
    args.extend_from_slice(&["--custodian", "Ada", "--out", "kit"]);
    let (code, made, stderr) = kit_json(d, &args);
    assert_eq!(code, 0, "{made}");
    let passphrase = made["kit_passphrase"].as_str().unwrap().to_owned();
    assert_eq!(passphrase.split(' ').count(), 6, "{passphrase}");
    assert!(!stderr.contains(&passphrase), "{stderr}");
    let files = kit_files(d, &made);
    fs::write(d.join("kp.txt"), format!("{passphrase}\n")).unwrap();
    fs::write(d.join("wrong.txt"), "not the kit passphrase\n").unwrap();
    fs::write(d.join("typed.txt"), kit_typed_lines(&made, &files[1])).unwrap();
    fs::write(d.join("codes.txt"), kit_codes(&made, &files[1])).unwrap();

    // Without --json, on standard error, with what to do with it; never on stdout.
    let out = raw(
        d,
        &[&["kit", "create"], &personal[..], &["--out", "kit2"]].concat(),
    );
    assert_exit(&out, 0);
    let stderr = text(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("Kit passphrase: "))
        .unwrap();
    let shown = &line["Kit passphrase: ".len()..];
    assert_eq!(shown.split(' ').count(), 6);
    assert!(stderr.contains("by hand"), "{stderr}");
    assert!(!text(&out.stdout).contains(shown), "{}", text(&out.stdout));

    // Typed lines open it with the passphrase; no passphrase and no terminal is a usage
    // error; a wrong one exits 3; a typo names its line.
    let (code, dry, _) = kit_json(
        d,
        &[
            "kit",
            "recover",
            "typed.txt",
            "--dry-run",
            "--kit-passphrase-file",
            "kp.txt",
        ],
    );
    assert_eq!(code, 0, "{dry}");
    assert_eq!(dry["recovered"]["dry_run"], true);
    assert_eq!(dry["recovered"]["keys"][0]["outcome"], "checked");
    assert!(dry["recovered"]["keys"][0].get("id").is_none(), "{dry}");
    let (code, err, _) = kit_json(d, &["kit", "recover", "typed.txt", "--dry-run"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err["error"]["code"], "usage");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--kit-passphrase-file"),
        "{err}"
    );
    let (code, err, _) = kit_json(
        d,
        &[
            "kit",
            "recover",
            "codes.txt",
            "--kit-passphrase-file",
            "wrong.txt",
        ],
    );
    assert_eq!(code, 3, "{err}");
    assert_eq!(err["error"]["code"], "wrong_passphrase");
    let typed = fs::read_to_string(d.join("typed.txt")).unwrap();
    let mut lines: Vec<String> = typed.lines().map(str::to_owned).collect();
    let data = &lines[3][3..51];
    let flipped = if data.starts_with('A') { "B" } else { "A" };
    lines[3] = format!("03 {flipped}{}", &lines[3][4..]);
    fs::write(d.join("typo.txt"), lines.join("\n")).unwrap();
    let (code, err, _) = kit_json(
        d,
        &[
            "kit",
            "recover",
            "typo.txt",
            "--dry-run",
            "--kit-passphrase-file",
            "kp.txt",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(err["error"]["code"], "kit_invalid");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("typed line 3"),
        "{err}"
    );

    // The drill: passes, shows fingerprints only, records the date and the audit entry.
    let (code, drill, _) = kit_json(
        d,
        &[
            "kit",
            "verify",
            "codes.txt",
            "--kit-passphrase-file",
            "kp.txt",
        ],
    );
    assert_eq!(code, 0, "{drill}");
    assert_eq!(drill["drill"]["passed"], true);
    assert_eq!(drill["drill"]["kit"]["id"], made["kit"]["id"]);
    assert!(drill["drill"]["kit"]["last_drill"].is_string(), "{drill}");
    let material = json_ok(d, &["key", "reveal", "payroll", "--yes"], 0);
    let material = material["secret"]["material"].as_str().unwrap();
    assert!(!drill.to_string().contains(material), "{drill}");
    let id = made["kit"]["id"].as_str().unwrap();
    let shown = json_ok(d, &["kit", "show", id], 0);
    assert_eq!(
        shown["kit"]["last_drill"],
        drill["drill"]["kit"]["last_drill"]
    );
    let audit = json_ok(d, &["audit", "list", "--action", "kit-drilled"], 0);
    assert_eq!(audit["entries"][0]["outcome"], "success", "{audit}");
}

#[test]
fn kit_verify_exits_1_when_the_kit_is_not_what_the_register_recorded() {
    use keywarden_core::kit::{KitDocument, KitEntry};
    use keywarden_core::{Algorithm, SecretKey};

    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "payroll", &[]);
    let made = make_kit(
        d,
        &[
            "payroll",
            "--kind",
            "unencrypted",
            "--yes-unencrypted",
            "--out",
            "kit",
        ],
    );
    let files = kit_files(d, &made);
    assert_eq!(files[1].extension().unwrap(), "txt");
    // The payload of an unencrypted kit is the recovery document itself.
    let document = fs::read_to_string(&files[1]).unwrap();
    let mut forged = KitDocument::parse(&document).unwrap();
    let real = forged.entries[0].clone();
    let other = SecretKey::generate(Algorithm::Aes256).unwrap();
    forged.entries[0] =
        KitEntry::new(&real.name, real.id, real.purpose, real.version, &other).unwrap();
    let forged_text = forged.to_text().unwrap();
    fs::write(
        d.join("forged.txt"),
        codes_of(forged.kit, forged_text.as_bytes()),
    )
    .unwrap();
    let (code, err, _) = kit_json(d, &["kit", "verify", "forged.txt"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err["error"]["code"], "check_failed");
    let audit = json_ok(
        d,
        &[
            "audit",
            "list",
            "--action",
            "kit-drilled",
            "--outcome",
            "failure",
        ],
        0,
    );
    assert_eq!(audit["entries"].as_array().unwrap().len(), 1, "{audit}");
    // The real one passes.
    fs::write(d.join("codes.txt"), kit_codes(&made, &files[1])).unwrap();
    let (code, drill, _) = kit_json(d, &["kit", "verify", "codes.txt"]);
    assert_eq!(code, 0, "{drill}");

    // Scans are read (tests/interop reads real renders); a PDF as Keywarden saved it
    // holds no scan, and a damaged image is refused, each saying what to do.
    fs::copy(&files[0], d.join("scan.pdf")).unwrap();
    fs::write(d.join("scan.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    for (image, says) in [
        ("scan.pdf", "pdftoppm -r 300 -png"),
        ("scan.png", "scan.png: scan: the PNG image cannot be read"),
    ] {
        let (code, err, _) = kit_json(d, &["kit", "recover", image, "--dry-run"]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(err["error"]["code"], "kit_invalid");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{err}");
    }
}

#[test]
fn kit_create_refuses_before_asking_and_a_wrong_passphrase_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let d = dir.path();
    gen_key(d, "payroll", &[]);
    fs::create_dir(d.join("full")).unwrap();
    fs::write(d.join("full/notes.txt"), "mine").unwrap();
    let before = fs::read(d.join("vault.keywarden")).unwrap();

    // No passphrase anywhere: each is refused before one is needed.
    let refused = |args: &[&str], code: &str| -> String {
        let out = run(keywarden(d)
            .args([
                "--vault",
                "vault.keywarden",
                "--json",
                "kit",
                "create",
                "payroll",
            ])
            .args(args));
        assert_exit(&out, 2);
        let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(err["error"]["code"], code, "{args:?}: {err}");
        err["error"]["message"].as_str().unwrap().to_owned()
    };
    let message = refused(&["--kind", "unencrypted", "--out", "k"], "usage");
    assert!(message.contains("anyone who holds"), "{message}");
    let message = refused(
        &[
            "--kind",
            "split",
            "--threshold",
            "3",
            "--custodian",
            "Ada",
            "--custodian",
            "Bea",
            "--out",
            "k",
        ],
        "invalid_input",
    );
    assert!(message.contains("--threshold"), "{message}");
    refused(
        &[
            "--kind",
            "split",
            "--custodian",
            "Ada",
            "--custodian",
            "Bea",
            "--out",
            "k",
        ],
        "usage",
    );
    refused(
        &["--kind", "personal", "--threshold", "2", "--out", "k"],
        "usage",
    );
    refused(
        &["--kind", "escrow", "--agent", "Notary", "--out", "k"],
        "usage",
    );
    let message = refused(&["--kind", "personal", "--out", "k"], "usage");
    assert!(message.contains("--kit-passphrase-file"), "{message}");
    let message = refused(
        &[
            "--kind",
            "personal",
            "--generate-passphrase",
            "--out",
            "full",
        ],
        "file_exists",
    );
    assert!(message.contains("full"), "{message}");
    assert_eq!(fs::read_dir(d.join("full")).unwrap().count(), 1);
    assert!(!d.join("k").exists());
    assert_eq!(fs::read(d.join("vault.keywarden")).unwrap(), before);

    // With --force, beside the other file.
    make_kit(
        d,
        &[
            "payroll",
            "--kind",
            "personal",
            "--generate-passphrase",
            "--out",
            "full",
            "--force",
        ],
    );
    assert_eq!(fs::read_dir(d.join("full")).unwrap().count(), 3);
    assert_eq!(fs::read(d.join("full/notes.txt")).unwrap(), b"mine");

    // The vault's passphrase given again is wrong: exit 3, no directory, an audit entry.
    let create = [
        &["kit", "create", "payroll"],
        &SPLIT_2_OF_3[..],
        &["--out", "wrong"],
    ]
    .concat();
    let Some(out) = passphrase_once(d, &create) else {
        return;
    };
    assert_exit(&out, 3);
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "wrong_passphrase");
    assert!(!d.join("wrong").exists());
    let log = json_ok(
        d,
        &[
            "audit",
            "list",
            "--action",
            "kit-created",
            "--outcome",
            "failure",
        ],
        0,
    );
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");
    assert_eq!(
        json_ok(d, &["kit", "list"], 0)["kits"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_vault_kit_sets_a_new_passphrase_when_the_old_one_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    gen_key(d, "payroll", &[]);
    let vault_kit = |out: &str| {
        make_kit(
            d,
            &[
                "--kind",
                "vault",
                "--threshold",
                "2",
                "--custodian",
                "Ada",
                "--custodian",
                "Bea",
                "--custodian",
                "Cy",
                "--out",
                out,
            ],
        )
    };
    // Keys are refused: the kit opens the whole vault.
    let (code, err, _) = kit_json(
        d,
        &["kit", "create", "payroll", "--kind", "vault", "--out", "k"],
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(err["error"]["code"], "usage");

    let old = vault_kit("old");
    let made = vault_kit("kit");
    assert_eq!(made["kit"]["kind"], "vault");
    assert_eq!(made["kit"]["threshold"], 2);
    assert_eq!(made["kit"]["keys"].as_array().unwrap().len(), 0);
    let files = kit_files(d, &made);
    assert_eq!(files.len(), 3, "sheets only: {made}");
    let Some(ada) = sheet_words(&files[0]) else {
        eprintln!("skipped: pdftotext is not available");
        return;
    };
    fs::write(d.join("ada.txt"), &ada).unwrap();
    fs::write(d.join("cy.txt"), sheet_words(&files[2]).unwrap()).unwrap();
    let old_files = kit_files(d, &old);
    fs::write(d.join("old1.txt"), sheet_words(&old_files[0]).unwrap()).unwrap();
    fs::write(d.join("old2.txt"), sheet_words(&old_files[1]).unwrap()).unwrap();
    let shown = json_ok(d, &["kit", "show", old["kit"]["id"].as_str().unwrap()], 0);
    assert_eq!(shown["kit"]["status"], "void", "{shown}");

    // A drill checks the words against the recovery keyslot; the replaced kit fails.
    let (code, drill, _) = kit_json(d, &["kit", "verify", "ada.txt", "cy.txt"]);
    assert_eq!(code, 0, "{drill}");
    assert_eq!(drill["drill"]["kit"]["id"], made["kit"]["id"]);
    let (code, err, _) = kit_json(d, &["kit", "verify", "old1.txt", "old2.txt"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err["error"]["code"], "check_failed");

    // The passphrase is lost: one sheet is too few, the old kit's sheets do not open it.
    let recover = |files: &[&str]| {
        let mut cmd = keywarden(d);
        cmd.args([
            "--vault",
            "vault.keywarden",
            "--json",
            "passwd",
            "--recovery-kit",
        ])
        .args(files)
        .env(
            "KEYWARDEN_NEW_PASSPHRASE",
            "the new passphrase, after the loss",
        );
        run(&mut cmd)
    };
    let out = recover(&["ada.txt"]);
    assert_exit(&out, 2);
    assert!(
        text(&out.stdout).contains("kit_invalid"),
        "{}",
        text(&out.stdout)
    );
    let out = recover(&["old1.txt", "old2.txt"]);
    assert_exit(&out, 3);
    assert!(text(&out.stdout).contains("wrong_passphrase"));
    assert!(!text(&out.stdout).contains(ada.split(' ').next().unwrap()));
    let out = recover(&["cy.txt", "ada.txt"]);
    assert_exit(&out, 0);

    // The old passphrase no longer opens the vault; the new one does, and says why.
    let (code, err) = json(d, &["key", "list"]);
    assert_eq!(code, 3, "{err}");
    let out = run(keywarden(d)
        .args([
            "--vault",
            "vault.keywarden",
            "--json",
            "audit",
            "list",
            "--action",
            "vault-recovered",
        ])
        .env("KEYWARDEN_PASSPHRASE", "the new passphrase, after the loss"));
    assert_exit(&out, 0);
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(audit["entries"].as_array().unwrap().len(), 1, "{audit}");
}
