//! The FPGA parts the flow targets: their families, Yosys commands, nextpnr
//! options, bitstream packers and capacities.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Ice40,
    Ecp5,
    Xc7,
}

/// An FPGA part `neuroxbar synth` can target.
pub struct Target {
    pub name: &'static str,
    pub part: &'static str,
    pub family: Family,
    /// The Yosys synthesis command (its `-top` is appended).
    pub synth: &'static str,
    /// Place and route: the nextpnr flavour and its device and package
    /// options (none for parts without an open place and route here).
    pub nextpnr: Option<Pnr>,
    /// Capacity per resource class, in the units `classify` counts.
    pub capacity: Capacity,
}

/// A nextpnr flavour and its device options.
#[derive(Clone, Copy, Debug)]
pub struct Pnr {
    /// `ice40` or `ecp5`: the tool is `yowasp-nextpnr-<arch>` (or Debian's
    /// `nextpnr-<arch>` as a fallback).
    pub arch: &'static str,
    pub args: &'static [&'static str],
    /// The packer that turns nextpnr's output into a bitstream
    /// (`yowasp-icepack` / `yowasp-ecppack`), nextpnr's option that writes
    /// that output, and the bitstream's file name.
    pub packer: &'static str,
    pub packer_input: &'static str,
    pub bitstream: &'static str,
}

pub const PNR_ICE40_UP5K: Pnr = Pnr {
    arch: "ice40",
    args: &["--up5k", "--package", "sg48"],
    packer: "icepack",
    packer_input: "--asc",
    bitstream: "design.bin",
};
pub const PNR_ICE40_HX8K: Pnr = Pnr {
    arch: "ice40",
    args: &["--hx8k", "--package", "ct256"],
    ..PNR_ICE40_UP5K
};
/// The ECP5's placer weighs timing 4x its default (40 for 10): on the
/// accelerators' netlists, the same netlist and seed, +3.2 to +5.2 MHz
/// (accel_25x5 seeds 1 and 2, accel_81x4 seed 1; `rtl/timing.md`).
pub const PNR_ECP5_25F: Pnr = Pnr {
    arch: "ecp5",
    args: &[
        "--25k",
        "--package",
        "CABGA381",
        "--speed",
        "6",
        "--placer-heap-timingweight",
        "40",
    ],
    packer: "ecppack",
    packer_input: "--textcfg",
    bitstream: "design.bit",
};

#[derive(Clone, Copy, Debug)]
pub struct Capacity {
    pub lut: u64,
    pub ff: u64,
    pub carry: u64,
    pub bram: u64,
    pub dsp: u64,
    /// User I/O pins of the package.
    pub io: u64,
}

pub const TARGETS: &[Target] = &[
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

/// The target called `name`, or an error listing the targets.
pub fn find_target(name: &str) -> Result<&'static Target, String> {
    TARGETS.iter().find(|t| t.name == name).ok_or_else(|| {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        format!("unknown target `{name}` (targets: {})", names.join(", "))
    })
}
