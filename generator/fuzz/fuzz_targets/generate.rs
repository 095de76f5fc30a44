//! Any byte string given to the loader (and, when it loads, to the IR builder and emitter) must
//! end in a clean `Err` from loading or the IR, or in a crate whose every `.rs` file parses and
//! contains no `compile_error!`. A panic, an abort, an error from the emitter (it printed Rust it
//! cannot parse) or unparsable output is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = generator::load::load_str(text) else {
        return;
    };
    let config = generator::Config::new("fuzz");
    let Ok((api, _warnings)) = generator::ir::build(&doc, &config) else {
        return;
    };
    let krate = match generator::emit::emit(&api, &config, &doc.sha256) {
        Ok(krate) => krate,
        Err(e) => panic!("the emitter printed Rust it cannot parse:\n{e}"),
    };
    for file in krate.files.iter().filter(|f| f.path.ends_with(".rs")) {
        if let Err(e) = syn::parse_file(&file.contents) {
            panic!("{} does not parse: {e}", file.path);
        }
        assert!(
            !file.contents.contains("compile_error!"),
            "{} contains compile_error!",
            file.path
        );
    }
});
