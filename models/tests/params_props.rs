//! Property tests of the device parameter loader (proptest, fixed seed,
//! modest case counts): every shipped parameter file, rewritten in another
//! valid form (order, comments, spacing, number notation), loads to the
//! same parameters; random mutations give a `DeviceError::Param` naming the
//! file, a field and the line (or load to a parameter set that passed
//! validation), never a panic, with no control characters or TOML-internal
//! names in the message.

use neuroxbar_models::device::{DeviceError, DeviceKind, DeviceSpec, ParamError};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn runner(cases: u32, seed: u8) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

fn kind() -> impl Strategy<Value = DeviceKind> {
    proptest::sample::select(DeviceKind::ALL.to_vec())
}

fn load(kind: DeviceKind, text: &str) -> Result<DeviceSpec, DeviceError> {
    DeviceSpec::from_toml_str(kind, text, "p.toml")
}

/// `key = value` lines of a parameter file, comments dropped.
fn entries(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.split(" #").next()?.trim();
            let (k, v) = l.split_once('=')?;
            (!l.starts_with('#')).then(|| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

#[test]
fn rewritten_files_load_to_the_same_parameters() {
    let case = (
        kind(),
        any::<u64>(),
        proptest::collection::vec(any::<bool>(), 40),
    );
    runner(64, 3)
        .run(&case, |(kind, shuffle, flips)| {
            let original = kind.default_params_toml();
            let want = format!("{:?}", load(kind, original).unwrap().params);
            let mut lines: Vec<String> = entries(original)
                .into_iter()
                .zip(flips.iter().cycle())
                .map(|((k, v), &flip)| {
                    // Floats in exact scientific notation, keys quoted, spacing.
                    let v = match v.parse::<f64>() {
                        Ok(f) if flip && (v.contains('.') || v.contains('e')) => format!("{f:e}"),
                        _ => v,
                    };
                    if flip {
                        format!("\"{k}\"={v}   # rewritten")
                    } else {
                        format!("  {k} = {v}")
                    }
                })
                .collect();
            // A deterministic shuffle from the drawn number.
            let mut s = shuffle;
            for i in (1..lines.len()).rev() {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                lines.swap(i, (s >> 33) as usize % (i + 1));
            }
            let text = lines.join("\n") + "\n";
            let got = load(kind, &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(format!("{:?}", got.params), want);
            Ok(())
        })
        .unwrap();
}

#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    /// Replace the value of entry `i` with a chosen text.
    Value(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![
        4 => proptest::sample::select(b"=\"'#[]. \n0123456789eE-+_xabc".to_vec()),
        1 => any::<u8>(),
    ];
    let value = prop_oneof![
        Just("1".repeat(300)),
        Just(format!("1{}.0", "0".repeat(300))),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just("07:32:00".to_string()),
        Just("\"x\\u0000y\"".to_string()),
        Just("\"no-such-mode\"".to_string()),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("[1, 2]".to_string()),
        Just("{ a = 1 }".to_string()),
        Just("true".to_string()),
        "-?[0-9]{1,4}(\\.[0-9]{1,3})?(e-?[0-9]{1,3})?",
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), value).prop_map(|(i, v)| Edit::Value(i, v)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for e in edits {
        let n = bytes.len().max(1);
        match e {
            Edit::Replace(i, b) if !bytes.is_empty() => bytes[i % n] = *b,
            Edit::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), *b),
            Edit::Delete(i) if !bytes.is_empty() => {
                bytes.remove(i % n);
            }
            Edit::Value(i, v) => {
                let s = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
                let with_value: Vec<usize> = (0..lines.len())
                    .filter(|&j| !lines[j].trim_start().starts_with('#') && lines[j].contains('='))
                    .collect();
                if let Some(&j) = with_value.get(i % with_value.len().max(1)) {
                    let key = lines[j].split('=').next().unwrap_or("").to_string();
                    lines[j] = format!("{key}= {v}");
                }
                bytes = (lines.join("\n") + "\n").into_bytes();
            }
            _ => {}
        }
    }
    bytes
}

#[test]
fn mutated_files_give_a_located_error_never_a_panic() {
    let case = (kind(), proptest::collection::vec(edit(), 1..4));
    runner(384, 4)
        .run(&case, |(kind, edits)| {
            let bad = apply(kind.default_params_toml(), &edits);
            // A file with invalid UTF-8 is rejected when read; the loader
            // itself takes text.
            let Ok(text) = String::from_utf8(bad) else {
                return Ok(());
            };
            match load(kind, &text) {
                Ok(_) => {}
                Err(DeviceError::Param(ParamError {
                    file,
                    field,
                    message,
                })) => {
                    prop_assert_eq!(file, "p.toml");
                    let shown = format!("{field} {message}");
                    prop_assert!(!shown.chars().any(char::is_control), "{shown:?}");
                    prop_assert!(!shown.contains("__toml"), "{shown}");
                    prop_assert!(message.len() < 400, "{message}");
                    let located = message.starts_with("line ");
                    let missing = message.starts_with("missing field");
                    prop_assert!(located || missing, "no line: `{field}`: {message}\n{text}");
                    if located && field != "<file>" {
                        // The named field is on the named line (or the line is
                        // a syntax error that names no field).
                        let line: usize = message[5..]
                            .split(|c: char| !c.is_ascii_digit())
                            .next()
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(0);
                        let at = text.lines().nth(line.wrapping_sub(1)).unwrap_or("");
                        prop_assert!(
                            at.contains(field.as_str()) || message.contains(&format!("`{field}`")),
                            "field `{field}` is not on line {line} `{at}`: {message}"
                        );
                    }
                }
                Err(other) => prop_assert!(false, "not a parameter error: {other:?}"),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn each_reported_message_case() {
    let base = DeviceKind::Liwes.default_params_toml();
    let with = |key: &str, value: &str| -> String {
        base.lines()
            .map(|l| {
                if l.starts_with(&format!("{key} ")) {
                    format!("{key} = {value}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let line_of = |key: &str| {
        base.lines()
            .position(|l| l.starts_with(&format!("{key} ")))
            .unwrap()
            + 1
    };
    let err = |text: &str| match load(DeviceKind::Liwes, text) {
        Err(DeviceError::Param(ParamError { field, message, .. })) => (field, message),
        other => panic!("expected a parameter error, got {other:?}"),
    };
    // A bad enum value names its field, not the value.
    let (field, message) = err(&with("st_mode", "\"fast\""));
    assert_eq!(field, "st_mode", "{message}");
    assert!(
        message.starts_with(&format!("line {}, column", line_of("st_mode"))),
        "{message}"
    );
    assert!(
        message.contains("`fast`") && message.contains("`stochastic`"),
        "{message}"
    );
    // A TOML syntax error has its line and column.
    let (_, message) = err(&with("alpha", "0.001.2"));
    assert!(
        message.starts_with(&format!("line {}, column ", line_of("alpha"))),
        "{message}"
    );
    // A 300-digit number is not echoed in full.
    let (field, message) = err(&with("alpha", &format!("1{}.0", "0".repeat(300))));
    assert_eq!(field, "alpha");
    assert!(
        message.contains("1e300") && message.len() < 200,
        "{message}"
    );
    let (field, message) = err(&with("alpha", &"9".repeat(300)));
    assert_eq!(field, "alpha", "{message}");
    assert!(message.len() < 300, "{message}");
    // A date-time is called one, not by TOML's internal name.
    let (field, message) = err(&with("alpha", "1979-05-27T07:32:00Z"));
    assert_eq!(field, "alpha", "{message}");
    assert!(
        !message.contains("__toml") && message.contains("date-time"),
        "{message}"
    );
    // NUL bytes are escaped, not echoed.
    let (field, message) = err(&with("st_mode", "\"a\\u0000b\""));
    assert_eq!(field, "st_mode");
    assert!(
        !message.contains('\0') && message.contains("\\0"),
        "{message:?}"
    );
    // A range error after parsing has the field's line.
    let (field, message) = err(&with("alpha", "-1.0"));
    assert_eq!(field, "alpha");
    assert!(
        message.starts_with(&format!("line {}: ", line_of("alpha"))),
        "{message}"
    );
}
