//! Crash safety: a writer process is killed with SIGKILL at random moments while it adds
//! keys one transaction each; after every kill the vault opens, refuses a wrong
//! passphrase, unlocks, passes SQLite's integrity check, holds every key it held before
//! with the same material, and no key is half-written.
//!
//! The writer is this test binary itself, re-executed to run only `child_writer` (an
//! ignored test that does nothing unless [`CHILD_ENV`] names a vault), so it works the
//! same under `cargo test` and `cargo nextest`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use keywarden_core::{Algorithm, KeyId, LockedVault, NewKey, UnlockError};

use crate::common::{PASSPHRASE, Rng, WRONG, clock, create, integrity_check, pass, with_sql};

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
        let algorithm = Algorithm::ALL[n % Algorithm::ALL.len()];
        vault
            .generate_key(NewKey {
                name: format!("key {n:04}"),
                algorithm,
                notes: format!("written by the child writer, number {n}"),
                tags: vec![format!("batch-{}", n / 100)],
            })
            .unwrap();
        n += 1;
    }
}

/// This test's name as libtest knows it (`crash::child_writer`).
fn child_test_name() -> String {
    let module = module_path!();
    let module = module.split_once("::").map_or(module, |(_, rest)| rest);
    format!("{module}::child_writer")
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
        assert_eq!(m.len(), r.algorithm.key_len(), "round {round}: {}", r.name);
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
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng::new(SEED);
    let mut seen = BTreeMap::new();
    let mut kills_mid_write = 0;
    let mut kills = 0;
    let started = Instant::now();
    for round in 0.. {
        assert!(
            round <= KILL_ROUNDS,
            "the writer did not finish when left alone"
        );
        let mut child = Command::new(&exe)
            .args([
                &child_test_name(),
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        if round == KILL_ROUNDS {
            // The last round: no kill, the writer finishes.
            let status = child.wait().unwrap();
            assert!(status.success(), "the last writer failed: {status:?}");
            seen = verify(&path, &seen, round);
            assert_eq!(seen.len(), TARGET, "the writer exited early");
            break;
        }
        if rng.range(0, 7) == 0 {
            // One round in eight: a kill during start-up, while the vault is opened and
            // its WAL recovered.
            std::thread::sleep(Duration::from_millis(rng.range(1, 40)));
        } else {
            // Otherwise while writing: the writer adds a key in about a millisecond, so a
            // kill 1–40 ms after its first write lands among the next few dozen commits.
            let mut line = String::new();
            // libtest prints "test crash::child_writer ... " before the test's own output.
            while stdout.read_line(&mut line).unwrap() > 0 && !line.contains(READY) {
                line.clear();
            }
            std::thread::sleep(Duration::from_millis(rng.range(1, 40)));
        }
        // SIGKILL on Unix; harmless if the child has already exited.
        child.kill().unwrap();
        let output = child.wait_with_output().unwrap();
        let finished = output.status.success();
        if !finished {
            kills += 1;
            assert_eq!(
                output.status.signal(),
                Some(9),
                "round {round}: the writer failed on its own ({:?}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let before = seen.len();
        seen = verify(&path, &seen, round);
        assert!(
            seen.len() >= before,
            "round {round}: the key count went down"
        );
        assert!(seen.len() <= TARGET);
        if !finished && seen.len() > before && seen.len() < TARGET {
            kills_mid_write += 1;
        }
        if finished {
            assert_eq!(seen.len(), TARGET, "the writer exited early");
            break;
        }
        drop(stdout);
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
