//! Waveform files of any supported format: VCD through the streaming
//! [`VcdReader`], FST and GHW through the `wellen` crate.
//!
//! [`WaveReader::open`] looks at the file's first bytes (and its extension:
//! a `.fst`/`.ghw` file is read as one even when damaged, so that the error
//! says what is wrong with it) and reads its header. Like [`VcdReader`], it
//! then loads only what the caller asks for: the changes of chosen signals
//! in a time window ([`WaveReader::read_window`]), or per-signal transition
//! counts ([`WaveReader::read_summary`]). For FST, wellen decompresses only
//! the chosen signals' blocks; the summary loads the signals a batch at a
//! time and keeps only their counts.
//!
//! An FST's block structure is checked first (`check_fst`) and every
//! wellen call runs under a panic guard, so a damaged or truncated file is
//! a [`WaveError`] naming it.
//!
//! VCD stays on the streaming reader by default: wellen reads a VCD's whole
//! body into memory before any signal can be loaded (measured in
//! `cosim/benches/results/wave.md`); [`Backend::Wellen`] forces wellen for
//! a VCD too (for comparison).

use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use wellen::{
    viewers, FileFormat, Hierarchy, ItemRef, LoadOptions, ScopeRef, SignalRef, SignalValueRef,
    TimescaleUnit, VarRef, VarType,
};

use super::{
    select_signals, Bits, SelectError, Signal, Time, TimeUnit, Timescale, Value, VcdError,
    VcdReader, Waveform,
};

/// A waveform file that could not be read: the VCD reader's error (file and
/// line), or the file and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaveError {
    Vcd(VcdError),
    File { file: String, message: String },
}

impl std::fmt::Display for WaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaveError::Vcd(e) => e.fmt(f),
            WaveError::File { file, message } => write!(f, "{file}: {message}"),
        }
    }
}

impl std::error::Error for WaveError {}

impl From<VcdError> for WaveError {
    fn from(e: VcdError) -> Self {
        WaveError::Vcd(e)
    }
}

/// The file formats [`WaveReader`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Vcd,
    Fst,
    Ghw,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Vcd => "VCD",
            Format::Fst => "FST",
            Format::Ghw => "GHW",
        }
    }
}

/// Which reader a VCD goes through (FST and GHW always use wellen).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// The streaming [`VcdReader`] for VCD, wellen for FST and GHW.
    #[default]
    Auto,
    /// wellen for every format.
    Wellen,
}

/// The format of `path`: by its first bytes, else by its extension, else VCD.
pub fn detect_format(path: &Path) -> Result<Format, WaveError> {
    let file = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| WaveError::File {
        file: file.clone(),
        message: format!("cannot open: {e}"),
    })?;
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => {
                return Err(WaveError::File {
                    file,
                    message: format!("cannot read: {e}"),
                })
            }
        }
    }
    let head = &head[..n];
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    // FST: a header block (type 0) of length 329; GHW: "\x89GHW".
    let fst_magic = head.len() >= 9 && head[0] == 0 && head[1..9] == 329u64.to_be_bytes();
    let ghw_magic = head.starts_with(b"\x89GHW");
    Ok(if fst_magic {
        Format::Fst
    } else if ghw_magic {
        Format::Ghw
    } else {
        match ext.as_deref() {
            Some("fst") => Format::Fst,
            Some("ghw") => Format::Ghw,
            _ => Format::Vcd,
        }
    })
}

/// A waveform file with its header read; see the module documentation.
pub enum WaveReader {
    Vcd(VcdReader<BufReader<std::fs::File>>),
    Wellen(WellenReader),
}

impl WaveReader {
    /// Opens `path` (VCD, FST or GHW) and reads its header.
    pub fn open(path: impl AsRef<Path>) -> Result<WaveReader, WaveError> {
        WaveReader::open_with(path, Backend::Auto)
    }

    /// Opens `path` with the given reader for VCD.
    pub fn open_with(path: impl AsRef<Path>, backend: Backend) -> Result<WaveReader, WaveError> {
        let path = path.as_ref();
        let format = detect_format(path)?;
        if format == Format::Vcd && backend == Backend::Auto {
            return Ok(WaveReader::Vcd(VcdReader::open(path)?));
        }
        Ok(WaveReader::Wellen(WellenReader::open(path, format)?))
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        match self {
            WaveReader::Vcd(_) => Format::Vcd,
            WaveReader::Wellen(w) => w.format,
        }
    }

    /// The file's timescale, scopes and variables, without value changes.
    pub fn header(&self) -> &Waveform {
        match self {
            WaveReader::Vcd(r) => r.header(),
            WaveReader::Wellen(w) => &w.header,
        }
    }

    /// Indices into [`header`](Self::header)`().signals` of the signals with
    /// these names, in this order (as [`VcdReader::select`]).
    pub fn select(&self, names: &[String]) -> Result<Vec<usize>, SelectError> {
        match self {
            WaveReader::Vcd(r) => r.select(names),
            WaveReader::Wellen(w) => select_indices(&w.header, names),
        }
    }

    /// The changes of the signals `keep` inside the window (as
    /// [`VcdReader::read_window`]).
    pub fn read_window(
        self,
        keep: &[usize],
        from: Option<Time>,
        to: Option<Time>,
    ) -> Result<Waveform, WaveError> {
        match self {
            WaveReader::Vcd(r) => Ok(r.read_window(keep, from, to)?),
            WaveReader::Wellen(w) => w.read_window(keep, from, to),
        }
    }

    /// Every signal with its transition count and first change (as
    /// [`VcdReader::read_summary`]).
    pub fn read_summary(self) -> Result<Waveform, WaveError> {
        match self {
            WaveReader::Vcd(r) => Ok(r.read_summary()?),
            WaveReader::Wellen(w) => w.read_summary(),
        }
    }
}

fn select_indices(header: &Waveform, names: &[String]) -> Result<Vec<usize>, SelectError> {
    let chosen = select_signals(header, names)?;
    Ok(chosen
        .into_iter()
        .filter_map(|s| header.signals.iter().position(|h| std::ptr::eq(h, s)))
        .collect())
}

/// A file read through wellen: its hierarchy as a [`Waveform`] header and
/// the wellen signal behind each header signal.
pub struct WellenReader {
    file: String,
    format: Format,
    header: Waveform,
    /// wellen's signal of each header signal (aliases share one).
    refs: Vec<SignalRef>,
    hierarchy: Hierarchy,
    body: viewers::ReadBodyContinuation<BufReader<std::fs::File>>,
}

/// Signals loaded at a time for a summary (bounds its memory).
const SUMMARY_BATCH: usize = 64;

impl WellenReader {
    fn open(path: &Path, format: Format) -> Result<WellenReader, WaveError> {
        let file = path.display().to_string();
        let options = LoadOptions {
            multi_thread: false,
            remove_scopes_with_empty_name: false,
        };
        // (a file that does not start with an FST header block is left to
        // wellen, which tells what it looks like instead)
        if format == Format::Fst && starts_with_fst_header(path) {
            check_fst(path).map_err(|message| WaveError::File {
                file: file.clone(),
                message: format!("not a valid FST file: {message}"),
            })?;
        }
        let header = guard(&file, format, || {
            if format == Format::Vcd {
                // wellen's own opener memory-maps a VCD
                viewers::read_header_from_file(path, &options)
            } else {
                let f = std::fs::File::open(path)?;
                viewers::read_header(BufReader::new(f), &options)
            }
        })?;
        let got = match header.file_format {
            FileFormat::Vcd => Some(Format::Vcd),
            FileFormat::Fst => Some(Format::Fst),
            FileFormat::Ghw => Some(Format::Ghw),
            FileFormat::Unknown => None,
        };
        if got != Some(format) {
            let looks = got.map_or(String::new(), |g| {
                format!(" (its contents look like a {}; rename it)", g.name())
            });
            return Err(WaveError::File {
                file,
                message: format!("not a valid {} file{looks}", format.name()),
            });
        }
        let (wave, refs) = header_of(&header.hierarchy);
        Ok(WellenReader {
            file,
            format,
            header: wave,
            refs,
            hierarchy: header.hierarchy,
            body: header.body,
        })
    }

    fn read_body(self) -> Result<Loaded, WaveError> {
        let WellenReader {
            file,
            format,
            header,
            refs,
            hierarchy,
            body,
        } = self;
        let result = guard(&file, format, || viewers::read_body(body, &hierarchy, None))?;
        Ok(Loaded {
            file,
            format,
            header,
            refs,
            hierarchy,
            source: result.source,
            times: result.time_table,
        })
    }

    fn read_window(
        self,
        keep: &[usize],
        from: Option<Time>,
        to: Option<Time>,
    ) -> Result<Waveform, WaveError> {
        let mut l = self.read_body()?;
        let keep: Vec<usize> = keep
            .iter()
            .copied()
            .filter(|&i| i < l.header.signals.len())
            .collect();
        let mut wanted: Vec<SignalRef> = keep.iter().map(|&i| l.refs[i]).collect();
        wanted.sort();
        wanted.dedup();
        let (from, to) = (from.unwrap_or(0), to.unwrap_or(Time::MAX));
        let mut changes = std::collections::HashMap::new();
        let loaded = l.load(&wanted)?;
        // (wellen decodes values lazily: a damaged block can panic here)
        guard(&l.file.clone(), l.format, || {
            for (r, s) in loaded {
                let mut kept: Vec<(Time, Value)> = Vec::new();
                for (t, v) in l.changes(&s, r) {
                    if t <= from {
                        kept.clear();
                        kept.push((t, v));
                    } else if t <= to {
                        match kept.last_mut() {
                            Some((lt, lv)) if *lt == t => *lv = v,
                            _ => kept.push((t, v)),
                        }
                    }
                }
                changes.insert(r, Arc::new(kept));
            }
            Ok(())
        })?;
        Ok(l.finish(&keep, |r| {
            (changes.get(&r).cloned().unwrap_or_default(), None)
        }))
    }

    fn read_summary(self) -> Result<Waveform, WaveError> {
        let mut l = self.read_body()?;
        let mut all: Vec<SignalRef> = l.refs.clone();
        all.sort();
        all.dedup();
        let mut counted = std::collections::HashMap::new();
        for batch in all.chunks(SUMMARY_BATCH) {
            let loaded = l.load(batch)?;
            guard(&l.file.clone(), l.format, || {
                for (r, s) in loaded {
                    let event = l.is_event(r);
                    let mut first = None;
                    let mut count = 0usize;
                    // the settled value of the last finished time, and the current time's
                    let mut settled: Option<Value> = None;
                    let mut current: Option<(Time, Value)> = None;
                    let mut settle = |current: &mut Option<(Time, Value)>, count: &mut usize| {
                        if let Some((_, v)) = current.take() {
                            *count += match &settled {
                                _ if event => 1,
                                Some(s) => !s.same_as(&v) as usize,
                                None => 0,
                            };
                            settled = Some(v);
                        }
                    };
                    for (t, v) in l.changes(&s, r) {
                        if first.is_none() {
                            first = Some((t, v.clone()));
                        }
                        match &mut current {
                            Some((ct, cv)) if *ct == t => *cv = v,
                            _ => {
                                settle(&mut current, &mut count);
                                current = Some((t, v));
                            }
                        }
                    }
                    settle(&mut current, &mut count);
                    counted.insert(r, (Arc::new(first.into_iter().collect()), count));
                }
                Ok(())
            })?;
        }
        let all: Vec<usize> = (0..l.header.signals.len()).collect();
        Ok(l.finish(&all, |r| {
            let (c, n) = counted.get(&r).cloned().unwrap_or_default();
            (c, Some(n))
        }))
    }
}

/// A wellen file with its body read (for FST: its block index).
struct Loaded {
    file: String,
    format: Format,
    header: Waveform,
    refs: Vec<SignalRef>,
    hierarchy: Hierarchy,
    source: wellen::SignalSource,
    times: Vec<Time>,
}

type Changes = Arc<Vec<(Time, Value)>>;

impl Loaded {
    fn load(&mut self, refs: &[SignalRef]) -> Result<Vec<(SignalRef, wellen::Signal)>, WaveError> {
        let (source, hierarchy) = (&mut self.source, &self.hierarchy);
        let signals = guard(&self.file, self.format, || {
            Ok(source.load_signals(refs, hierarchy, false))
        })?;
        Ok(signals.into_iter().map(|s| (s.signal_ref(), s)).collect())
    }

    fn is_event(&self, r: SignalRef) -> bool {
        self.refs
            .iter()
            .position(|x| *x == r)
            .is_some_and(|i| self.header.signals[i].is_event())
    }

    /// The changes of a loaded signal as `(time, value)`.
    fn changes<'a>(
        &'a self,
        s: &'a wellen::Signal,
        r: SignalRef,
    ) -> impl Iterator<Item = (Time, Value)> + 'a {
        let width = self
            .refs
            .iter()
            .position(|x| *x == r)
            .map_or(1, |i| self.header.signals[i].width);
        s.iter_changes().filter_map(move |(ti, v)| {
            let t = *self.times.get(ti as usize)?;
            Some((t, value_of(v, width)))
        })
    }

    /// The header's signals `keep` with the changes (and transition counts)
    /// `of` gives for their wellen signal; the time range of the file.
    fn finish(
        mut self,
        keep: &[usize],
        of: impl Fn(SignalRef) -> (Changes, Option<usize>),
    ) -> Waveform {
        let header = std::mem::take(&mut self.header.signals);
        for &i in keep {
            let mut sig = header[i].clone();
            let (changes, count) = of(self.refs[i]);
            sig.changes = changes;
            sig.transition_count = count;
            self.header.signals.push(sig);
        }
        self.header.start_time = self.times.first().copied();
        self.header.end_time = self.times.last().copied();
        self.header
    }
}

/// How much zlib (about 1032x at most) or LZ4 (about 255x) can expand.
const MAX_EXPANSION: u64 = 1100;

fn starts_with_fst_header(path: &Path) -> bool {
    let mut b = [0u8; 1];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut b))
        .is_ok_and(|_| b[0] == 0)
}

/// Random access to a file's bytes for [`check_fst`].
struct At {
    f: std::fs::File,
    len: u64,
}

impl At {
    fn bytes(&mut self, off: u64, n: usize) -> Result<Vec<u8>, String> {
        use std::io::{Seek, SeekFrom};
        if off.saturating_add(n as u64) > self.len {
            return Err(format!("it ends at byte {} (truncated?)", self.len));
        }
        let mut b = vec![0; n];
        self.f
            .seek(SeekFrom::Start(off))
            .and_then(|_| self.f.read_exact(&mut b))
            .map_err(|e| format!("cannot read: {e}"))?;
        Ok(b)
    }

    fn u64(&mut self, off: u64) -> Result<u64, String> {
        let b = self.bytes(off, 8)?;
        Ok(u64::from_be_bytes(b.try_into().unwrap_or_default()))
    }

    /// An unsigned LEB128 varint and its length in bytes.
    fn varint(&mut self, off: u64) -> Result<(u64, u64), String> {
        let mut v = 0u64;
        for i in 0..10u64 {
            let b = self.bytes(off + i, 1)?[0];
            v |= ((b & 0x7f) as u64).checked_shl(7 * i as u32).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok((v, i + 1));
            }
        }
        Err(format!("bad varint at byte {off}"))
    }
}

/// Checks an FST's block structure before wellen reads it: every block
/// within the file, and the sizes and counts a block announces for its
/// compressed parts (hierarchy, geometry, time table, frame, value-change
/// chain) within what its bytes can hold. The FST reader allocates by these
/// numbers, so a damaged one would otherwise abort the process instead of
/// giving an error. Returns what is wrong.
fn check_fst(path: &Path) -> Result<(), String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let len = f.metadata().map_err(|e| format!("cannot read: {e}"))?.len();
    let mut at = At { f, len };
    let fits = |uc: u64, c: u64| uc <= c.saturating_mul(MAX_EXPANSION).saturating_add(64);
    let mut pos = 0u64;
    let mut max_handle = None;
    let mut data = Vec::new();
    let mut n = 0;
    while pos < len {
        let kind = at.bytes(pos, 1)?[0];
        if kind == 254 {
            return Ok(()); // a gzip-wrapped FST: left to the reader
        }
        if pos + 9 > len {
            return Err(format!("block {n} at byte {pos} is cut off (truncated)"));
        }
        let l = at.u64(pos + 1)?;
        if kind == 255 && l == 0 {
            break;
        }
        let remain = len - pos - 1;
        if l < 8 || l > remain {
            return Err(format!(
                "block {n} at byte {pos} (type {kind}) says it is {l} bytes long, \
                 {remain} bytes remain (truncated or damaged)"
            ));
        }
        let s = pos + 1; // the block's offsets count from its length field
        let bad = |what: &str| format!("block {n} at byte {pos} (type {kind}): {what} (damaged)");
        match kind {
            0 if l != 329 => return Err(bad("the header block is not 329 bytes")),
            3 => {
                let (uc, handles) = (at.u64(s + 8)?, at.u64(s + 16)?);
                let c = l.checked_sub(24).ok_or_else(|| bad("too short"))?;
                if !fits(uc, c) || handles > uc.max(c) {
                    return Err(bad("impossible geometry size"));
                }
                max_handle = Some(handles);
            }
            4 | 6 | 7 => {
                let uc = at.u64(s + 8)?;
                let c = l.checked_sub(16).ok_or_else(|| bad("too short"))?;
                if !fits(uc, c) {
                    return Err(bad("impossible hierarchy size"));
                }
            }
            1 | 5 | 8 => data.push((n, pos, kind, s, l)),
            _ => {}
        }
        pos = s + l;
        n += 1;
    }
    for (n, pos, kind, s, l) in data {
        let bad = |what: &str| format!("block {n} at byte {pos} (type {kind}): {what} (damaged)");
        if l < 32 + 24 + 8 {
            return Err(bad("too short for a value change block"));
        }
        let (uc, c, count) = (at.u64(s + l - 24)?, at.u64(s + l - 16)?, at.u64(s + l - 8)?);
        if c > l - 24 - 32 || !fits(uc, c) || count > uc {
            return Err(bad("impossible time table size"));
        }
        let mut p = s + 32;
        let (fuc, k) = at.varint(p)?;
        p += k;
        let (fc, k) = at.varint(p)?;
        p += k;
        let (fh, k) = at.varint(p)?;
        p += k;
        let too_many = |h: u64| max_handle.is_some_and(|m| h > m);
        if fc > s + l - p || !fits(fuc, fc) || too_many(fh) {
            return Err(bad("impossible frame size"));
        }
        let (vh, _) = at.varint(p + fc)?;
        if too_many(vh) {
            return Err(bad("more signals than the file declares"));
        }
        let chain_at = (s + l)
            .checked_sub(c + 24 + 8)
            .filter(|&x| x >= p + fc)
            .ok_or_else(|| bad("impossible time table size"))?;
        if at.u64(chain_at)? > chain_at - (p + fc) {
            return Err(bad("impossible value change chain size"));
        }
    }
    Ok(())
}

/// A wellen value as a [`Value`] (an event trigger reads as a 1-bit `1`, as
/// in a VCD).
fn value_of(v: SignalValueRef<'_>, width: u32) -> Value {
    match v {
        SignalValueRef::Event => Value::Bits(Bits::from_u64(1, 1)),
        SignalValueRef::Real(r) => Value::Real(r),
        SignalValueRef::String(s) => Value::Str(s.to_string()),
        SignalValueRef::BitVec(b) => {
            let text = b.bit_string();
            Value::Bits(
                Bits::parse_vcd(text.as_bytes(), width.max(b.width()))
                    .unwrap_or_else(|_| Bits::filled(width.max(1), super::Logic::X)),
            )
        }
    }
}

/// Runs a wellen call, turning its errors and any panic (wellen's FST
/// reader panics on some damaged files) into an error naming the file.
fn guard<T>(
    file: &str,
    format: Format,
    f: impl FnOnce() -> wellen::Result<T>,
) -> Result<T, WaveError> {
    let err = |message: String| WaveError::File {
        file: file.to_string(),
        message,
    };
    let quiet = QuietPanics::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let message = quiet.finish();
    match result {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(err(format!(
            "not a valid {} file: {}",
            format.name(),
            one_line(&e.to_string())
        ))),
        Err(_) => Err(err(format!(
            "not a valid {} file (damaged or truncated): {}",
            format.name(),
            message.unwrap_or_else(|| "the reader gave up".into())
        ))),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replaces the panic hook while a wellen call runs, so that a panic inside
/// it is reported as an error instead of a crash message; keeps the message.
struct QuietPanics {
    message: Arc<std::sync::Mutex<Option<String>>>,
}

type Hook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

static HOOK_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
static SAVED_HOOK: std::sync::Mutex<Option<Hook>> = std::sync::Mutex::new(None);

impl QuietPanics {
    fn new() -> QuietPanics {
        let message: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
        let m = message.clone();
        let _lock = HOOK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let previous = std::panic::take_hook();
        *SAVED_HOOK.lock().unwrap_or_else(|e| e.into_inner()) = Some(previous);
        let thread = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == thread {
                let text = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                *m.lock().unwrap_or_else(|e| e.into_inner()) = Some(one_line(&text));
            } else if let Some(h) = SAVED_HOOK
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
            {
                h(info);
            }
        }));
        QuietPanics { message }
    }

    fn finish(self) -> Option<String> {
        let _lock = HOOK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let _ = std::panic::take_hook();
        if let Some(h) = SAVED_HOOK.lock().unwrap_or_else(|e| e.into_inner()).take() {
            std::panic::set_hook(h);
        }
        let m = self
            .message
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        m
    }
}

/// The hierarchy as a header [`Waveform`] (scopes and signals in declaration
/// order, no changes) and the wellen signal of each header signal.
fn header_of(h: &Hierarchy) -> (Waveform, Vec<SignalRef>) {
    let mut w = Waveform {
        timescale: h.timescale().and_then(timescale_of),
        date: Some(h.date().trim().to_string()).filter(|s| !s.is_empty()),
        version: Some(h.version().trim().to_string()).filter(|s| !s.is_empty()),
        ..Waveform::default()
    };
    let mut refs = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let top: Vec<ItemRef> = h.items().collect();
    walk(h, &top, &mut path, &mut w, &mut refs);
    // Variables of one wellen signal share one (empty) change list, so that
    // selecting by name sees them as one net (as the VCD reader does).
    let mut shared: std::collections::HashMap<SignalRef, Changes> = Default::default();
    for (s, r) in w.signals.iter_mut().zip(&refs) {
        s.changes = shared.entry(*r).or_default().clone();
    }
    (w, refs)
}

fn walk(
    h: &Hierarchy,
    items: &[ItemRef],
    path: &mut Vec<String>,
    w: &mut Waveform,
    refs: &mut Vec<SignalRef>,
) {
    for item in items {
        match *item {
            ItemRef::Scope(s) => scope(h, s, path, w, refs),
            ItemRef::Var(v) => var(h, v, None, path, w, refs),
        }
    }
}

fn scope(
    h: &Hierarchy,
    s: ScopeRef,
    path: &mut Vec<String>,
    w: &mut Waveform,
    refs: &mut Vec<SignalRef>,
) {
    let sc = &h[s];
    let name = unescape(sc.name(h));
    let items: Vec<ItemRef> = sc.items(h).collect();
    // An FST names an array element `mem[2]` as the element `[2]` of a
    // scope `mem`: read it back as the one variable `mem[2]`, as in a VCD.
    let elements = !items.is_empty()
        && items
            .iter()
            .all(|i| matches!(i, ItemRef::Var(v) if h[*v].name(h).starts_with('[')));
    if elements {
        for i in &items {
            if let ItemRef::Var(v) = *i {
                var(h, v, Some(name), path, w, refs);
            }
        }
        return;
    }
    path.push(name.to_string());
    let full = path.join(".");
    if !w.scopes.contains(&full) {
        w.scopes.push(full);
    }
    walk(h, &items, path, w, refs);
    path.pop();
}

/// A name without its escaping backslash (`\mem` is `mem`).
fn unescape(name: &str) -> &str {
    name.strip_prefix('\\').unwrap_or(name)
}

/// Adds the variable `v`; `array`: the name of the array it is an element of.
fn var(
    h: &Hierarchy,
    v: VarRef,
    array: Option<&str>,
    path: &[String],
    w: &mut Waveform,
    refs: &mut Vec<SignalRef>,
) {
    let var = &h[v];
    let local_name = format!("{}{}", array.unwrap_or(""), unescape(var.name(h)));
    let kind = kind_of(var.var_type());
    let width = match var.length(h) {
        Some(n) if n > 0 => n,
        _ if var.is_real(h) => 64,
        _ => 1,
    };
    // An FST keeps the index, not how it was written: a one-bit vector is
    // read as Verilator writes it (`[0:0]`), a bit select of a wider
    // variable as `[3]`.
    let range = var.index().map(|i| {
        if i.msb() == i.lsb() && width > 1 {
            format!("[{}]", i.msb())
        } else {
            format!("[{}:{}]", i.msb(), i.lsb())
        }
    });
    let name = if path.is_empty() {
        local_name.clone()
    } else {
        format!("{}.{}", path.join("."), local_name)
    };
    let r = var.signal_ref();
    w.signals.push(Signal {
        name,
        scope: path.to_vec(),
        local_name,
        range,
        kind: kind.to_string(),
        width,
        id_code: Some((r.index() + 1).to_string()),
        changes: Arc::default(),
        transition_count: None,
    });
    refs.push(r);
}

fn timescale_of(ts: wellen::Timescale) -> Option<Timescale> {
    // wellen keeps the factor and unit as written (an FST stores a power of
    // ten: 10ns reads as factor 10, unit ns).
    let unit = match ts.unit {
        TimescaleUnit::Seconds => TimeUnit::S,
        TimescaleUnit::MilliSeconds => TimeUnit::Ms,
        TimescaleUnit::MicroSeconds => TimeUnit::Us,
        TimescaleUnit::NanoSeconds => TimeUnit::Ns,
        TimescaleUnit::PicoSeconds => TimeUnit::Ps,
        TimescaleUnit::FemtoSeconds => TimeUnit::Fs,
        _ => return None,
    };
    matches!(ts.factor, 1 | 10 | 100).then_some(Timescale {
        magnitude: ts.factor,
        unit,
    })
}

/// The VCD name of a variable type (VHDL types by their own names).
fn kind_of(t: VarType) -> &'static str {
    match t {
        VarType::Event | VarType::EventParameter => "event",
        VarType::Integer => "integer",
        VarType::Parameter => "parameter",
        VarType::Real | VarType::RealParameter => "real",
        VarType::Reg => "reg",
        VarType::Supply0 => "supply0",
        VarType::Supply1 => "supply1",
        VarType::Time => "time",
        VarType::Tri => "tri",
        VarType::TriAnd => "triand",
        VarType::TriOr => "trior",
        VarType::TriReg => "trireg",
        VarType::Tri0 => "tri0",
        VarType::Tri1 => "tri1",
        VarType::WAnd => "wand",
        VarType::Wire => "wire",
        VarType::WOr => "wor",
        VarType::String => "string",
        VarType::Port => "port",
        VarType::SparseArray => "sparray",
        VarType::RealTime => "realtime",
        VarType::Bit => "bit",
        VarType::Logic => "logic",
        VarType::Int => "int",
        VarType::ShortInt => "shortint",
        VarType::LongInt => "longint",
        VarType::Byte => "byte",
        VarType::Enum => "enum",
        VarType::ShortReal => "shortreal",
        VarType::Boolean => "boolean",
        VarType::BitVector => "bit_vector",
        VarType::StdLogic => "std_logic",
        VarType::StdLogicVector => "std_logic_vector",
        VarType::StdULogic => "std_ulogic",
        VarType::StdULogicVector => "std_ulogic_vector",
    }
}
