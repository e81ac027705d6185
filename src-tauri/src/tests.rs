//! The commands through Tauri's real IPC path (argument parsing, capabilities, state,
//! events) on the mock runtime, with vaults in temporary directories.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use keywarden_core::{Clock, Timestamp};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

use crate::autolock::{destroy_due_now, lock_if_idle};
use crate::dto::VAULT_LOCKED;
use crate::state::{AppState, Vault};
use crate::{MAIN_WINDOW, build_app, context};

mod kits;

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
        Self::from_state(dir, state(Some(default)))
    }

    /// An app over `state`, whose default vault is in `dir`.
    fn from_state(dir: tempfile::TempDir, state: AppState) -> Self {
        let app = build_app(mock_builder(), state).build(context()).unwrap();
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

    /// A call whose body is raw bytes, as `invoke(cmd, uint8Array)` sends them.
    fn invoke_raw(&self, cmd: &str, bytes: Vec<u8>) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Raw(bytes),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
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
            "clipboardClearSeconds": null,
            "recoveryKit": null,
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
            "purpose": "data-encryption",
            "state": "active",
            "tags": ["prod", "db"],
            "createdAt": created,
            "nextRotation": zeta["nextRotation"],
            "destructionDue": null,
            "fingerprint": zeta["fingerprint"],
            "version": 1,
            "publicOnly": false,
            "violations": 0,
            "warnings": 0,
        }])
    );
    assert!(zeta["nextRotation"].as_str().unwrap() > created);

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
        ("settings_set_clipboard_clear", json!({"seconds": 4})),
        ("settings_set_clipboard_clear", json!({"seconds": 601})),
        ("settings_set_clipboard_clear", json!({"seconds": 1.5})),
        ("settings_set_clipboard_clear", json!({})),
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
        ("key_update", json!({"id": id, "notes": "n"})),
        (
            "key_set_state",
            json!({"id": id, "to": "suspended", "reason": "r"}),
        ),
        ("key_rotate", json!({"id": id, "reason": "r"})),
        (
            "key_schedule_destruction",
            json!({"id": id, "days": null, "reason": "r"}),
        ),
        ("key_cancel_destruction", json!({"id": id, "reason": "r"})),
        (
            "key_reveal",
            json!({"id": id, "passphrase": PASS, "keyfilePath": null}),
        ),
        ("policy_get", json!({})),
        (
            "policy_set",
            json!({"name": "min-strength", "value": "192", "reason": "r"}),
        ),
        ("policy_check_new", json!({"purpose": "signature"})),
        ("audit_list", json!({})),
        ("audit_verify", json!({})),
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
fn the_clipboard_wait_is_a_setting_of_the_vault() {
    let h = Harness::new();
    let status = h.create("v.keywarden", None);
    assert_eq!(status["clipboardClearSeconds"], 30);
    h.ok("settings_set_auto_lock", json!({"minutes": 7}));
    let status = h.ok("settings_set_clipboard_clear", json!({"seconds": 90}));
    assert_eq!(
        (
            status["clipboardClearSeconds"].clone(),
            status["autoLockMinutes"].clone()
        ),
        (json!(90), json!(7))
    );
    h.ok("vault_lock", json!({}));
    assert_eq!(h.status()["clipboardClearSeconds"], Value::Null);
    assert_eq!(
        h.code("settings_set_clipboard_clear", json!({"seconds": 60})),
        "locked"
    );
    let status = h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(status["clipboardClearSeconds"], 90);
    let entries = h.ok("audit_list", json!({"action": "settings-changed"}));
    let newest = entries.as_array().unwrap()[0].clone();
    assert_eq!(
        newest["detail"],
        "auto-lock after 7 minutes, clipboard cleared after 90 seconds"
    );
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
fn a_start_waits_for_a_default_vault_the_previous_instance_still_holds() {
    let dir = tempfile::tempdir().unwrap();
    let default = dir.path().join("default.keywarden");
    {
        let h = Harness::with_dir(tempfile::tempdir().unwrap(), AppState::insecure_for_tests);
        h.ok(
            "vault_create",
            json!({"path": default, "passphrase": PASS, "keyfilePath": null}),
        );
        h.ok("vault_close", json!({}));
    }
    // Another process (here: another handle) holds the vault for a moment, as a
    // Keywarden that is quitting does.
    let held =
        keywarden_core::LockedVault::open(&default, Arc::new(keywarden_core::SystemClock)).unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        drop(held);
    });
    let h = Harness::with_dir(dir, AppState::insecure_for_tests);
    release.join().unwrap();
    assert_eq!(h.status()["state"], "locked");
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

/// A clock the test moves by hand.
struct TestClock(Mutex<Timestamp>);

impl TestClock {
    fn at(second: i64) -> Arc<Self> {
        Arc::new(Self(Mutex::new(Timestamp::from_second(second).unwrap())))
    }

    fn advance_days(&self, days: i64) {
        let mut now = self.0.lock().unwrap();
        *now = Timestamp::from_second(now.as_second() + days * 86_400).unwrap();
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }

    fn time_zone(&self) -> keywarden_core::reminder::TimeZone {
        keywarden_core::reminder::TimeZone::UTC
    }
}

fn clocked(clock: Arc<TestClock>) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let default = dir.path().join("default.keywarden");
    Harness::from_state(dir, AppState::insecure_with_clock(Some(default), clock))
}

fn actions(h: &Harness, args: Value) -> Vec<String> {
    h.ok("audit_list", args)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_key_through_its_whole_lifecycle() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let key = h.ok(
        "key_generate",
        json!({
            "name": "Signing wrap key",
            "algorithm": "aes-256",
            "notes": "",
            "tags": ["prod"],
            "purpose": "key-wrapping",
            "owner": "  Platform team ",
            "custodians": ["Ana", "Bo"],
            "preActivation": true,
            "rotationDays": 90,
        }),
    );
    let id = key["id"].as_str().unwrap().to_owned();
    assert_eq!(key["purpose"], "key-wrapping");
    assert_eq!(key["owner"], "Platform team");
    assert_eq!(key["custodians"], json!(["Ana", "Bo"]));
    assert_eq!(key["state"], "pre-activation");
    assert_eq!(key["rotationDays"], 90);
    assert_eq!(key["nextRotation"], Value::Null);
    assert_eq!(key["activatedAt"], Value::Null);
    assert_eq!(key["nextStates"], json!(["active", "compromised"]));
    assert_eq!(key["followUp"], json!([]));
    assert_eq!(key["versions"].as_array().unwrap().len(), 1);
    assert_eq!(key["history"][0]["from"], Value::Null);
    assert_eq!(key["history"][0]["to"], "pre-activation");

    let set = |to: &str, reason: &str| {
        h.ok(
            "key_set_state",
            json!({"id": id, "to": to, "reason": reason}),
        )
    };
    let key = set("active", "ready for production");
    assert_eq!(key["state"], "active");
    assert!(key["activatedAt"].is_string());
    assert!(key["nextRotation"].is_string());
    let last = key["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["from"], "pre-activation");
    assert_eq!(last["to"], "active");
    assert_eq!(last["reason"], "ready for production");

    let key = h.ok(
        "key_rotate",
        json!({"id": id, "algorithm": null, "reason": "yearly rotation"}),
    );
    assert_eq!(key["version"], 2);
    let versions = key["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["number"], 2);
    assert!(versions[0]["deactivatedAt"].is_string());
    assert_eq!(versions[1]["deactivatedAt"], Value::Null);
    assert!(key["rotatedAt"].is_string());

    assert_eq!(set("suspended", "investigating")["state"], "suspended");
    assert_eq!(
        h.code("key_rotate", json!({"id": id, "reason": "again"})),
        "not_allowed"
    );
    assert_eq!(set("active", "all clear")["state"], "active");
    let key = set("compromised", "laptop stolen");
    assert_eq!(key["state"], "compromised");
    assert_eq!(key["followUp"].as_array().unwrap().len(), 3);
    assert_eq!(key["nextStates"], json!([]));
    assert_eq!(key["nextRotation"], Value::Null);
    // Compromised keys go nowhere but destroyed.
    let error = h
        .invoke(
            "key_set_state",
            json!({"id": id, "to": "active", "reason": "oops"}),
        )
        .unwrap_err();
    assert_eq!(error["code"], "not_allowed");
    assert!(error["message"].as_str().unwrap().contains("SP 800-57"));

    let key = h.ok(
        "key_schedule_destruction",
        json!({"id": id, "days": null, "reason": "replaced"}),
    );
    let due = key["destruction"]["dueAt"].as_str().unwrap().to_owned();
    assert_eq!(key["destructionDue"], json!(due));
    assert_eq!(key["destruction"]["reason"], "replaced");
    assert_eq!(
        h.code(
            "key_schedule_destruction",
            json!({"id": id, "days": 30, "reason": "twice"})
        ),
        "not_allowed"
    );
    let key = h.ok(
        "key_cancel_destruction",
        json!({"id": id, "reason": "kept for the audit"}),
    );
    assert_eq!(key["destruction"], Value::Null);
    assert_eq!(
        h.code(
            "key_cancel_destruction",
            json!({"id": id, "reason": "nothing to cancel"})
        ),
        "not_allowed"
    );
    assert_eq!(
        h.code(
            "key_schedule_destruction",
            json!({"id": id, "days": 1, "reason": "shorter than the policy"})
        ),
        "not_allowed"
    );
    h.ok(
        "key_schedule_destruction",
        json!({"id": id, "days": 30, "reason": "replaced"}),
    );
    let listed = h.ok("keys_list", json!({"query": null}));
    assert_eq!(listed[0]["state"], "compromised");
    assert!(listed[0]["destructionDue"].is_string());

    // The audit log has it all, newest first, and filters.
    let all = actions(&h, json!({}));
    assert_eq!(all[0], "destruction-scheduled");
    for action in [
        "key-generated",
        "state-changed",
        "key-rotated",
        "destruction-cancelled",
        "vault-created",
    ] {
        assert!(all.iter().any(|a| a == action), "{action} in {all:?}");
    }
    let states = h.ok(
        "audit_list",
        json!({"action": "state-changed", "key": id, "outcome": "success"}),
    );
    let states = states.as_array().unwrap();
    assert_eq!(states.len(), 4);
    assert_eq!(states[0]["reason"], "laptop stolen");
    assert_eq!(states[0]["keyName"], "Signing wrap key");
    assert_eq!(states[0]["keyId"], json!(id));
    let refused = actions(&h, json!({"outcome": "failure"}));
    assert!(refused.contains(&"key-rotated".to_owned()), "{refused:?}");
    assert_eq!(actions(&h, json!({"text": "LAPTOP"})), ["state-changed"]);
    assert_eq!(actions(&h, json!({"limit": 2})).len(), 2);
    assert_eq!(
        actions(&h, json!({"since": "2999-01-01T00:00:00Z"})),
        Vec::<String>::new()
    );
    assert_eq!(
        actions(&h, json!({"until": "2000-01-01T00:00:00Z"})),
        Vec::<String>::new()
    );
    let check = h.ok("audit_verify", json!({}));
    assert_eq!(check["intact"], true);
    assert_eq!(check["problems"], json!([]));
    assert!(check["entries"].as_u64().unwrap() >= 10);
}

#[test]
fn updating_a_key() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let id = h.generate("K", "hmac-sha256", &["a"])["id"].clone();
    let key = h.ok(
        "key_update",
        json!({"id": id, "notes": "new notes", "owner": "Ops", "custodians": ["Cy"], "rotationDays": 30}),
    );
    assert_eq!(key["notes"], "new notes");
    assert_eq!(key["owner"], "Ops");
    assert_eq!(key["custodians"], json!(["Cy"]));
    assert_eq!(key["rotationDays"], 30);
    assert_eq!(key["tags"], json!(["a"]));
    assert_eq!(key["name"], "K");
    let key = h.ok(
        "key_update",
        json!({"id": id, "tags": [], "rotationDays": 0}),
    );
    assert_eq!(key["rotationDays"], Value::Null);
    assert_eq!(key["tags"], json!([]));
    assert_eq!(key["owner"], "Ops");
    assert_eq!(actions(&h, json!({"action": "key-updated"})).len(), 2);
}

#[test]
fn every_kind_is_generated_and_revealed_in_its_text_form() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let mut made = 0;
    for algorithm in h.ok("key_algorithms", json!({})).as_array().unwrap() {
        let id = algorithm["id"].as_str().unwrap();
        let result = h.invoke(
            "key_generate",
            json!({"name": format!("k {id}"), "algorithm": id, "notes": "", "tags": []}),
        );
        match result {
            Ok(key) => {
                made += 1;
                assert_eq!(key["algorithm"], id);
                assert!(!key["fingerprint"].as_str().unwrap().is_empty(), "{id}");
            }
            // The default policy refuses 112-bit security for new keys.
            Err(error) => {
                assert_eq!(id, "rsa-2048", "{error}");
                assert_eq!(error["code"], "policy_violation");
                assert!(error["message"].as_str().unwrap().ends_with('.'));
            }
        }
    }
    assert_eq!(made, 15);
    let ed = h.ok("keys_list", json!({"query": "k ed25519"}))[0]["id"].clone();
    let secret = h.ok(
        "key_reveal",
        json!({"id": ed, "passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(secret["encoding"], "pkcs8-pem");
    assert!(
        secret["text"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
}

#[test]
fn policy_refusals_of_new_keys() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let generate = |algorithm: &str, purpose: Value| {
        h.invoke(
            "key_generate",
            json!({"name": format!("k {algorithm}"), "algorithm": algorithm, "notes": "", "tags": [], "purpose": purpose}),
        )
        .unwrap_err()
    };
    assert_eq!(
        generate("rsa-2048", Value::Null)["code"],
        "policy_violation"
    );
    assert_eq!(
        generate("aes-256", json!("signature"))["code"],
        "policy_violation"
    );
    assert_eq!(
        generate("aes-256", json!("wishful"))["code"],
        "invalid_input"
    );
    assert_eq!(h.names(Value::Null), Vec::<String>::new());
}

#[test]
fn the_policy_can_be_read_changed_and_asked() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let policy = h.ok("policy_get", json!({}));
    assert_eq!(policy["minStrengthBits"], 128);
    assert_eq!(policy["destructionWaitDays"], 7);
    assert_eq!(policy["allowedAlgorithms"].as_array().unwrap().len(), 16);
    assert_eq!(
        policy["cryptoperiods"][0],
        json!({"purpose": "data-encryption", "days": 730})
    );

    let verdicts = h.ok(
        "policy_check_new",
        json!({"algorithm": "rsa-2048", "purpose": "signature"}),
    );
    assert_eq!(verdicts[0]["algorithm"], "rsa-2048");
    assert_eq!(verdicts[0]["findings"][0]["severity"], "violation");

    let policy = h.ok(
        "policy_set",
        json!({"name": "min-strength", "value": "112", "reason": "legacy partner"}),
    );
    assert_eq!(policy["minStrengthBits"], 112);
    let verdicts = h.ok(
        "policy_check_new",
        json!({"algorithm": null, "purpose": "signature"}),
    );
    let verdicts = verdicts.as_array().unwrap();
    assert_eq!(verdicts.len(), 16);
    let rsa = verdicts
        .iter()
        .find(|v| v["algorithm"] == "rsa-2048")
        .unwrap();
    assert_eq!(rsa["findings"][0]["code"], "strength-112-until-2030");
    assert_eq!(rsa["findings"][0]["severity"], "warning");
    assert!(
        rsa["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("until the end of 2030")
    );
    let aes = verdicts
        .iter()
        .find(|v| v["algorithm"] == "aes-256")
        .unwrap();
    assert_eq!(aes["findings"][0]["code"], "purpose-mismatch");
    let ed = verdicts
        .iter()
        .find(|v| v["algorithm"] == "ed25519")
        .unwrap();
    assert!(
        ed["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "warning")
    );

    let policy = h.ok(
        "policy_set",
        json!({"name": "cryptoperiod.secret", "value": "90", "reason": "tighter"}),
    );
    assert_eq!(
        policy["cryptoperiods"][7],
        json!({"purpose": "secret", "days": 90})
    );
    let policy = h.ok(
        "policy_set",
        json!({"name": "allowed-algorithms", "value": "aes-256,ed25519", "reason": "fewer"}),
    );
    assert_eq!(policy["allowedAlgorithms"], json!(["aes-256", "ed25519"]));
    assert_eq!(
        h.code(
            "key_generate",
            json!({"name": "k", "algorithm": "aes-128", "notes": "", "tags": []})
        ),
        "policy_violation"
    );
    for (name, value, reason) in [
        ("min-strength", "100", "r"),
        ("frobnicate", "1", "r"),
        ("destruction-wait-days", "366", "r"),
        ("min-strength", "192", ""),
        ("min-strength", "192", "   "),
    ] {
        assert_eq!(
            h.code(
                "policy_set",
                json!({"name": name, "value": value, "reason": reason})
            ),
            "invalid_input",
            "{name}={value}"
        );
    }
    assert_eq!(h.ok("policy_get", json!({}))["minStrengthBits"], 112);
    assert_eq!(
        actions(
            &h,
            json!({"action": "policy-changed", "outcome": "success"})
        )
        .len(),
        3
    );
}

#[test]
fn revealing_asks_for_the_passphrase_again() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let id = h.generate("Reveal me", "aes-256", &[])["id"].clone();
    assert_eq!(
        h.code(
            "key_reveal",
            json!({"id": id, "version": null, "passphrase": "not the passphrase", "keyfilePath": null})
        ),
        "wrong_passphrase"
    );
    let secret = h.ok(
        "key_reveal",
        json!({"id": id, "version": null, "passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(secret["version"], 1);
    assert_eq!(secret["encoding"], "hex");
    let text = secret["text"].as_str().unwrap();
    assert_eq!(text.len(), 64);
    assert!(
        text.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert_eq!(
        h.ok(
            "key_reveal",
            json!({"id": id, "version": 1, "passphrase": PASS, "keyfilePath": null})
        )["text"],
        text
    );
    assert_eq!(
        h.code(
            "key_reveal",
            json!({"id": id, "version": 9, "passphrase": PASS, "keyfilePath": null})
        ),
        "key_not_found"
    );
    let key = h.ok("key_get", json!({ "id": id }));
    assert!(key["revealedAt"].is_string());
    let revealed = h.ok("audit_list", json!({"action": "secret-revealed"}));
    let outcomes: Vec<&str> = revealed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"success") && outcomes.contains(&"failure"),
        "{outcomes:?}"
    );
    // Nothing secret in the log.
    assert!(!h.ok("audit_list", json!({})).to_string().contains(text));
}

#[test]
fn scheduled_destructions_happen_on_the_timer_and_at_unlock() {
    let clock = TestClock::at(1_800_000_000);
    let h = clocked(clock.clone());
    h.create("v.keywarden", None);
    let first = h.generate("First", "aes-256", &[])["id"].clone();
    let second = h.generate("Second", "aes-128", &[])["id"].clone();
    for id in [&first, &second] {
        h.ok(
            "key_schedule_destruction",
            json!({"id": id, "days": null, "reason": "retired"}),
        );
    }
    assert_eq!(destroy_due_now(&h.state()), 0);
    clock.advance_days(8);
    assert_eq!(destroy_due_now(&h.state()), 2);
    for id in [&first, &second] {
        let key = h.ok("key_get", json!({ "id": id }));
        assert_eq!(key["state"], "destroyed");
        assert_eq!(key["destruction"], Value::Null);
        assert!(key["versions"][0]["destroyedAt"].is_string());
    }
    assert_eq!(
        h.code(
            "key_reveal",
            json!({"id": first, "passphrase": PASS, "keyfilePath": null})
        ),
        "not_allowed"
    );

    // Due while locked: destroyed when the vault is unlocked.
    let third = h.generate("Third", "chacha20", &[])["id"].clone();
    h.ok(
        "key_schedule_destruction",
        json!({"id": third, "days": 10, "reason": "retired"}),
    );
    h.ok("vault_lock", json!({}));
    clock.advance_days(11);
    assert_eq!(destroy_due_now(&h.state()), 0);
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(
        h.ok("key_get", json!({ "id": third }))["state"],
        "destroyed"
    );
    assert_eq!(actions(&h, json!({"action": "key-destroyed"})).len(), 3);
}

#[test]
fn hostile_lifecycle_arguments_are_invalid_input() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let id = h.generate("Target", "aes-256", &[])["id"].clone();
    let huge = "x".repeat(100_000);
    let bad = [
        (
            "key_set_state",
            json!({"id": "nope", "to": "active", "reason": "r"}),
        ),
        (
            "key_set_state",
            json!({"id": id, "to": "revoked", "reason": "r"}),
        ),
        (
            "key_set_state",
            json!({"id": id, "to": huge, "reason": "r"}),
        ),
        (
            "key_set_state",
            json!({"id": id, "to": "suspended", "reason": huge}),
        ),
        (
            "key_set_state",
            json!({"id": id, "to": "suspended", "reason": ""}),
        ),
        ("key_set_state", json!({"id": id, "to": "suspended"})),
        ("key_set_state", json!({"id": id, "to": 3, "reason": "r"})),
        (
            "key_rotate",
            json!({"id": id, "algorithm": "des", "reason": "r"}),
        ),
        (
            "key_rotate",
            json!({"id": id, "algorithm": huge, "reason": "r"}),
        ),
        ("key_rotate", json!({"id": huge, "reason": "r"})),
        (
            "key_schedule_destruction",
            json!({"id": id, "days": -1, "reason": "r"}),
        ),
        (
            "key_schedule_destruction",
            json!({"id": id, "days": 1e12, "reason": "r"}),
        ),
        (
            "key_schedule_destruction",
            json!({"id": id, "days": 400, "reason": "r"}),
        ),
        (
            "key_schedule_destruction",
            json!({"id": id, "days": 7, "reason": "   "}),
        ),
        ("key_cancel_destruction", json!({"id": id, "reason": huge})),
        ("key_update", json!({"id": id, "rotationDays": -3})),
        ("key_update", json!({"id": id, "rotationDays": 4000})),
        ("key_update", json!({"id": id, "owner": huge})),
        ("key_update", json!({"id": id, "custodians": [""]})),
        ("key_update", json!({"id": id, "custodians": "Ana"})),
        (
            "key_generate",
            json!({"name": huge, "algorithm": "aes-256", "notes": "", "tags": []}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "", "tags": [], "rotationDays": 0}),
        ),
        (
            "key_generate",
            json!({"name": "k", "algorithm": "aes-256", "notes": "", "tags": [], "preActivation": "yes"}),
        ),
        (
            "key_reveal",
            json!({"id": id, "version": 0, "passphrase": PASS, "keyfilePath": null}),
        ),
        (
            "key_reveal",
            json!({"id": id, "passphrase": "p".repeat(1025), "keyfilePath": null}),
        ),
        (
            "key_reveal",
            json!({"id": id, "passphrase": PASS, "keyfilePath": "relative"}),
        ),
        (
            "policy_set",
            json!({"name": huge, "value": "1", "reason": "r"}),
        ),
        (
            "policy_set",
            json!({"name": "min-strength", "value": huge, "reason": "r"}),
        ),
        (
            "policy_check_new",
            json!({"algorithm": "aes-256", "purpose": "world-peace"}),
        ),
        (
            "policy_check_new",
            json!({"algorithm": "rot13", "purpose": "secret"}),
        ),
        ("policy_check_new", json!({"algorithm": null})),
        ("audit_list", json!({"action": "teleported"})),
        ("audit_list", json!({"outcome": "maybe"})),
        ("audit_list", json!({"key": "not-a-key"})),
        ("audit_list", json!({"since": "yesterday"})),
        ("audit_list", json!({"until": huge})),
        ("audit_list", json!({"text": huge})),
        ("audit_list", json!({"limit": 0})),
        ("audit_list", json!({"limit": 10_001})),
    ];
    let entries_before = h.ok("audit_verify", json!({}))["entries"].clone();
    for (cmd, args) in bad {
        let error = h.invoke(cmd, args.clone()).unwrap_err();
        let shown = args.to_string();
        let shown = &shown[..shown.len().min(120)];
        assert_eq!(error["code"], "invalid_input", "{cmd} {shown}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.ends_with('.'), "{cmd}: {message}");
        assert!(message.len() < 400, "{cmd}: {message}");
    }
    let key = h.ok("key_get", json!({ "id": id }));
    assert_eq!(key["state"], "active");
    assert_eq!(key["destruction"], Value::Null);
    // Refusals before the engine leave no trace; the engine's own refusals (an empty
    // custodian, the name length it shares with us) are audited with no huge text.
    let log = h.ok("audit_list", json!({}));
    assert!(
        log.to_string().len() < 20_000,
        "the log grew by {}",
        log.to_string().len()
    );
    assert!(h.ok("audit_verify", json!({}))["entries"].as_u64() >= entries_before.as_u64());
    assert_eq!(
        h.code(
            "key_get",
            json!({"id": "6f1c2a4e-0b7d-4c1e-9a55-3d2f8e7b9c10"})
        ),
        "key_not_found"
    );
}

#[test]
fn metadata_for_the_ui() {
    let h = Harness::new();
    let purposes = h.ok("key_purposes", json!({}));
    assert_eq!(purposes.as_array().unwrap().len(), 8);
    assert_eq!(purposes[0]["id"], "data-encryption");
    assert!(
        purposes[0]["algorithms"]
            .as_array()
            .unwrap()
            .contains(&json!("aes-256"))
    );
    let states = h.ok("key_states", json!({}));
    let ids: Vec<&str> = states
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "pre-activation",
            "active",
            "suspended",
            "deactivated",
            "compromised",
            "destroyed"
        ]
    );
    assert_eq!(
        states[1]["next"],
        json!(["suspended", "deactivated", "compromised"])
    );
    assert_eq!(states[5]["next"], json!([]));
    let algorithms = h.ok("key_algorithms", json!({}));
    assert_eq!(algorithms[0]["family"], "symmetric");
    assert_eq!(algorithms[0]["strength"], 256);
    assert_eq!(
        algorithms[0]["purposes"],
        json!(["data-encryption", "key-wrapping"])
    );
}

// --- import and export ------------------------------------------------------------------

/// An Ed25519 key as another tool would write it: PKCS#8 PEM.
fn ed25519_pem() -> (String, String) {
    let key = keywarden_core::SecretKey::generate(keywarden_core::Algorithm::Ed25519).unwrap();
    let pem = key
        .export(keywarden_core::Format::Pkcs8Pem, "")
        .unwrap()
        .to_vec();
    (
        String::from_utf8(pem).unwrap(),
        key.fingerprint().to_string(),
    )
}

fn import_args(name: &str, extra: Value) -> Value {
    let mut args = json!({"name": name, "tags": ["imported"], "owner": "ops"});
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    args
}

fn key_count(h: &Harness) -> usize {
    h.ok("keys_list", json!({"query": null}))
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn keys_are_imported_from_a_file_or_pasted_text() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let (pem, fingerprint) = ed25519_pem();
    let file = h.path("signing.pem");
    std::fs::write(&file, &pem).unwrap();

    let imported = h.ok("key_import", import_args("Signing", json!({"path": file})));
    assert_eq!(imported["format"], "pkcs8-pem");
    assert_eq!(imported["key"]["algorithm"], "ed25519");
    assert_eq!(imported["key"]["purpose"], "signature");
    assert_eq!(imported["key"]["owner"], "ops");
    assert_eq!(imported["key"]["tags"], json!(["imported"]));
    assert_eq!(imported["key"]["fingerprint"], fingerprint.as_str());
    assert_eq!(imported["fingerprints"][0], fingerprint.as_str());
    assert!(
        imported["fingerprints"][1]
            .as_str()
            .unwrap()
            .starts_with("SHA256:")
    );
    assert_eq!(imported["sameMaterialAs"], json!([]));

    // The same key pasted: stored again, with a word about the twin.
    let twin = h.ok(
        "key_import",
        import_args("Signing copy", json!({"text": pem})),
    );
    assert_eq!(twin["sameMaterialAs"], json!(["Signing"]));

    // Raw material needs its format and algorithm.
    let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    assert_eq!(
        h.code("key_import", import_args("Raw", json!({"text": hex}))),
        "invalid_input"
    );
    let raw = h.ok(
        "key_import",
        import_args(
            "Raw",
            json!({"text": hex, "format": "HEX", "algorithm": "aes-256", "purpose": "key-wrapping"}),
        ),
    );
    assert_eq!(raw["format"], "hex");
    assert_eq!(raw["key"]["purpose"], "key-wrapping");

    // A JWK, recognised by its content.
    let jwk = h.ok(
        "key_export_public",
        json!({"id": imported["key"]["id"], "format": "jwk"}),
    );
    assert!(jwk["text"].as_str().unwrap().contains("\"OKP\""));
    let private_jwk = json!({"kty": "oct", "k": "ABEiM0RVZneImaq7zN3u_wARIjNEVWZ3iJmqu8zd7v8"});
    let oct = h.ok(
        "key_import",
        import_args(
            "From JWK",
            json!({"text": private_jwk.to_string(), "algorithm": "aes-256"}),
        ),
    );
    assert_eq!(oct["format"], "jwk");

    let imports = actions(&h, json!({"action": "key-imported", "outcome": "success"}));
    assert_eq!(imports.len(), 4);
    // Nothing secret in the log.
    let log = h.ok("audit_list", json!({})).to_string();
    assert!(!log.contains(hex) && !log.contains("MC4CAQAw"), "{log}");
}

#[test]
fn hostile_imports_are_refused_with_clear_errors() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let (pem, _) = ed25519_pem();
    let refused = |args: Value, code: &str, words: &str| {
        let error = h
            .invoke("key_import", import_args("Bad", args.clone()))
            .expect_err(&args.to_string());
        assert_eq!(error["code"], code, "{args} → {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(words), "{args} → {message}");
        // Never the material itself.
        assert!(!message.contains("MC4CAQAw"), "{message}");
    };
    refused(json!({}), "invalid_input", "Choose a file");
    refused(
        json!({"path": "/x", "text": "y"}),
        "invalid_input",
        "not both",
    );
    refused(json!({"path": "relative.pem"}), "invalid_input", "absolute");
    refused(
        json!({"path": h.path("missing.pem")}),
        "invalid_input",
        "There is no file",
    );
    refused(
        json!({"path": h.dir.path()}),
        "invalid_input",
        "is a folder",
    );
    let huge = h.path("huge.pem");
    std::fs::write(&huge, vec![b'A'; super::commands::material::MAX_INPUT + 1]).unwrap();
    refused(json!({"path": huge}), "invalid_input", "larger than 1 MiB");
    let empty = h.path("empty.pem");
    std::fs::write(&empty, "\n  \n").unwrap();
    refused(json!({"path": empty}), "invalid_input", "is empty");
    refused(json!({"text": "   "}), "invalid_input", "Paste");
    refused(
        json!({"text": "x".repeat(super::commands::material::MAX_INPUT + 1)}),
        "invalid_input",
        "larger than 1 MiB",
    );
    refused(
        json!({"text": "hello", "format": "pem"}),
        "invalid_input",
        "does not know the key format",
    );
    refused(
        json!({"text": pem, "algorithm": "des"}),
        "invalid_input",
        "des",
    );
    refused(
        json!({"text": "just some words"}),
        "invalid_input",
        "cannot tell",
    );
    // Encrypted keys and broken public keys: the engine's own words.
    refused(
        json!({"text": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAA==\n-----END ENCRYPTED PRIVATE KEY-----\n"}),
        "invalid_input",
        "encrypted",
    );
    refused(
        json!({"text": "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"abc\"}"}),
        "invalid_input",
        "the curve's length",
    );
    refused(
        json!({"text": pem, "algorithm": "ecdsa-p256"}),
        "invalid_input",
        "not ECDSA",
    );
    // A purpose the algorithm cannot serve.
    refused(
        json!({"text": pem, "purpose": "data-encryption"}),
        "policy_violation",
        "cannot serve",
    );
    refused(
        json!({"text": pem, "rotationDays": -1}),
        "invalid_input",
        "rotation interval",
    );
    assert_eq!(key_count(&h), 0);
    // Locked: nothing is read into a locked vault.
    h.ok("vault_lock", json!({}));
    assert_eq!(
        h.code("key_import", import_args("Late", json!({"text": pem}))),
        "locked"
    );
}

/// A public key the holder made, as its OpenSSH line, and its fingerprint.
fn their_public_line(algorithm: keywarden_core::Algorithm) -> (String, String) {
    let theirs = keywarden_core::SecretKey::generate(algorithm).unwrap();
    let line = theirs
        .export(keywarden_core::Format::OpenSshPublic, "bob@example")
        .unwrap()
        .to_vec();
    (
        String::from_utf8(line).unwrap(),
        theirs.fingerprint().to_string(),
    )
}

#[test]
fn a_public_key_alone_is_kept_and_rotated_to_its_holders_new_one() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let (line, fingerprint) = their_public_line(keywarden_core::Algorithm::Ed25519);
    let imported = h.ok("key_import", import_args("Bob", json!({"text": line})));
    assert_eq!(imported["format"], "openssh-public");
    let key = &imported["key"];
    assert_eq!(key["publicOnly"], true);
    assert_eq!(key["fingerprint"], fingerprint.as_str());
    let id = key["id"].clone();
    assert_eq!(
        h.ok("keys_list", json!({"query": null}))[0]["publicOnly"],
        true
    );
    assert_eq!(
        h.ok(
            "key_export_public",
            json!({"id": id, "format": "openssh-public"})
        )["text"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .nth(1),
        line.split_whitespace().nth(1)
    );

    // No secret to reveal, export or rotate by generation.
    let reveal = json!({"id": id, "version": null, "passphrase": PASS, "keyfilePath": null});
    assert_eq!(h.code("key_reveal", reveal), "not_allowed");
    let file = h.path("bob.key");
    let export = json!({"id": id, "format": "pkcs8-pem", "path": file, "passphrase": PASS,
                        "keyfilePath": null, "overwrite": false});
    assert_eq!(h.code("key_export", export), "not_allowed");
    assert!(!file.exists());
    assert_eq!(
        h.code("key_rotate", json!({"id": id, "reason": "yearly"})),
        "not_allowed"
    );

    // Rotated to the holder's new public key, pasted or from a file.
    let replace = |extra: Value| {
        let mut args = json!({"id": id, "reason": "Bob's new laptop"});
        for (k, v) in extra.as_object().unwrap() {
            args[k] = v.clone();
        }
        args
    };
    let (private, _) = ed25519_pem();
    let error = h
        .invoke("key_replace_public", replace(json!({"text": private})))
        .unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    assert!(error["message"].as_str().unwrap().contains("private key"));
    assert_eq!(
        h.code("key_replace_public", replace(json!({"text": line}))),
        "not_allowed"
    );
    // An X25519 key cannot serve the signature purpose of Bob's key.
    let x25519 = keywarden_core::SecretKey::generate(keywarden_core::Algorithm::X25519)
        .unwrap()
        .export(keywarden_core::Format::SpkiPem, "")
        .unwrap()
        .to_vec();
    assert_eq!(
        h.code(
            "key_replace_public",
            replace(json!({"text": String::from_utf8(x25519).unwrap()}))
        ),
        "policy_violation"
    );
    let (new_line, new_fingerprint) = their_public_line(keywarden_core::Algorithm::EcdsaP256);
    let new_file = h.path("bob-new.pub");
    std::fs::write(&new_file, &new_line).unwrap();
    let rotated = h.ok("key_replace_public", replace(json!({"path": new_file})));
    assert_eq!(rotated["version"], 2);
    assert_eq!(rotated["algorithm"], "ecdsa-p256");
    assert_eq!(rotated["fingerprint"], new_fingerprint.as_str());
    assert_eq!(rotated["publicOnly"], true);
    assert_eq!(
        actions(&h, json!({"action": "key-rotated", "outcome": "success"})).len(),
        1
    );
    // A key whose private part the vault holds is rotated by generation only.
    let own = h.generate("Own", "ed25519", &[])["id"].clone();
    let (another, _) = their_public_line(keywarden_core::Algorithm::Ed25519);
    assert_eq!(
        h.code(
            "key_replace_public",
            json!({"id": own, "text": another, "reason": "swap"})
        ),
        "not_allowed"
    );
}

#[test]
fn public_parts_are_exported_as_text_or_to_a_file() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let (pem, _) = ed25519_pem();
    let key = h.ok("key_import", import_args("Signer", json!({"text": pem})))["key"].clone();
    let id = &key["id"];
    let expected =
        keywarden_core::SecretKey::import(pem.as_bytes(), keywarden_core::Format::Pkcs8Pem, None)
            .unwrap()
            .export(keywarden_core::Format::SpkiPem, "")
            .unwrap()
            .to_vec();
    let spki = h.ok("key_export_public", json!({"id": id, "format": "spki-pem"}));
    assert_eq!(
        spki["text"].as_str().unwrap().as_bytes(),
        expected.as_slice()
    );
    assert_eq!(spki["version"], 1);
    assert_eq!(spki["path"], Value::Null);
    let ssh = h.ok(
        "key_export_public",
        json!({"id": id, "version": 1, "format": "openssh-public"}),
    );
    assert!(
        ssh["text"]
            .as_str()
            .unwrap()
            .starts_with("ssh-ed25519 AAAA")
    );
    assert!(ssh["text"].as_str().unwrap().trim_end().ends_with("Signer"));

    // Binary only to a file; a file is never replaced unless the person agreed.
    assert_eq!(
        h.code("key_export_public", json!({"id": id, "format": "spki-der"})),
        "invalid_input"
    );
    let file = h.path("signer.pub.der");
    let written = h.ok(
        "key_export_public",
        json!({"id": id, "format": "spki-der", "path": file}),
    );
    assert_eq!(written["path"], file.display().to_string());
    assert_eq!(written["text"], Value::Null);
    assert_eq!(std::fs::read(&file).unwrap()[0], 0x30);
    assert_eq!(
        h.code(
            "key_export_public",
            json!({"id": id, "format": "spki-pem", "path": file})
        ),
        "file_exists"
    );
    h.ok(
        "key_export_public",
        json!({"id": id, "format": "spki-pem", "path": file, "overwrite": true}),
    );
    assert_eq!(std::fs::read(&file).unwrap(), expected);

    // Formats the key does not have, and keys without a public part.
    for format in ["pkcs8-pem", "age-recipient", "hex"] {
        assert_eq!(
            h.code("key_export_public", json!({"id": id, "format": format})),
            "invalid_input",
            "{format}"
        );
    }
    let aes = h.generate("Data", "aes-256", &[])["id"].clone();
    assert_eq!(
        h.code("key_export_public", json!({"id": aes, "format": "jwk"})),
        "invalid_input"
    );
    assert_eq!(
        h.code(
            "key_export_public",
            json!({"id": id, "format": "spki-pem", "path": h.dir.path()})
        ),
        "invalid_input"
    );
    let exported = actions(&h, json!({"action": "public-exported"}));
    assert_eq!(exported.len(), 4);
}

#[test]
fn secrets_are_exported_to_a_file_after_the_passphrase() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let (pem, fingerprint) = ed25519_pem();
    let id = h.ok("key_import", import_args("Signer", json!({"text": pem})))["key"]["id"].clone();
    let file = h.path("signer.key");
    let args = |format: &str, path: &Path, passphrase: &str, overwrite: bool| {
        json!({"id": id, "format": format, "path": path, "passphrase": passphrase,
               "keyfilePath": null, "overwrite": overwrite})
    };

    assert_eq!(
        h.code("key_export", args("pkcs8-pem", &file, "not it", false)),
        "wrong_passphrase"
    );
    assert!(!file.exists());
    let done = h.ok("key_export", args("openssh-private", &file, PASS, false));
    assert_eq!(done["path"], file.display().to_string());
    assert_eq!(done["format"], "openssh-private");
    let written = std::fs::read(&file).unwrap();
    assert!(written.starts_with(b"-----BEGIN OPENSSH PRIVATE KEY-----"));
    let back =
        keywarden_core::SecretKey::import(&written, keywarden_core::Format::OpenSshPrivate, None)
            .unwrap();
    assert_eq!(back.fingerprint().to_string(), fingerprint);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // An existing file is refused before the passphrase is checked, then replaced when
    // the person agrees.
    let before = actions(&h, json!({"action": "secret-exported"})).len();
    assert_eq!(
        h.code("key_export", args("pkcs8-pem", &file, PASS, false)),
        "file_exists"
    );
    assert_eq!(
        actions(&h, json!({"action": "secret-exported"})).len(),
        before
    );
    assert_eq!(std::fs::read(&file).unwrap(), written);
    h.ok("key_export", args("jwk", &file, PASS, true));
    let jwk: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert!(jwk["d"].is_string());

    // Hostile paths and formats; nothing is written.
    assert_eq!(
        h.code("key_export", args("pkcs8-pem", h.dir.path(), PASS, true)),
        "invalid_input"
    );
    assert_eq!(
        h.code(
            "key_export",
            args("pkcs8-pem", &h.path("missing/dir/k.pem"), PASS, false)
        ),
        "invalid_input"
    );
    assert_eq!(
        h.code(
            "key_export",
            args("pkcs8-pem", Path::new("relative.pem"), PASS, false)
        ),
        "invalid_input"
    );
    let other = h.path("other.pem");
    for format in ["spki-pem", "hex", "age-identity", "nonsense"] {
        assert_eq!(
            h.code("key_export", args(format, &other, PASS, false)),
            "invalid_input",
            "{format}"
        );
    }
    assert!(!other.exists());
    let key = h.ok("key_get", json!({ "id": id }));
    assert!(key["exportedAt"].is_string());
    let outcomes: Vec<String> = h
        .ok("audit_list", json!({"action": "secret-exported"}))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(outcomes, ["success", "success", "failure"]);
    // No temporary file left behind.
    let names: Vec<String> = std::fs::read_dir(h.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".keywarden-export"))
        .collect();
    assert_eq!(names, Vec::<String>::new());
}

#[test]
fn formats_for_the_ui() {
    let h = Harness::new();
    let formats = h.ok("key_formats", json!({}));
    let ids: Vec<&str> = formats
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 12);
    assert_eq!(ids[0], "pkcs8-pem");
    assert_eq!(ids[11], "jwk");
    let spki = &formats[7];
    assert_eq!(spki["id"], "spki-pem");
    assert_eq!(spki["kind"], "public");
    assert!(
        spki["publicFor"]
            .as_array()
            .unwrap()
            .contains(&json!("ed25519"))
    );
    assert_eq!(formats[8]["binary"], true);
}

#[test]
fn destructions_by_the_timer_emit_keys_changed() {
    let clock = TestClock::at(1_800_000_000);
    let h = clocked(clock.clone());
    let seen = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = seen.clone();
    h.app.listen(crate::dto::KEYS_CHANGED, move |event| {
        sink.lock()
            .unwrap()
            .push(serde_json::from_str(event.payload()).unwrap());
    });
    h.create("v.keywarden", None);
    let id = h.generate("Old", "aes-256", &[])["id"].clone();
    h.ok(
        "key_schedule_destruction",
        json!({"id": id, "days": null, "reason": "retired"}),
    );
    crate::autolock::tick(h.app.handle(), Instant::now());
    assert!(seen.lock().unwrap().is_empty());
    clock.advance_days(8);
    crate::autolock::tick(h.app.handle(), Instant::now());
    assert_eq!(*seen.lock().unwrap(), vec![json!({"destroyed": 1})]);
    assert_eq!(h.ok("key_get", json!({ "id": id }))["state"], "destroyed");
}

#[test]
fn key_details_carry_every_form_of_the_fingerprint() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let key = h.generate("ssh", "ed25519", &[]);
    let version = &key["versions"][0];
    assert_eq!(version["fingerprints"][0]["kind"], "spki-sha256");
    assert_eq!(version["fingerprints"][0]["value"], key["fingerprint"]);
    assert_eq!(version["fingerprints"][1]["kind"], "openssh-sha256");
    assert!(
        version["fingerprints"][1]["value"]
            .as_str()
            .unwrap()
            .starts_with("SHA256:")
    );
}

// --- reminders: the dashboard, snoozes, the calendar, autostart --------------------------

/// Midday UTC, so that whole days added keep the time of day in any time zone.
const NOON: i64 = 1_800_000_000 - 1_800_000_000 % 86_400 + 43_200;

fn generate_rotating(h: &Harness, name: &str, days: u32) -> String {
    h.ok(
        "key_generate",
        json!({"name": name, "algorithm": "aes-256", "notes": "", "tags": [], "rotationDays": days}),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn due_names(dashboard: &Value) -> Vec<(String, String, String)> {
    dashboard["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["kind"].as_str().unwrap().to_owned(),
                d["urgency"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_dashboard_shows_what_is_due_overdue_first() {
    let clock = TestClock::at(NOON);
    let h = clocked(clock.clone());
    h.create("v.keywarden", None);
    let soon = generate_rotating(&h, "Soon", 10);
    generate_rotating(&h, "Later", 40);
    let idle = h.generate("Idle", "aes-128", &[])["id"].clone();
    h.ok(
        "key_set_state",
        json!({"id": idle, "to": "suspended", "reason": "parked"}),
    );

    let d = h.ok("dashboard", json!({}));
    assert_eq!(d["reminderDays"], json!([30, 14, 7, 1]));
    assert_eq!(d["maxSnoozeDays"], 30);
    assert_eq!(
        due_names(&d),
        [("Soon".to_owned(), "rotation".to_owned(), "soon".to_owned())]
    );
    assert_eq!(d["due"][0]["id"], soon);
    assert_eq!(d["due"][0]["days"], 10);
    assert_eq!(d["due"][0]["threshold"], 14);
    assert_eq!(d["due"][0]["subject"], "key");
    assert_eq!(d["due"][0]["keyState"], "active");
    assert_eq!(d["due"][0]["snooze"], Value::Null);
    assert_eq!(d["counts"]["keys"], 3);
    assert_eq!(
        (d["counts"]["overdue"].clone(), d["counts"]["soon"].clone()),
        (json!(0), json!(1))
    );
    let by_state: Vec<(String, u64)> = d["counts"]["byState"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["state"].as_str().unwrap().to_owned(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(by_state.len(), 6);
    assert!(by_state.contains(&("active".to_owned(), 2)));
    assert!(by_state.contains(&("suspended".to_owned(), 1)));
    // The newest audit entries, newest first, at most eight.
    let recent = d["recentAudit"].as_array().unwrap();
    assert_eq!(recent.len(), 5);
    assert_eq!(recent[0]["action"], "state-changed");
    assert_eq!(recent.last().unwrap()["action"], "vault-created");
    assert_eq!(d["unused"], json!([]));

    // Twelve days on: "Soon" is two days overdue (listed first, not as a violation:
    // it is a due date), "Later" is within the 30-day threshold.
    clock.advance_days(12);
    let d = h.ok("dashboard", json!({}));
    assert_eq!(
        due_names(&d),
        [
            (
                "Soon".to_owned(),
                "rotation".to_owned(),
                "overdue".to_owned()
            ),
            ("Later".to_owned(), "rotation".to_owned(), "soon".to_owned()),
        ]
    );
    assert_eq!(d["due"][0]["days"], 2);
    assert_eq!(d["due"][0]["threshold"], Value::Null);
    assert_eq!(d["counts"]["overdue"], 1);
    assert_eq!(d["violations"], json!([]));

    // A key nobody used for 90 days is listed for review.
    clock.advance_days(90);
    let d = h.ok("dashboard", json!({}));
    let unused: Vec<&str> = d["unused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["keyName"].as_str().unwrap())
        .collect();
    assert_eq!(unused.len(), 3, "{unused:?}");
    assert_eq!(d["counts"]["unused"], 3);
    assert_eq!(d["unusedDays"], 90);

    // At most the eight newest entries.
    for n in 0..4 {
        h.generate(&format!("Extra {n}"), "aes-256", &[]);
    }
    let recent = h.ok("dashboard", json!({}))["recentAudit"].clone();
    let recent = recent.as_array().unwrap();
    assert_eq!(recent.len(), 8);
    assert_eq!(recent[0]["keyName"], "Extra 3");
    assert!(recent.iter().all(|e| e["action"] != "vault-created"));

    h.ok("vault_lock", json!({}));
    assert_eq!(h.code("dashboard", json!({})), "locked");
}

#[test]
fn the_dashboard_lists_policy_violations_but_not_overdue_rotations_twice() {
    let clock = TestClock::at(NOON);
    let h = clocked(clock.clone());
    h.create("v.keywarden", None);
    h.generate("Old AES-128", "aes-128", &[]);
    h.ok(
        "policy_set",
        json!({"name": "min-strength", "value": "256", "reason": "tighten"}),
    );
    let d = h.ok("dashboard", json!({}));
    let violations = d["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0]["keyName"], "Old AES-128");
    assert_eq!(violations[0]["findings"][0]["severity"], "violation");
    assert_eq!(d["counts"]["violations"], 1);
}

#[test]
fn snoozing_a_reminder_is_audited_with_its_reason_and_bounded_by_the_policy() {
    let clock = TestClock::at(NOON);
    let h = clocked(clock.clone());
    h.create("v.keywarden", None);
    let id = generate_rotating(&h, "Payroll", 10);
    clock.advance_days(11);
    let due_at: Timestamp = h.ok("dashboard", json!({}))["due"][0]["dueAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let day = |n: i64| {
        Timestamp::from_second(due_at.as_second() + n * 86_400)
            .unwrap()
            .to_string()
    };

    // Hostile and refused calls change nothing.
    let huge = "x".repeat(1001);
    let bad = [
        (
            json!({"id": "nope", "kind": "rotation", "until": day(5), "reason": "r"}),
            "invalid_input",
        ),
        (
            json!({"id": "0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10", "kind": "rotation", "until": day(5), "reason": "r"}),
            "key_not_found",
        ),
        (
            json!({"id": id, "kind": "renewal", "until": day(5), "reason": "r"}),
            "invalid_input",
        ),
        (
            json!({"id": id, "kind": "rotation", "until": "next week", "reason": "r"}),
            "invalid_input",
        ),
        (
            json!({"id": id, "kind": "rotation", "until": day(5), "reason": huge}),
            "invalid_input",
        ),
        (
            json!({"id": id, "kind": "rotation", "until": day(5), "reason": "   "}),
            "invalid_input",
        ),
        (
            json!({"id": id, "kind": "rotation", "until": day(5)}),
            "invalid_input",
        ),
        (
            json!({"id": id, "kind": 3, "until": day(5), "reason": "r"}),
            "invalid_input",
        ),
        // Past the longest snooze (30 days past the due date).
        (
            json!({"id": id, "kind": "rotation", "until": day(31), "reason": "r"}),
            "not_allowed",
        ),
        // Nothing of that kind is due for the key.
        (
            json!({"id": id, "kind": "destruction", "until": day(5), "reason": "r"}),
            "not_allowed",
        ),
        // Not in the future.
        (
            json!({"id": id, "kind": "rotation", "until": day(-1), "reason": "r"}),
            "invalid_input",
        ),
    ];
    for (args, code) in bad {
        assert_eq!(h.code("reminder_snooze", args.clone()), code, "{args}");
    }
    assert_eq!(h.ok("dashboard", json!({}))["counts"]["snoozed"], 0);

    let d = h.ok(
        "reminder_snooze",
        json!({"id": id, "kind": "rotation", "until": day(30), "reason": "  Waiting for the new HSM  "}),
    );
    assert_eq!(d["due"][0]["snooze"]["reason"], "Waiting for the new HSM");
    assert_eq!(d["due"][0]["snooze"]["until"], day(30));
    assert_eq!(d["due"][0]["urgency"], "overdue");
    assert_eq!(
        (
            d["counts"]["overdue"].clone(),
            d["counts"]["snoozed"].clone()
        ),
        (json!(0), json!(1))
    );
    let entries = h.ok(
        "audit_list",
        json!({"action": "reminder-snoozed", "outcome": "success"}),
    );
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["reason"], "Waiting for the new HSM");
    assert_eq!(entries[0]["keyId"], id);
    // The refusals that reached the engine are in the log too.
    assert!(
        !actions(
            &h,
            json!({"action": "reminder-snoozed", "outcome": "failure"})
        )
        .is_empty()
    );

    // Locked: the tray still sees the date, snoozed, without a name.
    h.ok("vault_lock", json!({}));
    let keywarden_core::reminder::Reminders { dates, thresholds } =
        h.state().reminder_dates().unwrap();
    assert_eq!(thresholds, [30, 14, 7, 1]);
    assert_eq!(dates.len(), 1);
    assert_eq!(dates[0].due_at, due_at);
    assert_eq!(dates[0].snoozed_until.unwrap().to_string(), day(30));
    assert_eq!(
        h.code(
            "reminder_snooze",
            json!({"id": id, "kind": "rotation", "until": day(5), "reason": "r"})
        ),
        "locked"
    );
    assert_eq!(
        h.code(
            "reminder_cancel_snooze",
            json!({"id": id, "kind": "rotation", "reason": "r"})
        ),
        "locked"
    );
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );

    let d = h.ok(
        "reminder_cancel_snooze",
        json!({"id": id, "kind": "rotation", "reason": "The HSM arrived"}),
    );
    assert_eq!(d["due"][0]["snooze"], Value::Null);
    assert_eq!(d["counts"]["overdue"], 1);
    assert_eq!(
        h.code(
            "reminder_cancel_snooze",
            json!({"id": id, "kind": "rotation", "reason": "again"})
        ),
        "not_allowed"
    );
    assert_eq!(
        h.code(
            "reminder_cancel_snooze",
            json!({"id": id, "kind": "rotation", "reason": ""})
        ),
        "invalid_input"
    );
    let cancelled = h.ok(
        "audit_list",
        json!({"action": "snooze-cancelled", "outcome": "success"}),
    );
    assert_eq!(cancelled[0]["reason"], "The HSM arrived");

    // A policy that allows no snoozing refuses every snooze.
    h.ok(
        "policy_set",
        json!({"name": "max-snooze-days", "value": "0", "reason": "no more delays"}),
    );
    assert_eq!(
        h.code(
            "reminder_snooze",
            json!({"id": id, "kind": "rotation", "until": day(2), "reason": "r"})
        ),
        "not_allowed"
    );
}

#[test]
fn the_policy_page_reads_and_sets_the_reminder_settings() {
    let h = Harness::new();
    h.create("v.keywarden", None);
    let p = h.ok("policy_get", json!({}));
    assert_eq!(p["reminderDays"], json!([30, 14, 7, 1]));
    assert_eq!(p["maxSnoozeDays"], 30);
    let p = h.ok(
        "policy_set",
        json!({"name": "reminder-days", "value": "7, 60,1", "reason": "earlier warning"}),
    );
    assert_eq!(p["reminderDays"], json!([60, 7, 1]));
    let p = h.ok(
        "policy_set",
        json!({"name": "max-snooze-days", "value": "14", "reason": "shorter delays"}),
    );
    assert_eq!(p["maxSnoozeDays"], 14);
    for (name, value) in [
        ("reminder-days", ""),
        ("reminder-days", "0"),
        ("reminder-days", "1,2,3,4,5,6,7,8,9"),
        ("max-snooze-days", "181"),
        ("max-snooze-days", "-1"),
    ] {
        assert_eq!(
            h.code(
                "policy_set",
                json!({"name": name, "value": value, "reason": "r"})
            ),
            "invalid_input",
            "{name}={value}"
        );
    }
    assert_eq!(
        h.ok("dashboard", json!({}))["reminderDays"],
        json!([60, 7, 1])
    );
}

#[test]
fn the_review_report_is_written_once_with_its_numbers_and_audited() {
    let clock = TestClock::at(NOON);
    let h = clocked(clock.clone());
    h.create("v.keywarden", None);
    generate_rotating(&h, "Payroll DB master", 10);
    let path = h.path("review.html");
    let args = |overwrite: bool| json!({"path": path, "unusedDays": null, "overwrite": overwrite});

    let done = h.ok("report_export", args(false));
    assert_eq!(done["path"], json!(path));
    assert_eq!(
        (
            done["keys"].clone(),
            done["dueSoon"].clone(),
            done["unescrowed"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(done["auditIntact"], true);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("Payroll DB master") && html.contains("id=\"escrow\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert_eq!(h.code("report_export", args(false)), "file_exists");
    h.ok("report_export", args(true));
    let pdf = h.path("review.pdf");
    let done = h.ok(
        "report_export",
        json!({"path": pdf, "format": "pdf", "paper": "letter"}),
    );
    assert_eq!(done["keys"], json!(1));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&bytes).contains("/MediaBox [0 0 612 792]"));
    for bad in [
        json!({"path": "review.html"}),
        json!({"path": path, "format": "docx", "overwrite": true}),
        json!({"path": path, "format": "pdf", "paper": "a5", "overwrite": true}),
        json!({"path": path, "unusedDays": 0, "overwrite": true}),
        json!({"path": path, "unusedDays": 36_501, "overwrite": true}),
        json!({"path": h.dir.path(), "overwrite": true}),
    ] {
        assert_eq!(
            h.code("report_export", bad.clone()),
            "invalid_input",
            "{bad}"
        );
    }
    let entries = h.ok("audit_list", json!({"action": "report-exported"}));
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 3, "{entries:?}");
    let details: Vec<&str> = entries
        .iter()
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("HTML, 1 key, unused window 90 days, to ")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("PDF on letter, 1 key, unused window 90 days, to ")),
        "{details:?}"
    );
}

#[test]
fn the_calendar_is_written_atomically_naming_keys_or_not() {
    let clock = TestClock::at(NOON);
    let h = clocked(clock.clone());
    h.create("v.keywarden", None);
    let id = generate_rotating(&h, "Payroll DB master", 10);
    let path = h.path("due.ics");
    let args = |naming: &str, overwrite: bool| json!({"path": path, "naming": naming, "overwrite": overwrite});

    let done = h.ok("calendar_export", args("ids", false));
    assert_eq!(done["events"], 1);
    assert_eq!(done["names"], false);
    assert_eq!(done["path"], json!(path));
    let ics = std::fs::read_to_string(&path).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains(&format!("key {id}")), "{ics}");
    assert!(!ics.contains("Payroll"), "{ics}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    assert_eq!(
        h.code("calendar_export", args("names", false)),
        "file_exists"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), ics);
    let done = h.ok("calendar_export", args("names", true));
    assert_eq!(done["names"], true);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Payroll DB master")
    );

    for bad in [
        json!({"path": "due.ics", "naming": "ids"}),
        json!({"path": path, "naming": "everything"}),
        json!({"path": path}),
        json!({"path": h.dir.path(), "naming": "ids", "overwrite": true}),
    ] {
        assert_eq!(
            h.code("calendar_export", bad.clone()),
            "invalid_input",
            "{bad}"
        );
    }
    assert_eq!(
        h.code(
            "calendar_export",
            json!({"path": h.path("missing/due.ics"), "naming": "ids"})
        ),
        "io"
    );
    // Nothing but the calendar was left in the folder.
    let names: Vec<String> = std::fs::read_dir(h.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("v.keywarden"))
        .collect();
    assert_eq!(names, ["due.ics"]);

    // Each export is in the audit log, a failed write too (a refusal before writing,
    // such as file_exists, is not an export).
    let entries = h.ok("audit_list", json!({"action": "calendar-exported"}));
    let entries: Vec<(String, String)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert_eq!(entries[0].0, "failure");
    assert!(entries[0].1.contains("missing/due.ics"), "{entries:?}");
    assert_eq!(entries[1].0, "success");
    assert!(
        entries[1].1.starts_with("1 event, titles name keys, to "),
        "{entries:?}"
    );
    assert!(
        entries[2]
            .1
            .starts_with("1 event, titles give key ids only, to "),
        "{entries:?}"
    );

    h.ok("vault_lock", json!({}));
    assert_eq!(h.code("calendar_export", args("ids", true)), "locked");
}

/// A launcher that records what it was asked, instead of writing ~/.config/autostart.
#[derive(Default)]
struct FakeLauncher {
    enabled: Mutex<bool>,
    broken: Mutex<bool>,
}

impl crate::autostart::Launcher for FakeLauncher {
    fn is_enabled(&self) -> Result<bool, String> {
        Ok(*self.enabled.lock().unwrap())
    }

    fn set_enabled(&self, enabled: bool) -> Result<(), String> {
        if *self.broken.lock().unwrap() {
            return Err("the autostart folder is read-only".to_owned());
        }
        *self.enabled.lock().unwrap() = enabled;
        Ok(())
    }
}

#[test]
fn starting_at_login_is_switched_through_the_launcher() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::insecure_for_tests(Some(dir.path().join("default.keywarden")));
    let launcher = Arc::new(FakeLauncher::default());
    state.set_launcher(launcher.clone());
    let h = Harness::from_state(dir, state);

    // Readable with no vault; changed only with one unlocked.
    assert_eq!(
        h.ok("settings_autostart", json!({})),
        json!({"enabled": false})
    );
    assert_eq!(
        h.code("settings_set_autostart", json!({"enabled": true})),
        "no_vault"
    );
    h.create("v.keywarden", None);
    assert_eq!(
        h.code("settings_set_autostart", json!({"enabled": "yes"})),
        "invalid_input"
    );
    assert_eq!(h.code("settings_set_autostart", json!({})), "invalid_input");
    assert!(!*launcher.enabled.lock().unwrap());
    assert_eq!(
        h.ok("settings_set_autostart", json!({"enabled": true})),
        json!({"enabled": true})
    );
    assert!(*launcher.enabled.lock().unwrap());
    assert_eq!(
        h.ok("settings_autostart", json!({})),
        json!({"enabled": true})
    );

    *launcher.broken.lock().unwrap() = true;
    assert_eq!(
        h.code("settings_set_autostart", json!({"enabled": false})),
        "io"
    );
    assert!(*launcher.enabled.lock().unwrap());
    *launcher.broken.lock().unwrap() = false;
    // Both attempts are in the audit log (newest first), the failed one with why.
    let mut changes: Vec<(String, String)> = h
        .ok("audit_list", json!({"action": "settings-changed"}))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    changes.reverse();
    assert_eq!(
        changes,
        [
            (
                "success".to_owned(),
                "start at login, minimised to the tray: on".to_owned()
            ),
            (
                "failure".to_owned(),
                "start at login, minimised to the tray: off: the autostart folder is read-only"
                    .to_owned()
            ),
        ]
    );

    h.ok("vault_lock", json!({}));
    assert_eq!(
        h.code("settings_set_autostart", json!({"enabled": false})),
        "locked"
    );
    assert!(*launcher.enabled.lock().unwrap());
}

#[test]
fn a_copied_secret_is_wiped_when_the_vault_locks_or_closes() {
    use crate::clipboard::tests::FakeBoard;
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::insecure_for_tests(Some(dir.path().join("default.keywarden")));
    let board = Arc::new(FakeBoard::default());
    state.clipboard.set_board(board.clone());
    let h = Harness::from_state(dir, state);
    let copy = |text: &str, secret: bool| json!({"text": text, "secret": secret});

    // A secret needs an unlocked vault; a public text does not.
    assert_eq!(h.code("clipboard_copy", copy("s3cret", true)), "no_vault");
    assert_eq!(board.text(), None);
    assert_eq!(
        h.ok("clipboard_copy", copy("ssh-ed25519 AAAA", false)),
        json!({"clearsInSeconds": null})
    );
    assert_eq!(board.text().as_deref(), Some("ssh-ed25519 AAAA"));
    for bad in [
        copy("", true),
        copy(&"x".repeat(1024 * 1024 + 1), false),
        json!({"text": "s3cret"}),
        json!({"text": 7, "secret": true}),
    ] {
        assert_eq!(h.code("clipboard_copy", bad), "invalid_input");
    }

    h.create("v.keywarden", None);
    h.ok("settings_set_clipboard_clear", json!({"seconds": 90}));
    assert_eq!(
        h.ok("clipboard_copy", copy("s3cret", true)),
        json!({"clearsInSeconds": 90})
    );
    assert_eq!(board.text().as_deref(), Some("s3cret"));
    // Locking wipes it at once, long before its wait is over.
    h.ok("vault_lock", json!({}));
    assert_eq!(board.text(), None);
    assert_eq!(h.code("clipboard_copy", copy("s3cret", true)), "locked");

    // A public text stays when the vault locks; a secret goes when it closes.
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    h.ok("clipboard_copy", copy("age1public", false));
    h.ok("vault_lock", json!({}));
    assert_eq!(board.text().as_deref(), Some("age1public"));
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    h.ok("clipboard_copy", copy("s3cret", true));
    h.ok("vault_close", json!({}));
    assert_eq!(board.text(), None);
    h.ok("clipboard_copy", copy("age1public", false));
    // Clear now empties whatever is there.
    h.ok("clipboard_clear", json!({}));
    assert_eq!(board.text(), None);
}
