//! Fuzzes `envelope::open` (the age payload): without a key, with the seeds' passphrase
//! and with the seeds' identity. Inputs asking for more scrypt work than
//! `MAX_FUZZ_LOG_N` are skipped: they would only time out.
#![no_main]

use keywarden_core::kit::envelope::{self, Key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if !keywarden_fuzz::scrypt_work_is_small(data) {
        return;
    }
    let _ = envelope::open(data, None);
    let _ = envelope::open(data, Some(Key::Passphrase(keywarden_fuzz::PASSPHRASE)));
    let _ = envelope::open(data, Some(Key::Identity(keywarden_fuzz::IDENTITY)));
});
