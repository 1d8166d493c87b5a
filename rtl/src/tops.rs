//! The one table of generated tops: every list of tops (the co-simulation
//! build, the Verilog and synthesis commands, their help texts, the gates)
//! derives from [`TOPS`].

use crate::regs::Register;
use crate::verilog::{generate, GeneratedTop};

/// What a top is, for the lists that group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopKind {
    /// A whole accelerator (configuration registers, `fe_*` bus at its ports).
    Accelerator,
    /// The neuron core with its configuration registers.
    NeuronCore,
    /// One unit of the accelerator, as its own top.
    Unit,
    /// The host link and the board-side blocks around the accelerator.
    Board,
    /// A test fixture of the tool flow, not part of the accelerator.
    Fixture,
}

/// A generated top.
pub struct Top {
    /// Verilog / report name (the Verilog module itself is always `top`).
    pub name: &'static str,
    /// One line for help texts and the port map.
    pub about: &'static str,
    pub kind: TopKind,
    /// Emit the top as Verilog.
    pub generate: fn() -> Result<GeneratedTop, String>,
    /// Its configuration registers (empty: no configuration bus).
    pub registers: fn() -> Vec<Register>,
    /// Verilated by the co-simulation crate (`cosim/build.rs`), and so also
    /// under the lint, synthesis and second-simulator gates.
    pub cosim: bool,
}

fn none() -> Vec<Register> {
    Vec::new()
}

/// The top `neuroxbar verilog` and `neuroxbar synth` use without `--top`.
pub const DEFAULT_TOP: &str = "accel_25x5";

/// Every top. Adding one here gives it a typed Verilator model (with
/// `cosim: true`), the gates, `neuroxbar verilog` and `neuroxbar synth`.
pub const TOPS: &[Top] = &[
    Top {
        name: "accel_25x5",
        about: "the accelerator, 25 rows x 5 columns (E1, E4, E5); tie `warp` to 0 for synthesis",
        kind: TopKind::Accelerator,
        generate: || {
            generate(
                "accel_25x5",
                &mut *Box::<crate::accelerator::Accelerator<25, 5>>::default(),
            )
        },
        registers: || crate::accel_regs::register_map(25),
        cosim: true,
    },
    Top {
        name: "accel_81x4",
        about: "the accelerator, 81 rows x 4 columns (E2); tie `warp` to 0 for synthesis",
        kind: TopKind::Accelerator,
        generate: || {
            generate(
                "accel_81x4",
                &mut *Box::<crate::accelerator::Accelerator<81, 4>>::default(),
            )
        },
        registers: || crate::accel_regs::register_map(81),
        cosim: true,
    },
    Top {
        name: "accel_25x4",
        about: "the accelerator, 25 rows x 4 columns: a point of the row-scaling measurement (rtl/timing/scaling.sh); not co-simulated",
        kind: TopKind::Accelerator,
        generate: || {
            generate(
                "accel_25x4",
                &mut *Box::<crate::accelerator::Accelerator<25, 4>>::default(),
            )
        },
        registers: || crate::accel_regs::register_map(25),
        cosim: false,
    },
    Top {
        name: "accel_128x4",
        about: "the accelerator at its largest row count, 128 rows x 4 columns (the row-intensity registers fill the 8-bit address space): a point of the row-scaling measurement; not co-simulated",
        kind: TopKind::Accelerator,
        generate: || {
            generate(
                "accel_128x4",
                &mut *Box::<crate::accelerator::Accelerator<128, 4>>::default(),
            )
        },
        registers: || crate::accel_regs::register_map(128),
        cosim: false,
    },
    Top {
        name: "lif_wta16",
        about: "neuron core: 16 LIF neurons, winner-take-all, config registers",
        kind: TopKind::NeuronCore,
        generate: || {
            generate(
                "lif_wta16",
                &mut crate::lif_wta_top::LifWtaTop::<16>::default(),
            )
        },
        registers: || crate::lif_wta_top::NEURON_REGISTERS.to_vec(),
        cosim: true,
    },
    Top {
        name: "input_encoder25",
        about: "input encoder, 25 rows: host spikes or rate coding (an LFSR per row)",
        kind: TopKind::Unit,
        generate: || {
            generate(
                "input_encoder25",
                &mut crate::input_encoder::InputEncoder::<25>::default(),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "pulse_gen",
        about: "programming pulse generator (amplitude, width, count, interval)",
        kind: TopKind::Unit,
        generate: || {
            generate(
                "pulse_gen",
                &mut crate::pulse_gen::PulseGenerator::default(),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "xbar_ctrl",
        about: "crossbar controller, 25 rows x 5 columns (READ, PROGRAM, REFRESH)",
        kind: TopKind::Unit,
        generate: || {
            generate(
                "xbar_ctrl",
                &mut crate::xbar_ctrl::CrossbarController::<25, 5>::default(),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "stdp",
        about: "STDP weight-update unit, 25 rows x 5 columns",
        kind: TopKind::Unit,
        generate: || generate("stdp", &mut crate::stdp::StdpUnit::<25, 5>::default()),
        registers: none,
        cosim: true,
    },
    Top {
        name: "refresh",
        about: "refresh scheduler, 25 rows x 5 columns",
        kind: TopKind::Unit,
        generate: || {
            generate(
                "refresh",
                &mut crate::refresh::RefreshScheduler::<25, 5>::default(),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "arbiter",
        about: "command arbiter of the crossbar controller's producers",
        kind: TopKind::Unit,
        generate: || generate("arbiter", &mut crate::arbiter::CommandArbiter::default()),
        registers: none,
        cosim: true,
    },
    Top {
        name: "bcm",
        about: "BCM weight-update unit with a sliding threshold, 25 rows x 5 columns",
        kind: TopKind::Unit,
        generate: || generate("bcm", &mut crate::bcm::BcmUnit::<25, 5>::default()),
        registers: none,
        cosim: true,
    },
    Top {
        name: "uart_bridge25x5",
        about: "the serial host link (UART 8N1, 8 clocks per bit, framed commands with CRC-8)",
        kind: TopKind::Board,
        generate: || {
            generate(
                "uart_bridge25x5",
                &mut crate::host_link::UartBridge::<25, 5>::new(8),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "host_bridge25x5",
        about: "the host link's frame bridge (bytes in, bytes out), without the UART",
        kind: TopKind::Board,
        generate: || {
            generate(
                "host_bridge25x5",
                &mut crate::host_link::HostBridge::<25, 5>::new(6),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "board_core25x5",
        about: "host link + accel_25x5, the `fe_*` bus at its ports",
        kind: TopKind::Board,
        generate: || {
            generate(
                "board_core25x5",
                &mut *Box::new(crate::board::BoardCore::<25, 5>::new(8)),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "phy_25x5",
        about: "front-end PHY for 30 lines (AD5542A DACs, ADG1404 muxes, AD7606 ADC)",
        kind: TopKind::Board,
        generate: || {
            generate(
                "phy_25x5",
                &mut *Box::<crate::fe_phy::FrontEndPhy<30, 5>>::default(),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "phy_lean_25x5",
        about: "pin-lean front-end PHY for 30 lines (6 AD5570 chains, 2 SN74LV595A chains, AD7606)",
        kind: TopKind::Board,
        generate: || {
            generate(
                "phy_lean_25x5",
                &mut *Box::<crate::fe_phy_lean::LeanPhy<30, 5, 6, 2>>::default(),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "ulx3s_25x5",
        about: "ULX3S board top: board_core25x5 + phy_lean_25x5, 25 MHz, UART 1 Mbaud (`--board ulx3s`)",
        kind: TopKind::Board,
        generate: || {
            generate(
                "ulx3s_25x5",
                &mut *Box::<crate::board_tops::BoardUlx3s>::default(),
            )
        },
        registers: none,
        cosim: true,
    },
    Top {
        name: "arty_25x5",
        about: "Arty A7-35T board top: an MMCM (100 -> 25 MHz) + the ULX3S top's body, UART 1 Mbaud (`--board arty`)",
        kind: TopKind::Board,
        generate: || {
            generate(
                "arty_25x5",
                &mut *Box::<crate::board_tops::BoardArty>::default(),
            )
        },
        registers: none,
        cosim: false,
    },
    Top {
        name: "wide_acc",
        about: "a 100-bit accumulator: a fixture for the tool flow's wide ports",
        kind: TopKind::Fixture,
        generate: || generate("wide_acc", &mut crate::testing::WideAccumulator::default()),
        registers: none,
        cosim: true,
    },
];

/// The top called `name`.
pub fn find(name: &str) -> Result<&'static Top, String> {
    TOPS.iter().find(|t| t.name == name).ok_or_else(|| {
        let names: Vec<&str> = TOPS.iter().map(|t| t.name).collect();
        format!("unknown top `{name}` (tops: {})", names.join(", "))
    })
}

/// Help text: one line per top, the default marked.
pub fn help_lines() -> String {
    let width = TOPS.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut s = String::new();
    for t in TOPS {
        let name = if t.name == DEFAULT_TOP {
            format!("{} (default)", t.name)
        } else {
            t.name.to_string()
        };
        s.push_str(&format!("  {name:<w$}  {}\n", t.about, w = width + 10));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_default_exists() {
        for (i, t) in TOPS.iter().enumerate() {
            assert!(
                TOPS[..i].iter().all(|u| u.name != t.name),
                "{} twice",
                t.name
            );
        }
        assert!(find(DEFAULT_TOP).is_ok());
        let Err(e) = find("nope") else {
            panic!("`nope` found")
        };
        assert!(e.contains("accel_25x5") && e.contains("wide_acc"), "{e}");
    }

    #[test]
    fn the_help_lists_every_top_once() {
        let h = help_lines();
        for t in TOPS {
            assert_eq!(
                h.lines()
                    .filter(|l| l.split_whitespace().next() == Some(t.name))
                    .count(),
                1,
                "{}",
                t.name
            );
        }
        assert!(h.contains("accel_25x5 (default)"));
    }
}
