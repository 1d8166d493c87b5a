//! A streaming, token-based VCD (IEEE 1364 value change dump) reader.
//!
//! Reads what Verilator, Icarus Verilog, GTKWave and other tools write:
//! `$date`/`$version`/`$comment` blocks over several lines, nested and
//! re-entered scopes, escaped and indexed names (`\mem[2]`, `mem [3]`),
//! several variables sharing one identifier code, scalar (`1!`), vector
//! (`b0101 #`, extended to the declared width as the standard says), real
//! (`r1.5 !`, `rNaN`) and string (`sfoo !`) changes, `$dumpvars`, `$dumpall`,
//! `$dumpon`, `$dumpoff` blocks. Anything malformed is an error naming the
//! file and line; the reader never panics.

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use super::{Bits, Signal, Time, Timescale, Value, Waveform};

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

/// Reads a VCD file.
pub fn read_vcd(path: impl AsRef<Path>) -> Result<Waveform, VcdError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| VcdError {
        file: name.clone(),
        line: 0,
        message: format!("cannot open: {e}"),
    })?;
    parse_vcd(std::io::BufReader::new(file), &name)
}

/// Reads VCD text held in memory; `file` names it in errors.
pub fn parse_vcd_bytes(bytes: &[u8], file: &str) -> Result<Waveform, VcdError> {
    parse_vcd(bytes, file)
}

/// Reads a VCD from any buffered reader, line by line; `file` names it in
/// errors.
pub fn parse_vcd<R: BufRead>(reader: R, file: &str) -> Result<Waveform, VcdError> {
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
        },
        scope: Vec::new(),
        scope_seen: HashMap::new(),
        wave: Waveform::default(),
        ids: HashMap::new(),
        traces: Vec::new(),
        var_trace: Vec::new(),
        time: None,
    };
    p.header()?;
    p.body()?;
    Ok(p.finish())
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
}

struct Parser<R> {
    toks: Tokens<R>,
    scope: Vec<String>,
    /// Full scope path -> already listed.
    scope_seen: HashMap<String, ()>,
    wave: Waveform,
    /// Identifier code -> trace index.
    ids: HashMap<String, usize>,
    /// Per identifier code: width, is-real, changes.
    traces: Vec<Trace>,
    /// Per signal in `wave.signals`: trace index.
    var_trace: Vec<usize>,
    time: Option<Time>,
}

struct Trace {
    width: u32,
    changes: Vec<(Time, Value)>,
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        let t: String = s.chars().take(40).collect();
        format!("{t}...")
    } else {
        s.to_string()
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
        if !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(self
                .toks
                .err_at(line, format!("bad variable type `{}`", shorten(&kind))));
        }
        let width: u32 = match args[1].parse() {
            Ok(w) if w > 0 && w <= 1 << 20 => w,
            _ => {
                return Err(self
                    .toks
                    .err_at(line, format!("bad variable width `{}`", shorten(&args[1]))))
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
        let trace = match self.ids.get(&id) {
            Some(&t) => {
                let tr = &mut self.traces[t];
                tr.width = tr.width.max(width);
                t
            }
            None => {
                self.traces.push(Trace {
                    width,
                    changes: Vec::new(),
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
        self.wave.signals.push(Signal {
            name,
            scope: self.scope.clone(),
            local_name,
            range,
            kind,
            width,
            id_code: Some(id),
            changes: Arc::new(Vec::new()),
        });
        self.var_trace.push(trace);
        Ok(())
    }

    fn body(&mut self) -> Result<(), VcdError> {
        while self.toks.advance()? {
            let line = self.toks.line_no;
            let tok = self.toks.tok();
            let first = tok.as_bytes()[0];
            match first {
                b'#' => {
                    let t: Time = tok[1..]
                        .parse()
                        .map_err(|_| self.toks.err(format!("bad timestamp `{}`", shorten(tok))))?;
                    if let Some(prev) = self.time {
                        if t < prev {
                            return Err(self.toks.err(format!(
                                "timestamp #{t} goes back in time (previous was #{prev})"
                            )));
                        }
                    }
                    self.time = Some(t);
                }
                b'$' => {
                    let kw = tok.to_string();
                    match kw.as_str() {
                        "$dumpvars" | "$dumpall" | "$dumpon" | "$dumpoff" | "$end" => {}
                        "$comment" => {
                            self.until_end(&kw, line, true)?;
                        }
                        _ => {
                            return Err(self
                                .toks
                                .err(format!("unknown or misplaced keyword `{}`", shorten(&kw))))
                        }
                    }
                }
                b'b' | b'B' => {
                    let digits = tok[1..].to_string();
                    let id = self.value_id("vector", line)?;
                    let t = self.lookup(&id)?;
                    let width = self.traces[t].width;
                    let bits = Bits::parse_vcd(digits.as_bytes(), width).map_err(|m| {
                        self.toks
                            .err(format!("{m} (identifier `{}`)", shorten(&id)))
                    })?;
                    self.record(t, Value::Bits(bits));
                }
                b'r' | b'R' => {
                    let text = tok[1..].to_string();
                    let v: f64 = text.parse().map_err(|_| {
                        self.toks
                            .err(format!("bad real value `{}`", shorten(&text)))
                    })?;
                    let id = self.value_id("real", line)?;
                    let t = self.lookup(&id)?;
                    self.record(t, Value::Real(v));
                }
                b's' | b'S' => {
                    let text = tok[1..].to_string();
                    let id = self.value_id("string", line)?;
                    let t = self.lookup(&id)?;
                    self.record(t, Value::Str(text));
                }
                c if super::Logic::from_char(c).is_some() => {
                    // `1!` per the standard; `1 !` (a space before the code)
                    // is accepted too.
                    let id = if tok.len() < 2 {
                        self.value_id("scalar", line)?
                    } else {
                        tok[1..].to_string()
                    };
                    let t = self.lookup(&id)?;
                    let width = self.traces[t].width;
                    let bits = Bits::parse_vcd(&[c], width).map_err(|m| self.toks.err(m))?;
                    self.record(t, Value::Bits(bits));
                }
                _ => {
                    return Err(self.toks.err(format!(
                        "expected a timestamp, value change or keyword, found `{}`",
                        shorten(tok)
                    )))
                }
            }
        }
        Ok(())
    }

    /// The identifier code token that follows a vector/real/string value.
    fn value_id(&mut self, what: &str, line: usize) -> Result<String, VcdError> {
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
        Ok(id.to_string())
    }

    fn lookup(&self, id: &str) -> Result<usize, VcdError> {
        self.ids.get(id).copied().ok_or_else(|| {
            self.toks.err(format!(
                "value change for undeclared identifier code `{}`",
                shorten(id)
            ))
        })
    }

    fn record(&mut self, trace: usize, v: Value) {
        let t = self.time.unwrap_or(0);
        let changes = &mut self.traces[trace].changes;
        match changes.last_mut() {
            Some((lt, lv)) if *lt == t => *lv = v,
            _ => changes.push((t, v)),
        }
    }

    fn finish(mut self) -> Waveform {
        let shared: Vec<Arc<Vec<(Time, Value)>>> = self
            .traces
            .into_iter()
            .map(|t| Arc::new(t.changes))
            .collect();
        for (sig, &t) in self.wave.signals.iter_mut().zip(&self.var_trace) {
            sig.changes = shared[t].clone();
        }
        let last_change = shared.iter().filter_map(|c| c.last().map(|x| x.0)).max();
        self.wave.end_time = match (self.time, last_change) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
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
