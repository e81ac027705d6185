//! Crash safety: a writer process is killed with SIGKILL at random moments while it adds
//! keys one transaction each; after every kill the vault opens, refuses a wrong
//! passphrase, unlocks, passes SQLite's integrity check, holds every key it held before
//! with the same material, and no key is half-written. The same for a process changing
//! the passphrase over and over (exactly one passphrase works after any kill) and one
//! creating vault after vault (no half-made vault at a final path).
//!
//! The child is this test binary itself, re-executed to run only one `child_…` test (an
//! ignored test that does nothing unless [`CHILD_ENV`] names its target), so it works
//! the same under `cargo test` and `cargo nextest`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use keywarden_core::{KeyId, LockedVault, NewKey, UnlockError};

use crate::common::{
    PASSPHRASE, Rng, SYMMETRIC, WRONG, clock, create, integrity_check, pass, with_sql,
};

/// The vault the child writer fills; unset, `child_writer` returns at once.
const CHILD_ENV: &str = "KEYWARDEN_TEST_CRASH_CHILD_VAULT";
/// How many keys the writer adds in all.
const TARGET: usize = 1000;
/// The seed of the kill schedule; change it to explore other moments.
const SEED: u64 = 0x6B65_7977_6172_6465;
/// What the writer prints once the vault is unlocked, before its first write.
const READY: &str = "crash-writer-ready";
/// Rounds that end in a kill; then the writer is left to finish, so that the test's
/// length does not depend on how busy the machine is.
const KILL_ROUNDS: usize = 60;

/// Adds keys, one transaction each, until the vault holds [`TARGET`].
#[test]
#[ignore = "the writer half of sigkill_at_random_moments_loses_nothing; run by it"]
fn child_writer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let mut vault = LockedVault::open(Path::new(&path), clock())
        .unwrap()
        .unlock(&pass(PASSPHRASE), None)
        .unwrap();
    let mut n = vault.key_count();
    println!("{READY}");
    while n < TARGET {
        let algorithm = SYMMETRIC[n % SYMMETRIC.len()];
        vault
            .generate_key(NewKey {
                notes: format!("written by the child writer, number {n}"),
                tags: vec![format!("batch-{}", n / 100)],
                ..NewKey::new(format!("key {n:04}"), algorithm)
            })
            .unwrap();
        n += 1;
    }
}

/// Changes the passphrase back and forth between [`PASSPHRASE`] and [`OTHER`], forever.
#[test]
#[ignore = "the child half of sigkill_during_passphrase_changes_leaves_one_working; run by it"]
fn child_passphrase_changer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let locked = LockedVault::open(Path::new(&path), clock()).unwrap();
    let (mut vault, mut current) = match locked.unlock(&pass(PASSPHRASE), None) {
        Ok(v) => (v, PASSPHRASE),
        Err(f) => (f.vault.unlock(&pass(OTHER), None).unwrap(), OTHER),
    };
    println!("{READY}");
    for _ in 0..100_000 {
        let next = if current == PASSPHRASE {
            OTHER
        } else {
            PASSPHRASE
        };
        vault
            .change_passphrase(&pass(current), None, &pass(next))
            .unwrap();
        current = next;
    }
}

/// Creates `v0000.keywarden`, `v0001.keywarden`, … in the directory, skipping those
/// that exist.
#[test]
#[ignore = "the child half of sigkill_during_create_never_leaves_a_partial_vault; run by it"]
fn child_creator() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    println!("{READY}");
    for i in 0..10_000 {
        let path = Path::new(&dir).join(format!("v{i:04}.keywarden"));
        if std::fs::symlink_metadata(&path).is_err() {
            drop(create(&path, None));
        }
    }
}

/// The second passphrase of the passphrase-change test.
const OTHER: &str = "the other passphrase of the crash test";

/// A child process running one of this module's `child_…` tests.
struct Child {
    process: std::process::Child,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Child {
    /// Starts `child_<name>` with `target` in [`CHILD_ENV`].
    fn spawn(name: &str, target: &Path) -> Self {
        // The test's name as libtest knows it: `crash::child_…`.
        let module = module_path!();
        let module = module.split_once("::").map_or(module, |(_, rest)| rest);
        let mut process = Command::new(std::env::current_exe().unwrap())
            .args([
                &format!("{module}::child_{name}"),
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, target)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(process.stdout.take().unwrap());
        Child { process, stdout }
    }

    /// Waits until the child says it is about to write.
    fn wait_ready(&mut self) {
        let mut line = String::new();
        // libtest prints "test crash::child_… ... " before the test's own output.
        while self.stdout.read_line(&mut line).unwrap() > 0 && !line.contains(READY) {
            line.clear();
        }
    }

    /// Kills the child after 1 to `max_ms` ms, counted from its readiness for seven
    /// rounds in eight (so that the kill lands among the writes) and from its start
    /// otherwise (so that it lands while the vault is being opened and its WAL
    /// recovered). True when the child had already finished by itself.
    fn kill_soon(mut self, rng: &mut Rng, round: usize, max_ms: u64) -> bool {
        if rng.range(0, 7) != 0 {
            self.wait_ready();
        }
        std::thread::sleep(Duration::from_millis(rng.range(1, max_ms)));
        self.kill(round)
    }

    /// Sends SIGKILL and reaps the child; true when it had already finished by itself.
    fn kill(mut self, round: usize) -> bool {
        // SIGKILL on Unix; harmless if the child has already exited.
        self.process.kill().unwrap();
        let output = self.process.wait_with_output().unwrap();
        if output.status.success() {
            return true;
        }
        assert_eq!(
            output.status.signal(),
            Some(9),
            "round {round}: the child failed on its own ({:?}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        false
    }

    /// Lets the child finish and checks that it succeeded.
    fn finish(self) {
        let output = self.process.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "the child failed: {:?}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Checks the vault after a kill and returns the material of every key it holds.
fn verify(path: &Path, seen: &BTreeMap<KeyId, Vec<u8>>, round: usize) -> BTreeMap<KeyId, Vec<u8>> {
    let locked = LockedVault::open(path, clock())
        .unwrap_or_else(|e| panic!("round {round}: the vault does not open: {e:?}"));
    let failure = locked.unlock(&pass(WRONG), None).unwrap_err();
    assert!(
        matches!(failure.error, UnlockError::WrongPassphrase),
        "round {round}: {:?}",
        failure.error
    );
    let vault = failure
        .vault
        .unlock(&pass(PASSPHRASE), None)
        .unwrap_or_else(|f| panic!("round {round}: unlock failed: {:?}", f.error));
    let mut now = BTreeMap::new();
    for r in vault.list("") {
        let m = vault
            .key_material(&r.id, None)
            .unwrap_or_else(|e| panic!("round {round}: key {} has no material: {e:?}", r.name));
        assert_eq!(
            m.len(),
            r.algorithm.symmetric_key_len().unwrap(),
            "round {round}: {}",
            r.name
        );
        now.insert(r.id, m.expose_secret().to_vec());
    }
    for (id, material) in seen {
        let current = now
            .get(id)
            .unwrap_or_else(|| panic!("round {round}: committed key {id} was lost"));
        assert_eq!(current, material, "round {round}: key {id} changed");
    }
    drop(vault);

    assert_eq!(integrity_check(path), "ok", "round {round}");
    let (keys, versions, keys_without, versions_without) = with_sql(path, |c| {
        let n = |q: &str| c.query_row(q, [], |r| r.get::<_, i64>(0)).unwrap();
        (
            n("SELECT count(*) FROM key"),
            n("SELECT count(*) FROM key_version"),
            n("SELECT count(*) FROM key WHERE id NOT IN (SELECT key_id FROM key_version)"),
            n("SELECT count(*) FROM key_version WHERE key_id NOT IN (SELECT id FROM key)"),
        )
    });
    assert_eq!(
        (keys_without, versions_without),
        (0, 0),
        "round {round}: half-written key"
    );
    assert_eq!(keys as usize, now.len(), "round {round}");
    assert_eq!(versions as usize, now.len(), "round {round}");
    now
}

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    drop(create(&path, None));
    let mut rng = Rng::new(SEED);
    let mut seen = BTreeMap::new();
    let mut kills_mid_write = 0;
    let mut kills = 0;
    let started = Instant::now();
    for round in 0..=KILL_ROUNDS {
        let child = Child::spawn("writer", &path);
        if round == KILL_ROUNDS {
            // The last round: no kill, the writer finishes.
            child.finish();
            seen = verify(&path, &seen, round);
            assert_eq!(seen.len(), TARGET, "the writer exited early");
            break;
        }
        // The writer adds a key in about a millisecond: a kill within 40 ms of its first
        // write lands among the next few dozen commits.
        let finished = child.kill_soon(&mut rng, round, 40);
        let before = seen.len();
        seen = verify(&path, &seen, round);
        assert!(
            seen.len() >= before,
            "round {round}: the key count went down"
        );
        assert!(seen.len() <= TARGET);
        if finished {
            assert_eq!(seen.len(), TARGET, "the writer exited early");
            break;
        }
        kills += 1;
        if seen.len() > before && seen.len() < TARGET {
            kills_mid_write += 1;
        }
    }
    eprintln!(
        "crash test: {TARGET} keys, {kills} kills, {kills_mid_write} of them mid-write, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Enough kills landed while keys were being written for the test to mean something.
    assert!(
        kills_mid_write >= 10,
        "only {kills_mid_write} kills landed mid-write"
    );
}

#[test]
fn sigkill_during_passphrase_changes_leaves_one_passphrase_working() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    for a in SYMMETRIC {
        vault
            .generate_key(crate::common::new_key(&format!("key {a}"), a))
            .unwrap();
    }
    let records = crate::common::records(&vault);
    let materials = crate::common::materials(&vault);
    drop(vault);
    let mut rng = Rng::new(SEED ^ 1);
    let mut working = Vec::new();
    for round in 0..20 {
        let finished = Child::spawn("passphrase_changer", &path).kill_soon(&mut rng, round, 40);
        assert!(!finished, "round {round}: the changer cannot finish");
        // Exactly one of the two passphrases opens the vault, with every record intact.
        let mut opened = Vec::new();
        for candidate in [PASSPHRASE, OTHER] {
            match LockedVault::open(&path, clock())
                .unwrap()
                .unlock(&pass(candidate), None)
            {
                Ok(vault) => {
                    assert_eq!(crate::common::records(&vault), records, "round {round}");
                    assert_eq!(crate::common::materials(&vault), materials, "round {round}");
                    opened.push(candidate);
                }
                Err(f) => assert!(
                    matches!(f.error, UnlockError::WrongPassphrase),
                    "round {round}: {:?}",
                    f.error
                ),
            }
        }
        assert_eq!(opened.len(), 1, "round {round}: {opened:?} open the vault");
        assert_eq!(integrity_check(&path), "ok", "round {round}");
        working.push(opened[0]);
    }
    // The kills caught the passphrase in both states: changes were really under way.
    let changes = working.windows(2).filter(|w| w[0] != w[1]).count();
    eprintln!("passphrase crash test: the working passphrase changed {changes} times in 20 kills");
    assert!(changes >= 3, "{working:?}");
}

#[test]
fn sigkill_during_create_never_leaves_a_partial_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(SEED ^ 2);
    let mut leftovers = 0;
    for round in 0..20 {
        // Making a vault takes tens of milliseconds (several syncs).
        let finished = Child::spawn("creator", dir.path()).kill_soon(&mut rng, round, 250);
        assert!(!finished, "round {round}: the creator cannot finish");
        leftovers = 0;
        for name in crate::common::names_in(dir.path()) {
            let path = dir.path().join(&name);
            if name.starts_with('.') && name.contains(".creating-") {
                // A crash may leave the temporary file (docs/vault-format.md section 6).
                leftovers += 1;
            } else if name.ends_with(".keywarden") {
                // Anything at a final name is a complete vault.
                let vault = LockedVault::open(&path, clock())
                    .unwrap_or_else(|e| panic!("round {round}: {name}: {e:?}"))
                    .unlock(&pass(PASSPHRASE), None)
                    .unwrap_or_else(|f| panic!("round {round}: {name}: {:?}", f.error));
                assert_eq!(vault.key_count(), 0);
                drop(vault);
                assert!(crate::common::sidecars(&path).is_empty(), "{name}");
            } else {
                assert!(
                    name.ends_with(".keywarden-wal"),
                    "round {round}: unexpected file {name}"
                );
            }
        }
    }
    let vaults = crate::common::names_in(dir.path())
        .iter()
        .filter(|n| n.ends_with(".keywarden"))
        .count();
    eprintln!("create crash test: {vaults} vaults, {leftovers} temporary files left over");
    assert!(vaults >= 5, "only {vaults} vaults were made");
}
