//! A model check: random sequences of generate, rename, retag, delete, settings and
//! relock/reopen, applied both to a vault and to a plain in-memory model, must agree at
//! every step, and the vault's material must never change under it.

use std::collections::BTreeMap;

use keywarden_core::{Algorithm, KeyId, KeyUpdate, NewKey, RecordError, Settings};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::common::{PASSPHRASE, SYMMETRIC, create, pass, unlock};

#[derive(Debug, Clone)]
enum Op {
    Generate {
        name: usize,
        algorithm: usize,
        tags: Vec<usize>,
    },
    Rename {
        key: Index,
        name: usize,
    },
    Retag {
        key: Index,
        tags: Vec<usize>,
    },
    Delete {
        key: Index,
    },
    Settings {
        minutes: u32,
    },
    /// `lock()` then unlock on the same handle.
    Relock,
    /// Drop the handle, open the file again.
    Reopen,
}

/// Few names, in different cases, so that collisions and case-insensitive uniqueness
/// come up often.
const NAMES: [&str; 8] = [
    "alpha", "Alpha", "beta", "GAMMA", "gamma", "delta", "épsilon", "ÉPSILON",
];
const TAGS: [&str; 4] = ["prod", "db", "backup", "eu-west"];

fn op() -> impl Strategy<Value = Op> {
    let tags = || proptest::collection::vec(0..TAGS.len(), 0..3);
    prop_oneof![
        4 => (0..NAMES.len(), 0..SYMMETRIC.len(), tags())
            .prop_map(|(name, algorithm, tags)| Op::Generate { name, algorithm, tags }),
        2 => (any::<Index>(), 0..NAMES.len()).prop_map(|(key, name)| Op::Rename { key, name }),
        1 => (any::<Index>(), tags()).prop_map(|(key, tags)| Op::Retag { key, tags }),
        2 => any::<Index>().prop_map(|key| Op::Delete { key }),
        1 => (0u32..1500).prop_map(|minutes| Op::Settings { minutes }),
        1 => Just(Op::Relock),
        1 => Just(Op::Reopen),
    ]
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ModelKey {
    name: String,
    algorithm: Algorithm,
    tags: Vec<String>,
}

#[derive(Default)]
struct Model {
    keys: BTreeMap<KeyId, ModelKey>,
    material: BTreeMap<KeyId, Vec<u8>>,
    auto_lock_minutes: u32,
}

impl Model {
    fn name_taken(&self, name: &str, except: Option<KeyId>) -> bool {
        self.keys
            .iter()
            .any(|(id, k)| Some(*id) != except && k.name.to_lowercase() == name.to_lowercase())
    }

    fn pick(&self, index: &Index) -> Option<KeyId> {
        if self.keys.is_empty() {
            return None;
        }
        self.keys.keys().nth(index.index(self.keys.len())).copied()
    }

    /// What `list("")` must return: sorted by lowercase name, then id.
    fn listed(&self) -> Vec<(KeyId, ModelKey)> {
        let mut out: Vec<_> = self.keys.iter().map(|(id, k)| (*id, k.clone())).collect();
        out.sort_by(|a, b| {
            a.1.name
                .to_lowercase()
                .cmp(&b.1.name.to_lowercase())
                .then(a.0.cmp(&b.0))
        });
        out
    }
}

fn tag_list(tags: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &t in tags {
        if !out.iter().any(|o| o == TAGS[t]) {
            out.push(TAGS[t].to_owned());
        }
    }
    out
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let mut model = Model {
        auto_lock_minutes: Settings::default().auto_lock_minutes,
        ..Model::default()
    };
    for (step, op) in ops.iter().enumerate() {
        match op {
            Op::Generate {
                name,
                algorithm,
                tags,
            } => {
                let name = NAMES[*name];
                let algorithm = SYMMETRIC[*algorithm];
                let result = vault.generate_key(NewKey {
                    notes: String::new(),
                    tags: tags.iter().map(|&t| TAGS[t].to_owned()).collect(),
                    ..NewKey::new(name, algorithm)
                });
                if model.name_taken(name, None) {
                    prop_assert!(
                        matches!(result, Err(RecordError::NameTaken { .. })),
                        "step {}: {:?}",
                        step,
                        result
                    );
                } else {
                    let id = result.unwrap().id;
                    prop_assert!(!model.keys.contains_key(&id));
                    model.keys.insert(
                        id,
                        ModelKey {
                            name: name.to_owned(),
                            algorithm,
                            tags: tag_list(tags),
                        },
                    );
                    let m = vault.key_material(&id, None).unwrap();
                    prop_assert_eq!(m.len(), algorithm.symmetric_key_len().unwrap());
                    model.material.insert(id, m.expose_secret().to_vec());
                }
            }
            Op::Rename { key, name } => {
                let Some(id) = model.pick(key) else { continue };
                let name = NAMES[*name];
                let result = vault.update_key(
                    &id,
                    KeyUpdate {
                        name: Some(name.to_owned()),
                        ..KeyUpdate::default()
                    },
                );
                if model.name_taken(name, Some(id)) {
                    prop_assert!(
                        matches!(result, Err(RecordError::NameTaken { .. })),
                        "step {}: {:?}",
                        step,
                        result
                    );
                } else {
                    result.unwrap();
                    model.keys.get_mut(&id).unwrap().name = name.to_owned();
                }
            }
            Op::Retag { key, tags } => {
                let Some(id) = model.pick(key) else { continue };
                vault
                    .update_key(
                        &id,
                        KeyUpdate {
                            tags: Some(tags.iter().map(|&t| TAGS[t].to_owned()).collect()),
                            ..KeyUpdate::default()
                        },
                    )
                    .unwrap();
                model.keys.get_mut(&id).unwrap().tags = tag_list(tags);
            }
            Op::Delete { key } => {
                let Some(id) = model.pick(key) else { continue };
                vault.delete_key(&id).unwrap();
                model.keys.remove(&id);
                model.material.remove(&id);
                prop_assert!(
                    matches!(vault.get(&id), Err(RecordError::NotFound { .. })),
                    "step {}: deleted key still listed",
                    step
                );
            }
            Op::Settings { minutes } => {
                let result = vault.set_settings(Settings {
                    auto_lock_minutes: *minutes,
                    ..Settings::default()
                });
                if (1..=1440).contains(minutes) {
                    result.unwrap();
                    model.auto_lock_minutes = *minutes;
                } else {
                    prop_assert!(
                        matches!(result, Err(RecordError::Invalid { .. })),
                        "step {}: {:?}",
                        step,
                        result
                    );
                }
            }
            Op::Relock => {
                vault = vault.lock().unlock(&pass(PASSPHRASE), None).unwrap();
            }
            Op::Reopen => {
                drop(vault);
                vault = unlock(&path, None);
            }
        }
        // The vault and the model agree after every step.
        let listed: Vec<(KeyId, ModelKey)> = vault
            .list("")
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    ModelKey {
                        name: r.name.clone(),
                        algorithm: r.algorithm,
                        tags: r.tags.clone(),
                    },
                )
            })
            .collect();
        prop_assert_eq!(&listed, &model.listed(), "step {}: {:?}", step, op);
        prop_assert_eq!(vault.key_count(), model.keys.len());
        prop_assert_eq!(vault.settings().auto_lock_minutes, model.auto_lock_minutes);
    }
    // Finally, through a reopen: records and every material.
    drop(vault);
    let vault = unlock(&path, None);
    prop_assert_eq!(vault.key_count(), model.keys.len());
    for (id, material) in &model.material {
        let m = vault.key_material(id, None).unwrap();
        prop_assert_eq!(m.expose_secret(), material.as_slice());
        let r = vault.get(id).unwrap();
        prop_assert_eq!(&r.name, &model.keys[id].name);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        ..ProptestConfig::default()
    })]

    #[test]
    fn vault_agrees_with_a_model(ops in proptest::collection::vec(op(), 1..40)) {
        run(&ops)?;
    }
}
