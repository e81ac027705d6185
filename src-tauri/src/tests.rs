//! The commands through Tauri's real IPC path (argument parsing, capabilities, state,
//! events) on the mock runtime, with vaults in temporary directories.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

use crate::autolock::lock_if_idle;
use crate::dto::VAULT_LOCKED;
use crate::state::{AppState, Vault};
use crate::{MAIN_WINDOW, build_app, context};

const PASS: &str = "correct horse battery staple";

struct Harness {
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    dir: tempfile::TempDir,
    events: Arc<Mutex<Vec<Value>>>,
}

impl Harness {
    /// An app whose default vault would be `default.keywarden` in a new temporary
    /// directory (nothing is there yet).
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::with_dir(dir, AppState::insecure_for_tests)
    }

    fn with_dir(dir: tempfile::TempDir, state: fn(Option<PathBuf>) -> AppState) -> Self {
        let default = dir.path().join("default.keywarden");
        let app = build_app(mock_builder(), state(Some(default)))
            .build(context())
            .unwrap();
        // The real app makes its window from tauri.conf.json when its event loop starts;
        // the mock runtime has no event loop.
        let window = WebviewWindowBuilder::new(&app, MAIN_WINDOW, Default::default())
            .build()
            .unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        app.listen(VAULT_LOCKED, move |event| {
            sink.lock()
                .unwrap()
                .push(serde_json::from_str(event.payload()).unwrap());
        });
        Self {
            app,
            window,
            dir,
            events,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn invoke_in(
        window: &WebviewWindow<MockRuntime>,
        cmd: &str,
        args: Value,
    ) -> Result<Value, Value> {
        get_ipc_response(
            window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        Self::invoke_in(&self.window, cmd, args)
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The error code of a call that must fail with a contract error.
    fn code(&self, cmd: &str, args: Value) -> String {
        let error = match self.invoke(cmd, args) {
            Ok(v) => panic!("{cmd} succeeded with {v}"),
            Err(error) => error,
        };
        let message = error["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{error}"));
        assert!(!message.trim().is_empty(), "{error}");
        error["code"].as_str().unwrap().to_owned()
    }

    fn status(&self) -> Value {
        self.ok("vault_status", json!({}))
    }

    fn create(&self, name: &str, keyfile: Option<&Path>) -> Value {
        self.ok(
            "vault_create",
            json!({"path": self.path(name), "passphrase": PASS, "keyfilePath": keyfile}),
        )
    }

    fn generate(&self, name: &str, algorithm: &str, tags: &[&str]) -> Value {
        self.ok(
            "key_generate",
            json!({"name": name, "algorithm": algorithm, "notes": "", "tags": tags}),
        )
    }

    fn names(&self, query: Value) -> Vec<String> {
        self.ok("keys_list", json!({ "query": query }))
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_owned())
            .collect()
    }

    fn events(&self) -> Vec<Value> {
        self.events.lock().unwrap().clone()
    }

    fn state(&self) -> tauri::State<'_, AppState> {
        self.app.state::<AppState>()
    }
}

#[test]
fn starts_closed_when_there_is_no_default_vault() {
    let h = Harness::new();
    let status = h.status();
    assert_eq!(
        status,
        json!({
            "state": "closed",
            "path": null,
            "defaultVaultPath": h.path("default.keywarden"),
            "defaultVaultExists": false,
            "keyfileRequired": null,
            "autoLockMinutes": null,
        })
    );
}

#[test]
fn create_lock_unlock_and_manage_keys() {
    let h = Harness::new();
    let vault = h.path("team.keywarden");
    let status = h.create("team.keywarden", None);
    assert_eq!(status["state"], "unlocked");
    assert_eq!(status["path"], json!(vault));
    assert_eq!(status["keyfileRequired"], false);
    assert_eq!(status["autoLockMinutes"], 5);
    assert_eq!(h.status(), status);
    assert!(vault.is_file());

    assert_eq!(h.ok("vault_lock", json!({}))["state"], "locked");
    assert_eq!(h.events(), vec![json!({"reason": "user"})]);
    assert_eq!(
        h.code(
            "vault_unlock",
            json!({"passphrase": "not the passphrase", "keyfilePath": null})
        ),
        "wrong_passphrase"
    );
    assert_eq!(h.status()["state"], "locked");
    let status = h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(status["state"], "unlocked");
    assert_eq!(status["autoLockMinutes"], 5);

    assert_eq!(h.names(Value::Null), Vec::<String>::new());
    let zeta = h.generate("  zeta  ", "aes-256", &["prod", "db"]);
    assert_eq!(zeta["name"], "zeta");
    assert_eq!(zeta["algorithm"], "aes-256");
    assert_eq!(zeta["tags"], json!(["prod", "db"]));
    assert_eq!(zeta["notes"], "");
    let id = zeta["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(id, id.to_lowercase());
    let created = zeta["createdAt"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    h.generate("Alpha", "hmac-sha256", &[]);
    h.generate("mid", "chacha20", &["PROD"]);

    assert_eq!(h.names(Value::Null), ["Alpha", "mid", "zeta"]);
    assert_eq!(h.names(json!("prod")), ["mid", "zeta"]);
    assert_eq!(h.names(json!("HMAC")), ["Alpha"]);
    assert_eq!(h.names(json!("")), ["Alpha", "mid", "zeta"]);
    let listed = h.ok("keys_list", json!({"query": "zeta"}));
    assert_eq!(
        listed,
        json!([{
            "id": id,
            "name": "zeta",
            "algorithm": "aes-256",
            "tags": ["prod", "db"],
            "createdAt": created,
        }])
    );

    assert_eq!(h.ok("key_get", json!({ "id": id })), zeta);
    let renamed = h.ok("key_rename", json!({"id": id, "name": "omega"}));
    assert_eq!(renamed["name"], "omega");
    assert_eq!(renamed["id"], json!(id));
    assert_eq!(
        h.code("key_rename", json!({"id": id, "name": "alpha"})),
        "name_taken"
    );
    assert_eq!(
        h.code(
            "key_generate",
            json!({"name": "Omega", "algorithm": "aes-128", "notes": "", "tags": []})
        ),
        "name_taken"
    );
    assert_eq!(h.names(Value::Null), ["Alpha", "mid", "omega"]);

    assert_eq!(h.ok("key_delete", json!({ "id": id })), Value::Null);
    assert_eq!(h.code("key_get", json!({ "id": id })), "key_not_found");
    assert_eq!(h.code("key_delete", json!({ "id": id })), "key_not_found");
    assert_eq!(h.names(Value::Null), ["Alpha", "mid"]);

    // What was written survives locking and unlocking.
    h.ok("vault_lock", json!({}));
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(h.names(Value::Null), ["Alpha", "mid"]);
}

#[test]
fn algorithms_are_listed_for_people() {
    let h = Harness::new();
    let algorithms = h.ok("key_algorithms", json!({}));
    let ids: Vec<&str> = algorithms
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "aes-256",
            "aes-128",
            "chacha20",
            "hmac-sha256",
            "hmac-sha512",
            "ed25519",
            "ecdsa-p256",
            "ecdsa-p384",
            "rsa-3072",
            "rsa-4096",
            "rsa-2048",
            "x25519",
            "age-x25519",
            "password",
            "diceware",
            "api-token"
        ]
    );
    assert_eq!(algorithms[0]["label"], "AES-256");
    assert_eq!(algorithms[0]["bits"], 256);
    assert!(algorithms[0]["description"].as_str().unwrap().len() > 10);
    assert_eq!(algorithms[4]["bits"], 512);
}

#[test]
fn bad_arguments_are_invalid_input_and_change_nothing() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let id = h.generate("Existing", "aes-256", &[])["id"].clone();
    let before = h.status();
    let bad = [
        (
            "key_generate",
            json!({"name": "k", "algorithm": "des", "notes": "", "tags": []}),
        ),
        (
            "key_generate",
            json!({"name": "   ", "algorithm": "aes-256", "notes": "", "tags": []}),
        ),
        (
            "key_generate",
            json!({"name": "x".repeat(201), "algorithm": "aes-256", "notes": "", "tags": []}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "n".repeat(10_001), "tags": []}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "", "tags": ["a,b"]}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "", "tags": (0..33).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "", "tags": ["t".repeat(65)]}),
        ),
        // Wrong types and missing arguments.
        (
            "key_generate",
            json!({"name": 7, "algorithm": "aes-256", "notes": "", "tags": []}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "", "tags": "prod"}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "tags": []}),
        ),
        ("key_get", json!({"id": "not-an-id"})),
        ("key_get", json!({"id": "x".repeat(100_000)})),
        ("key_get", json!({})),
        ("key_rename", json!({"id": "1234", "name": "n"})),
        ("key_rename", json!({"id": id, "name": ""})),
        ("key_delete", json!({"id": ["array"]})),
        ("keys_list", json!({"query": "q".repeat(1001)})),
        ("keys_list", json!({"query": 5})),
        ("settings_set_auto_lock", json!({"minutes": 0})),
        ("settings_set_auto_lock", json!({"minutes": 1441})),
        ("settings_set_auto_lock", json!({"minutes": -5})),
        ("settings_set_auto_lock", json!({"minutes": 2.5})),
        ("settings_set_auto_lock", json!({"minutes": "ten"})),
        ("settings_set_auto_lock", json!({})),
        ("vault_select", json!({"path": 42})),
        ("vault_select", json!({"path": ""})),
        ("vault_select", json!({"path": "relative/v.keywarden"})),
        ("vault_select", json!({"path": "/tmp/a\u{0}b"})),
        (
            "vault_create",
            json!({"path": h.path("weak.keywarden"), "passphrase": "short", "keyfilePath": null}),
        ),
        (
            "vault_create",
            json!({"path": h.path("huge.keywarden"), "passphrase": "p".repeat(1025), "keyfilePath": null}),
        ),
        (
            "vault_create",
            json!({"path": h.path("kf.keywarden"), "passphrase": PASS, "keyfilePath": ""}),
        ),
        (
            "vault_change_passphrase",
            json!({"currentPassphrase": PASS, "newPassphrase": "short", "keyfilePath": null}),
        ),
        (
            "vault_change_passphrase",
            json!({"currentPassphrase": PASS, "keyfilePath": null}),
        ),
        (
            "vault_unlock",
            json!({"passphrase": null, "keyfilePath": null}),
        ),
    ];
    for (cmd, args) in bad {
        let error = h.invoke(cmd, args.clone()).unwrap_err();
        assert_eq!(error["code"], "invalid_input", "{cmd} {args}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.ends_with('.'), "{cmd}: {message}");
        assert!(message.len() < 300, "{cmd}: {message}");
    }
    assert_eq!(h.status(), before);
    assert_eq!(h.names(Value::Null), ["Existing"]);
    assert!(!h.path("weak.keywarden").exists());
    assert!(!h.path("huge.keywarden").exists());
    // The old passphrase still opens the vault.
    h.ok("vault_lock", json!({}));
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
}

#[test]
fn a_bad_argument_is_not_repeated_in_the_error() {
    let h = Harness::new();
    let error = h
        .invoke(
            "settings_set_auto_lock",
            json!({"minutes": "hunter2hunter2"}),
        )
        .unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    assert!(error["message"].as_str().unwrap().contains("`minutes`"));
}

#[test]
fn commands_need_an_unlocked_vault() {
    let h = Harness::new();
    let id = "6f1c2a4e-0b7d-4c1e-9a55-3d2f8e7b9c10";
    let needs_unlocked = [
        ("keys_list", json!({"query": null})),
        ("key_get", json!({ "id": id })),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "", "tags": []}),
        ),
        ("key_rename", json!({"id": id, "name": "n"})),
        ("key_delete", json!({ "id": id })),
        ("settings_set_auto_lock", json!({"minutes": 10})),
        (
            "vault_change_passphrase",
            json!({"currentPassphrase": PASS, "newPassphrase": "another long passphrase", "keyfilePath": null}),
        ),
    ];
    for (cmd, args) in &needs_unlocked {
        assert_eq!(h.code(cmd, args.clone()), "no_vault", "{cmd}");
    }
    assert_eq!(
        h.code(
            "vault_unlock",
            json!({"passphrase": PASS, "keyfilePath": null})
        ),
        "no_vault"
    );
    assert_eq!(h.code("vault_lock", json!({})), "no_vault");

    h.create("v.keywarden", None);
    h.ok("vault_lock", json!({}));
    for (cmd, args) in &needs_unlocked {
        assert_eq!(h.code(cmd, args.clone()), "locked", "{cmd}");
    }
    // Locking a locked vault is no change and no event.
    assert_eq!(h.ok("vault_lock", json!({}))["state"], "locked");
    assert_eq!(h.events().len(), 1);

    let closed = h.ok("vault_close", json!({}));
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["path"], Value::Null);
    assert_eq!(h.code("keys_list", json!({"query": null})), "no_vault");
}

#[test]
fn selecting_files_that_are_not_vaults() {
    let h = Harness::new();
    h.create("good.keywarden", None);
    h.generate("Kept", "aes-256", &[]);
    let before = h.status();

    let text = h.path("notes.txt");
    std::fs::write(&text, "Dear diary, ".repeat(20)).unwrap();
    let mut foreign_sqlite = b"SQLite format 3\0".to_vec();
    foreign_sqlite.resize(4096, 0);
    let sqlite = h.path("other.sqlite");
    std::fs::write(&sqlite, &foreign_sqlite).unwrap();
    let empty = h.path("empty.keywarden");
    std::fs::write(&empty, b"").unwrap();
    for path in [&text, &sqlite, &empty, &h.dir.path().to_owned()] {
        assert_eq!(
            h.code("vault_select", json!({ "path": path })),
            "not_a_vault",
            "{}",
            path.display()
        );
    }
    assert_eq!(
        h.code("vault_select", json!({"path": h.path("missing.keywarden")})),
        "vault_not_found"
    );
    // Nothing changed: the same vault is still open and unlocked, the files untouched.
    assert_eq!(h.status(), before);
    assert_eq!(h.names(Value::Null), ["Kept"]);
    assert_eq!(std::fs::read(&sqlite).unwrap(), foreign_sqlite);

    // Creating over any existing file is refused.
    for path in [&text, &h.path("good.keywarden")] {
        assert_eq!(
            h.code(
                "vault_create",
                json!({"path": path, "passphrase": PASS, "keyfilePath": null})
            ),
            "vault_exists"
        );
    }
    assert_eq!(h.status(), before);
}

#[test]
fn selecting_a_vault_opens_it_locked() {
    let h = Harness::new();
    h.create("a.keywarden", None);
    h.generate("In A", "aes-256", &[]);
    h.create("b.keywarden", None);
    assert_eq!(h.names(Value::Null), Vec::<String>::new());

    let status = h.ok("vault_select", json!({"path": h.path("a.keywarden")}));
    assert_eq!(status["state"], "locked");
    assert_eq!(status["path"], json!(h.path("a.keywarden")));
    assert_eq!(status["keyfileRequired"], false);
    assert_eq!(status["autoLockMinutes"], Value::Null);
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(h.names(Value::Null), ["In A"]);

    // Selecting the open vault again locks it rather than failing as "busy".
    let status = h.ok("vault_select", json!({"path": h.path("a.keywarden")}));
    assert_eq!(status["state"], "locked");
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(h.names(Value::Null), ["In A"]);
}

#[test]
fn key_files() {
    let h = Harness::new();
    let key_file = h.path("photo.jpg");
    std::fs::write(&key_file, b"not really a photo, but any bytes will do").unwrap();
    let other = h.path("other.jpg");
    std::fs::write(&other, b"some other bytes").unwrap();

    let status = h.create("kf.keywarden", Some(&key_file));
    assert_eq!(status["keyfileRequired"], true);
    h.ok("vault_lock", json!({}));
    let unlock = |keyfile: Value| json!({"passphrase": PASS, "keyfilePath": keyfile});
    assert_eq!(
        h.code("vault_unlock", unlock(Value::Null)),
        "keyfile_required"
    );
    assert_eq!(
        h.code("vault_unlock", unlock(json!(other))),
        "wrong_keyfile"
    );
    assert_eq!(
        h.code("vault_unlock", unlock(json!(h.path("missing")))),
        "keyfile_unreadable"
    );
    assert_eq!(
        h.code("vault_unlock", unlock(json!(h.dir.path()))),
        "keyfile_unreadable"
    );
    let empty = h.path("empty");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(
        h.code("vault_unlock", unlock(json!(empty))),
        "keyfile_unreadable"
    );
    assert_eq!(h.status()["state"], "locked");
    assert_eq!(
        h.ok("vault_unlock", unlock(json!(key_file)))["state"],
        "unlocked"
    );

    // Selected again, the vault says it needs its key file before any unlock.
    h.ok("vault_close", json!({}));
    let status = h.ok("vault_select", json!({"path": h.path("kf.keywarden")}));
    assert_eq!(status["keyfileRequired"], true);

    h.create("plain.keywarden", None);
    h.ok("vault_lock", json!({}));
    assert_eq!(
        h.code("vault_unlock", unlock(json!(key_file))),
        "keyfile_not_used"
    );
    assert_eq!(
        h.ok("vault_unlock", unlock(Value::Null))["state"],
        "unlocked"
    );
}

#[test]
fn changing_the_passphrase() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let new = "a different and longer passphrase";
    assert_eq!(
        h.code(
            "vault_change_passphrase",
            json!({"currentPassphrase": "wrong wrong wrong", "newPassphrase": new, "keyfilePath": null})
        ),
        "wrong_passphrase"
    );
    assert_eq!(
        h.ok(
            "vault_change_passphrase",
            json!({"currentPassphrase": PASS, "newPassphrase": new, "keyfilePath": null})
        ),
        Value::Null
    );
    assert_eq!(h.status()["state"], "unlocked");
    h.ok("vault_lock", json!({}));
    assert_eq!(
        h.code(
            "vault_unlock",
            json!({"passphrase": PASS, "keyfilePath": null})
        ),
        "wrong_passphrase"
    );
    h.ok(
        "vault_unlock",
        json!({"passphrase": new, "keyfilePath": null}),
    );
}

#[test]
fn the_vault_locks_itself_when_idle() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let status = h.ok("settings_set_auto_lock", json!({"minutes": 2}));
    assert_eq!(status["autoLockMinutes"], 2);
    assert_eq!(status["state"], "unlocked");

    let now = Instant::now();
    assert!(!lock_if_idle(&h.state(), now + Duration::from_secs(119)));
    assert_eq!(h.status()["state"], "unlocked");
    assert!(h.events().is_empty());

    // Activity starts the timer again.
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(h.ok("activity", json!({})), Value::Null);
    assert!(!lock_if_idle(
        &h.state(),
        now + Duration::from_secs(120) + Duration::from_millis(10)
    ));

    assert!(lock_if_idle(
        &h.state(),
        Instant::now() + Duration::from_secs(121)
    ));
    assert_eq!(h.events(), vec![json!({"reason": "idle"})]);
    let status = h.status();
    assert_eq!(status["state"], "locked");
    assert_eq!(status["autoLockMinutes"], Value::Null);
    assert_eq!(h.code("keys_list", json!({"query": null})), "locked");
    // Locked already: nothing more to do.
    assert!(!lock_if_idle(
        &h.state(),
        Instant::now() + Duration::from_secs(3600)
    ));
    assert_eq!(h.events().len(), 1);

    // The setting is kept in the vault.
    let status = h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(status["autoLockMinutes"], 2);
}

#[test]
fn the_default_vault_is_opened_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let default = dir.path().join("default.keywarden");
    {
        let h = Harness::with_dir(tempfile::tempdir().unwrap(), AppState::insecure_for_tests);
        h.ok(
            "vault_create",
            json!({"path": default, "passphrase": PASS, "keyfilePath": null}),
        );
        // Let go of the file: the idle timer keeps the first app's state alive.
        h.ok("vault_close", json!({}));
    }
    let h = Harness::with_dir(dir, AppState::insecure_for_tests);
    let status = h.status();
    assert_eq!(status["state"], "locked");
    assert_eq!(status["path"], json!(default));
    assert_eq!(status["defaultVaultExists"], true);
    assert_eq!(status["keyfileRequired"], false);
}

#[test]
fn a_default_file_that_is_not_a_vault_starts_closed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("default.keywarden"), "not a vault").unwrap();
    let h = Harness::with_dir(dir, AppState::insecure_for_tests);
    let status = h.status();
    assert_eq!(status["state"], "closed");
    assert_eq!(status["defaultVaultExists"], true);
    assert_eq!(
        h.code("vault_select", json!({"path": h.path("default.keywarden")})),
        "not_a_vault"
    );
}

#[test]
fn only_the_main_window_may_call_commands() {
    let h = Harness::new();
    let other = WebviewWindowBuilder::new(&h.app, "other", Default::default())
        .build()
        .unwrap();
    let denied = Harness::invoke_in(&other, "vault_status", json!({})).unwrap_err();
    assert!(denied.is_string(), "{denied}");
    assert!(Harness::invoke_in(&other, "activity", json!({})).is_err());
    assert!(h.invoke("vault_status", json!({})).is_ok());
}

#[test]
fn create_calibrates_argon2id_for_real() {
    // The production path: no insecure parameters, about a second of Argon2id.
    let h = Harness::with_dir(tempfile::tempdir().unwrap(), AppState::new);
    h.create("real.keywarden", None);
    h.ok("vault_lock", json!({}));
    let vault = h.state().vault.clone();
    let guard = vault.blocking_lock();
    let Vault::Locked { vault, .. } = &*guard else {
        panic!("not locked");
    };
    let kdf = vault.kdf_params().unwrap();
    assert_eq!(
        kdf.memory_kib,
        keywarden_core::KdfParams::DEFAULT_MEMORY_KIB
    );
    assert!(!kdf.is_insecure(), "{kdf:?}");
}
