//! Text rendering of a [`Waveform`]: one row per signal, one column per time
//! step, plain ASCII so that snapshot diffs and terminals both read it.
//!
//! ```text
//! cycle     0   2   4   6
//! tick      __/-\___/-\___
//! membrane  0   |5  |1f   |x
//! ```
//!
//! - single bits: `_` low, `-` high, `/` rising, `\` falling, `x` unknown,
//!   `z` high impedance;
//! - events: `^` in a column where the event was triggered, `_` elsewhere;
//! - buses, reals and strings: a box per value, `|` where the value changes,
//!   the value in hex without leading zeros (`X`/`Z` for a nibble mixing known
//!   and unknown bits); a value too long for its box ends in `+`, and a
//!   real or string value cut so is listed in full under the waveform;
//! - the ruler gives the time (file units, or the cycle) at column starts.
//!
//! The time step of one column is the greatest common divisor of the change
//! times in the window (one cycle for [`Waveform::from_cycles`]), so every
//! change falls on a column boundary. The column width is the smallest
//! (at least 2) that fits every value box, at most 8.

use std::fmt;

use super::{Logic, Signal, Time, Value, Waveform};

/// What to render. `Default` renders every signal over the whole time range
/// without a width limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Signals to show, in this order, by full name or unambiguous suffix
    /// (`membrane`, `dut.membrane`). `None`: all, in declaration order.
    pub signals: Option<Vec<String>>,
    /// First time shown (the waveform's time units; cycles for
    /// [`Waveform::from_cycles`]). `None`: the start.
    pub from: Option<Time>,
    /// Last time shown, inclusive. `None`: the end.
    pub to: Option<Time>,
    /// Maximum line length in characters; columns that do not fit are cut
    /// and a final line says so. `None`: no limit.
    pub max_width: Option<usize>,
}

/// A signal selection or time window that cannot be rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectError {
    /// No signal has this name or suffix; `suggestions` are close names.
    Unknown {
        name: String,
        suggestions: Vec<String>,
    },
    /// Several signals end with this suffix.
    Ambiguous {
        name: String,
        candidates: Vec<String>,
    },
    /// `from` is after `to`.
    EmptyWindow { from: Time, to: Time },
    /// `from` is after the waveform's last time `end`.
    PastEnd { from: Time, end: Time },
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::Unknown { name, suggestions } => {
                write!(f, "no signal named `{name}`")?;
                if suggestions.is_empty() {
                    write!(f, " (use --summary to list the signals)")
                } else {
                    write!(f, "; did you mean: {}", suggestions.join(", "))
                }
            }
            SelectError::Ambiguous { name, candidates } => write!(
                f,
                "signal name `{name}` is ambiguous; it matches: {}",
                candidates.join(", ")
            ),
            SelectError::EmptyWindow { from, to } => {
                write!(f, "empty time window: from {from} is after to {to}")
            }
            SelectError::PastEnd { from, end } => {
                write!(
                    f,
                    "from {from} is after the end of the waveform (its last time is {end})"
                )
            }
        }
    }
}

impl std::error::Error for SelectError {}

/// True if the characters of `short` appear in `long` in order (`cnt` in `count`).
fn is_subsequence(short: &str, long: &str) -> bool {
    let mut it = long.chars();
    short.chars().all(|c| it.any(|l| l == c))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + (a[i - 1] != b[j - 1]) as usize;
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Finds signals by full name or by a suffix starting at a scope boundary.
/// A full-name match wins; signals sharing one identifier code (the same
/// net seen from several scopes) do not make a suffix ambiguous.
pub fn select_signals<'a>(
    wave: &'a Waveform,
    names: &[String],
) -> Result<Vec<&'a Signal>, SelectError> {
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let name = name.trim();
        if let Some(s) = wave.signals.iter().find(|s| s.name == name) {
            out.push(s);
            continue;
        }
        let dotted = format!(".{name}");
        let matches: Vec<&Signal> = wave
            .signals
            .iter()
            .filter(|s| s.name.ends_with(&dotted))
            .collect();
        match matches.len() {
            1 => out.push(matches[0]),
            0 => {
                let lname = name.to_ascii_lowercase();
                let mut scored: Vec<(usize, &str)> = wave
                    .signals
                    .iter()
                    .filter_map(|s| {
                        let full = s.name.to_ascii_lowercase();
                        let local = s.local_name.to_ascii_lowercase();
                        let d = edit_distance(&lname, &local);
                        let close = full.contains(&lname)
                            || lname.contains(&local)
                            || is_subsequence(&lname, &local)
                            || d <= (lname.len() / 3).max(1);
                        close.then_some((d, s.name.as_str()))
                    })
                    .collect();
                scored.sort();
                let mut suggestions: Vec<String> = Vec::new();
                for (_, n) in scored {
                    if !suggestions.iter().any(|s| s == n) && suggestions.len() < 5 {
                        suggestions.push(n.to_string());
                    }
                }
                return Err(SelectError::Unknown {
                    name: name.to_string(),
                    suggestions,
                });
            }
            _ => {
                let first = &matches[0].changes;
                if matches
                    .iter()
                    .all(|s| std::sync::Arc::ptr_eq(&s.changes, first))
                {
                    // One net under several names: take the shortest name.
                    let best = matches
                        .iter()
                        .min_by_key(|s| (s.name.len(), s.name.clone()))
                        .copied()
                        .unwrap_or(matches[0]);
                    out.push(best);
                } else {
                    return Err(SelectError::Ambiguous {
                        name: name.to_string(),
                        candidates: matches.iter().map(|s| s.name.clone()).collect(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Renders the waveform as text.
///
/// # Panics
/// If a requested signal does not exist or is ambiguous, or `from > to` (a
/// testbench mistake; the message lists close names). Use [`try_render`] to
/// get these as errors.
pub fn render(wave: &Waveform, options: &RenderOptions) -> String {
    match try_render(wave, options) {
        Ok(s) => s,
        Err(e) => panic!("cannot render waveform: {e}"),
    }
}

/// Hard cap on columns when no `max_width` is given.
const MAX_COLUMNS: u64 = 4096;

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

enum RowKind {
    Bit,
    Event,
    Boxes,
}

/// Renders the waveform as text, or says why it cannot.
pub fn try_render(wave: &Waveform, options: &RenderOptions) -> Result<String, SelectError> {
    let signals: Vec<&Signal> = match &options.signals {
        Some(names) => select_signals(wave, names)?,
        None => wave.signals.iter().collect(),
    };
    let range = wave.time_range();
    let (start, end) = range.unwrap_or((0, 0));
    if let (Some(from), Some((_, end))) = (options.from, range) {
        if from > end {
            return Err(SelectError::PastEnd { from, end });
        }
    }
    let from = options.from.unwrap_or(start);
    let to = options.to.unwrap_or(end.max(from));
    if from > to {
        return Err(SelectError::EmptyWindow { from, to });
    }

    // Column step: gcd of the offsets of every change inside the window.
    let mut step = 0u64;
    for s in &signals {
        let i = s.changes.partition_point(|(t, _)| *t <= from);
        for (t, _) in s.changes[i..].iter().take_while(|(t, _)| *t <= to) {
            step = gcd(step, t - from);
        }
    }
    if step == 0 {
        step = (to - from).max(1);
    }
    let total_cols = (to - from) / step + 1;
    let ncols = total_cols.min(MAX_COLUMNS) as usize;
    let col_time = |c: usize| from + c as u64 * step;

    // Sample every signal at every column.
    let samples: Vec<Vec<Option<&Value>>> = signals
        .iter()
        .map(|s| {
            let mut i = s.changes.partition_point(|(t, _)| *t <= from);
            let mut cur = i.checked_sub(1).map(|k| &s.changes[k].1);
            (0..ncols)
                .map(|c| {
                    let t = col_time(c);
                    while i < s.changes.len() && s.changes[i].0 <= t {
                        cur = Some(&s.changes[i].1);
                        i += 1;
                    }
                    cur
                })
                .collect()
        })
        .collect();
    let kinds: Vec<RowKind> = signals
        .iter()
        .zip(&samples)
        .map(|(s, vals)| {
            if s.is_event() {
                return RowKind::Event;
            }
            let bit = s.width == 1
                && !s.is_analog()
                && vals
                    .iter()
                    .all(|v| matches!(v, None | Some(Value::Bits(_))));
            if bit {
                RowKind::Bit
            } else {
                RowKind::Boxes
            }
        })
        .collect();

    // Segments of equal values for box rows: (first column, length, text).
    let segments: Vec<Vec<(usize, usize, Option<String>)>> = samples
        .iter()
        .zip(&kinds)
        .map(|(vals, kind)| match kind {
            RowKind::Bit | RowKind::Event => Vec::new(),
            RowKind::Boxes => {
                let mut segs: Vec<(usize, usize, Option<String>)> = Vec::new();
                for (c, v) in vals.iter().enumerate() {
                    let same = c > 0 && same_value(vals[c - 1], *v);
                    if same {
                        if let Some(last) = segs.last_mut() {
                            last.1 += 1;
                        }
                    } else {
                        segs.push((c, 1, v.map(Value::display_text)));
                    }
                }
                segs
            }
        })
        .collect();

    // Column width: fit every box's text after its `|`, between 2 and 8.
    let mut cell = 2usize;
    for seg in segments.iter().flatten() {
        if let (_, len, Some(text)) = seg {
            let need = (text.chars().count() + 1).div_ceil(*len);
            cell = cell.max(need.min(8));
        }
    }

    // Names, without the scope prefix that every shown signal shares.
    let common = common_scope(&signals);
    let names: Vec<String> = signals
        .iter()
        .map(|s| {
            if common.is_empty() {
                s.name.clone()
            } else {
                s.name[common.len() + 1..].to_string()
            }
        })
        .collect();
    let ruler_title = match wave.timescale {
        Some(ts) => format!("time ({ts})"),
        None => "cycle".to_string(),
    };
    let name_w = names
        .iter()
        .map(|n| n.chars().count())
        .chain(std::iter::once(ruler_title.len()))
        .max()
        .unwrap_or(0)
        + 2;

    // Columns that fit in max_width.
    let mut shown = ncols;
    if let Some(maxw) = options.max_width {
        let fit = (maxw.saturating_sub(name_w) / cell).max(1);
        shown = shown.min(fit);
    }

    let mut out = String::new();
    if !common.is_empty() {
        out.push_str(&format!("scope {common}\n"));
    }
    // Ruler: labels at column starts, every `every` columns.
    let widest = (0..shown)
        .map(|c| col_time(c).to_string().len())
        .max()
        .unwrap_or(1);
    let every = [1usize, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
        .into_iter()
        .find(|&m| m * cell > widest)
        .unwrap_or(10_000);
    let mut ruler = format!("{ruler_title:<name_w$}");
    for c in (0..shown).step_by(every) {
        let label = col_time(c).to_string();
        let pos = name_w + c * cell;
        while ruler.len() < pos {
            ruler.push(' ');
        }
        ruler.push_str(&label);
    }
    out.push_str(ruler.trim_end());
    out.push('\n');

    // Real and string values cut short in their boxes, in full.
    let mut cut: Vec<String> = Vec::new();
    for (row, name) in names.iter().enumerate() {
        let mut line = format!("{name:<name_w$}");
        match kinds[row] {
            RowKind::Bit => {
                let vals = &samples[row];
                for c in 0..shown {
                    let cur = bit_of(vals[c]);
                    let prev = if c > 0 { bit_of(vals[c - 1]) } else { None };
                    let fill = match cur {
                        None => ' ',
                        Some(Logic::Zero) => '_',
                        Some(Logic::One) => '-',
                        Some(Logic::X) => 'x',
                        Some(Logic::Z) => 'z',
                    };
                    let lead = match (prev, cur) {
                        (Some(Logic::Zero), Some(Logic::One)) => '/',
                        (Some(Logic::One), Some(Logic::Zero)) => '\\',
                        _ => fill,
                    };
                    line.push(lead);
                    for _ in 1..cell {
                        line.push(fill);
                    }
                }
            }
            RowKind::Event => {
                // Triggers in (previous column, this column]; at `from` itself
                // for the first column.
                let changes = &signals[row].changes;
                let mut i = changes.partition_point(|(t, _)| *t < from);
                for c in 0..shown {
                    let t = col_time(c);
                    let mut fired = false;
                    while i < changes.len() && changes[i].0 <= t {
                        fired = true;
                        i += 1;
                    }
                    line.push(if fired { '^' } else { '_' });
                    for _ in 1..cell {
                        line.push('_');
                    }
                }
            }
            RowKind::Boxes => {
                for (first, len, text) in &segments[row] {
                    if *first >= shown {
                        break;
                    }
                    let len = (*len).min(shown - first);
                    let span = len * cell;
                    let mut cellstr = String::with_capacity(span);
                    if *first > 0 {
                        cellstr.push('|');
                    }
                    if let Some(text) = text {
                        let avail = span - cellstr.len();
                        let n = text.chars().count();
                        if n <= avail {
                            cellstr.push_str(text);
                        } else if avail > 0 {
                            cellstr.extend(text.chars().take(avail - 1));
                            cellstr.push('+');
                            if !matches!(samples[row][*first], Some(Value::Bits(_))) {
                                cut.push(format!("  {name} at {}: {text}", col_time(*first)));
                            }
                        }
                    }
                    while cellstr.chars().count() < span {
                        cellstr.push(' ');
                    }
                    line.push_str(&cellstr);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if !cut.is_empty() {
        out.push_str("values cut short above:\n");
        for c in &cut {
            out.push_str(c);
            out.push('\n');
        }
    }
    if (shown as u64) < total_cols {
        out.push_str(&format!(
            "... {} more columns up to time {} not shown (step {}); narrow the window with from/to\n",
            total_cols - shown as u64,
            to,
            step
        ));
    }
    Ok(out)
}

fn bit_of(v: Option<&Value>) -> Option<Logic> {
    match v {
        Some(Value::Bits(b)) => Some(b.bit(0)),
        _ => None,
    }
}

fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.same_as(b),
        _ => false,
    }
}

/// The longest scope path (`TOP.tb`) that contains every signal.
fn common_scope(signals: &[&Signal]) -> String {
    let Some(first) = signals.first() else {
        return String::new();
    };
    let mut n = first.scope.len();
    for s in &signals[1..] {
        n = n.min(
            first
                .scope
                .iter()
                .zip(&s.scope)
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    // A signal's name must keep its local part even when it is the only one.
    first.scope[..n].join(".")
}
