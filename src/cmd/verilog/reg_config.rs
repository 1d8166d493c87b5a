//! The register configuration file of `neuroxbar verilog --config`: TOML
//! with one integer per register name (`THRESHOLD = 0x4000`,
//! `RESET_V = -256`), checked against a top's register map.
//!
//! Every error names the file, the line (and column, for TOML syntax) and,
//! where one is concerned, the register with its allowed range. Text from
//! the file is echoed with control characters escaped and long values cut.

use neuroxbar_models::device::common::{key_of_line, num, quote_for_message, toml_problem};
use neuroxbar_rtl::regs::{write_in_range, Register};

/// Allowed values of `reg` (signed registers in two's complement).
pub(crate) fn value_range(reg: &Register) -> (i64, i64) {
    let b = reg.bits as u32;
    if reg.signed {
        (-(1i64 << (b - 1)), (1i64 << (b - 1)) - 1)
    } else {
        (0, (1i64 << b) - 1)
    }
}

/// 1-based line of the first `key = ...`, `key.sub = ...` or `[key]` in `text`.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            // `key = ..`, `[key]`, or a dotted `key.sub = ..` that makes a table.
            key_of_line(l).is_some_and(|k| {
                k == key
                    || k.strip_prefix(key)
                        .is_some_and(|r| r.trim_start().starts_with('.'))
            })
        })
        .map(|i| i + 1)
}

/// A TOML value described for a message.
fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => format!("the number {}", num(*f)),
        toml::Value::String(s) => format!("the string \"{}\"", quote_for_message(s, 40)),
        toml::Value::Boolean(b) => format!("the boolean {b}"),
        toml::Value::Datetime(_) => "a date-time".to_string(),
        toml::Value::Array(_) => "an array".to_string(),
        toml::Value::Table(_) => "a table".to_string(),
    }
}

/// Checks `text` (the contents of `file`) against `map` and returns the
/// register writes `(addr, cfg_data)` in address order; `cfg_data` is the
/// 32-bit word (signed values sign-extended). On several errors, the one on
/// the earliest line is reported.
pub(crate) fn parse_config(
    text: &str,
    file: &str,
    map: &[Register],
) -> Result<Vec<(u8, u32)>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let p = toml_problem(text, &e);
        let at = match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{file}: line {l}, column {c}"),
            _ => file.to_string(),
        };
        format!("{at}: not a valid TOML file: {}", p.message)
    })?;
    let mut writes: Vec<(u8, u32)> = Vec::new();
    let mut errors: Vec<(usize, String)> = Vec::new();
    for (key, value) in &table {
        let line = line_of(text, key);
        let at = match line {
            Some(l) => format!("{file}: line {l}"),
            None => file.to_string(),
        };
        let shown = quote_for_message(key, 60);
        let mut fail = |m: String| errors.push((line.unwrap_or(usize::MAX), format!("{at}: {m}")));
        let Some(reg) = map.iter().find(|r| r.name == key) else {
            let names: Vec<&str> = map.iter().map(|r| r.name).collect();
            fail(format!(
                "unknown register `{shown}` (registers: {})",
                names.join(", ")
            ));
            continue;
        };
        let (lo, hi) = value_range(reg);
        let kind = if reg.signed { "signed" } else { "unsigned" };
        let Some(v) = value.as_integer() else {
            fail(format!(
                "`{shown}` must be an integer in {lo}..={hi} ({kind} {} bits), not {}",
                reg.bits,
                describe(value)
            ));
            continue;
        };
        if !(lo..=hi).contains(&v) {
            fail(format!(
                "`{shown}` = {v} is out of range: allowed {lo}..={hi} ({kind} {} bits)",
                reg.bits
            ));
            continue;
        }
        let data = v as i32 as u32; // the 32-bit cfg_data word (sign-extended)
        debug_assert!(write_in_range(reg, data));
        writes.push((reg.addr, data));
    }
    if let Some((_, e)) = errors.into_iter().min_by_key(|(l, _)| *l) {
        return Err(e);
    }
    writes.sort_unstable();
    Ok(writes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use neuroxbar_rtl::lif_wta_top::NEURON_REGISTERS;
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

    /// A random valid config: some registers, in-range values, written in
    /// decimal or hex with random spacing and comments, in random order.
    fn config() -> impl Strategy<Value = (String, Vec<(u8, u32)>)> {
        let regs = proptest::sample::subsequence(NEURON_REGISTERS.to_vec(), 0..=9);
        regs.prop_flat_map(|regs| {
            let values: Vec<_> = regs
                .iter()
                .map(|r| {
                    let (lo, hi) = value_range(r);
                    (lo..=hi, any::<bool>())
                })
                .collect();
            (Just(regs), values, any::<u64>())
        })
        .prop_map(|(regs, values, shuffle)| {
            let mut lines = Vec::new();
            let mut writes = Vec::new();
            for (r, (v, hex)) in regs.iter().zip(values) {
                let text = if hex && v >= 0 {
                    format!("0x{v:x}")
                } else {
                    v.to_string()
                };
                let spaced = if hex { "  " } else { "" };
                lines.push(format!("{spaced}{} ={spaced} {text} # {}", r.name, r.bits));
                writes.push((r.addr, v as i32 as u32));
            }
            let mut s = shuffle;
            for i in (1..lines.len()).rev() {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                lines.swap(i, (s >> 33) as usize % (i + 1));
            }
            writes.sort_unstable();
            (format!("# neuron config\n{}\n", lines.join("\n")), writes)
        })
    }

    #[test]
    fn valid_configs_round_trip() {
        runner(128, 5)
            .run(&config(), |(text, want)| {
                let got = parse_config(&text, "c.toml", &NEURON_REGISTERS)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
                prop_assert_eq!(got, want);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn mutated_configs_give_a_located_error_never_a_panic() {
        let byte = prop_oneof![
            4 => proptest::sample::select(b"=\"'#[]. \n0123456789xabcdef-+_THRESOLD".to_vec()),
            1 => any::<u8>(),
        ];
        let edit = (any::<usize>(), byte, 0..3u8);
        let case = (config(), proptest::collection::vec(edit, 1..4));
        runner(384, 6)
            .run(&case, |((text, _), edits)| {
                let mut bytes = text.into_bytes();
                for (at, b, op) in edits {
                    let n = bytes.len().max(1);
                    match op {
                        0 if !bytes.is_empty() => bytes[at % n] = b,
                        1 => bytes.insert(at % (bytes.len() + 1), b),
                        _ if !bytes.is_empty() => {
                            bytes.remove(at % n);
                        }
                        _ => {}
                    }
                }
                let Ok(text) = String::from_utf8(bytes) else {
                    return Ok(());
                };
                match parse_config(&text, "c.toml", &NEURON_REGISTERS) {
                    Ok(writes) => {
                        for (addr, data) in writes {
                            let reg = NEURON_REGISTERS.iter().find(|r| r.addr == addr).unwrap();
                            prop_assert!(write_in_range(reg, data));
                        }
                    }
                    Err(e) => {
                        prop_assert!(e.starts_with("c.toml: line "), "no line: {e}\n{text}");
                        prop_assert!(!e.chars().any(char::is_control), "{e:?}");
                        prop_assert!(e.len() < 500, "{e}");
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn reported_message_cases() {
        let map = &NEURON_REGISTERS;
        let e = parse_config("CTRL = 1\nTHRESHOLD = \n", "c.toml", map).unwrap_err();
        assert!(e.starts_with("c.toml: line 2, column 13: "), "{e}");
        let e =
            parse_config(&format!("THRESHOLD = {}\n", "9".repeat(300)), "c.toml", map).unwrap_err();
        assert!(
            e.starts_with("c.toml: line 1, column") && e.len() < 300,
            "{e}"
        );
        let e = parse_config(
            &format!("THRESHOLD = 1{}.0\n", "0".repeat(300)),
            "c.toml",
            map,
        )
        .unwrap_err();
        assert!(e.contains("the number 1e300") && e.len() < 300, "{e}");
        let e = parse_config("CTRL = 0\nTHRESHOLD = 1979-05-27\n", "c.toml", map).unwrap_err();
        assert!(
            e.starts_with("c.toml: line 2: ") && e.contains("not a date-time"),
            "{e}"
        );
        let e = parse_config("\"TH\\u0000X\" = 1\n", "c.toml", map).unwrap_err();
        assert!(e.contains("`TH\\0X`") && !e.contains('\0'), "{e:?}");
        // The earliest line's error is the one reported.
        let e = parse_config("ZZZ = 1\nAAA = 2\n", "c.toml", map).unwrap_err();
        assert!(
            e.starts_with("c.toml: line 1: unknown register `ZZZ`"),
            "{e}"
        );
    }
}
