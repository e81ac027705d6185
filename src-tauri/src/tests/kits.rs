//! The recovery-kit commands through the real IPC path: making, previewing, saving and
//! discarding kits, the register, reading kits back, restoring and drilling, and what
//! locking does to work in progress. No answer carries a share, key material or a kit
//! passphrase, except the passphrase the person asked Keywarden to generate.

use std::path::{Path, PathBuf};

use keywarden_core::kit::KitId;
use keywarden_core::kit::pdf::CODE_CHARS;
use serde_json::{Value, json};

use super::{Harness, PASS};
use crate::state::Vault;

/// The arguments of `kit_prepare` for a 2-of-3 split kit of `keys`.
fn split_args(keys: &[&str]) -> Value {
    json!({
        "keys": keys, "kind": "split", "custodians": ["Ada", "Bea", "Cy"], "threshold": 2,
        "paper": "a4", "passphrase": PASS, "keyfilePath": null,
    })
}

/// `args` with `changes` merged in.
fn with(mut args: Value, changes: Value) -> Value {
    if let (Some(a), Some(c)) = (args.as_object_mut(), changes.as_object()) {
        for (k, v) in c {
            a.insert(k.clone(), v.clone());
        }
    }
    args
}

/// An unlocked vault with one AES-256 key; answers the key's id and revealed hex.
fn vault_with_key(h: &Harness, vault: &str) -> (String, String) {
    h.create(vault, None);
    let id = h.generate("Payroll export key", "aes-256", &[])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hex = h.ok(
        "key_reveal",
        json!({"id": id, "passphrase": PASS, "keyfilePath": null}),
    )["text"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, hex)
}

/// The share words of each sheet of the prepared kit, read from the shell's state.
fn prepared_shares(h: &Harness) -> Vec<String> {
    let state = h.state();
    let vault = state.vault.blocking_lock();
    let Vault::Unlocked { session, .. } = &*vault else {
        panic!("the vault is not unlocked");
    };
    let kit = session.prepared.as_ref().expect("a prepared kit");
    kit.sheets
        .iter()
        .map(|s| s.mnemonic.as_ref().expect("a share").to_string())
        .collect()
}

/// What a QR reader reads from the codes of a kit whose `.age` copy is at `payload`.
fn codes_of(kit: &str, payload: &Path) -> String {
    let id: KitId = kit.parse().unwrap();
    keywarden_core::kit::chunk::split(id, &std::fs::read(payload).unwrap(), CODE_CHARS)
        .unwrap()
        .join("\n")
}

fn audit(h: &Harness, action: &str) -> Vec<(String, String)> {
    h.ok("audit_list", json!({ "action": action }))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn assert_secret_free(answer: &Value, secrets: &[&str]) {
    let text = answer.to_string();
    for secret in secrets {
        assert!(!text.contains(secret), "{text} holds a secret");
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_split_kit_is_made_saved_registered_and_recovered_into_a_new_vault() {
    let h = Harness::new();
    let (id, hex) = vault_with_key(&h, "first.keywarden");
    assert_eq!(h.ok("kits_list", json!({})), json!([]));

    let kit = h.ok("kit_prepare", split_args(&[&id]));
    let kit_id = kit["id"].as_str().unwrap().to_owned();
    assert!(kit_id.starts_with("KW-") && kit_id.len() == 12, "{kit_id}");
    assert_eq!(kit["generation"], 1);
    assert_eq!(kit["kind"], "split");
    assert_eq!(
        (kit["threshold"].clone(), kit["count"].clone()),
        (json!(2), json!(3))
    );
    assert_eq!(kit["passphrase"], Value::Null);
    assert_eq!(kit["paper"], "a4");
    let sheets = kit["sheets"].as_array().unwrap();
    let holders: Vec<(Value, Value)> = sheets
        .iter()
        .map(|s| (s["custodian"].clone(), s["share"].clone()))
        .collect();
    assert_eq!(
        holders,
        [
            (json!("Ada"), json!(1)),
            (json!("Bea"), json!(2)),
            (json!("Cy"), json!(3))
        ]
    );
    assert_eq!(sheets[1]["file"], format!("{kit_id}-share-2-of-3-bea.pdf"));
    assert_eq!(kit["payloadFile"], format!("{kit_id}.age"));
    let detail = h.ok("key_get", json!({ "id": id }));
    assert_eq!(kit["keys"][0]["id"], json!(id));
    assert_eq!(
        kit["keys"][0]["fingerprints"],
        detail["versions"][0]["fingerprints"]
    );
    let shares = prepared_shares(&h);
    assert_eq!(shares.len(), 3);
    let share_refs: Vec<&str> = shares.iter().map(String::as_str).collect();
    assert_secret_free(&kit, &[&hex, share_refs[0], share_refs[1], share_refs[2]]);
    // Prepared is not registered.
    assert_eq!(h.ok("kits_list", json!({})), json!([]));

    // Each sheet's pages, as SVG: the sheet of Bea carries Bea's share and no other.
    let preview = h.ok("kit_preview", json!({"sheet": 1}));
    assert_eq!(preview["sheet"], 1);
    let pages = preview["pages"].as_array().unwrap();
    assert!(pages.len() >= 2, "a sheet and its page for heirs");
    for page in pages {
        let svg = page.as_str().unwrap();
        assert!(svg.contains("<svg"), "{}", &svg[..svg.len().min(200)]);
    }
    let all = preview.to_string();
    assert!(all.contains("Bea") && all.contains(&kit_id));
    assert!(
        shares[1].split(' ').all(|word| all.contains(word)),
        "Bea's words are on her sheet"
    );
    assert!(
        !all.contains(&hex),
        "an encrypted kit's sheet shows no key material"
    );

    // Saving refuses what is not a usable folder, and never writes over a file.
    let busy = h.path("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join(format!("{kit_id}.age")), b"mine").unwrap();
    assert_eq!(
        h.code("kit_save", json!({"directory": busy})),
        "file_exists"
    );
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    assert_eq!(
        std::fs::read(busy.join(format!("{kit_id}.age"))).unwrap(),
        b"mine"
    );
    for bad in [
        json!({"directory": "relative/dir"}),
        json!({"directory": ""}),
        json!({"directory": h.path("missing")}),
        json!({"directory": h.path("first.keywarden")}),
        json!({"directory": 5}),
        json!({}),
    ] {
        assert_eq!(h.code("kit_save", bad.clone()), "invalid_input", "{bad}");
    }

    let out = h.path("kit");
    std::fs::create_dir(&out).unwrap();
    let saved = h.ok("kit_save", json!({ "directory": out }));
    assert_secret_free(&saved, &share_refs);
    let files: Vec<PathBuf> = saved["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| PathBuf::from(f.as_str().unwrap()))
        .collect();
    assert_eq!(files.len(), 4);
    for (file, sheet) in files.iter().zip(sheets) {
        assert_eq!(file, &out.join(sheet["file"].as_str().unwrap()));
        assert!(std::fs::read(file).unwrap().starts_with(b"%PDF-"));
    }
    let payload = out.join(format!("{kit_id}.age"));
    assert_eq!(files[3], payload);
    assert!(
        std::fs::read(&payload)
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );
    #[cfg(unix)]
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        4,
        "no temporary file is left"
    );
    assert_eq!(saved["kit"]["id"], json!(kit_id));
    assert_eq!(saved["kit"]["status"], "current");
    assert_eq!(
        saved["kit"]["custody"][2],
        json!({"custodian": "Cy", "share": 3})
    );
    assert_eq!(saved["kit"]["keys"][0]["version"], 1);
    assert_eq!(saved["kit"]["lastDrill"], Value::Null);
    // Saved once: the kit is no longer waiting.
    assert_eq!(
        h.code("kit_save", json!({ "directory": out })),
        "invalid_input"
    );

    let register = h.ok("kits_list", json!({"key": null}));
    assert_eq!(register, json!([saved["kit"]]));
    assert_eq!(h.ok("kits_list", json!({ "key": id })), register);
    let other = h.generate("Unrelated", "aes-128", &[])["id"].clone();
    assert_eq!(h.ok("kits_list", json!({ "key": other })), json!([]));
    assert_eq!(
        h.code("kits_list", json!({"key": "KW-1234"})),
        "invalid_input"
    );
    assert_eq!(
        audit(&h, "kit-created"),
        [(
            "success".to_owned(),
            format!(
                "kit {kit_id} generation 1, split, version 1, held by Ada (share 1), Bea (share 2), Cy (share 3)"
            )
        )]
    );

    // Read two sheets back, as a scanner gives them: the codes, then the share.
    let codes = codes_of(&kit_id, &payload);
    let first = h.ok(
        "kit_recover_add",
        json!({"text": format!("{codes}\n\n{}", shares[0])}),
    );
    assert_eq!(first["kit"], json!(kit_id));
    assert_eq!(first["shares"], json!({"have": 1, "need": 2}));
    let n = first["codes"]["need"].as_u64().unwrap();
    assert!(n >= 1);
    assert_eq!(first["codes"]["have"], n);
    assert_eq!(first["added"]["shares"], 1);
    assert_secret_free(&first, &share_refs);
    // The same share twice adds nothing and says so; so does a share of nothing.
    let repeat = h
        .invoke("kit_recover_add", json!({"text": shares[0]}))
        .unwrap_err();
    assert_eq!(repeat["code"], "invalid_input");
    assert!(
        repeat["message"].as_str().unwrap().contains("twice"),
        "{repeat}"
    );
    assert_secret_free(&repeat, &share_refs);
    let mut words: Vec<&str> = shares[2].split(' ').collect();
    words[1] = "zzzzzz";
    let typo = words.join(" ");
    let error = h
        .invoke("kit_recover_add", json!({ "text": typo }))
        .unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    assert!(
        error["message"].as_str().unwrap().contains("word 2"),
        "{error}"
    );
    let second = h.ok(
        "kit_recover_add",
        json!({"text": format!("{codes}\n\n{}", shares[2])}),
    );
    assert_eq!(second["shares"], json!({"have": 2, "need": 2}));
    assert_eq!(second["added"]["codes"], 0);

    // A drill opens it and checks it against the register; nothing is restored.
    let drilled = h.ok("kit_drill", json!({}));
    assert_eq!(drilled["id"], json!(kit_id));
    assert!(drilled["lastDrill"].is_string());
    assert_secret_free(&drilled, &[&hex]);
    assert_eq!(audit(&h, "kit-drilled")[0].0, "success");
    assert_eq!(h.code("kit_recover_open", json!({})), "invalid_input");

    // The vault is lost; a new one is made and the kit is read into it.
    h.ok("vault_close", json!({}));
    h.create("second.keywarden", None);
    assert_eq!(h.ok("kits_list", json!({})), json!([]));
    h.ok(
        "kit_recover_add",
        json!({"text": format!("{codes}\n\n{}", shares[1])}),
    );
    let both = h.ok("kit_recover_add", json!({"text": shares[2]}));
    assert_eq!(both["shares"], json!({"have": 2, "need": 2}));
    let opened = h.ok(
        "kit_recover_open",
        json!({"kitPassphrase": null, "identity": null}),
    );
    assert_secret_free(&opened, &[&hex]);
    assert_eq!(opened["kit"], json!(kit_id));
    assert_eq!(opened["inRegister"], false);
    assert_eq!(opened["keys"][0]["name"], "Payroll export key");
    assert_eq!(
        opened["keys"][0]["fingerprints"],
        detail["versions"][0]["fingerprints"]
    );
    // Not this vault's kit: no drill.
    assert_eq!(h.code("kit_drill", json!({})), "invalid_input");
    let restored = h.ok("kit_recover_restore", json!({}));
    assert_eq!(restored["kit"], json!(kit_id));
    assert_eq!(restored["keys"][0]["outcome"], "added");
    assert_eq!(restored["keys"][0]["name"], "Payroll export key");
    let new_id = restored["keys"][0]["id"].clone();
    let back = h.ok("key_get", json!({ "id": new_id }));
    assert_eq!(back["fingerprint"], detail["fingerprint"]);
    let back_hex = h.ok(
        "key_reveal",
        json!({"id": new_id, "passphrase": PASS, "keyfilePath": null}),
    );
    assert_eq!(back_hex["text"], json!(hex));
    assert_eq!(audit(&h, "kit-recovered")[0].0, "success");
    // The restore ended the recovery; reading it again finds the key already there.
    assert_eq!(h.code("kit_recover_restore", json!({})), "invalid_input");
    h.ok(
        "kit_recover_add",
        json!({"text": format!("{codes}\n\n{}\n\n{}", shares[0], shares[1])}),
    );
    h.ok("kit_recover_open", json!({}));
    let again = h.ok("kit_recover_restore", json!({}));
    assert_eq!(again["keys"][0]["outcome"], "already-present");
    assert_eq!(again["keys"][0]["id"], new_id);
}

#[test]
fn a_personal_kit_shows_a_generated_passphrase_once_and_never_keeps_it() {
    let h = Harness::new();
    let (id, hex) = vault_with_key(&h, "v.keywarden");
    let words = h.ok("kit_generate_passphrase", json!({}));
    assert_eq!(words["words"], 6);
    assert_eq!(words["passphrase"].as_str().unwrap().split(' ').count(), 6);
    assert_ne!(h.ok("kit_generate_passphrase", json!({})), words);

    let args = json!({
        "keys": [id], "kind": "personal", "custodians": ["Ada"], "kitPassphrase": null,
        "paper": "letter", "passphrase": PASS, "keyfilePath": null,
    });
    assert_eq!(
        h.code(
            "kit_prepare",
            with(args.clone(), json!({"passphrase": "not it"}))
        ),
        "wrong_passphrase"
    );
    assert_eq!(
        h.code(
            "kit_prepare",
            with(args.clone(), json!({"kitPassphrase": "too short"}))
        ),
        "invalid_input"
    );
    let kit = h.ok("kit_prepare", args.clone());
    let passphrase = kit["passphrase"].as_str().unwrap().to_owned();
    assert_eq!(passphrase.split(' ').count(), 6);
    assert_eq!(
        kit["sheets"][0]["file"],
        format!("{}.pdf", kit["id"].as_str().unwrap())
    );
    assert_eq!(kit["sheets"][0]["share"], Value::Null);
    assert_secret_free(&kit, &[&hex]);

    // A second kit replaces the first, which is recorded as not saved.
    let own = "a passphrase of my own choosing";
    let second = h.ok("kit_prepare", with(args, json!({ "kitPassphrase": own })));
    assert_eq!(second["passphrase"], Value::Null);
    assert_secret_free(&second, &[own, &hex]);
    assert_ne!(second["id"], kit["id"]);
    let out = h.path("out");
    std::fs::create_dir(&out).unwrap();
    let saved = h.ok("kit_save", json!({ "directory": out }));
    assert_eq!(saved["kit"]["id"], second["id"]);
    assert_eq!(saved["kit"]["kind"], "personal");
    assert_eq!(
        saved["kit"]["custody"],
        json!([{"custodian": "Ada", "share": null}])
    );
    let created = audit(&h, "kit-created");
    assert_eq!(created[0].0, "success");
    assert_eq!(created[1].0, "failure");
    assert!(
        created[1].1.contains("replaced by another kit"),
        "{created:?}"
    );
    // The generated passphrase is nowhere: not in the register, not in the audit log.
    for answer in [
        h.ok("kits_list", json!({})),
        h.ok("audit_list", json!({})),
        saved.clone(),
    ] {
        assert_secret_free(&answer, &[&passphrase, own]);
    }

    // Read back with the passphrase it was made with.
    let kit_id = saved["kit"]["id"].as_str().unwrap().to_owned();
    let codes = codes_of(&kit_id, &out.join(format!("{kit_id}.age")));
    let progress = h.ok("kit_recover_add", json!({ "text": codes }));
    assert_eq!(progress["shares"], json!({"have": 0, "need": 0}));
    assert_eq!(progress["codes"]["have"], progress["codes"]["need"]);
    assert_eq!(h.code("kit_recover_open", json!({})), "invalid_input");
    assert_eq!(
        h.code(
            "kit_recover_open",
            json!({"kitPassphrase": "a passphrase of another"})
        ),
        "wrong_passphrase"
    );
    assert_eq!(
        h.code(
            "kit_recover_open",
            json!({"kitPassphrase": own, "identity": "AGE-SECRET-KEY-1X"})
        ),
        "invalid_input"
    );
    let opened = h.ok("kit_recover_open", json!({ "kitPassphrase": own }));
    assert_eq!(opened["inRegister"], true);
    let drilled = h.ok("kit_drill", json!({}));
    assert!(drilled["lastDrill"].is_string());
}

#[test]
fn escrow_and_unencrypted_kits() {
    let h = Harness::new();
    let (id, hex) = vault_with_key(&h, "v.keywarden");
    // The escrow agent's key: an age identity kept in this vault, for the test.
    let agent = h.generate("Agent", "age-x25519", &[])["id"].clone();
    let recipient = h.ok(
        "key_export_public",
        json!({"id": agent, "version": null, "format": "age-recipient", "path": null}),
    )["text"]
        .as_str()
        .unwrap()
        .trim()
        .to_owned();
    let identity = h.ok(
        "key_reveal",
        json!({"id": agent, "passphrase": PASS, "keyfilePath": null}),
    )["text"]
        .as_str()
        .unwrap()
        .trim()
        .to_owned();
    let escrow = json!({
        "keys": [id], "kind": "escrow", "custodians": ["Mercer & Hale"], "recipient": recipient,
        "paper": "a4", "passphrase": PASS, "keyfilePath": null,
    });
    assert_eq!(
        h.code(
            "kit_prepare",
            with(escrow.clone(), json!({"recipient": "age1nope"}))
        ),
        "invalid_input"
    );
    let kit = h.ok("kit_prepare", escrow);
    assert_eq!(kit["recipient"], json!(recipient));
    assert_eq!(
        kit["sheets"][0]["file"],
        format!("{}.pdf", kit["id"].as_str().unwrap())
    );
    let out = h.path("escrow");
    std::fs::create_dir(&out).unwrap();
    let saved = h.ok("kit_save", json!({ "directory": out }));
    assert_eq!(saved["kit"]["recipient"], json!(recipient));
    let kit_id = saved["kit"]["id"].as_str().unwrap().to_owned();
    h.ok(
        "kit_recover_add",
        json!({"text": codes_of(&kit_id, &out.join(format!("{kit_id}.age")))}),
    );
    let opened = h.ok("kit_recover_open", json!({ "identity": identity }));
    assert_secret_free(&opened, &[&hex, &identity]);
    assert_eq!(opened["keys"][0]["id"], json!(id));
    h.ok("kit_recover_reset", json!({}));
    assert_eq!(h.code("kit_recover_open", json!({})), "invalid_input");

    // Unencrypted only after the acknowledgement; its copy is the document, as .txt.
    let plain = json!({
        "keys": [id], "kind": "unencrypted", "custodians": ["Ada"], "paper": "a4",
        "passphrase": PASS, "keyfilePath": null,
    });
    assert_eq!(h.code("kit_prepare", plain.clone()), "invalid_input");
    let kit = h.ok(
        "kit_prepare",
        with(plain, json!({"unencryptedAcknowledged": true})),
    );
    assert_eq!(
        kit["payloadFile"],
        format!("{}.txt", kit["id"].as_str().unwrap())
    );
    assert_secret_free(&kit, &[&hex]);
    h.ok("kit_discard", json!({}));
    let created = audit(&h, "kit-created");
    assert!(
        created[0].1.contains("discarded before it was saved"),
        "{created:?}"
    );
    assert_eq!(
        h.code("kit_save", json!({ "directory": out })),
        "invalid_input"
    );
    // Discarding nothing is no change.
    h.ok("kit_discard", json!({}));
    assert_eq!(audit(&h, "kit-created").len(), created.len());
}

#[test]
fn hostile_kit_arguments_are_invalid_input_and_change_nothing() {
    let h = Harness::new();
    let (id, _) = vault_with_key(&h, "v.keywarden");
    let split = split_args(&[&id]);
    let many: Vec<String> = (0..65).map(|_| id.clone()).collect();
    let crowd: Vec<String> = (0..17).map(|i| format!("c{i}")).collect();
    let bad = [
        with(split.clone(), json!({"keys": []})),
        with(split.clone(), json!({"keys": ["not-a-key"]})),
        with(split.clone(), json!({ "keys": many })),
        with(split.clone(), json!({"keys": "all"})),
        with(split.clone(), json!({"kind": "vault"})),
        with(split.clone(), json!({"kind": "k".repeat(100)})),
        with(split.clone(), json!({"threshold": 1})),
        with(split.clone(), json!({"threshold": 4})),
        with(split.clone(), json!({"threshold": null})),
        with(split.clone(), json!({"threshold": 2.5})),
        with(split.clone(), json!({"threshold": -2})),
        with(split.clone(), json!({ "custodians": crowd })),
        with(
            split.clone(),
            json!({"kitPassphrase": "a long enough passphrase"}),
        ),
        with(split.clone(), json!({"recipient": "age1x"})),
        with(split.clone(), json!({"unencryptedAcknowledged": true})),
        with(split.clone(), json!({"paper": "a5"})),
        with(split.clone(), json!({"paper": null})),
        with(split.clone(), json!({"passphrase": "p".repeat(1025)})),
        with(split.clone(), json!({"passphrase": null})),
        with(split.clone(), json!({"keyfilePath": "relative/key"})),
        with(
            split.clone(),
            json!({"kind": "personal", "threshold": null, "custodians": ["A", "B"]}),
        ),
        with(
            split.clone(),
            json!({"kind": "personal", "threshold": null, "custodians": ["A"], "kitPassphrase": "x".repeat(1025)}),
        ),
        with(
            split.clone(),
            json!({"kind": "escrow", "threshold": null, "custodians": ["A"]}),
        ),
        with(
            split.clone(),
            json!({"kind": "escrow", "threshold": null, "custodians": ["A"], "recipient": "a".repeat(201)}),
        ),
    ];
    let before = h.ok("audit_list", json!({})).as_array().unwrap().len();
    for args in bad {
        let error = h.invoke("kit_prepare", args.clone()).unwrap_err();
        assert_eq!(error["code"], "invalid_input", "{args}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.ends_with('.'), "{message}");
        assert!(!message.contains(PASS), "{message}");
    }
    // Refused before anything ran: no audit entry, no kit waiting.
    assert_eq!(
        h.ok("audit_list", json!({})).as_array().unwrap().len(),
        before
    );
    assert_eq!(h.code("kit_preview", json!({"sheet": 0})), "invalid_input");
    // The engine's refusals are audited: they name no custodian.
    let twice = with(split.clone(), json!({"custodians": ["Ada", "Ada", "Cy"]}));
    assert_eq!(h.code("kit_prepare", twice), "invalid_input");
    assert_eq!(audit(&h, "kit-created")[0].0, "failure");

    h.ok("kit_prepare", split);
    for sheet in [json!(-1), json!(3), json!(1.5), json!("0"), Value::Null] {
        assert_eq!(
            h.code("kit_preview", json!({ "sheet": sheet })),
            "invalid_input",
            "{sheet}"
        );
    }
    for text in [
        json!(""),
        json!("  \n "),
        json!(42),
        json!("x".repeat(5 << 20)),
    ] {
        assert_eq!(
            h.code("kit_recover_add", json!({ "text": text })),
            "invalid_input"
        );
    }
    let hello = h
        .invoke("kit_recover_add", json!({"text": "hello world"}))
        .unwrap_err();
    assert_eq!(hello["code"], "invalid_input");
    h.ok("kit_recover_add", json!({"text": "Kit: KW-0000-0001"}));
    let foreign = "KW1 KW-28T5-CY4T 01/01 YWdl";
    let code = h
        .invoke("kit_recover_add", json!({ "text": foreign }))
        .unwrap_err();
    assert_eq!(code["code"], "invalid_input", "{code}");
    assert!(
        code["message"].as_str().unwrap().contains("KW-28T5-CY4T"),
        "{code}"
    );
    assert_eq!(h.code("kit_recover_restore", json!({})), "invalid_input");
    assert_eq!(h.code("kit_drill", json!({})), "invalid_input");
    assert_eq!(
        h.code("kit_recover_open", json!({"identity": "A".repeat(300)})),
        "invalid_input"
    );
}

#[test]
fn kit_commands_need_an_unlocked_vault_and_locking_drops_the_work_in_progress() {
    let h = Harness::new();
    let calls = [
        ("kits_list", json!({})),
        ("kit_generate_passphrase", json!({})),
        (
            "kit_prepare",
            split_args(&["6f1c2a4e-0b7d-4c1e-9a55-3d2f8e7b9c10"]),
        ),
        ("kit_preview", json!({"sheet": 0})),
        ("kit_save", json!({"directory": h.dir.path()})),
        ("kit_discard", json!({})),
        ("kit_recover_add", json!({"text": "KW1"})),
        ("kit_recover_open", json!({})),
        ("kit_recover_restore", json!({})),
        ("kit_recover_reset", json!({})),
        ("kit_drill", json!({})),
    ];
    for (cmd, args) in &calls {
        assert_eq!(h.code(cmd, args.clone()), "no_vault", "{cmd}");
    }
    let (id, _) = vault_with_key(&h, "v.keywarden");
    h.ok("kit_prepare", split_args(&[&id]));
    let shares = prepared_shares(&h);
    h.ok("kit_recover_add", json!({"text": shares[0]}));
    h.ok("vault_lock", json!({}));
    for (cmd, args) in &calls {
        assert_eq!(h.code(cmd, args.clone()), "locked", "{cmd}");
    }
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "keyfilePath": null}),
    );
    // Both are gone: the kit was recorded as not saved, the share forgotten.
    assert_eq!(
        h.code("kit_save", json!({"directory": h.dir.path()})),
        "invalid_input"
    );
    assert_eq!(h.code("kit_recover_open", json!({})), "invalid_input");
    let created = audit(&h, "kit-created");
    assert_eq!(created[0].0, "failure");
    assert!(created[0].1.contains("the vault locked"), "{created:?}");
    // The same share reads as new: nothing of the old recovery was kept.
    let again = h.ok("kit_recover_add", json!({"text": shares[0]}));
    assert_eq!(again["shares"]["have"], 1);
}

#[test]
fn the_dashboard_asks_for_kits_of_keys_without_a_current_one() {
    let h = Harness::new();
    let (id, _) = vault_with_key(&h, "v.keywarden");
    let other = h.generate("Backup key", "aes-128", &[])["id"].clone();
    let board = h.ok("dashboard", json!({}));
    assert_eq!(board["counts"]["withoutKit"], 2);
    let out = h.path("kit");
    std::fs::create_dir(&out).unwrap();
    h.ok("kit_prepare", split_args(&[&id]));
    let kit = h.ok("kit_save", json!({ "directory": out }))["kit"]["id"].clone();
    let board = h.ok("dashboard", json!({}));
    assert_eq!(board["counts"]["withoutKit"], 1);
    assert_eq!(board["withoutKit"][0]["keyId"], other);
    assert_eq!(board["withoutKit"][0]["kit"], Value::Null);

    // Rotating supersedes the kit: the key is asked for again, first.
    h.ok(
        "key_rotate",
        json!({"id": id, "algorithm": null, "reason": "yearly"}),
    );
    let board = h.ok("dashboard", json!({}));
    let first = &board["withoutKit"][0];
    assert_eq!(first["keyId"], json!(id));
    assert_eq!(
        (first["kit"].clone(), first["kitStatus"].clone()),
        (kit.clone(), json!("superseded"))
    );
    assert!(
        first["kitReason"].as_str().unwrap().contains("rotated"),
        "{first}"
    );
    let listed = h.ok("kits_list", json!({ "key": id }));
    assert_eq!(listed[0]["status"], "superseded");
    assert!(listed[0]["statusAt"].is_string());
}

#[test]
fn a_vault_kit_opens_the_locked_vault_with_a_new_passphrase() {
    let h = Harness::new();
    let (id, _) = vault_with_key(&h, "vault.keywarden");
    let args = json!({
        "keys": [], "kind": "vault", "custodians": ["Ada", "Bea"], "threshold": 2,
        "paper": "letter", "passphrase": PASS, "keyfilePath": null,
    });
    // Keys are refused: the kit opens the whole vault.
    let mut with_key = args.clone();
    with_key["keys"] = json!([id]);
    assert_eq!(h.code("kit_prepare", with_key), "invalid_input");
    let kit = h.ok("kit_prepare", args);
    assert_eq!(kit["kind"], "vault");
    assert_eq!(kit["payloadFile"], Value::Null);
    let shares = prepared_shares(&h);
    let folder = h.path("kit");
    std::fs::create_dir(&folder).unwrap();
    let saved = h.ok("kit_save", json!({"directory": folder}));
    assert_eq!(saved["files"].as_array().unwrap().len(), 2, "{saved}");
    assert_eq!(h.ok("vault_status", json!({}))["recoveryKit"], true);
    assert_eq!(
        h.code("vault_recovery_add", json!({"text": shares[0]})),
        "not_allowed"
    );

    h.ok("vault_lock", json!({}));
    // Nothing read yet, then one sheet: too few.
    assert_eq!(
        h.code(
            "vault_recover",
            json!({"newPassphrase": "a new passphrase!", "keyfilePath": null})
        ),
        "invalid_input"
    );
    let progress = h.ok("vault_recovery_add", json!({"text": shares[0]}));
    assert_eq!(progress, json!({"have": 1, "need": 2}));
    assert_eq!(
        h.code("vault_recovery_add", json!({"text": shares[0]})),
        "invalid_input"
    );
    // A key kit's codes are refused, and the sheet already read is kept.
    let codes = keywarden_core::kit::chunk::split(KitId::random(), b"a key kit", CODE_CHARS)
        .unwrap()
        .join("\n");
    assert_eq!(
        h.code("vault_recovery_add", json!({"text": codes})),
        "invalid_input"
    );
    assert_eq!(
        h.code(
            "vault_recover",
            json!({"newPassphrase": "a new passphrase!", "keyfilePath": null})
        ),
        "invalid_input"
    );
    let progress = h.ok("vault_recovery_add", json!({"text": shares[1]}));
    assert_eq!(progress, json!({"have": 2, "need": 2}));
    // A weak passphrase changes nothing: the vault stays locked, with its shares.
    assert_eq!(
        h.code(
            "vault_recover",
            json!({"newPassphrase": "short", "keyfilePath": null})
        ),
        "invalid_input"
    );
    let status = h.ok(
        "vault_recover",
        json!({"newPassphrase": "a new passphrase after the loss", "keyfilePath": null}),
    );
    assert_eq!(status["state"], "unlocked");
    assert_eq!(audit(&h, "vault-recovered").len(), 1);
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
        json!({"passphrase": "a new passphrase after the loss", "keyfilePath": null}),
    );
    assert!(h.ok("key_get", json!({ "id": id }))["name"].is_string());
}

#[test]
fn a_kit_falls_due_for_a_drill_on_the_dashboard_and_cannot_be_snoozed() {
    let clock = super::TestClock::at(super::NOON);
    let h = super::clocked(clock.clone());
    let (id, _) = vault_with_key(&h, "v.keywarden");
    h.ok(
        "policy_set",
        json!({"name": "drill-days", "value": "30", "reason": "monthly drills"}),
    );
    let out = h.path("kit");
    std::fs::create_dir(&out).unwrap();
    h.ok("kit_prepare", split_args(&[&id]));
    let kit = h.ok("kit_save", json!({ "directory": out }))["kit"]["id"].clone();
    let drills = |board: &Value| -> Vec<Value> {
        board["due"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "drill")
            .cloned()
            .collect()
    };
    // Outside the largest reminder day (30) only on the day it was made.
    clock.advance_days(25);
    let board = h.ok("dashboard", json!({}));
    let due = drills(&board);
    assert_eq!(due.len(), 1, "{board}");
    assert_eq!(
        (
            due[0]["subject"].clone(),
            due[0]["id"].clone(),
            due[0]["name"].clone()
        ),
        (
            json!("kit"),
            kit.clone(),
            json!("split kit of \"Payroll export key\"")
        )
    );
    assert_eq!(due[0]["keyState"], Value::Null);
    assert_eq!(
        (due[0]["days"].clone(), due[0]["threshold"].clone()),
        (json!(5), json!(7))
    );
    assert_eq!(board["counts"]["soon"], 1);
    assert_eq!(
        h.code(
            "reminder_snooze",
            json!({"id": kit, "kind": "drill", "until": "2099-01-01T00:00:00Z", "reason": "later"}),
        ),
        "invalid_input"
    );
}

/// A scanned sheet: `text`'s QR code as a PNG at 6 pixels a module (no code for "").
fn scan_png(text: &str) -> Vec<u8> {
    let mut page = image::GrayImage::from_pixel(600, 600, image::Luma([255]));
    if !text.is_empty() {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let side = code.width();
        for (i, color) in code.to_colors().iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (x, y) = (
                    u32::try_from(i % side).unwrap(),
                    u32::try_from(i / side).unwrap(),
                );
                for (dx, dy) in (0..36).map(|d| (d % 6, d / 6)) {
                    page.put_pixel(48 + x * 6 + dx, 48 + y * 6 + dy, image::Luma([0]));
                }
            }
        }
    }
    let mut png = std::io::Cursor::new(Vec::new());
    page.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

#[test]
fn scanned_sheets_are_read_from_the_raw_body_of_the_call() {
    let h = Harness::new();
    vault_with_key(&h, "vault.keywarden");
    h.ok(
        "kit_prepare",
        json!({
            "keys": [], "kind": "vault", "custodians": ["Ada", "Bea"], "threshold": 2,
            "paper": "a4", "passphrase": PASS, "keyfilePath": null,
        }),
    );
    let shares = prepared_shares(&h);
    let folder = h.path("kit");
    std::fs::create_dir(&folder).unwrap();
    h.ok("kit_save", json!({"directory": folder}));
    let share_refs: Vec<&str> = shares.iter().map(String::as_str).collect();
    let refused = |cmd: &str, bytes: Vec<u8>, says: &str| {
        let error = h.invoke_raw(cmd, bytes).unwrap_err();
        assert_eq!(error["code"], "invalid_input", "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(says), "{error}");
        assert_secret_free(&error, &share_refs);
    };

    // Unlocked: a sheet read into a kit recovery, as its words would be.
    let first = h
        .invoke_raw("kit_recover_add_scan", scan_png(&shares[0]))
        .unwrap();
    assert_eq!(first["shares"], json!({"have": 1, "need": 2}), "{first}");
    assert_eq!(first["added"]["shares"], 1);
    assert_secret_free(&first, &share_refs);
    refused("kit_recover_add_scan", scan_png(&shares[0]), "twice");
    let blank = h
        .invoke_raw("kit_recover_add_scan", scan_png(""))
        .unwrap_err();
    assert_eq!(blank["code"], "no_code", "{blank}");
    assert!(
        blank["message"]
            .as_str()
            .unwrap()
            .starts_with("No QR code could be read on it")
    );
    refused(
        "kit_recover_add_scan",
        b"KW1 text".to_vec(),
        "not a PNG, JPEG or PDF",
    );
    refused(
        "kit_recover_add_scan",
        scan_png(&shares[1])[..300].to_vec(),
        "damaged",
    );
    // A JSON body is not a scan.
    let json_body = h
        .invoke("kit_recover_add_scan", json!({"text": shares[1]}))
        .unwrap_err();
    assert_eq!(json_body["code"], "invalid_input");
    assert_eq!(
        h.invoke_raw("vault_recovery_add_scan", scan_png(&shares[0]))
            .unwrap_err()["code"],
        "not_allowed"
    );

    // Locked: the vault recovery kit's sheets, scanned, open the vault.
    h.ok("vault_lock", json!({}));
    let progress = h
        .invoke_raw("vault_recovery_add_scan", scan_png(&shares[0]))
        .unwrap();
    assert_eq!(progress, json!({"have": 1, "need": 2}));
    let blank = h
        .invoke_raw("vault_recovery_add_scan", scan_png(""))
        .unwrap_err();
    assert_eq!(blank["code"], "no_code", "{blank}");
    let progress = h
        .invoke_raw("vault_recovery_add_scan", scan_png(&shares[1]))
        .unwrap();
    assert_eq!(progress, json!({"have": 2, "need": 2}));
    h.ok(
        "vault_recover",
        json!({"newPassphrase": "a new passphrase for the scans", "keyfilePath": null}),
    );
}
