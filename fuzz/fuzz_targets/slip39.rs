//! Fuzzes SLIP-39 share parsing: every piece of the input (between NUL bytes) as one
//! mnemonic, through `Share::parse` (which must read back its own mnemonic) and a
//! `Collector`; a complete set is combined when its PBKDF2 work is the least.
#![no_main]

use keywarden_core::kit::slip39::{Collector, Share};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut collector = Collector::new();
    for text in keywarden_fuzz::texts(data) {
        if let Ok(share) = Share::parse(&text) {
            let again = Share::parse(&share.to_mnemonic());
            assert_eq!(
                again.as_ref(),
                Ok(&share),
                "a share's mnemonic reads back otherwise"
            );
        }
        let _ = collector.add(&text);
    }
    // Iteration exponent 0 is SLIP-39's 10,000 PBKDF2 iterations, tens of milliseconds
    // under the sanitizer; each step doubles them, and 15 (the most a share can say)
    // takes minutes.
    if collector.progress().is_complete() && collector.shares().all(|s| s.iteration_exponent() == 0)
    {
        let _ = collector.combine(b"");
    }
});
