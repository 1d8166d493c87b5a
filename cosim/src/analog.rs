//! The analog side of a co-simulation in the waveform: real-valued traces of
//! the front-end in simulated time, merged into the RTL's VCD under a scope
//! `analog`, so that a pulse on the bus and the conductance step it causes
//! sit one under the other in any viewer.
//!
//! Recorded at the front-end's events (the values only change there), at
//! the time the front end acts on them: the end of the cycle whose bus
//! outputs carry the event, half a clock period after the rising edge at
//! which the VCD shows `fe_apply` / `fe_sample` change:
//! - `analog.row_v<i>` / `analog.col_v<j>`: line voltages, volts, at every
//!   apply edge (0 V while nothing is applied; a floating line shows 0 V);
//! - `analog.col_i<j>`: the column currents the ADC digitized, amperes, at
//!   every sample strobe;
//! - `analog.g_r<r>c<c>`: the conductance of each probed cell, siemens, at
//!   the start and at every apply edge (the devices are brought up to date
//!   at the front end's events, so a pulse's step shows at the next apply
//!   edge at the latest).
//!
//! One file rather than a second one on the same time base: GTKWave opens
//! one dump file per window, so a separate analog file could not sit under
//! the bus signals there. Verilator writes the RTL VCD; after the run
//! [`AnalogTrace::merge_into`] streams it once more and interleaves the
//! analog value changes by time (each record is written to a temporary
//! body file during the run, so memory does not grow with the run).

use neuroxbar_models::frontend::FrontEnd;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Cells to probe: `r:c` pairs, or every cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probes {
    All,
    Cells(Vec<(usize, usize)>),
}

impl Probes {
    /// Parse `0:0,3:2` or `all`; cells are checked against the array shape.
    pub fn parse(text: &str, n_rows: usize, n_cols: usize) -> Result<Probes, String> {
        let t = text.trim();
        if t == "all" {
            return Ok(Probes::All);
        }
        let mut cells = Vec::new();
        for part in t.split(',') {
            let (r, c) = part.trim().split_once(':').ok_or_else(|| {
                format!("--probe-cells `{part}`: expected ROW:COL (e.g. 0:0,3:2) or `all`")
            })?;
            let parse = |s: &str, what: &str, n: usize| -> Result<usize, String> {
                s.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|&v| v < n)
                    .ok_or_else(|| {
                        format!("--probe-cells `{part}`: {what} `{s}` outside 0..={}", n - 1)
                    })
            };
            cells.push((parse(r, "row", n_rows)?, parse(c, "column", n_cols)?));
        }
        cells.sort_unstable();
        cells.dedup();
        Ok(Probes::Cells(cells))
    }

    fn cells(&self, n_rows: usize, n_cols: usize) -> Vec<(usize, usize)> {
        match self {
            Probes::All => (0..n_rows)
                .flat_map(|r| (0..n_cols).map(move |c| (r, c)))
                .collect(),
            Probes::Cells(c) => c.clone(),
        }
    }
}

/// Records the front-end's analog values during a run.
pub struct AnalogTrace {
    n_rows: usize,
    n_cols: usize,
    cells: Vec<(usize, usize)>,
    names: Vec<String>,
    last: Vec<Option<f64>>,
    body: BufWriter<std::fs::File>,
    body_path: PathBuf,
    last_time_ps: Option<u64>,
    records: u64,
}

/// VCD identifier of variable `i`, with a prefix no Verilator id starts with
/// (Verilator's ids are printable characters from `!`; a leading `~~`
/// pair never occurs in files this small, and [`AnalogTrace::merge_into`]
/// checks it).
fn id(i: usize) -> String {
    format!("~~{i}")
}

impl AnalogTrace {
    /// A recorder for an `n_rows x n_cols` array; the body is buffered in
    /// `<vcd>.analog-<pid>` beside the VCD until the merge.
    pub fn new(vcd: &Path, n_rows: usize, n_cols: usize, probes: &Probes) -> Result<Self, String> {
        let cells = probes.cells(n_rows, n_cols);
        let mut names: Vec<String> = (0..n_rows).map(|i| format!("row_v{i}")).collect();
        names.extend((0..n_cols).map(|j| format!("col_v{j}")));
        names.extend((0..n_cols).map(|j| format!("col_i{j}")));
        names.extend(cells.iter().map(|(r, c)| format!("g_r{r}c{c}")));
        let body_path = vcd.with_extension(format!("analog-{}", std::process::id()));
        let f = std::fs::File::create(&body_path)
            .map_err(|e| format!("{}: cannot create: {e}", body_path.display()))?;
        let n = names.len();
        Ok(AnalogTrace {
            n_rows,
            n_cols,
            cells,
            names,
            last: vec![None; n],
            body: BufWriter::new(f),
            body_path,
            last_time_ps: None,
            records: 0,
        })
    }

    fn put(&mut self, t_ps: u64, var: usize, v: f64) -> std::io::Result<()> {
        let v = if v.is_finite() { v } else { 0.0 };
        if self.last[var] == Some(v) {
            return Ok(());
        }
        self.last[var] = Some(v);
        if self.last_time_ps != Some(t_ps) {
            writeln!(self.body, "#{t_ps}")?;
            self.last_time_ps = Some(t_ps);
        }
        self.records += 1;
        writeln!(self.body, "r{v:e} {}", id(var))
    }

    /// Record after the front-end's events at `t_s`: an apply edge (line
    /// voltages, probed conductances) and/or a sample (column currents).
    pub fn record(
        &mut self,
        fe: &FrontEnd,
        t_s: f64,
        apply_edge: bool,
        currents_a: Option<&[f64]>,
    ) -> Result<(), String> {
        let t_ps = (t_s * 1e12).round() as u64;
        let io = |e: std::io::Error| format!("writing the analog trace: {e}");
        if apply_edge || self.last_time_ps.is_none() {
            for ch in 0..self.n_rows + self.n_cols {
                let v = fe.line_voltage_volts(ch).map_err(|e| e.to_string())?;
                self.put(t_ps, ch, v.unwrap_or(0.0)).map_err(io)?;
            }
            let base = self.n_rows + 2 * self.n_cols;
            for k in 0..self.cells.len() {
                let (r, c) = self.cells[k];
                let g = fe.array().conductance_s(r, c).map_err(|e| e.to_string())?;
                self.put(t_ps, base + k, g).map_err(io)?;
            }
        }
        if let Some(cur) = currents_a {
            let base = self.n_rows + self.n_cols;
            for (j, &i) in cur.iter().enumerate().take(self.n_cols) {
                self.put(t_ps, base + j, i).map_err(io)?;
            }
        }
        Ok(())
    }

    /// Value changes recorded so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The analog variables' names, in declaration order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Merge the recorded values into the RTL VCD `vcd` (rewritten in place,
    /// atomically) under the scope `analog`, and remove the temporary body.
    pub fn merge_into(mut self, vcd: &Path) -> Result<(), String> {
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |e: std::io::Error| format!("{}: {e}", p.display())
        };
        self.body.flush().map_err(io(&self.body_path))?;
        let body_path = self.body_path.clone();
        let result = (|| {
            let rtl = BufReader::new(std::fs::File::open(vcd).map_err(io(vcd))?);
            let analog = BufReader::new(std::fs::File::open(&body_path).map_err(io(&body_path))?);
            let tmp = vcd.with_extension(format!("merge-{}", std::process::id()));
            let mut out = BufWriter::new(std::fs::File::create(&tmp).map_err(io(&tmp))?);
            let mut rtl_lines = rtl.lines();
            // header: copy, checking the ids, and declare the analog scope
            let mut ids = BTreeSet::new();
            loop {
                let line = rtl_lines
                    .next()
                    .ok_or_else(|| format!("{}: no $enddefinitions", vcd.display()))?
                    .map_err(io(vcd))?;
                if line.contains("$var") {
                    if let Some(code) = line.split_whitespace().nth(3) {
                        ids.insert(code.to_string());
                    }
                }
                if line.contains("$enddefinitions") {
                    writeln!(out, "$scope module analog $end").map_err(io(&tmp))?;
                    for (i, n) in self.names.iter().enumerate() {
                        if ids.contains(&id(i)) {
                            return Err(format!("{}: id `{}` already taken", vcd.display(), id(i)));
                        }
                        writeln!(out, "$var real 64 {} {n} $end", id(i)).map_err(io(&tmp))?;
                    }
                    writeln!(out, "$upscope $end").map_err(io(&tmp))?;
                    writeln!(out, "{line}").map_err(io(&tmp))?;
                    break;
                }
                writeln!(out, "{line}").map_err(io(&tmp))?;
            }
            // bodies: interleave by time
            let mut a_lines = analog.lines().peekable();
            let mut pending_a: Option<(u64, Vec<String>)> = next_block(&mut a_lines)?;
            let mut rtl_time: Option<u64> = None;
            for line in rtl_lines {
                let line = line.map_err(io(vcd))?;
                if let Some(t) = line
                    .strip_prefix('#')
                    .and_then(|t| t.trim().parse::<u64>().ok())
                {
                    // analog blocks strictly before t come first
                    while let Some((ta, _)) = &pending_a {
                        if *ta >= t {
                            break;
                        }
                        let (ta, vals) = pending_a.take().unwrap();
                        writeln!(out, "#{ta}").map_err(io(&tmp))?;
                        for v in vals {
                            writeln!(out, "{v}").map_err(io(&tmp))?;
                        }
                        pending_a = next_block(&mut a_lines)?;
                    }
                    writeln!(out, "{line}").map_err(io(&tmp))?;
                    rtl_time = Some(t);
                    // an analog block at the same time joins this one
                    if pending_a.as_ref().is_some_and(|(ta, _)| *ta == t) {
                        let (_, vals) = pending_a.take().unwrap();
                        for v in vals {
                            writeln!(out, "{v}").map_err(io(&tmp))?;
                        }
                        pending_a = next_block(&mut a_lines)?;
                    }
                    continue;
                }
                writeln!(out, "{line}").map_err(io(&tmp))?;
            }
            while let Some((ta, vals)) = pending_a.take() {
                if rtl_time != Some(ta) {
                    writeln!(out, "#{ta}").map_err(io(&tmp))?;
                }
                for v in vals {
                    writeln!(out, "{v}").map_err(io(&tmp))?;
                }
                pending_a = next_block(&mut a_lines)?;
            }
            out.flush().map_err(io(&tmp))?;
            drop(out);
            std::fs::rename(&tmp, vcd).map_err(io(vcd))
        })();
        let _ = std::fs::remove_file(&body_path);
        result
    }
}

impl Drop for AnalogTrace {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.body_path);
    }
}

type Lines = std::iter::Peekable<std::io::Lines<BufReader<std::fs::File>>>;

/// The next `#t` block of the analog body: its time and value lines.
fn next_block(lines: &mut Lines) -> Result<Option<(u64, Vec<String>)>, String> {
    let Some(head) = lines.next() else {
        return Ok(None);
    };
    let head = head.map_err(|e| e.to_string())?;
    let t = head
        .strip_prefix('#')
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or_else(|| format!("analog trace: expected a time, got `{head}`"))?;
    let mut vals = Vec::new();
    while let Some(Ok(l)) = lines.peek() {
        if l.starts_with('#') {
            break;
        }
        vals.push(lines.next().unwrap().map_err(|e| e.to_string())?);
    }
    Ok(Some((t, vals)))
}
