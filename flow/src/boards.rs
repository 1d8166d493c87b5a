//! Boards: a board top, its FPGA target, its clock and its pin constraints
//! (`neuroxbar synth --board B`). A board that is named but not built says
//! why instead of being ignored.

use crate::wrap::tied_off;
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

/// What a built board synthesizes.
pub struct BoardBuild {
    /// Top in `neuroxbar_rtl::tops::TOPS`.
    pub top: &'static str,
    /// Target in [`crate::parts::TARGETS`].
    pub target: &'static str,
    /// The board clock (the timing target), MHz.
    pub clock_mhz: f64,
    /// The constraint file's path in the repository (for messages).
    pub lpf_path: &'static str,
    /// Its text (compiled in, so the program runs from any folder).
    pub lpf: &'static str,
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
            lpf_path: "constraints/ulx3s.lpf",
            lpf: include_str!("../../constraints/ulx3s.lpf"),
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
        about: "Digilent Arty A7-35T (XC7A35T): not built",
        build: Err(
            "no Arty board top or .xdc pin file yet, and no open place and route for the \
             Artix-7 is packaged (`neuroxbar synth --target xc7` synthesizes only)",
        ),
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

/// The ports a `LOCATE COMP "name"` line of an `.lpf` constrains.
pub fn lpf_located(lpf: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in lpf.lines() {
        let code = line.split('#').next().unwrap_or("");
        for stmt in code.split(';') {
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

/// Every pin of `top` (a 1-bit port `name`, a wider one `name[i]` per bit;
/// the simulation-only tied-off inputs excepted) has a `LOCATE COMP` line
/// in `lpf`; the error names the first unconstrained pins and the file.
pub fn check_lpf(top: &GeneratedTop, lpf: &str, lpf_path: &str) -> Result<(), String> {
    let located = lpf_located(lpf);
    let mut missing = Vec::new();
    for p in top.ports.iter().filter(|p| !tied_off(p)) {
        let pins: Vec<String> = if p.width == 1 {
            vec![p.name.clone()]
        } else {
            (0..p.width).map(|i| format!("{}[{i}]", p.name)).collect()
        };
        missing.extend(pins.into_iter().filter(|n| !located.contains(n)));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{lpf_path}: port{} {} of `{}` not constrained (no LOCATE COMP line)",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            top.name
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board_top() -> GeneratedTop {
        (neuroxbar_rtl::tops::find("ulx3s_25x5").unwrap().generate)().unwrap()
    }

    #[test]
    fn the_ulx3s_lpf_constrains_every_port_of_its_top() {
        let (_, b) = find_board("ulx3s").unwrap();
        let top = board_top();
        assert_eq!(top.name, b.top);
        check_lpf(&top, b.lpf, b.lpf_path).unwrap();
        assert!(b.lpf.contains("FREQUENCY PORT \"clk_25mhz\" 25 MHZ"));
    }

    #[test]
    fn a_dropped_locate_line_is_an_error_naming_the_port_and_the_file() {
        let (_, b) = find_board("ulx3s").unwrap();
        let top = board_top();
        for dropped in ["\"dac_sdi[3]\"", "\"ftdi_txd\"", "\"led[7]\""] {
            let lpf: String = b
                .lpf
                .lines()
                .filter(|l| !(l.starts_with("LOCATE") && l.contains(dropped)))
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(lpf.len() < b.lpf.len(), "{dropped} was located");
            let e = check_lpf(&top, &lpf, b.lpf_path).unwrap_err();
            let port = dropped.trim_matches('"');
            assert!(
                e.contains(port) && e.contains("constraints/ulx3s.lpf"),
                "{e}"
            );
            assert!(!e.contains("ports"), "one port missing: {e}");
        }
        // a commented-out line constrains nothing
        let commented = b
            .lpf
            .replace("LOCATE COMP \"adc_busy\"", "# LOCATE COMP \"adc_busy\"");
        let e = check_lpf(&top, &commented, b.lpf_path).unwrap_err();
        assert!(e.contains("adc_busy"), "{e}");
    }

    #[test]
    fn unbuilt_boards_say_why_and_unknown_ones_list_the_boards() {
        let e = find_board("icebreaker").err().unwrap();
        assert!(e.contains("does not fit the iCE40UP5K"), "{e}");
        let e = find_board("arty").err().unwrap();
        assert!(e.contains("not supported") && e.contains("Arty"), "{e}");
        let e = find_board("de10").err().unwrap();
        assert!(e.contains("ulx3s, icebreaker, arty"), "{e}");
    }

    #[test]
    fn every_built_board_names_a_top_and_a_target_that_exist() {
        for b in BOARDS {
            if let Ok(build) = &b.build {
                assert!(neuroxbar_rtl::tops::find(build.top).is_ok(), "{}", b.name);
                assert!(
                    crate::parts::find_target(build.target).is_ok(),
                    "{}",
                    b.name
                );
            }
        }
    }
}
