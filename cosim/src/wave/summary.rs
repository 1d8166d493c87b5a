//! A plain-text overview of a waveform: time range, scopes, and per signal
//! its width, type and number of transitions.

use super::Waveform;

/// Lists the timescale, time range, scopes and signals (full name, width,
/// type, transition count, identifier code) of a waveform. Deterministic.
pub fn summary(wave: &Waveform) -> String {
    let mut out = String::new();
    match wave.timescale {
        Some(ts) => out.push_str(&format!("timescale   {ts}\n")),
        None => out.push_str("timescale   cycles\n"),
    }
    match wave.time_range() {
        Some((a, b)) => out.push_str(&format!("time range  {a} .. {b}\n")),
        None => out.push_str("time range  (no value changes)\n"),
    }
    out.push_str(&format!("scopes      {}\n", wave.scopes.len()));
    for s in &wave.scopes {
        out.push_str(&format!("  {s}\n"));
    }
    out.push_str(&format!("signals     {}\n", wave.signals.len()));
    let header = ["name", "width", "type", "transitions", "id"];
    let rows: Vec<[String; 5]> = wave
        .signals
        .iter()
        .map(|s| {
            let name = match &s.range {
                Some(r) => format!("{}{}", s.name, r),
                None => s.name.clone(),
            };
            [
                name,
                s.width.to_string(),
                s.kind.clone(),
                s.transitions().to_string(),
                s.id_code.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut push_row = |cells: [&str; 5]| {
        let mut line = String::from("  ");
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i == 1 || i == 3 {
                line.push_str(&format!("{c:>w$}  "));
            } else {
                line.push_str(&format!("{c:<w$}  "));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(header);
    for r in &rows {
        push_row([&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
    out
}
