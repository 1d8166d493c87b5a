//! Register map of the accelerator: the neuron core's registers
//! (`lif_wta_top::NEURON_REGISTERS`, 0x00..0x08) plus these, and the row
//! intensity registers `ROW_INTENSITY0..` at `ROW_INTENSITY_BASE + row`.
//! Voltages are signed 12-bit DAC codes (4 mV per code), times are cycles of
//! the 100 MHz clock (10 ns).

use crate::lif::LifParamsOut;
use crate::regs::{CfgBus, Register, RegisterBank};
use rust_hdl::prelude::*;

const fn reg(
    addr: u8,
    name: &'static str,
    bits: usize,
    signed: bool,
    reset: u64,
    description: &'static str,
) -> Register {
    Register {
        addr,
        name,
        bits,
        signed,
        reset,
        description,
    }
}

/// First row-intensity register; row `i` is at `ROW_INTENSITY_BASE + i`.
pub const ROW_INTENSITY_BASE: u8 = 0x80;

pub const ACCEL_REGISTERS: [Register; 27] = [
    reg(
        0x10,
        "INPUT_MODE",
        2,
        false,
        2,
        "row spikes: 0 host mask `spikes_in`, 1 rate code (LFSR), 2 latency code, 3 amplitude code (rows of `spikes_in` read at ROW_INTENSITY as DAC code)",
    ),
    reg(
        0x11,
        "RAMP_STEP",
        8,
        false,
        32,
        "latency code: ramp increment per tick (T_enc = 255 / RAMP_STEP ticks)",
    ),
    reg(
        0x12,
        "LFSR_SEED",
        16,
        false,
        0xACE1,
        "rate code: LFSR seed, loaded on reset",
    ),
    reg(
        0x18,
        "V_READ",
        12,
        true,
        25,
        "read voltage on spiking rows, DAC code (25 = 0.1 V)",
    ),
    reg(
        0x19,
        "SETTLE_CYCLES",
        16,
        false,
        10,
        "DAC settling wait before the sample strobe, cycles",
    ),
    reg(
        0x20,
        "V_POT",
        12,
        true,
        750,
        "potentiating pulse amplitude (cell voltage), DAC code (750 = 3 V)",
    ),
    reg(
        0x21,
        "V_DEP",
        12,
        true,
        (-750i64) as u64,
        "depressing pulse amplitude (cell voltage), DAC code",
    ),
    reg(
        0x22,
        "PULSE_WIDTH",
        24,
        false,
        100_000,
        "programming pulse width, cycles (2 = 20 ns .. 10^7 = 100 ms)",
    ),
    reg(
        0x23,
        "PULSE_INTERVAL",
        24,
        false,
        500_000,
        "gap between programming pulses, cycles",
    ),
    reg(
        0x24,
        "SCHEME",
        1,
        false,
        1,
        "write-disturb scheme: 0 V/2, 1 V/3",
    ),
    reg(
        0x25,
        "SAFE_MAX",
        12,
        true,
        1250,
        "largest cell amplitude allowed, DAC code (clamped + error flag)",
    ),
    reg(
        0x26,
        "SAFE_MIN",
        12,
        true,
        (-1250i64) as u64,
        "smallest (most negative) cell amplitude allowed, DAC code",
    ),
    reg(
        0x27,
        "REFRESH_CODE",
        12,
        true,
        875,
        "refresh pulse pair amplitude, DAC code (875 = 3.5 V)",
    ),
    reg(
        0x28,
        "REFRESH_WIDTH",
        24,
        false,
        5,
        "refresh pulse width, cycles (5 = 50 ns)",
    ),
    reg(
        0x30,
        "PLASTICITY",
        2,
        false,
        1,
        "bit 0 STDP enable, bit 1 BCM enable",
    ),
    reg(
        0x31,
        "STDP_A_PLUS",
        8,
        false,
        64,
        "STDP potentiation amplitude (pulses = A+ * pre trace >> COUNT_SHIFT)",
    ),
    reg(
        0x32,
        "STDP_A_MINUS",
        8,
        false,
        64,
        "STDP depression amplitude",
    ),
    reg(
        0x33,
        "STDP_PRE_DECAY_SHIFT",
        4,
        false,
        2,
        "pre trace decay per tick: x -= x >>> shift",
    ),
    reg(
        0x34,
        "STDP_POST_DECAY_SHIFT",
        4,
        false,
        2,
        "post trace decay per tick: y -= y >>> shift",
    ),
    reg(
        0x35,
        "STDP_TRACE_MAX",
        8,
        false,
        255,
        "trace value set by a spike",
    ),
    reg(
        0x36,
        "STDP_COUNT_SHIFT",
        4,
        false,
        12,
        "pulse count scaling shift",
    ),
    reg(0x38, "BCM_WINDOW", 16, false, 100, "BCM rate window, ticks"),
    reg(
        0x39,
        "BCM_THETA_SHIFT",
        4,
        false,
        3,
        "BCM sliding threshold averaging shift",
    ),
    reg(
        0x3A,
        "BCM_COUNT_SHIFT",
        4,
        false,
        4,
        "BCM pulse count scaling shift",
    ),
    reg(
        0x3B,
        "BCM_RHO0_SHIFT",
        4,
        false,
        0,
        "BCM target rate rho_0 = 2^shift spikes per window: theta tracks <y^2> >> shift",
    ),
    reg(
        0x3C,
        "BCM_DITHER",
        1,
        false,
        0,
        "BCM pulse count rounding: 0 down, 1 stochastic (LFSR bits added below the shift)",
    ),
    reg(
        0x40,
        "REFRESH_BUDGET",
        32,
        false,
        0,
        "programming pulses per column before a refresh (0: off)",
    ),
];

/// The full map for `n_rows` rows: neuron core, accelerator, row intensities.
pub fn register_map(n_rows: usize) -> Vec<Register> {
    let mut v: Vec<Register> = crate::lif_wta_top::NEURON_REGISTERS.to_vec();
    v.extend_from_slice(&ACCEL_REGISTERS);
    for i in 0..n_rows {
        v.push(Register {
            addr: ROW_INTENSITY_BASE + i as u8,
            name: ROW_INTENSITY_NAMES[i],
            bits: 8,
            signed: false,
            reset: 0,
            description:
                "row intensity (rate: spike probability x 256 per tick; latency: brightness; amplitude: read DAC code)",
        });
    }
    v
}

/// Address of register `name` in the map (`ROW_INTENSITY7` etc. included).
pub fn addr(name: &str) -> Option<u8> {
    register_map(ROW_INTENSITY_NAMES.len())
        .iter()
        .find(|r| r.name == name)
        .map(|r| r.addr)
}

/// Names of the row intensity registers (up to 128 rows).
pub const ROW_INTENSITY_NAMES: [&str; 128] = {
    const N: [&str; 128] = [
        "ROW_INTENSITY0",
        "ROW_INTENSITY1",
        "ROW_INTENSITY2",
        "ROW_INTENSITY3",
        "ROW_INTENSITY4",
        "ROW_INTENSITY5",
        "ROW_INTENSITY6",
        "ROW_INTENSITY7",
        "ROW_INTENSITY8",
        "ROW_INTENSITY9",
        "ROW_INTENSITY10",
        "ROW_INTENSITY11",
        "ROW_INTENSITY12",
        "ROW_INTENSITY13",
        "ROW_INTENSITY14",
        "ROW_INTENSITY15",
        "ROW_INTENSITY16",
        "ROW_INTENSITY17",
        "ROW_INTENSITY18",
        "ROW_INTENSITY19",
        "ROW_INTENSITY20",
        "ROW_INTENSITY21",
        "ROW_INTENSITY22",
        "ROW_INTENSITY23",
        "ROW_INTENSITY24",
        "ROW_INTENSITY25",
        "ROW_INTENSITY26",
        "ROW_INTENSITY27",
        "ROW_INTENSITY28",
        "ROW_INTENSITY29",
        "ROW_INTENSITY30",
        "ROW_INTENSITY31",
        "ROW_INTENSITY32",
        "ROW_INTENSITY33",
        "ROW_INTENSITY34",
        "ROW_INTENSITY35",
        "ROW_INTENSITY36",
        "ROW_INTENSITY37",
        "ROW_INTENSITY38",
        "ROW_INTENSITY39",
        "ROW_INTENSITY40",
        "ROW_INTENSITY41",
        "ROW_INTENSITY42",
        "ROW_INTENSITY43",
        "ROW_INTENSITY44",
        "ROW_INTENSITY45",
        "ROW_INTENSITY46",
        "ROW_INTENSITY47",
        "ROW_INTENSITY48",
        "ROW_INTENSITY49",
        "ROW_INTENSITY50",
        "ROW_INTENSITY51",
        "ROW_INTENSITY52",
        "ROW_INTENSITY53",
        "ROW_INTENSITY54",
        "ROW_INTENSITY55",
        "ROW_INTENSITY56",
        "ROW_INTENSITY57",
        "ROW_INTENSITY58",
        "ROW_INTENSITY59",
        "ROW_INTENSITY60",
        "ROW_INTENSITY61",
        "ROW_INTENSITY62",
        "ROW_INTENSITY63",
        "ROW_INTENSITY64",
        "ROW_INTENSITY65",
        "ROW_INTENSITY66",
        "ROW_INTENSITY67",
        "ROW_INTENSITY68",
        "ROW_INTENSITY69",
        "ROW_INTENSITY70",
        "ROW_INTENSITY71",
        "ROW_INTENSITY72",
        "ROW_INTENSITY73",
        "ROW_INTENSITY74",
        "ROW_INTENSITY75",
        "ROW_INTENSITY76",
        "ROW_INTENSITY77",
        "ROW_INTENSITY78",
        "ROW_INTENSITY79",
        "ROW_INTENSITY80",
        "ROW_INTENSITY81",
        "ROW_INTENSITY82",
        "ROW_INTENSITY83",
        "ROW_INTENSITY84",
        "ROW_INTENSITY85",
        "ROW_INTENSITY86",
        "ROW_INTENSITY87",
        "ROW_INTENSITY88",
        "ROW_INTENSITY89",
        "ROW_INTENSITY90",
        "ROW_INTENSITY91",
        "ROW_INTENSITY92",
        "ROW_INTENSITY93",
        "ROW_INTENSITY94",
        "ROW_INTENSITY95",
        "ROW_INTENSITY96",
        "ROW_INTENSITY97",
        "ROW_INTENSITY98",
        "ROW_INTENSITY99",
        "ROW_INTENSITY100",
        "ROW_INTENSITY101",
        "ROW_INTENSITY102",
        "ROW_INTENSITY103",
        "ROW_INTENSITY104",
        "ROW_INTENSITY105",
        "ROW_INTENSITY106",
        "ROW_INTENSITY107",
        "ROW_INTENSITY108",
        "ROW_INTENSITY109",
        "ROW_INTENSITY110",
        "ROW_INTENSITY111",
        "ROW_INTENSITY112",
        "ROW_INTENSITY113",
        "ROW_INTENSITY114",
        "ROW_INTENSITY115",
        "ROW_INTENSITY116",
        "ROW_INTENSITY117",
        "ROW_INTENSITY118",
        "ROW_INTENSITY119",
        "ROW_INTENSITY120",
        "ROW_INTENSITY121",
        "ROW_INTENSITY122",
        "ROW_INTENSITY123",
        "ROW_INTENSITY124",
        "ROW_INTENSITY125",
        "ROW_INTENSITY126",
        "ROW_INTENSITY127",
    ];
    N
};

/// Registers of each width bank of [`AccelRegs`], in bank index order:
/// every register of the map except the row intensities, each once, in the
/// bank of its width (a test checks both).
pub const BANK_LAYOUT: [(usize, &[&str]); 11] = [
    (1, &["SCHEME", "BCM_DITHER"]),
    (2, &["INPUT_MODE", "PLASTICITY"]),
    (3, &["CTRL"]),
    (
        4,
        &[
            "STDP_PRE_DECAY_SHIFT",
            "STDP_POST_DECAY_SHIFT",
            "STDP_COUNT_SHIFT",
            "BCM_THETA_SHIFT",
            "BCM_COUNT_SHIFT",
            "BCM_RHO0_SHIFT",
        ],
    ),
    (5, &["LEAK_SHIFT", "THETA_DECAY_SHIFT"]),
    (
        8,
        &[
            "REFRACTORY",
            "RAMP_STEP",
            "STDP_A_PLUS",
            "STDP_A_MINUS",
            "STDP_TRACE_MAX",
        ],
    ),
    (
        12,
        &[
            "V_READ",
            "V_POT",
            "V_DEP",
            "SAFE_MAX",
            "SAFE_MIN",
            "REFRESH_CODE",
        ],
    ),
    (
        16,
        &["DECAY", "GAIN", "LFSR_SEED", "SETTLE_CYCLES", "BCM_WINDOW"],
    ),
    (23, &["THETA_PLUS"]),
    (
        24,
        &[
            "THRESHOLD",
            "RESET_V",
            "PULSE_WIDTH",
            "PULSE_INTERVAL",
            "REFRESH_WIDTH",
        ],
    ),
    (32, &["REFRESH_BUDGET"]),
];

/// The registers of the `width` bank of [`BANK_LAYOUT`], from the map.
fn bank(width: usize) -> Vec<Register> {
    let map = register_map(0);
    let names = BANK_LAYOUT
        .iter()
        .find(|(w, _)| *w == width)
        .map(|(_, n)| *n)
        .unwrap_or(&[]);
    names
        .iter()
        .map(|n| {
            *map.iter()
                .find(|r| r.name == *n)
                .unwrap_or_else(|| panic!("register {n} is in the map"))
        })
        .collect()
}

/// The accelerator's configuration registers (all but the row
/// intensities) on the register bus, kept in one [`RegisterBank`] per width
/// ([`BANK_LAYOUT`]), with one named output per register (CTRL and
/// PLASTICITY as their named bits). `update` is the only place that knows
/// a register's bank position; `names_match_the_register_table` writes
/// every register over the bus and checks its named output.
#[derive(LogicBlock)]
pub struct AccelRegs {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Configuration writes (`cfg_addr`, `cfg_data`, `cfg_we`).
    pub cfg: CfgBus,
    /// This cycle's write addresses one of these registers.
    pub hit: Signal<Out, Bit>,
    /// This cycle's write addresses one of these registers with out-of-range data.
    pub range_error: Signal<Out, Bit>,
    /// CTRL bit 0.
    pub wta_enable: Signal<Out, Bit>,
    /// CTRL bit 1.
    pub wta_mode: Signal<Out, Bit>,
    /// The neuron parameters.
    pub lif: LifParamsOut,
    pub input_mode: Signal<Out, Bits<2>>,
    pub ramp_step: Signal<Out, Bits<8>>,
    pub lfsr_seed: Signal<Out, Bits<16>>,
    pub v_read: Signal<Out, Bits<12>>,
    pub settle_cycles: Signal<Out, Bits<16>>,
    pub v_pot: Signal<Out, Bits<12>>,
    pub v_dep: Signal<Out, Bits<12>>,
    pub pulse_width: Signal<Out, Bits<24>>,
    pub pulse_interval: Signal<Out, Bits<24>>,
    /// SCHEME (1 bit): 1 = V/3.
    pub scheme: Signal<Out, Bit>,
    pub safe_max: Signal<Out, Bits<12>>,
    pub safe_min: Signal<Out, Bits<12>>,
    pub refresh_code: Signal<Out, Bits<12>>,
    pub refresh_width: Signal<Out, Bits<24>>,
    /// PLASTICITY bit 0.
    pub stdp_enable: Signal<Out, Bit>,
    /// PLASTICITY bit 1.
    pub bcm_enable: Signal<Out, Bit>,
    pub stdp_a_plus: Signal<Out, Bits<8>>,
    pub stdp_a_minus: Signal<Out, Bits<8>>,
    pub stdp_pre_decay_shift: Signal<Out, Bits<4>>,
    pub stdp_post_decay_shift: Signal<Out, Bits<4>>,
    pub stdp_trace_max: Signal<Out, Bits<8>>,
    pub stdp_count_shift: Signal<Out, Bits<4>>,
    pub bcm_window: Signal<Out, Bits<16>>,
    pub bcm_theta_shift: Signal<Out, Bits<4>>,
    pub bcm_count_shift: Signal<Out, Bits<4>>,
    pub bcm_rho0_shift: Signal<Out, Bits<4>>,
    pub bcm_dither: Signal<Out, Bit>,
    pub refresh_budget: Signal<Out, Bits<32>>,
    b1: RegisterBank<2, 1>,
    b2: RegisterBank<2, 2>,
    b3: RegisterBank<1, 3>,
    b4: RegisterBank<6, 4>,
    b5: RegisterBank<2, 5>,
    b8: RegisterBank<5, 8>,
    b12: RegisterBank<6, 12>,
    b16: RegisterBank<5, 16>,
    b23: RegisterBank<1, 23>,
    b24: RegisterBank<5, 24>,
    b32: RegisterBank<1, 32>,
}

impl Default for AccelRegs {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            cfg: Default::default(),
            hit: Default::default(),
            range_error: Default::default(),
            wta_enable: Default::default(),
            wta_mode: Default::default(),
            lif: Default::default(),
            input_mode: Default::default(),
            ramp_step: Default::default(),
            lfsr_seed: Default::default(),
            v_read: Default::default(),
            settle_cycles: Default::default(),
            v_pot: Default::default(),
            v_dep: Default::default(),
            pulse_width: Default::default(),
            pulse_interval: Default::default(),
            scheme: Default::default(),
            safe_max: Default::default(),
            safe_min: Default::default(),
            refresh_code: Default::default(),
            refresh_width: Default::default(),
            stdp_enable: Default::default(),
            bcm_enable: Default::default(),
            stdp_a_plus: Default::default(),
            stdp_a_minus: Default::default(),
            stdp_pre_decay_shift: Default::default(),
            stdp_post_decay_shift: Default::default(),
            stdp_trace_max: Default::default(),
            stdp_count_shift: Default::default(),
            bcm_window: Default::default(),
            bcm_theta_shift: Default::default(),
            bcm_count_shift: Default::default(),
            bcm_rho0_shift: Default::default(),
            bcm_dither: Default::default(),
            refresh_budget: Default::default(),
            b1: RegisterBank::new(&bank(1)),
            b2: RegisterBank::new(&bank(2)),
            b3: RegisterBank::new(&bank(3)),
            b4: RegisterBank::new(&bank(4)),
            b5: RegisterBank::new(&bank(5)),
            b8: RegisterBank::new(&bank(8)),
            b12: RegisterBank::new(&bank(12)),
            b16: RegisterBank::new(&bank(16)),
            b23: RegisterBank::new(&bank(23)),
            b24: RegisterBank::new(&bank(24)),
            b32: RegisterBank::new(&bank(32)),
        }
    }
}

impl Logic for AccelRegs {
    #[hdl_gen]
    fn update(&mut self) {
        self.b1.clock.next = self.clock.val();
        self.b1.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b1.cfg);
        self.b2.clock.next = self.clock.val();
        self.b2.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b2.cfg);
        self.b3.clock.next = self.clock.val();
        self.b3.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b3.cfg);
        self.b4.clock.next = self.clock.val();
        self.b4.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b4.cfg);
        self.b5.clock.next = self.clock.val();
        self.b5.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b5.cfg);
        self.b8.clock.next = self.clock.val();
        self.b8.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b8.cfg);
        self.b12.clock.next = self.clock.val();
        self.b12.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b12.cfg);
        self.b16.clock.next = self.clock.val();
        self.b16.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b16.cfg);
        self.b23.clock.next = self.clock.val();
        self.b23.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b23.cfg);
        self.b24.clock.next = self.clock.val();
        self.b24.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b24.cfg);
        self.b32.clock.next = self.clock.val();
        self.b32.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.b32.cfg);
        self.hit.next = self.b1.hit.val()
            || self.b2.hit.val()
            || self.b3.hit.val()
            || self.b4.hit.val()
            || self.b5.hit.val()
            || self.b8.hit.val()
            || self.b12.hit.val()
            || self.b16.hit.val()
            || self.b23.hit.val()
            || self.b24.hit.val()
            || self.b32.hit.val();
        self.range_error.next = self.b1.range_error.val()
            || self.b2.range_error.val()
            || self.b3.range_error.val()
            || self.b4.range_error.val()
            || self.b5.range_error.val()
            || self.b8.range_error.val()
            || self.b12.range_error.val()
            || self.b16.range_error.val()
            || self.b23.range_error.val()
            || self.b24.range_error.val()
            || self.b32.range_error.val();

        // the bank positions of BANK_LAYOUT (literal indices: `hdl_gen`
        // takes no named ones)
        self.scheme.next = self.b1.value[0].val().any();
        self.bcm_dither.next = self.b1.value[1].val().any();
        self.input_mode.next = self.b2.value[0].val();
        self.stdp_enable.next = self.b2.value[1].val().get_bit(0);
        self.bcm_enable.next = self.b2.value[1].val().get_bit(1);
        self.wta_enable.next = self.b3.value[0].val().get_bit(0);
        self.wta_mode.next = self.b3.value[0].val().get_bit(1);
        self.lif.leak_mode.next = self.b3.value[0].val().get_bit(2);
        self.stdp_pre_decay_shift.next = self.b4.value[0].val();
        self.stdp_post_decay_shift.next = self.b4.value[1].val();
        self.stdp_count_shift.next = self.b4.value[2].val();
        self.bcm_theta_shift.next = self.b4.value[3].val();
        self.bcm_count_shift.next = self.b4.value[4].val();
        self.bcm_rho0_shift.next = self.b4.value[5].val();
        self.lif.leak_shift.next = self.b5.value[0].val();
        self.lif.theta_decay_shift.next = self.b5.value[1].val();
        self.lif.refractory.next = self.b8.value[0].val();
        self.ramp_step.next = self.b8.value[1].val();
        self.stdp_a_plus.next = self.b8.value[2].val();
        self.stdp_a_minus.next = self.b8.value[3].val();
        self.stdp_trace_max.next = self.b8.value[4].val();
        self.v_read.next = self.b12.value[0].val();
        self.v_pot.next = self.b12.value[1].val();
        self.v_dep.next = self.b12.value[2].val();
        self.safe_max.next = self.b12.value[3].val();
        self.safe_min.next = self.b12.value[4].val();
        self.refresh_code.next = self.b12.value[5].val();
        self.lif.decay.next = self.b16.value[0].val();
        self.lif.gain.next = self.b16.value[1].val();
        self.lfsr_seed.next = self.b16.value[2].val();
        self.settle_cycles.next = self.b16.value[3].val();
        self.bcm_window.next = self.b16.value[4].val();
        self.lif.theta_plus.next = self.b23.value[0].val();
        self.lif.threshold.next = self.b24.value[0].val();
        self.lif.reset_v.next = self.b24.value[1].val();
        self.pulse_width.next = self.b24.value[2].val();
        self.pulse_interval.next = self.b24.value[3].val();
        self.refresh_width.next = self.b24.value[4].val();
        self.refresh_budget.next = self.b32.value[0].val();
    }
}

impl AccelRegs {
    /// The value of register `name` as its named outputs carry it (CTRL and
    /// PLASTICITY reassembled from their bits); `None` for a name without
    /// an output here (the row intensities).
    pub fn value_by_name(&self, name: &str) -> Option<u64> {
        let b = |s: &Signal<Out, Bit>| s.val() as u64;
        Some(match name {
            "CTRL" => b(&self.wta_enable) | b(&self.wta_mode) << 1 | b(&self.lif.leak_mode) << 2,
            "THRESHOLD" => self.lif.threshold.val().to_u64(),
            "RESET_V" => self.lif.reset_v.val().to_u64(),
            "LEAK_SHIFT" => self.lif.leak_shift.val().to_u64(),
            "DECAY" => self.lif.decay.val().to_u64(),
            "GAIN" => self.lif.gain.val().to_u64(),
            "REFRACTORY" => self.lif.refractory.val().to_u64(),
            "THETA_PLUS" => self.lif.theta_plus.val().to_u64(),
            "THETA_DECAY_SHIFT" => self.lif.theta_decay_shift.val().to_u64(),
            "INPUT_MODE" => self.input_mode.val().to_u64(),
            "RAMP_STEP" => self.ramp_step.val().to_u64(),
            "LFSR_SEED" => self.lfsr_seed.val().to_u64(),
            "V_READ" => self.v_read.val().to_u64(),
            "SETTLE_CYCLES" => self.settle_cycles.val().to_u64(),
            "V_POT" => self.v_pot.val().to_u64(),
            "V_DEP" => self.v_dep.val().to_u64(),
            "PULSE_WIDTH" => self.pulse_width.val().to_u64(),
            "PULSE_INTERVAL" => self.pulse_interval.val().to_u64(),
            "SCHEME" => b(&self.scheme),
            "SAFE_MAX" => self.safe_max.val().to_u64(),
            "SAFE_MIN" => self.safe_min.val().to_u64(),
            "REFRESH_CODE" => self.refresh_code.val().to_u64(),
            "REFRESH_WIDTH" => self.refresh_width.val().to_u64(),
            "PLASTICITY" => b(&self.stdp_enable) | b(&self.bcm_enable) << 1,
            "STDP_A_PLUS" => self.stdp_a_plus.val().to_u64(),
            "STDP_A_MINUS" => self.stdp_a_minus.val().to_u64(),
            "STDP_PRE_DECAY_SHIFT" => self.stdp_pre_decay_shift.val().to_u64(),
            "STDP_POST_DECAY_SHIFT" => self.stdp_post_decay_shift.val().to_u64(),
            "STDP_TRACE_MAX" => self.stdp_trace_max.val().to_u64(),
            "STDP_COUNT_SHIFT" => self.stdp_count_shift.val().to_u64(),
            "BCM_WINDOW" => self.bcm_window.val().to_u64(),
            "BCM_THETA_SHIFT" => self.bcm_theta_shift.val().to_u64(),
            "BCM_COUNT_SHIFT" => self.bcm_count_shift.val().to_u64(),
            "BCM_RHO0_SHIFT" => self.bcm_rho0_shift.val().to_u64(),
            "BCM_DITHER" => b(&self.bcm_dither),
            "REFRESH_BUDGET" => self.refresh_budget.val().to_u64(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regs::write_in_range;

    /// One clock of `dut` with the given bus inputs.
    fn cycle(dut: &mut AccelRegs, reset: bool, write: Option<(u8, u32)>) {
        dut.reset.next = reset;
        let (we, a, d) = match write {
            Some((a, d)) => (true, a, d),
            None => (false, 0, 0),
        };
        dut.cfg.we.next = we;
        dut.cfg.addr.next = (a as u64).into();
        dut.cfg.data.next = (d as u64).into();
        for level in [false, true] {
            dut.clock.next = level.into();
            assert!(simulate(dut, 200), "rust-hdl simulation did not settle");
        }
    }

    /// The 32-bit `cfg_data` word of field value `v` (signed: sign-extended).
    fn word(r: &Register, v: u64) -> u32 {
        if r.signed && (v >> (r.bits - 1)) & 1 == 1 && r.bits < 32 {
            (v | !((1u64 << r.bits) - 1)) as u32
        } else {
            v as u32
        }
    }

    /// Every register but the row intensities is in `BANK_LAYOUT` once, in
    /// the bank of its width, and has a named output.
    #[test]
    fn bank_layout_covers_the_register_table() {
        let map = register_map(0);
        let mut seen: Vec<&str> = Vec::new();
        for (w, names) in BANK_LAYOUT {
            for n in names {
                let r = map
                    .iter()
                    .find(|r| r.name == *n)
                    .unwrap_or_else(|| panic!("{n} not in the map"));
                assert_eq!(r.bits, w, "{n} in the {w}-bit bank");
                assert!(!seen.contains(n), "{n} twice in BANK_LAYOUT");
                seen.push(n);
            }
        }
        let dut = AccelRegs::default();
        for r in &map {
            assert!(seen.contains(&r.name), "{} in no bank", r.name);
            assert!(
                dut.value_by_name(r.name).is_some(),
                "{} has no output",
                r.name
            );
        }
        assert_eq!(seen.len(), map.len());
    }

    /// For every register of the table and every bit of it: a write of that
    /// one bit at the register's address shows on the register's named
    /// output, every other named output keeps its reset value, and `hit`
    /// is raised; the write of the reset value restores it. A register
    /// read from another's bank position, or a CTRL / PLASTICITY bit from
    /// another bit, fails this.
    #[test]
    fn names_match_the_register_table() {
        let map = register_map(0);
        let mut dut = AccelRegs::default();
        dut.connect_all();
        cycle(&mut dut, true, None);
        cycle(&mut dut, false, None);
        let check = |dut: &AccelRegs, changed: Option<(&str, u64)>| {
            for r in &map {
                let want = match changed {
                    Some((n, v)) if n == r.name => v,
                    _ => r.reset_value(),
                };
                assert_eq!(
                    dut.value_by_name(r.name),
                    Some(want),
                    "{} (after {:?})",
                    r.name,
                    changed
                );
            }
        };
        check(&dut, None);
        let mut writes = 0;
        for r in &map {
            for bit in 0..r.bits {
                let v = 1u64 << bit;
                let data = word(r, v);
                assert!(write_in_range(r, data), "{} bit {bit}", r.name);
                dut.reset.next = false;
                dut.cfg.we.next = true;
                dut.cfg.addr.next = (r.addr as u64).into();
                dut.cfg.data.next = (data as u64).into();
                dut.clock.next = false.into();
                assert!(simulate(&mut dut, 200));
                assert!(dut.hit.val() && !dut.range_error.val(), "{} hit", r.name);
                cycle(&mut dut, false, Some((r.addr, data)));
                check(&dut, Some((r.name, v)));
                cycle(&mut dut, false, Some((r.addr, word(r, r.reset_value()))));
                check(&dut, None);
                writes += 1;
            }
        }
        assert_eq!(writes, map.iter().map(|r| r.bits).sum::<usize>());
        // an address outside the table is no hit
        cycle(&mut dut, false, None);
        dut.cfg.we.next = true;
        dut.cfg.addr.next = 0x7Fu64.into();
        assert!(simulate(&mut dut, 200));
        assert!(!dut.hit.val());
    }
}
