//! Any byte string given to the loader (and, when it loads, to the IR builder and emitter) must
//! end in `Ok` or a clean `Err`: a panic or an abort is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = generator::generate(text, &generator::Config::new("fuzz"));
    }
});
