//! Waveform reading (VCD streamed; FST and GHW through `wellen`) and text
//! waveform rendering.
//!
//! - [`Waveform`]: signals (full hierarchical name, scope, width, value
//!   changes as `(time, value)` with four-state values of any width) and the
//!   file's timescale. Built by [`read_vcd`]/[`parse_vcd`], [`WaveReader`]
//!   (any format, only the requested signals) or, in testbenches,
//!   directly from per-cycle samples with [`Waveform::from_cycles`].
//! - [`render`]: the waveform as text, one row per signal and one column per
//!   time step (a cycle for [`Waveform::from_cycles`]), for insta snapshots and
//!   the `neuroxbar wave` command.
//! - [`summary`]: scopes, signals, widths, transition counts and time range.
//!
//! ```
//! use neuroxbar_cosim::wave::{render, RenderOptions, Waveform};
//! let w = Waveform::from_cycles(&[
//!     ("tick", 1, vec![0, 1, 0, 1]),
//!     ("membrane", 16, vec![0, 5, 5, 0x1f]),
//! ]);
//! let text = render(&w, &RenderOptions::default());
//! assert!(text.contains("tick"));
//! ```

mod file;
pub mod gtkw;
mod render;
mod summary;
mod value;
mod vcd;

use std::sync::Arc;

pub use file::{detect_format, Backend, Format, WaveError, WaveReader, WellenReader};
pub use render::{render, select_signals, try_render, RenderOptions, SelectError};
pub use summary::summary;
pub use value::{real_text, Bits, Logic, Value};
pub use vcd::{parse_vcd, parse_vcd_bytes, read_vcd, VcdError, VcdReader, VAR_TYPES};

/// A time in the waveform's own units (see [`Waveform::timescale`]).
pub type Time = u64;

/// A unit of the VCD `$timescale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    S,
    Ms,
    Us,
    Ns,
    Ps,
    Fs,
}

impl TimeUnit {
    /// Power of ten of one unit in seconds (`Ns` is -9).
    pub fn exponent(self) -> i32 {
        match self {
            TimeUnit::S => 0,
            TimeUnit::Ms => -3,
            TimeUnit::Us => -6,
            TimeUnit::Ns => -9,
            TimeUnit::Ps => -12,
            TimeUnit::Fs => -15,
        }
    }

    pub fn suffix(self) -> &'static str {
        match self {
            TimeUnit::S => "s",
            TimeUnit::Ms => "ms",
            TimeUnit::Us => "us",
            TimeUnit::Ns => "ns",
            TimeUnit::Ps => "ps",
            TimeUnit::Fs => "fs",
        }
    }

    /// Parses `s`, `ms`, `us`, `ns`, `ps`, `fs` (case-insensitive).
    pub fn parse(s: &str) -> Option<TimeUnit> {
        Some(match s.to_ascii_lowercase().as_str() {
            "s" => TimeUnit::S,
            "ms" => TimeUnit::Ms,
            "us" => TimeUnit::Us,
            "ns" => TimeUnit::Ns,
            "ps" => TimeUnit::Ps,
            "fs" => TimeUnit::Fs,
            _ => return None,
        })
    }

    /// Femtoseconds in one unit.
    pub fn femtoseconds(self) -> u128 {
        10u128.pow((self.exponent() + 15) as u32)
    }
}

/// A VCD `$timescale`: one time step is `magnitude` (1, 10 or 100) `unit`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timescale {
    pub magnitude: u32,
    pub unit: TimeUnit,
}

impl Timescale {
    /// Parses `1ps`, `1 ps`, `100ns`.
    pub fn parse(text: &str) -> Option<Timescale> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let split = t.find(|c: char| !c.is_ascii_digit())?;
        let (num, unit) = t.split_at(split);
        let magnitude: u32 = num.parse().ok()?;
        if !matches!(magnitude, 1 | 10 | 100) {
            return None;
        }
        Some(Timescale {
            magnitude,
            unit: TimeUnit::parse(unit)?,
        })
    }

    /// Femtoseconds in one time step.
    pub fn femtoseconds(self) -> u128 {
        self.magnitude as u128 * self.unit.femtoseconds()
    }
}

impl std::fmt::Display for Timescale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.magnitude, self.unit.suffix())
    }
}

/// Reads a time given on a command line: a plain number is in the
/// waveform's own units; a number with a unit (`100ns`, `2.5 us`) is
/// converted to them and must land on a whole time step.
pub fn parse_time(text: &str, timescale: Option<Timescale>) -> Result<Time, String> {
    let t = text.trim();
    if let Ok(n) = t.parse::<Time>() {
        return Ok(n);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("bad time `{text}`"))?;
    let (num, unit) = t.split_at(split);
    let unit = TimeUnit::parse(unit.trim()).ok_or_else(|| {
        format!(
            "bad time `{text}`: expected a number, optionally followed by s, ms, us, ns, ps or fs"
        )
    })?;
    let ts = timescale.ok_or_else(|| {
        format!("time `{text}` has a unit but the waveform has no $timescale; give a plain number")
    })?;
    // num as an exact decimal: integer digits and fraction digits.
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad time `{text}`"));
    }
    let digits: u128 = format!("{int}{frac}")
        .parse()
        .map_err(|_| format!("bad time `{text}`"))?;
    let scale = 10u128
        .checked_pow(frac.len() as u32)
        .ok_or_else(|| format!("bad time `{text}`"))?;
    let fs = digits
        .checked_mul(unit.femtoseconds())
        .ok_or_else(|| format!("time `{text}` is too large"))?;
    let step = ts.femtoseconds() * scale;
    if fs % step != 0 {
        return Err(format!("time `{text}` is not a whole number of {ts} steps"));
    }
    Time::try_from(fs / step).map_err(|_| format!("time `{text}` is too large"))
}

/// One variable of the waveform.
#[derive(Clone, Debug)]
pub struct Signal {
    /// Full hierarchical name, scopes joined with `.`: `TOP.tb.dut.membrane`.
    pub name: String,
    /// Scope path, outermost first: `["TOP", "tb", "dut"]`.
    pub scope: Vec<String>,
    /// Name inside its scope, with any array/bit index: `membrane`, `mem[2]`.
    pub local_name: String,
    /// Declared bit range as written in the file, e.g. `[15:0]`.
    pub range: Option<String>,
    /// VCD variable type: `wire`, `reg`, `real`, `integer`, ...
    /// (`wire` for signals built with [`Waveform::from_cycles`]).
    pub kind: String,
    /// Width in bits.
    pub width: u32,
    /// VCD identifier code (variables sharing a code share `changes`).
    pub id_code: Option<String>,
    /// Value changes in time order, at most one per time (for an `event`,
    /// one per trigger). A reader may keep only a window of them
    /// ([`VcdReader::read_window`]) or only the first
    /// ([`VcdReader::read_summary`]).
    pub changes: Arc<Vec<(Time, Value)>>,
    /// Transition count of the whole file when `changes` holds only part of
    /// it ([`VcdReader::read_summary`]); `None`: count `changes`.
    pub transition_count: Option<usize>,
}

impl Signal {
    /// The value in effect at time `t` (the last change at or before `t`).
    pub fn value_at(&self, t: Time) -> Option<&Value> {
        let i = self.changes.partition_point(|(ct, _)| *ct <= t);
        i.checked_sub(1).map(|i| &self.changes[i].1)
    }

    /// Number of changes to a different value, not counting the first value;
    /// for an `event`, the number of times it was triggered.
    pub fn transitions(&self) -> usize {
        if let Some(n) = self.transition_count {
            return n;
        }
        if self.is_event() {
            return self.changes.len();
        }
        self.changes
            .windows(2)
            .filter(|w| !w[0].1.same_as(&w[1].1))
            .count()
    }

    /// True for `event` variables: each change is a trigger, not a level.
    pub fn is_event(&self) -> bool {
        self.kind == "event"
    }

    /// True for real and string variables (drawn as value boxes, never as bits).
    pub fn is_analog(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "real" | "realtime" | "shortreal" | "string"
        )
    }
}

/// A set of signals and their value changes over time.
#[derive(Clone, Debug, Default)]
pub struct Waveform {
    /// Time unit of the file; `None` when times count cycles
    /// ([`Waveform::from_cycles`]) or the file declared no `$timescale`.
    pub timescale: Option<Timescale>,
    /// Signals in declaration order.
    pub signals: Vec<Signal>,
    /// Full scope paths (`TOP.tb.dut`) in first-declaration order.
    pub scopes: Vec<String>,
    /// `$date` text, if any.
    pub date: Option<String>,
    /// `$version` text, if any.
    pub version: Option<String>,
    /// Last timestamp of the file (or last cycle); `None` if it had none.
    pub end_time: Option<Time>,
    /// Time of the file's first value change, when read from a file (its
    /// signals may hold only part of their changes); `None` otherwise.
    pub start_time: Option<Time>,
}

impl Waveform {
    /// An empty cycle-based waveform.
    pub fn new() -> Waveform {
        Waveform::default()
    }

    /// Builds a waveform from per-cycle samples: one `(name, width, samples)`
    /// row per signal, `samples[c]` being the value in cycle `c`. Times are
    /// cycle numbers; only changes are stored. Values are truncated to
    /// `width` (so a negative `i16 as u64` membrane reads as its 16-bit
    /// two's complement). Dotted names (`lif.membrane`) get scopes.
    ///
    /// ```
    /// use neuroxbar_cosim::wave::Waveform;
    /// let w = Waveform::from_cycles(&[("tick", 1, vec![0, 1, 0]), ("membrane", 16, vec![3, 4, 4])]);
    /// assert_eq!(w.signal("membrane").unwrap().transitions(), 1);
    /// ```
    pub fn from_cycles<S: AsRef<str>, V: AsRef<[u64]>>(rows: &[(S, u32, V)]) -> Waveform {
        let mut w = Waveform::new();
        let mut cycles = 0u64;
        for (name, width, samples) in rows {
            let samples = samples.as_ref();
            cycles = cycles.max(samples.len() as u64);
            let mut changes: Vec<(Time, Value)> = Vec::new();
            for (c, &s) in samples.iter().enumerate() {
                let v = Value::Bits(Bits::from_u64(*width, s));
                if !changes.last().is_some_and(|(_, last)| *last == v) {
                    changes.push((c as Time, v));
                }
            }
            w.push_signal(name.as_ref(), *width, changes);
        }
        if cycles > 0 {
            w.end_time = Some(w.end_time.unwrap_or(0).max(cycles - 1));
        }
        w
    }

    /// Adds a signal with the given changes (sorted by time). `name` may be
    /// dotted; its leading parts become the scope. Extends `end_time` to the
    /// last change.
    pub fn push_signal(&mut self, name: &str, width: u32, changes: Vec<(Time, Value)>) {
        let mut parts: Vec<String> = name.split('.').map(str::to_string).collect();
        let local_name = parts.pop().unwrap_or_default();
        for i in 1..=parts.len() {
            let path = parts[..i].join(".");
            if !self.scopes.contains(&path) {
                self.scopes.push(path);
            }
        }
        if let Some((t, _)) = changes.last() {
            self.end_time = Some(self.end_time.unwrap_or(0).max(*t));
        }
        self.signals.push(Signal {
            name: name.to_string(),
            scope: parts,
            local_name,
            range: None,
            kind: "wire".into(),
            width,
            id_code: None,
            changes: Arc::new(changes),
            transition_count: None,
        });
    }

    /// The signal with this full name, or the only one whose name ends with
    /// `.name`.
    pub fn signal(&self, name: &str) -> Option<&Signal> {
        select_signals(self, &[name.to_string()])
            .ok()
            .and_then(|v| v.into_iter().next())
    }

    /// First and last time of the waveform (first change, last timestamp).
    pub fn time_range(&self) -> Option<(Time, Time)> {
        let start = self
            .signals
            .iter()
            .filter_map(|s| s.changes.first().map(|c| c.0))
            .chain(self.start_time)
            .min();
        match (start, self.end_time) {
            (Some(s), Some(e)) => Some((s.min(e), e)),
            (Some(s), None) => Some((s, s)),
            (None, Some(e)) => Some((e, e)),
            (None, None) => None,
        }
    }

    /// A short stable digest (FNV-1a, 64 bits, hex) of every signal's name,
    /// width and changes, for pinning long runs in snapshots instead of the
    /// whole trace.
    pub fn digest(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for s in &self.signals {
            eat(s.name.as_bytes());
            eat(&s.width.to_le_bytes());
            for (t, v) in s.changes.iter() {
                eat(&t.to_le_bytes());
                match v {
                    Value::Bits(b) => eat(b.to_bin().as_bytes()),
                    Value::Real(r) => eat(&r.to_bits().to_le_bytes()),
                    Value::Str(st) => eat(st.as_bytes()),
                }
                eat(b";");
            }
            eat(b"\n");
        }
        format!("{h:016x}")
    }

    /// Same as [`render`].
    pub fn render(&self, options: &RenderOptions) -> String {
        render(self, options)
    }

    /// Same as [`summary`].
    pub fn summary(&self) -> String {
        summary(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_times() {
        let ps = Timescale::parse("1ps");
        assert_eq!(parse_time("1500", ps), Ok(1500));
        assert_eq!(parse_time("100ns", ps), Ok(100_000));
        assert_eq!(parse_time("2.5 ns", ps), Ok(2500));
        assert_eq!(parse_time("1us", Timescale::parse("10ns")), Ok(100));
        assert!(parse_time("5ns", Timescale::parse("10ns")).is_err());
        assert!(parse_time("5ns", None).is_err());
        assert!(parse_time("5 parsecs", ps).is_err());
        assert!(parse_time("-3", ps).is_err());
        assert!(parse_time(".ns", ps).is_err());
        assert!(parse_time("99999999999999999999999999s", ps).is_err());
    }
}
