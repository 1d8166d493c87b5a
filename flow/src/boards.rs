//! Boards: a board top, its FPGA target, its clock and its pin constraints
//! (`neuroxbar synth --board B`). A board that is named but not built says
//! why instead of being ignored.
//!
//! Pin files: an `.lpf` (ECP5: nextpnr-ecp5 places the pins by it) or an
//! `.xdc` (Artix-7: no open place and route is packaged, so the flow
//! synthesizes with Yosys for the resources and writes what Vivado needs
//! to place, route and write the bitstream: [`vivado_files`]). Either way
//! every pin of the board top must be constrained.

use crate::parts::Family;
use crate::wrap::tied_off;
use neuroxbar_rtl::board_tops::{VENDOR_MODELS_BEGIN, VENDOR_MODELS_END};
use neuroxbar_rtl::verilog::GeneratedTop;

/// A board `neuroxbar synth --board` knows.
pub struct Board {
    pub name: &'static str,
    /// One line for help texts.
    pub about: &'static str,
    /// `Ok`: the board's top, target, clock and constraints; `Err`: why it
    /// has none.
    pub build: Result<BoardBuild, &'static str>,
}

/// The kind of a pin constraint file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinFormat {
    /// Lattice `.lpf` (`LOCATE COMP "port" SITE "x";`), read by nextpnr-ecp5.
    Lpf,
    /// AMD/Xilinx `.xdc` (`set_property -dict { PACKAGE_PIN x IOSTANDARD y }
    /// [get_ports { port }]`), read by Vivado; `vivado_part` is the part
    /// its script targets.
    Xdc { vivado_part: &'static str },
}

impl PinFormat {
    /// The file name of the copy in the output folder.
    pub fn file_name(&self) -> &'static str {
        match self {
            PinFormat::Lpf => "board.lpf",
            PinFormat::Xdc { .. } => "board.xdc",
        }
    }

    /// The family of parts whose tools read it.
    pub fn family(&self) -> Family {
        match self {
            PinFormat::Lpf => Family::Ecp5,
            PinFormat::Xdc { .. } => Family::Xc7,
        }
    }
}

/// A board's pin constraints: what kind, where in the repository (for
/// messages), and the text.
#[derive(Clone, Debug)]
pub struct PinFile {
    pub format: PinFormat,
    pub path: String,
    pub text: String,
}

/// What a built board synthesizes.
pub struct BoardBuild {
    /// Top in `neuroxbar_rtl::tops::TOPS`.
    pub top: &'static str,
    /// Target in [`crate::parts::TARGETS`].
    pub target: &'static str,
    /// The clock of the board top's logic (the timing target), MHz.
    pub clock_mhz: f64,
    pub pin_format: PinFormat,
    /// The constraint file's path in the repository (for messages).
    pub pins_path: &'static str,
    /// Its text (compiled in, so the program runs from any folder).
    pub pins: &'static str,
}

impl BoardBuild {
    pub fn pin_file(&self) -> PinFile {
        PinFile {
            format: self.pin_format,
            path: self.pins_path.to_string(),
            text: self.pins.to_string(),
        }
    }
}

pub const BOARDS: &[Board] = &[
    Board {
        name: "ulx3s",
        about:
            "Radiona ULX3S: LFE5U-25F-6 CABGA381, 25 MHz clock, FT231X USB-UART (top ulx3s_25x5)",
        build: Ok(BoardBuild {
            top: "ulx3s_25x5",
            target: "ecp5",
            clock_mhz: 25.0,
            pin_format: PinFormat::Lpf,
            pins_path: "constraints/ulx3s.lpf",
            pins: include_str!("../../constraints/ulx3s.lpf"),
        }),
    },
    Board {
        name: "icebreaker",
        about: "1BitSquared iCEBreaker (iCE40UP5K): not built",
        build: Err(
            "the accelerator does not fit the iCE40UP5K (accel_25x5 maps to 11174 LUT4 and 25 \
             DSP; the UP5K has 5280 and 8: constraints/synth-results.md)",
        ),
    },
    Board {
        name: "arty",
        about: "Digilent Arty A7-35T: XC7A35TICSG324-1L, 100 MHz clock (MMCM to 25 MHz), \
                FT2232HQ USB-UART (top arty_25x5; Yosys resources + a Vivado script)",
        build: Ok(BoardBuild {
            top: "arty_25x5",
            target: "xc7",
            clock_mhz: 25.0,
            pin_format: PinFormat::Xdc {
                vivado_part: "xc7a35ticsg324-1L",
            },
            pins_path: "constraints/arty_a7.xdc",
            pins: include_str!("../../constraints/arty_a7.xdc"),
        }),
    },
];

/// The built board called `name`, or an error naming the boards, or why
/// that board is not built.
pub fn find_board(name: &str) -> Result<(&'static Board, &'static BoardBuild), String> {
    let Some(b) = BOARDS.iter().find(|b| b.name == name) else {
        let names: Vec<&str> = BOARDS.iter().map(|b| b.name).collect();
        return Err(format!(
            "unknown board `{name}` (boards: {})",
            names.join(", ")
        ));
    };
    match &b.build {
        Ok(build) => Ok((b, build)),
        Err(why) => Err(format!("--board {name} is not supported: {why}")),
    }
}

/// The code of an `.lpf` or `.xdc` line: before its `#` comment.
fn code(line: &str) -> &str {
    line.split('#').next().unwrap_or("")
}

/// The ports a `LOCATE COMP "name"` line of an `.lpf` constrains.
pub fn lpf_located(lpf: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in lpf.lines() {
        for stmt in code(line).split(';') {
            let words: Vec<&str> = stmt.split_whitespace().collect();
            if words.len() >= 3
                && words[0].eq_ignore_ascii_case("LOCATE")
                && words[1].eq_ignore_ascii_case("COMP")
            {
                out.push(words[2].trim_matches('"').to_string());
            }
        }
    }
    out
}

/// The ports of one `set_property` command of an `.xdc` that sets `key`
/// (`PACKAGE_PIN`, `IOSTANDARD`), in either form:
/// `set_property -dict { KEY v ... } [get_ports { a b }]` or
/// `set_property KEY v [get_ports a]`.
pub fn xdc_ports_with(xdc: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in xdc.lines() {
        for stmt in code(line).split(';') {
            let stmt = stmt.trim();
            if !stmt.starts_with("set_property") {
                continue;
            }
            let Some((props, ports)) = stmt.split_once("[get_ports") else {
                continue;
            };
            if !props.split_whitespace().any(|w| w == key) {
                continue;
            }
            // `{ a b[0] }` up to its brace (names may hold brackets), or
            // one bare name up to the command's bracket
            let ports = ports.trim_start();
            let ports = match ports.strip_prefix('{') {
                Some(braced) => braced.split('}').next().unwrap_or(""),
                None => ports.split(']').next().unwrap_or(""),
            };
            out.extend(ports.split_whitespace().map(str::to_string));
        }
    }
    out
}

/// Every pin of `top` (a 1-bit port `name`, a wider one `name[i]` per bit;
/// the simulation-only tied-off inputs excepted) is constrained by `pins`:
/// a `LOCATE COMP` line of an `.lpf`, or both a `PACKAGE_PIN` and an
/// `IOSTANDARD` of an `.xdc` (Vivado refuses to write a bitstream with a
/// port that lacks either). The error names the first unconstrained pins
/// and the file.
pub fn check_pins(top: &GeneratedTop, pins: &PinFile) -> Result<(), String> {
    let rules: Vec<(Vec<String>, &str)> = match pins.format {
        PinFormat::Lpf => vec![(lpf_located(&pins.text), "no LOCATE COMP line")],
        PinFormat::Xdc { .. } => vec![
            (xdc_ports_with(&pins.text, "PACKAGE_PIN"), "no PACKAGE_PIN"),
            (xdc_ports_with(&pins.text, "IOSTANDARD"), "no IOSTANDARD"),
        ],
    };
    for (located, rule) in rules {
        let mut missing = Vec::new();
        for p in top.ports.iter().filter(|p| !tied_off(p)) {
            let names: Vec<String> = if p.width == 1 {
                vec![p.name.clone()]
            } else {
                (0..p.width).map(|i| format!("{}[{i}]", p.name)).collect()
            };
            missing.extend(names.into_iter().filter(|n| !located.contains(n)));
        }
        if !missing.is_empty() {
            return Err(format!(
                "{}: port{} {} of `{}` not constrained ({rule})",
                pins.path,
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                top.name
            ));
        }
    }
    Ok(())
}

/// `verilog` without the vendor primitives' declarations and simulation
/// models (between [`VENDOR_MODELS_BEGIN`] and [`VENDOR_MODELS_END`]):
/// Vivado instantiates its own primitives.
pub fn without_vendor_models(verilog: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in verilog.lines() {
        if line.trim() == VENDOR_MODELS_BEGIN {
            inside = true;
        } else if line.trim() == VENDOR_MODELS_END {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The files a Vivado build of a board top needs, beside its `.xdc`
/// (`board.xdc`): `(file name, text)` of the Verilog (module `top`, the
/// vendor models removed) and of a batch script that synthesizes, places,
/// routes, reports utilization and timing, stops on a negative setup slack
/// and writes `design.bit`.
pub fn vivado_files(top: &GeneratedTop, vivado_part: &str) -> [(&'static str, String); 2] {
    let script = format!(
        "# Vivado batch build of the board top `{name}` ({vivado_part}), written by\n\
         # `neuroxbar synth --board`. In this folder:\n\
         #   vivado -mode batch -source vivado.tcl\n\
         # Reads vivado_top.v (module `top`, the AMD/Xilinx primitives left to Vivado) and\n\
         # board.xdc (pins, I/O standards, the oscillator's clock); writes\n\
         # utilization.rpt, timing.rpt and design.bit.\n\
         read_verilog vivado_top.v\n\
         read_xdc board.xdc\n\
         synth_design -top top -part {vivado_part}\n\
         opt_design\n\
         place_design\n\
         route_design\n\
         report_utilization -file utilization.rpt\n\
         report_timing_summary -file timing.rpt\n\
         set wns [get_property SLACK [get_timing_paths -delay_type max -max_paths 1]]\n\
         if {{$wns < 0}} {{\n\
         \x20   puts \"ERROR: timing not met: worst setup slack $wns ns (timing.rpt)\"\n\
         \x20   exit 1\n\
         }}\n\
         write_bitstream -force design.bit\n",
        name = top.name
    );
    [
        ("vivado_top.v", without_vendor_models(&top.verilog)),
        ("vivado.tcl", script),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board_top(board: &str) -> (GeneratedTop, PinFile) {
        let (_, b) = find_board(board).unwrap();
        let top = (neuroxbar_rtl::tops::find(b.top).unwrap().generate)().unwrap();
        assert_eq!(top.name, b.top);
        (top, b.pin_file())
    }

    /// `pins` without the lines that contain `needle` (and start with
    /// `starts`).
    fn dropping(pins: &PinFile, starts: &str, needle: &str) -> PinFile {
        let text: String = pins
            .text
            .lines()
            .filter(|l| !(l.starts_with(starts) && l.contains(needle)))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            text.len() < pins.text.len(),
            "{needle} is not in {}",
            pins.path
        );
        PinFile {
            text,
            ..pins.clone()
        }
    }

    #[test]
    fn the_ulx3s_lpf_constrains_every_port_of_its_top() {
        let (top, pins) = board_top("ulx3s");
        check_pins(&top, &pins).unwrap();
        assert!(pins.text.contains("FREQUENCY PORT \"clk_25mhz\" 25 MHZ"));
    }

    #[test]
    fn the_arty_xdc_constrains_every_port_of_its_top_and_its_clock() {
        let (top, pins) = board_top("arty");
        check_pins(&top, &pins).unwrap();
        assert!(pins
            .text
            .lines()
            .any(|l| l.starts_with("create_clock -period 10.000") && l.contains("clk100mhz")));
        // the oscillator pin of the Arty A7 and its UART
        for (port, site) in [
            ("clk100mhz", "E3"),
            ("uart_txd_in", "A9"),
            ("uart_rxd_out", "D10"),
        ] {
            assert!(
                pins.text
                    .lines()
                    .any(|l| l.contains(&format!("PACKAGE_PIN {site} "))
                        && l.contains(&format!("{{ {port} }}"))),
                "{port} at {site}"
            );
        }
    }

    #[test]
    fn a_dropped_locate_line_is_an_error_naming_the_port_and_the_file() {
        let (top, pins) = board_top("ulx3s");
        for dropped in ["\"dac_sdi[3]\"", "\"ftdi_txd\"", "\"led[7]\""] {
            let e = check_pins(&top, &dropping(&pins, "LOCATE", dropped)).unwrap_err();
            let port = dropped.trim_matches('"');
            assert!(
                e.contains(port) && e.contains("constraints/ulx3s.lpf"),
                "{e}"
            );
            assert!(!e.contains("ports"), "one port missing: {e}");
        }
        // a commented-out line constrains nothing
        let commented = PinFile {
            text: pins
                .text
                .replace("LOCATE COMP \"adc_busy\"", "# LOCATE COMP \"adc_busy\""),
            ..pins.clone()
        };
        let e = check_pins(&top, &commented).unwrap_err();
        assert!(e.contains("adc_busy"), "{e}");
    }

    #[test]
    fn an_xdc_port_without_a_pin_or_an_io_standard_is_an_error_naming_it() {
        let (top, pins) = board_top("arty");
        for dropped in ["{ dac_sdi[3] }", "{ uart_txd_in }", "{ led3_b }"] {
            let e = check_pins(&top, &dropping(&pins, "set_property", dropped)).unwrap_err();
            let port = dropped.trim_matches(|c| c == '{' || c == '}' || c == ' ');
            assert!(
                e.contains(port)
                    && e.contains("constraints/arty_a7.xdc")
                    && e.contains("PACKAGE_PIN"),
                "{e}"
            );
        }
        // a pin without its I/O standard
        let line = pins
            .text
            .lines()
            .find(|l| l.contains("{ adc_douta }"))
            .unwrap();
        let no_std = PinFile {
            text: pins
                .text
                .replace(line, &line.replace("IOSTANDARD LVCMOS33", "")),
            ..pins.clone()
        };
        let e = check_pins(&top, &no_std).unwrap_err();
        assert!(e.contains("adc_douta") && e.contains("IOSTANDARD"), "{e}");
        // a commented-out line constrains nothing
        let commented = PinFile {
            text: pins.text.replace(line, &format!("# {line}")),
            ..pins.clone()
        };
        assert!(check_pins(&top, &commented)
            .unwrap_err()
            .contains("adc_douta"));
    }

    #[test]
    fn the_vivado_files_leave_the_primitives_to_vivado() {
        let (top, _) = board_top("arty");
        assert!(top.verilog.contains("module MMCME2_BASE("));
        let [(v_name, v), (t_name, tcl)] = vivado_files(&top, "xc7a35ticsg324-1L");
        assert_eq!((v_name, t_name), ("vivado_top.v", "vivado.tcl"));
        for gone in ["module MMCME2_BASE", "module BUFG", VENDOR_MODELS_BEGIN] {
            assert!(!v.contains(gone), "{gone}");
        }
        for kept in [
            "module top(",
            "MMCME2_BASE #(",
            "BUFG bufg",
            "module top$body(",
        ] {
            assert!(v.contains(kept), "{kept}");
        }
        // nothing else is removed
        assert_eq!(
            v.lines().count(),
            top.verilog.lines().count()
                - top
                    .verilog
                    .lines()
                    .skip_while(|l| l.trim() != VENDOR_MODELS_BEGIN)
                    .position(|l| l.trim() == VENDOR_MODELS_END)
                    .unwrap()
                - 1
        );
        for step in [
            "read_verilog vivado_top.v",
            "read_xdc board.xdc",
            "synth_design -top top -part xc7a35ticsg324-1L",
            "route_design",
            "write_bitstream -force design.bit",
        ] {
            assert!(tcl.contains(step), "{step}");
        }
        // a top without vendor models is written whole
        let (u, _) = board_top("ulx3s");
        assert_eq!(
            without_vendor_models(&u.verilog).trim_end(),
            u.verilog.trim_end()
        );
    }

    #[test]
    fn unbuilt_boards_say_why_and_unknown_ones_list_the_boards() {
        let e = find_board("icebreaker").err().unwrap();
        assert!(e.contains("does not fit the iCE40UP5K"), "{e}");
        let e = find_board("de10").err().unwrap();
        assert!(e.contains("ulx3s, icebreaker, arty"), "{e}");
    }

    #[test]
    fn every_built_board_names_a_top_and_a_target_that_exist() {
        for b in BOARDS {
            if let Ok(build) = &b.build {
                assert!(neuroxbar_rtl::tops::find(build.top).is_ok(), "{}", b.name);
                let target = crate::parts::find_target(build.target).unwrap();
                assert_eq!(target.family, build.pin_format.family(), "{}", b.name);
            }
        }
    }
}
