//! Provenance of the built-in parameter files (`models/params/*.toml`): each
//! file cites its paper (DOI) and the calibration sheet `models/DEVICES.md`;
//! every value line carries a tag: `paper:` followed by a locator in a fixed
//! format (`paper: Fig 2d`, `paper: Fig S4`, `paper: Table 1`, `paper: Eq 3`,
//! `paper: Section 2.2`, `paper: text, "<quote>"`), or `calibrated`,
//! `assumed` or `inferred` followed by `: <reason>`; a `(devices.md sN)`
//! citation, where present, names the device's own section; every key is a
//! field the model accepts; and the sheet has a heading for every device.
//! The tag rules are shown to reject malformed tags, on single comments and
//! on an in-memory copy of a parameter file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use neuroxbar_models::device::{DeviceError, DeviceKind, DeviceSpec, ParamError};

/// Section of `models/DEVICES.md` that documents `kind`'s paper.
fn section(kind: DeviceKind) -> u32 {
    match kind {
        DeviceKind::FtjRelax => 1,
        DeviceKind::Otj => 2,
        DeviceKind::Liwes => 3,
        DeviceKind::Astrocyte | DeviceKind::NAstrocyte => 4,
        DeviceKind::FtjLinear | DeviceKind::FtjReference => 5,
    }
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn params_path(kind: DeviceKind) -> PathBuf {
    manifest_dir()
        .join("params")
        .join(format!("{}.toml", kind.name()))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Split a TOML line at its comment: `(code, Some(comment text after '#'))`.
/// A `#` inside a basic string does not start a comment.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let (mut in_str, mut escaped) = (false, false);
    for (i, c) in line.char_indices() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
        } else if c == '#' {
            return (&line[..i], Some(&line[i + 1..]));
        }
    }
    (line, None)
}

/// One `key = value` line of a parameter file.
struct Entry {
    line: usize,
    key: String,
    comment: Option<String>,
}

/// The header (the comment lines before the first value line) and the value
/// lines. Panics on a line that is neither a comment, blank, nor `key = value`.
fn parse(file: &str, text: &str) -> (String, Vec<Entry>) {
    let mut header = String::new();
    let mut entries = vec![];
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('#') {
            if entries.is_empty() {
                header.push_str(t);
                header.push('\n');
            }
            continue;
        }
        let (code, comment) = split_comment(raw);
        let (key, value) = code.split_once('=').unwrap_or_else(|| {
            panic!("{file}:{line}: not a comment, blank or `key = value` line: `{raw}`")
        });
        let key = key.trim();
        assert!(
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "{file}:{line}: `{key}` is not a bare key"
        );
        assert!(
            !value.trim().is_empty(),
            "{file}:{line}: key `{key}` has no value"
        );
        entries.push(Entry {
            line,
            key: key.to_string(),
            comment: comment.map(|c| c.trim().to_string()),
        });
    }
    (header, entries)
}

/// Every `N` of `devices.md sN` in `s`.
fn cited_sections(s: &str) -> Vec<Option<u32>> {
    s.match_indices("devices.md s")
        .map(|(i, m)| {
            let digits: String = s[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

#[test]
fn the_parameter_files_are_exactly_the_device_catalogue() {
    let dir = manifest_dir().join("params");
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| n.trim_end_matches(".toml").to_string())
        .collect();
    let kinds: BTreeSet<String> = DeviceKind::ALL
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    assert_eq!(
        files,
        kinds,
        "params/*.toml vs DeviceKind::ALL: files without a kind {:?}, kinds without a file {:?}",
        files.difference(&kinds).collect::<Vec<_>>(),
        kinds.difference(&files).collect::<Vec<_>>()
    );
    // the files on disk are the ones embedded in the library
    for kind in DeviceKind::ALL {
        assert_eq!(
            read(&params_path(kind)),
            kind.default_params_toml(),
            "params/{}.toml differs from the built-in set",
            kind.name()
        );
    }
}

#[test]
fn headers_cite_the_doi_and_the_calibration_sheet() {
    let sheet = read(&manifest_dir().join("DEVICES.md"));
    for kind in DeviceKind::ALL {
        let file = format!("params/{}.toml", kind.name());
        let (header, _) = parse(&file, &read(&params_path(kind)));
        let doi_at = header
            .find("doi 10.")
            .unwrap_or_else(|| panic!("{file}: header cites no DOI (`doi 10.`):\n{header}"));
        let doi: String = header[doi_at + 4..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ',')
            .collect();
        let doi = doi.trim_end_matches('.');
        assert!(
            sheet.contains(doi),
            "{file}: DOI {doi} is not in models/DEVICES.md"
        );
        let n = section(kind);
        assert!(
            header.contains(&format!("models/DEVICES.md section {n}")),
            "{file}: header does not cite `models/DEVICES.md section {n}`:\n{header}"
        );
        assert!(
            header.contains("Provenance tags"),
            "{file}: header does not point to the \"Provenance tags\" section"
        );
        assert!(
            !header.contains("shared/spec"),
            "{file}: header cites shared/spec, which is not in the repository"
        );
    }
}

/// `digits` optionally prefixed by `S` (supplementary), at the start of `s`;
/// returns the rest.
fn number(s: &str, supplementary: bool) -> Option<&str> {
    let s = if supplementary {
        s.strip_prefix('S').unwrap_or(s)
    } else {
        s
    };
    let n = s.chars().take_while(char::is_ascii_digit).count();
    (n > 0).then(|| &s[n..])
}

/// The locator ends the comment or is followed by `,` or `;` (then the
/// description of the measurement).
fn locator_end(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(',') || rest.starts_with(';')
}

/// Why the text after `paper:` does not start with a locator of the fixed
/// format, or `None`: `Fig 2d` / `Fig S4` (panel letters a-z, at most 3),
/// `Table 1` / `Table S1`, `Eq 3`, `Section 2.2`, or `text, "<quote>"`.
fn paper_locator_error(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    let ok = if let Some(r) = rest.strip_prefix("Fig ") {
        number(r, true).is_some_and(|r| {
            let panels = r.chars().take_while(char::is_ascii_lowercase).count();
            panels <= 3 && locator_end(&r[panels..])
        })
    } else if let Some(r) = rest.strip_prefix("Table ") {
        number(r, true).is_some_and(locator_end)
    } else if let Some(r) = rest.strip_prefix("Eq ") {
        number(r, false).is_some_and(locator_end)
    } else if let Some(r) = rest.strip_prefix("Section ") {
        let n = r
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .count();
        let num = &r[..n];
        !num.is_empty() && num.split('.').all(|p| !p.is_empty()) && locator_end(&r[n..])
    } else if let Some(r) = rest.strip_prefix("text, \"") {
        match r.split_once('"') {
            Some((quote, after)) => {
                quote.chars().filter(|c| c.is_alphanumeric()).count() >= 8 && locator_end(after)
            }
            None => false,
        }
    } else {
        false
    };
    (!ok).then(|| {
        "does not start with a locator `Fig 2d`, `Fig S4`, `Table 1`, `Eq 3`, \
         `Section 2.2` or `text, \"<quote>\"` (then end, `,` or `;`)"
            .to_string()
    })
}

/// The tags: `paper:` cites a locator; the others give a reason after `:`.
const REASON_TAGS: [&str; 3] = ["calibrated", "assumed", "inferred"];

/// Why a value line's comment breaks the tag rules, or `None`.
fn tag_error(comment: &str) -> Option<String> {
    if let Some(rest) = comment.strip_prefix("paper:") {
        return paper_locator_error(rest);
    }
    let Some(tag) = REASON_TAGS.iter().find(|t| comment.starts_with(*t)) else {
        return Some("does not start with `paper:`, `calibrated`, `assumed` or `inferred`".into());
    };
    // `assumed: reason`, `calibrated (qualitative): reason`, `calibrated with k: reason`
    let Some((qualifier, reason)) = comment[tag.len()..].split_once(':') else {
        return Some(format!(
            "`{tag}` gives no reason (expected `{tag}: <reason>`)"
        ));
    };
    if qualifier.len() > 40 {
        return Some(format!(
            "`{tag}`: the reason must follow `{tag}:` (or a short qualifier)"
        ));
    }
    let words = reason.split_whitespace().count();
    let letters = reason.chars().filter(|c| c.is_alphanumeric()).count();
    (words < 3 || letters < 15).then(|| {
        format!(
            "`{tag}`: reason `{}` is too short (>= 3 words)",
            reason.trim()
        )
    })
}

/// Every rule of the value lines of one parameter file; the errors, each
/// naming the file, line and key.
fn check_file(file: &str, text: &str, section: u32) -> Vec<String> {
    let mut errors = vec![];
    let (_, entries) = parse(file, text);
    if entries.is_empty() {
        errors.push(format!("{file}: no values"));
    }
    for e in &entries {
        let (line, key) = (e.line, &e.key);
        let Some(comment) = e.comment.as_deref() else {
            errors.push(format!(
                "{file}:{line}: key `{key}` has no trailing comment (tag paper:, calibrated, assumed or inferred)"
            ));
            continue;
        };
        if let Some(why) = tag_error(comment) {
            errors.push(format!("{file}:{line}: key `{key}`: `{comment}`: {why}"));
        }
        for s in cited_sections(comment) {
            if s != Some(section) {
                errors.push(format!(
                    "{file}:{line}: key `{key}` cites devices.md s{s:?}, but this file is section {section}"
                ));
            }
        }
    }
    // every key the TOML parser sees is one of the tagged lines
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => {
            let lines: BTreeSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
            let keys: BTreeSet<&str> = table.keys().map(String::as_str).collect();
            if lines != keys {
                errors.push(format!(
                    "{file}: keys on `key = value` lines {lines:?} differ from the parsed TOML keys {keys:?}"
                ));
            }
        }
        Err(e) => errors.push(format!("{file}: not valid TOML: {e}")),
    }
    errors
}

#[test]
fn every_value_is_tagged_with_a_locator_or_a_reason() {
    let mut errors = vec![];
    for kind in DeviceKind::ALL {
        let file = format!("params/{}.toml", kind.name());
        errors.extend(check_file(&file, &read(&params_path(kind)), section(kind)));
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_tag_format_accepts_each_locator_and_rejects_malformed_tags() {
    for good in [
        "paper: Fig 2d",
        "paper: Fig 3e, ON/OFF ~40 with +1.6 V / -1.8 V, 50 ns pulses",
        "paper: Fig S4; spread in conductance",
        "paper: Fig 1de, two panels",
        "paper: Table 1",
        "paper: Table S2, fit",
        "paper: Eq 3",
        "paper: Section 2.2",
        "paper: Section 2, text",
        "paper: text, \"endurance of the device is significantly improved\"",
        "paper: text, \"more than 10^5\"; lower bound",
        "assumed: read voltage of the pulse measurements, not reported",
        "calibrated (qualitative): f_th after a 20 Hz prior above f_th after 2 Hz",
        "calibrated with k_pot_per_v: the two pulse-train targets",
        "inferred: the refresh is reported for the YSZ device only",
    ] {
        assert_eq!(tag_error(good), None, "`{good}` should pass");
    }
    for bad in [
        "paper: ON/OFF ~40 (devices.md s4)",
        "paper: Figure 3e, ON/OFF",
        "paper: Fig. 3e, ON/OFF",
        "paper: Fig 3e ON/OFF",
        "paper: Fig e3",
        "paper: Fig 3abcd, too many panels",
        "paper: Fig , ON/OFF",
        "paper: Table one",
        "paper: Eq S3",
        "paper: Section , text",
        "paper: Section 2., text",
        "paper: text, endurance of the device is improved",
        "paper: text, \"> 1e5\"",
        "paper: text, \"unterminated quote",
        "paper Fig 3e",
        "papers: Fig 3e",
        "assumed",
        "assumed read voltage",
        "assumed (not reported)",
        "assumed: chosen",
        "calibrated: fit to data",
        "inferred:",
        "measured: Fig 3e",
        "assumed because the paper does not report it, a long qualifier: x",
    ] {
        assert!(tag_error(bad).is_some(), "`{bad}` should fail");
    }
}

#[test]
fn a_bad_tag_in_a_parameter_file_fails_the_check() {
    let kind = DeviceKind::Astrocyte;
    let file = format!("params/{}.toml", kind.name());
    let text = read(&params_path(kind));
    assert_eq!(
        check_file(&file, &text, section(kind)),
        Vec::<String>::new()
    );
    let (_, entries) = parse(&file, &text);
    let line_of = |key: &str| entries.iter().find(|e| e.key == key).unwrap().line;
    // Mutations of an in-memory copy: each one breaks exactly the edited line.
    let mutate = |key: &str, comment: &str| -> String {
        text.lines()
            .map(|l| {
                if l.split('=').next().unwrap().trim() == key {
                    format!("{} # {comment}", split_comment(l).0.trim_end())
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (key, comment) in [
        (
            "g_off_s",
            "paper: ON/OFF ~40 with +1.6 V / -1.8 V, 50 ns pulses (devices.md s4)",
        ),
        ("v_refresh_v", "paper: Figure 4b, refresh pulses"),
        ("c2c_sd", "assumed (not reported)"),
        ("nf_exponent", "calibrated"),
        ("v_set_th_v", "paper: Fig 3d (devices.md s1)"),
    ] {
        let errors = check_file(&file, &mutate(key, comment), section(kind));
        let at = format!("{file}:{}: key `{key}`", line_of(key));
        assert!(
            !errors.is_empty() && errors.iter().all(|e| e.starts_with(&at)),
            "`{key} # {comment}`: {errors:?}"
        );
    }
    // a value line without a comment
    let errors = check_file(
        &file,
        &text.replace("# assumed: relative read noise, not reported", ""),
        section(kind),
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn every_key_is_a_field_the_model_accepts() {
    for kind in DeviceKind::ALL {
        let file = format!("params/{}.toml", kind.name());
        let text = read(&params_path(kind));
        let (_, entries) = parse(&file, &text);
        let line_of = |field: &str| {
            entries
                .iter()
                .find(|e| e.key == field)
                .map_or("?".to_string(), |e| e.line.to_string())
        };
        let must_load = |loaded: Result<DeviceSpec, DeviceError>| match loaded {
            Ok(_) => {}
            Err(DeviceError::Param(ParamError { field, message, .. })) => panic!(
                "{file}:{}: key `{field}` is rejected by the {} model: {message}",
                line_of(&field),
                kind.name()
            ),
            Err(e) => panic!("{file}: does not load: {e}"),
        };
        must_load(DeviceSpec::load(kind, None));
        must_load(DeviceSpec::from_toml_str(kind, &text, &file));
        // Loading succeeds only because the model rejects unknown keys: an
        // extra key must fail, so no key of the file is silently ignored.
        let probe = format!("{text}\nprovenance_probe_key = 1.0\n");
        match DeviceSpec::from_toml_str(kind, &probe, &file) {
            Err(DeviceError::Param(ParamError { field, .. })) if field == "provenance_probe_key" => {}
            other => panic!(
                "{file}: the {} model does not reject an unknown key, so loading does not prove every key is a field: {other:?}",
                kind.name()
            ),
        }
    }
}

#[test]
fn the_calibration_sheet_has_a_heading_for_every_device() {
    let sheet = read(&manifest_dir().join("DEVICES.md"));
    for kind in DeviceKind::ALL {
        let name = format!("`{}`", kind.name());
        let n = section(kind);
        // the section number of the first heading that names the device
        let mut current = None;
        let mut found = None;
        for (i, line) in sheet.lines().enumerate() {
            if let Some(rest) = line.strip_prefix("## ") {
                current = rest
                    .split('.')
                    .next()
                    .and_then(|d| d.trim().parse::<u32>().ok());
            }
            if line.starts_with('#') && line.contains(&name) {
                found = Some((i + 1, current));
                break;
            }
        }
        let (line, sec) =
            found.unwrap_or_else(|| panic!("models/DEVICES.md: no heading names {name}"));
        assert_eq!(
            sec,
            Some(n),
            "models/DEVICES.md:{line}: the heading of {name} is in section {sec:?}, expected {n}"
        );
    }
}
