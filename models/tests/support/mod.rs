//! Helpers shared by the device test files (each includes it with `mod support;`).
#![allow(dead_code)]

use neuroxbar_models::device::{DeviceKind, DeviceSpec};

/// The built-in parameter set of `kind`.
pub fn spec(kind: DeviceKind) -> DeviceSpec {
    DeviceSpec::load(kind, None).expect("built-in parameters are valid")
}

/// LiWES with the given replacements in its default parameter file.
pub fn liwes_with(repl: &[(&str, &str)]) -> DeviceSpec {
    let mut text = DeviceKind::Liwes.default_params_toml().to_string();
    for (a, b) in repl {
        assert!(text.contains(a), "`{a}` not in liwes.toml");
        text = text.replace(a, b);
    }
    DeviceSpec::from_toml_str(DeviceKind::Liwes, &text, "liwes-variant.toml").unwrap()
}
