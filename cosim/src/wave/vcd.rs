//! A streaming, token-based VCD (IEEE 1364 value change dump) reader.
//!
//! Reads what Verilator, Icarus Verilog, GTKWave and other tools write:
//! `$date`/`$version`/`$comment` blocks over several lines, nested and
//! re-entered scopes, escaped and indexed names (`\mem[2]`, `mem [3]`),
//! several variables sharing one identifier code, scalar (`1!`), vector
//! (`b0101 #`, extended to the declared width as the standard says), real
//! (`r1.5 !`, `rNaN`) and string (`sfoo !`) changes, `event` triggers,
//! `$dumpvars`, `$dumpall`, `$dumpon`, `$dumpoff` blocks. Anything malformed
//! is an error naming the file and line; the reader never panics.
//!
//! [`VcdReader`] reads the header first and then streams the value changes,
//! keeping only what the caller asks for: the changes of chosen signals in a
//! time window ([`VcdReader::read_window`]), or per-signal transition counts
//! ([`VcdReader::read_summary`]). Its memory is then a small multiple of what
//! is kept, not of the file. Every value in the file is checked either way,
//! so a file is valid or not whatever is selected.

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use super::{select_signals, Bits, SelectError, Signal, Time, Timescale, Value, Waveform};

/// A VCD that could not be read: the file, the 1-based line (0 when the file
/// could not be opened) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VcdError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for VcdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for VcdError {}

/// Reads a whole VCD file (every signal, every change).
pub fn read_vcd(path: impl AsRef<Path>) -> Result<Waveform, VcdError> {
    VcdReader::open(path)?.read_all()
}

/// Reads VCD text held in memory; `file` names it in errors.
pub fn parse_vcd_bytes(bytes: &[u8], file: &str) -> Result<Waveform, VcdError> {
    parse_vcd(bytes, file)
}

/// Reads a whole VCD from any buffered reader; `file` names it in errors.
pub fn parse_vcd<R: BufRead>(reader: R, file: &str) -> Result<Waveform, VcdError> {
    VcdReader::new(reader, file)?.read_all()
}

/// The variable types of IEEE 1364 §18.2.3.8, the SystemVerilog ones that
/// Verilator writes, and GTKWave's `string`.
pub const VAR_TYPES: &[&str] = &[
    "event",
    "integer",
    "parameter",
    "real",
    "realtime",
    "reg",
    "supply0",
    "supply1",
    "time",
    "tri",
    "triand",
    "trior",
    "trireg",
    "tri0",
    "tri1",
    "wand",
    "wire",
    "wor",
    "string",
    "logic",
    "bit",
    "int",
    "shortint",
    "longint",
    "byte",
    "enum",
    "shortreal",
    "real_parameter",
    "port",
];

/// A VCD whose header has been read: its scopes and variables are known
/// ([`VcdReader::header`]), its value changes not yet.
///
/// ```
/// use neuroxbar_cosim::wave::VcdReader;
/// let text = b"$timescale 1ns $end $var wire 1 ! a $end $var wire 4 # b $end\n\
///              $enddefinitions $end\n#0\n0!\nb0 #\n#10\n1!\n#20\n0!\nb11 #\n";
/// let reader = VcdReader::new(&text[..], "doc.vcd").unwrap();
/// let keep = reader.select(&["a".to_string()]).unwrap();
/// let w = reader.read_window(&keep, Some(10), Some(15)).unwrap();
/// assert_eq!(w.signals.len(), 1);
/// assert_eq!(w.signals[0].changes.len(), 1); // the value in force at 10
/// assert_eq!(w.end_time, Some(20));
/// ```
pub struct VcdReader<R> {
    p: Parser<R>,
}

impl VcdReader<std::io::BufReader<std::fs::File>> {
    /// Opens a VCD file and reads its header.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, VcdError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| VcdError {
            file: name.clone(),
            line: 0,
            message: format!("cannot open: {e}"),
        })?;
        VcdReader::new(std::io::BufReader::with_capacity(1 << 16, file), &name)
    }
}

impl<R: BufRead> VcdReader<R> {
    /// Reads the header (everything up to `$enddefinitions`) from `reader`;
    /// `file` names it in errors.
    pub fn new(reader: R, file: &str) -> Result<Self, VcdError> {
        let mut p = Parser {
            toks: Tokens {
                reader,
                file: file.to_string(),
                line: String::new(),
                raw: Vec::new(),
                pos: 0,
                line_no: 0,
                start: 0,
                end: 0,
                terminated: true,
            },
            scope: Vec::new(),
            scope_seen: HashMap::new(),
            wave: Waveform::default(),
            ids: HashMap::new(),
            traces: Vec::new(),
            var_trace: Vec::new(),
            time: None,
            first_change: None,
            scratch: String::new(),
        };
        p.header()?;
        Ok(VcdReader { p })
    }

    /// The file's timescale, scopes and variables, without value changes.
    pub fn header(&self) -> &Waveform {
        &self.p.wave
    }

    /// Indices into [`header`](Self::header)`().signals` of the signals with
    /// these names, in this order (full names or unambiguous suffixes, as in
    /// [`select_signals`]).
    pub fn select(&self, names: &[String]) -> Result<Vec<usize>, SelectError> {
        let chosen = select_signals(&self.p.wave, names)?;
        Ok(chosen
            .into_iter()
            .filter_map(|s| self.p.wave.signals.iter().position(|h| std::ptr::eq(h, s)))
            .collect())
    }

    /// Reads every value change of every signal.
    pub fn read_all(mut self) -> Result<Waveform, VcdError> {
        for t in &mut self.p.traces {
            t.keep = Keep::Window {
                from: 0,
                to: Time::MAX,
            };
        }
        self.p.body()?;
        let all: Vec<usize> = (0..self.p.wave.signals.len()).collect();
        Ok(self.p.finish(&all))
    }

    /// Reads the value changes of the signals `keep` (indices from
    /// [`select`](Self::select); repeats allowed, the result has them in this
    /// order) and only inside the window: the value in force at `from` and
    /// the changes after it up to `to` inclusive. The other signals' values
    /// are checked, not kept. `end_time` is still the file's last time.
    pub fn read_window(
        mut self,
        keep: &[usize],
        from: Option<Time>,
        to: Option<Time>,
    ) -> Result<Waveform, VcdError> {
        let window = Keep::Window {
            from: from.unwrap_or(0),
            to: to.unwrap_or(Time::MAX),
        };
        for &i in keep {
            if let Some(&t) = self.p.var_trace.get(i) {
                self.p.traces[t].keep = window;
            }
        }
        self.p.body()?;
        let keep: Vec<usize> = keep
            .iter()
            .copied()
            .filter(|&i| i < self.p.wave.signals.len())
            .collect();
        Ok(self.p.finish(&keep))
    }

    /// Reads the file for a summary: every signal with its transition count
    /// ([`Signal::transitions`]) and only its first change kept.
    pub fn read_summary(mut self) -> Result<Waveform, VcdError> {
        for t in &mut self.p.traces {
            t.keep = Keep::Count;
        }
        self.p.body()?;
        let all: Vec<usize> = (0..self.p.wave.signals.len()).collect();
        Ok(self.p.finish(&all))
    }
}

struct Tokens<R> {
    reader: R,
    file: String,
    /// Current line (validated UTF-8).
    line: String,
    raw: Vec<u8>,
    pos: usize,
    line_no: usize,
    /// Byte range of the current token in `line`.
    start: usize,
    end: usize,
    /// The current line ends with a newline (only the last line may not).
    terminated: bool,
}

impl<R: BufRead> Tokens<R> {
    fn err(&self, message: impl Into<String>) -> VcdError {
        VcdError {
            file: self.file.clone(),
            line: self.line_no.max(1),
            message: message.into(),
        }
    }

    fn err_at(&self, line: usize, message: impl Into<String>) -> VcdError {
        VcdError {
            file: self.file.clone(),
            line,
            message: message.into(),
        }
    }

    /// Advances to the next whitespace-separated token; false at end of file.
    fn advance(&mut self) -> Result<bool, VcdError> {
        loop {
            let bytes = self.line.as_bytes();
            while self.pos < bytes.len() && bytes[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.pos < bytes.len() {
                self.start = self.pos;
                while self.pos < bytes.len() && !bytes[self.pos].is_ascii_whitespace() {
                    self.pos += 1;
                }
                self.end = self.pos;
                return Ok(true);
            }
            if !self.read_line()? {
                return Ok(false);
            }
        }
    }

    fn read_line(&mut self) -> Result<bool, VcdError> {
        self.raw.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.raw)
            .map_err(|e| self.err_at(self.line_no + 1, format!("read error: {e}")))?;
        if n == 0 {
            self.line.clear();
            self.pos = 0;
            return Ok(false);
        }
        self.line_no += 1;
        self.terminated = self.raw.last() == Some(&b'\n');
        if let Some(&b) = self
            .raw
            .iter()
            .find(|&&b| b < 0x20 && !b"\t\n\r\x0b\x0c".contains(&b) || b == 0x7f)
        {
            return Err(self.err(format!(
                "binary data (byte 0x{b:02x}); this is not a text VCD file"
            )));
        }
        match std::str::from_utf8(&self.raw) {
            Ok(s) => {
                self.line.clear();
                self.line.push_str(s);
            }
            Err(e) => {
                return Err(self.err(format!(
                    "invalid UTF-8 at byte {} of the line",
                    e.valid_up_to() + 1
                )))
            }
        }
        self.pos = 0;
        Ok(true)
    }

    fn tok(&self) -> &str {
        &self.line[self.start..self.end]
    }

    /// The current token is the last bytes of a file that does not end with
    /// a newline: the file may have been cut inside it.
    fn tok_unterminated(&self) -> bool {
        !self.terminated && self.end == self.line.len()
    }
}

struct Parser<R> {
    toks: Tokens<R>,
    scope: Vec<String>,
    /// Full scope path -> already listed.
    scope_seen: HashMap<String, ()>,
    /// The header: signals with no changes yet.
    wave: Waveform,
    /// Identifier code -> trace index.
    ids: HashMap<String, usize>,
    /// One per identifier code.
    traces: Vec<Trace>,
    /// Per signal in `wave.signals`: trace index.
    var_trace: Vec<usize>,
    time: Option<Time>,
    /// Time of the first value change in the file.
    first_change: Option<Time>,
    /// Reused buffer for vector digits.
    scratch: String,
}

/// What kind of values a variable takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Bits,
    Event,
    Real,
    Str,
}

impl Class {
    fn of(kind: &str) -> Class {
        match kind {
            "event" => Class::Event,
            "real" | "realtime" | "shortreal" | "real_parameter" => Class::Real,
            "string" => Class::Str,
            _ => Class::Bits,
        }
    }

    fn takes(self, value: Class) -> bool {
        self == value || (self == Class::Event && value == Class::Bits)
    }

    fn name(self) -> &'static str {
        match self {
            Class::Bits => "bit vector",
            Class::Event => "event",
            Class::Real => "real",
            Class::Str => "string",
        }
    }
}

/// What to keep of one identifier code's changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keep {
    /// Check the values, keep nothing.
    Skip,
    /// The value in force at `from`, then every change up to `to`.
    Window { from: Time, to: Time },
    /// The first change and the number of transitions.
    Count,
}

struct Trace {
    width: u32,
    class: Class,
    /// Line of the first `$var` with this identifier code.
    decl_line: usize,
    keep: Keep,
    /// Kept changes (Window), or the first change (Count).
    changes: Vec<(Time, Value)>,
    /// Count: transitions between finished times so far.
    count: usize,
    /// Count: the value of the last finished time, and the current time's.
    settled: Option<Value>,
    current: Option<(Time, Value)>,
}

impl Trace {
    fn record(&mut self, t: Time, v: Value) {
        match self.keep {
            Keep::Skip => {}
            Keep::Window { from, to } => {
                if t <= from {
                    self.changes.clear();
                    self.changes.push((t, v));
                } else if t <= to {
                    match self.changes.last_mut() {
                        Some((lt, lv)) if *lt == t => *lv = v,
                        _ => self.changes.push((t, v)),
                    }
                }
            }
            Keep::Count => {
                if self.changes.is_empty() {
                    self.changes.push((t, v.clone()));
                }
                match &mut self.current {
                    Some((ct, cv)) if *ct == t => *cv = v,
                    _ => {
                        self.settle();
                        self.current = Some((t, v));
                    }
                }
            }
        }
    }

    /// Count: closes the current time's value.
    fn settle(&mut self) {
        if let Some((_, v)) = self.current.take() {
            let transition = match (&self.settled, self.class) {
                (_, Class::Event) => true,
                (Some(s), _) => !s.same_as(&v),
                (None, _) => false,
            };
            self.count += transition as usize;
            self.settled = Some(v);
        }
    }
}

fn shorten(s: &str) -> String {
    let escaped: String = s.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > 40 {
        let t: String = escaped.chars().take(40).collect();
        format!("{t}...")
    } else {
        escaped
    }
}

impl<R: BufRead> Parser<R> {
    /// Collects the tokens up to `$end` of a command started at `start_line`.
    /// With `free_text`, any token is allowed (comments); otherwise another
    /// `$keyword` before `$end` is an error.
    fn until_end(
        &mut self,
        keyword: &str,
        start_line: usize,
        free_text: bool,
    ) -> Result<Vec<String>, VcdError> {
        let mut out = Vec::new();
        loop {
            if !self.toks.advance()? {
                return Err(self.toks.err(format!(
                    "file ended inside `{keyword}` started at line {start_line} (missing `$end`)"
                )));
            }
            let t = self.toks.tok();
            if t == "$end" {
                return Ok(out);
            }
            if !free_text && is_keyword(t) {
                return Err(self.toks.err(format!(
                    "found `{}` before the `$end` of `{keyword}` started at line {start_line}",
                    shorten(t)
                )));
            }
            out.push(t.to_string());
        }
    }

    fn header(&mut self) -> Result<(), VcdError> {
        loop {
            if !self.toks.advance()? {
                return Err(self
                    .toks
                    .err("truncated header: file ended before `$enddefinitions`".to_string()));
            }
            let line = self.toks.line_no;
            let kw = self.toks.tok().to_string();
            match kw.as_str() {
                "$comment" => {
                    self.until_end(&kw, line, true)?;
                }
                "$date" => {
                    self.wave.date = Some(self.until_end(&kw, line, true)?.join(" "));
                }
                "$version" => {
                    self.wave.version = Some(self.until_end(&kw, line, true)?.join(" "));
                }
                "$timescale" => {
                    let text = self.until_end(&kw, line, false)?.join("");
                    let ts = Timescale::parse(&text).ok_or_else(|| {
                        self.toks.err_at(
                            line,
                            format!(
                                "bad `$timescale` `{}` (expected 1, 10 or 100 followed by s, ms, us, ns, ps or fs)",
                                shorten(&text)
                            ),
                        )
                    })?;
                    self.wave.timescale = Some(ts);
                }
                "$scope" => {
                    let args = self.until_end(&kw, line, false)?;
                    let name = match args.len() {
                        1 => args[0].clone(),
                        2 => args[1].clone(),
                        _ => {
                            return Err(self.toks.err_at(
                                line,
                                "`$scope` needs a scope type and a name".to_string(),
                            ))
                        }
                    };
                    let name = name.strip_prefix('\\').unwrap_or(&name).to_string();
                    self.scope.push(name);
                    let path = self.scope.join(".");
                    if self.scope_seen.insert(path.clone(), ()).is_none() {
                        self.wave.scopes.push(path);
                    }
                }
                "$upscope" => {
                    self.until_end(&kw, line, false)?;
                    if self.scope.pop().is_none() {
                        return Err(self
                            .toks
                            .err_at(line, "`$upscope` without an open `$scope`".to_string()));
                    }
                }
                "$var" => {
                    let args = self.until_end(&kw, line, false)?;
                    self.declare(args, line)?;
                }
                "$enddefinitions" => {
                    self.until_end(&kw, line, false)?;
                    return Ok(());
                }
                other if other.starts_with('$') => {
                    return Err(self.toks.err(format!(
                        "unknown keyword `{}` in the header",
                        shorten(other)
                    )))
                }
                other => {
                    return Err(self.toks.err(format!(
                        "expected a `$` declaration keyword in the header, found `{}`",
                        shorten(other)
                    )))
                }
            }
        }
    }

    fn declare(&mut self, args: Vec<String>, line: usize) -> Result<(), VcdError> {
        if args.len() < 4 {
            return Err(self.toks.err_at(
                line,
                "`$var` needs a type, a width, an identifier code and a name".to_string(),
            ));
        }
        let kind = args[0].clone();
        if !VAR_TYPES.contains(&kind.as_str()) {
            return Err(self.toks.err_at(
                line,
                format!(
                    "unknown variable type `{}` (known types: {})",
                    shorten(&kind),
                    VAR_TYPES.join(", ")
                ),
            ));
        }
        let width: u32 = match args[1].parse() {
            Ok(w) if w > 0 && w <= 1 << 20 => w,
            _ => {
                return Err(self.toks.err_at(
                    line,
                    format!(
                        "bad variable width `{}` (allowed: 1 to {})",
                        shorten(&args[1]),
                        1 << 20
                    ),
                ))
            }
        };
        let id = args[2].clone();
        // Reference: a name and optional bit selects / ranges, which may be
        // attached (`mem[3]`) or separate (`data [15:0]`, `mem [3]`).
        let mut rest: Vec<&str> = args[3..].iter().map(String::as_str).collect();
        let mut range = None;
        if rest.len() > 1 && is_range(rest[rest.len() - 1]) {
            range = rest.pop().map(str::to_string);
        }
        let mut local_name: String = rest.concat();
        if let Some(stripped) = local_name.strip_prefix('\\') {
            local_name = stripped.to_string();
        }
        if range.is_none() {
            if let Some(open) = local_name.rfind('[') {
                if open > 0 && is_range(&local_name[open..]) {
                    range = Some(local_name[open..].to_string());
                    local_name.truncate(open);
                }
            }
        }
        let class = Class::of(&kind);
        let trace = match self.ids.get(&id) {
            Some(&t) => {
                let tr = &self.traces[t];
                if tr.width != width || tr.class != class {
                    return Err(self.toks.err_at(
                        line,
                        format!(
                            "identifier code `{}` declared again as a {width}-bit {} \
                             (line {} declared it as a {}-bit {}); variables sharing a \
                             code must have the same width and type",
                            shorten(&id),
                            class.name(),
                            tr.decl_line,
                            tr.width,
                            tr.class.name()
                        ),
                    ));
                }
                t
            }
            None => {
                self.traces.push(Trace {
                    width,
                    class,
                    decl_line: line,
                    keep: Keep::Skip,
                    changes: Vec::new(),
                    count: 0,
                    settled: None,
                    current: None,
                });
                self.ids.insert(id.clone(), self.traces.len() - 1);
                self.traces.len() - 1
            }
        };
        let name = if self.scope.is_empty() {
            local_name.clone()
        } else {
            format!("{}.{}", self.scope.join("."), local_name)
        };
        // Variables sharing a code share one (for now empty) change list, so
        // that selecting by name sees them as one net.
        let shared = self
            .var_trace
            .iter()
            .position(|&v| v == trace)
            .map(|i| self.wave.signals[i].changes.clone())
            .unwrap_or_default();
        self.wave.signals.push(Signal {
            name,
            scope: self.scope.clone(),
            local_name,
            range,
            kind,
            width,
            id_code: Some(id),
            changes: shared,
            transition_count: None,
        });
        self.var_trace.push(trace);
        Ok(())
    }

    fn body(&mut self) -> Result<(), VcdError> {
        // An open `$dumpvars`/`$dumpall`/`$dumpon`/`$dumpoff` block and its line.
        let mut block: Option<(&'static str, usize)> = None;
        while self.toks.advance()? {
            let line = self.toks.line_no;
            let tok = self.toks.tok();
            let first = tok.as_bytes()[0];
            match first {
                b'#' => {
                    let t: Time = tok[1..]
                        .parse()
                        .map_err(|_| self.toks.err(format!("bad timestamp `{}`", shorten(tok))))?;
                    if self.toks.tok_unterminated() {
                        return Err(self.toks.err(format!(
                            "the file ends without a newline right after the timestamp `{}`: \
                             it looks cut inside it",
                            shorten(tok)
                        )));
                    }
                    if let Some(prev) = self.time {
                        if t < prev {
                            return Err(self.toks.err(format!(
                                "timestamp #{t} goes back in time (previous was #{prev})"
                            )));
                        }
                    }
                    self.time = Some(t);
                }
                b'$' => match tok {
                    "$dumpvars" | "$dumpall" | "$dumpon" | "$dumpoff" => {
                        if let Some((open, at)) = block {
                            return Err(self.toks.err(format!(
                                "`{tok}` inside `{open}` started at line {at} (missing `$end`)"
                            )));
                        }
                        block = Some((
                            match tok {
                                "$dumpvars" => "$dumpvars",
                                "$dumpall" => "$dumpall",
                                "$dumpon" => "$dumpon",
                                _ => "$dumpoff",
                            },
                            line,
                        ));
                    }
                    "$end" => {
                        if block.take().is_none() {
                            return Err(self.toks.err(
                                "`$end` without an open `$dumpvars`, `$dumpall`, `$dumpon` or `$dumpoff`",
                            ));
                        }
                    }
                    "$comment" => {
                        self.until_end("$comment", line, true)?;
                    }
                    _ => {
                        return Err(self
                            .toks
                            .err(format!("unknown or misplaced keyword `{}`", shorten(tok))))
                    }
                },
                b'b' | b'B' => {
                    let mut digits = std::mem::take(&mut self.scratch);
                    digits.clear();
                    digits.push_str(&tok[1..]);
                    self.value_id("vector", line)?;
                    let t = self.lookup(Class::Bits, 0)?;
                    let width = self.traces[t].width;
                    let bits = if self.traces[t].keep == Keep::Skip {
                        Bits::check_vcd(digits.as_bytes(), width).map(|_| None)
                    } else {
                        Bits::parse_vcd(digits.as_bytes(), width).map(Some)
                    }
                    .map_err(|m| {
                        self.toks
                            .err(format!("{m} (identifier `{}`)", shorten(self.toks.tok())))
                    })?;
                    self.record(t, bits.map(Value::Bits));
                    self.scratch = digits;
                }
                b'r' | b'R' => {
                    let v: f64 = tok[1..].parse().map_err(|_| {
                        self.toks
                            .err(format!("bad real value `{}`", shorten(&tok[1..])))
                    })?;
                    self.value_id("real", line)?;
                    let t = self.lookup(Class::Real, 0)?;
                    self.record(t, Some(Value::Real(v)));
                }
                b's' | b'S' => {
                    let text = tok[1..].to_string();
                    self.value_id("string", line)?;
                    let t = self.lookup(Class::Str, 0)?;
                    self.record(t, Some(Value::Str(text)));
                }
                c if super::Logic::from_char(c).is_some() => {
                    // `1!` per the standard; `1 !` (a space before the code)
                    // is accepted too.
                    let skip = if tok.len() < 2 {
                        self.value_id("scalar", line)?;
                        0
                    } else {
                        1
                    };
                    let t = self.lookup(Class::Bits, skip)?;
                    let bits = match self.traces[t].keep {
                        Keep::Skip => None,
                        _ => Some(Value::Bits(
                            Bits::parse_vcd(&[c], self.traces[t].width)
                                .map_err(|m| self.toks.err(m))?,
                        )),
                    };
                    self.record(t, bits);
                }
                _ => {
                    return Err(self.toks.err(format!(
                        "expected a timestamp, value change or keyword, found `{}`",
                        shorten(tok)
                    )))
                }
            }
        }
        if let Some((open, at)) = block {
            return Err(self.toks.err(format!(
                "file ended inside `{open}` started at line {at} (missing `$end`)"
            )));
        }
        Ok(())
    }

    /// Advances to the identifier code token that follows a
    /// vector/real/string value (or a lone scalar bit).
    fn value_id(&mut self, what: &str, line: usize) -> Result<(), VcdError> {
        if !self.toks.advance()? {
            return Err(self.toks.err_at(
                line,
                format!("{what} value without an identifier code (file ended)"),
            ));
        }
        let id = self.toks.tok();
        if is_keyword(id)
            || !self.ids.contains_key(id) && (id.starts_with('#') || id.starts_with('$'))
        {
            return Err(self.toks.err(format!(
                "{what} value without an identifier code (found `{}`)",
                shorten(id)
            )));
        }
        Ok(())
    }

    /// The trace of the identifier code in the current token (after its
    /// first `skip` bytes: 1 for a scalar change `1!`), checked against the
    /// kind of value.
    fn lookup(&self, value: Class, skip: usize) -> Result<usize, VcdError> {
        let tok = self.toks.tok();
        let id = tok.get(skip..).unwrap_or("");
        let t = self.ids.get(id).copied().ok_or_else(|| {
            self.toks.err(format!(
                "value change for undeclared identifier code `{}`",
                shorten(id)
            ))
        })?;
        if self.toks.tok_unterminated() {
            if let Some(longer) = self
                .ids
                .keys()
                .filter(|k| k.len() > id.len() && k.starts_with(id))
                .min()
            {
                return Err(self.toks.err(format!(
                    "the file ends without a newline right after identifier code `{}`, \
                     which is also the start of the code `{}`: it looks cut inside it",
                    shorten(id),
                    shorten(longer)
                )));
            }
        }
        let class = self.traces[t].class;
        if !class.takes(value) {
            return Err(self.toks.err(format!(
                "{} value for identifier code `{}`, declared as a {} at line {}",
                value.name(),
                shorten(id),
                class.name(),
                self.traces[t].decl_line
            )));
        }
        Ok(t)
    }

    fn record(&mut self, trace: usize, v: Option<Value>) {
        let t = self.time.unwrap_or(0);
        if self.first_change.is_none() {
            self.first_change = Some(t);
        }
        if let Some(v) = v {
            self.traces[trace].record(t, v);
        }
    }

    /// The waveform with the signals `keep` (indices into the header's
    /// signals, in this order).
    fn finish(mut self, keep: &[usize]) -> Waveform {
        let shared: Vec<Arc<Vec<(Time, Value)>>> = self
            .traces
            .iter_mut()
            .map(|t| {
                t.settle();
                Arc::new(std::mem::take(&mut t.changes))
            })
            .collect();
        let header = std::mem::take(&mut self.wave.signals);
        for &i in keep {
            let t = self.var_trace[i];
            let mut sig = header[i].clone();
            sig.changes = shared[t].clone();
            if self.traces[t].keep == Keep::Count {
                sig.transition_count = Some(self.traces[t].count);
            }
            self.wave.signals.push(sig);
        }
        self.wave.start_time = self.first_change;
        self.wave.end_time = match (self.time, self.first_change) {
            (Some(a), _) => Some(a),
            (None, b) => b,
        };
        self.wave
    }
}

/// The keywords of IEEE 1364 §18.2 (identifier codes may start with `$`).
fn is_keyword(t: &str) -> bool {
    matches!(
        t,
        "$end"
            | "$comment"
            | "$date"
            | "$version"
            | "$timescale"
            | "$scope"
            | "$upscope"
            | "$var"
            | "$enddefinitions"
            | "$dumpvars"
            | "$dumpall"
            | "$dumpon"
            | "$dumpoff"
    )
}

/// `[3]`, `[15:0]`, `[0:7]`, `[-1:0]`.
fn is_range(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return false;
    };
    let mut parts = inner.split(':');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            let p = p.trim().strip_prefix('-').unwrap_or(p.trim());
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        })
    };
    let a = parts.next();
    let b = parts.next();
    ok(a) && inner.contains(':') && ok(b) && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_syntax() {
        assert!(is_range("[15:0]"));
        assert!(is_range("[0:7]"));
        assert!(!is_range("[3]"));
        assert!(!is_range("[a:0]"));
        assert!(!is_range("mem"));
    }
}
