//! Provenance of the built-in parameter files (`models/params/*.toml`): each
//! file cites its paper (DOI) and the calibration sheet `models/DEVICES.md`;
//! every value line carries a `paper:`, `calibrated` or `assumed` tag; every
//! `paper:` comment cites its device's section of the sheet as
//! `(devices.md sN)`; every key is a field the model accepts; and the sheet
//! has a heading for every device.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use neuroxbar_models::device::{DeviceError, DeviceKind, DeviceSpec};

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

const TAGS: [&str; 3] = ["paper:", "calibrated", "assumed"];

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

#[test]
fn every_value_is_tagged_and_paper_values_cite_their_section() {
    for kind in DeviceKind::ALL {
        let file = format!("params/{}.toml", kind.name());
        let text = read(&params_path(kind));
        let (_, entries) = parse(&file, &text);
        assert!(!entries.is_empty(), "{file}: no values");
        let n = section(kind);
        for e in &entries {
            let (line, key) = (e.line, &e.key);
            let comment = e.comment.as_deref().unwrap_or_else(|| {
                panic!("{file}:{line}: key `{key}` has no trailing comment (tag paper:, calibrated or assumed)")
            });
            assert!(
                TAGS.iter().any(|t| comment.starts_with(t)),
                "{file}:{line}: key `{key}`: comment `{comment}` does not start with paper:, calibrated or assumed"
            );
            if let Some(rest) = comment.strip_prefix("paper:") {
                assert!(
                    comment.contains(&format!("(devices.md s{n})")),
                    "{file}:{line}: key `{key}`: paper: comment does not cite `(devices.md s{n})`: `{comment}`"
                );
                let what = rest.replace(&format!("(devices.md s{n})"), "");
                assert!(
                    what.chars().filter(|c| c.is_alphanumeric()).count() >= 8,
                    "{file}:{line}: key `{key}`: paper: comment does not name the measurement: `{comment}`"
                );
            }
            for s in cited_sections(comment) {
                assert_eq!(
                    s,
                    Some(n),
                    "{file}:{line}: key `{key}` cites devices.md s{s:?}, but {} is section {n}",
                    kind.name()
                );
            }
        }
        // every key the TOML parser sees is one of the tagged lines
        let table: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: not valid TOML: {e}"));
        let lines: BTreeSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        let keys: BTreeSet<&str> = table.keys().map(String::as_str).collect();
        assert_eq!(
            lines, keys,
            "{file}: keys on `key = value` lines differ from the parsed TOML keys"
        );
    }
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
        match DeviceSpec::load(kind, None) {
            Ok(_) => {}
            Err(DeviceError::Param { field, message, .. }) => panic!(
                "{file}:{}: key `{field}` is rejected by the {} model: {message}",
                line_of(&field),
                kind.name()
            ),
            Err(e) => panic!("{file}: does not load: {e}"),
        }
        match DeviceSpec::from_toml_str(kind, &text, &file) {
            Ok(_) => {}
            Err(DeviceError::Param { field, message, .. }) => panic!(
                "{file}:{}: key `{field}` is rejected by the {} model: {message}",
                line_of(&field),
                kind.name()
            ),
            Err(e) => panic!("{file}: does not load: {e}"),
        }
        // Loading succeeds only because the model rejects unknown keys: an
        // extra key must fail, so no key of the file is silently ignored.
        let probe = format!("{text}\nprovenance_probe_key = 1.0\n");
        match DeviceSpec::from_toml_str(kind, &probe, &file) {
            Err(DeviceError::Param { field, .. }) if field == "provenance_probe_key" => {}
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
