//! Port-level inputs and outputs of `neuroxbar_rtl::accelerator::Accelerator`
//! (shared by every back end and by the co-simulation driver).

/// Inputs during one clock cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccelInputs {
    pub reset: bool,
    /// Start a time step (only honoured while `idle`).
    pub tick: bool,
    /// Start a presentation: encoder ramp, WTA, membranes to rest, traces cleared.
    pub present: bool,
    /// Host spike mask (input mode 0), one bit per row.
    pub spikes_in: u128,
    /// Config write `(addr, data)` this cycle.
    pub cfg_write: Option<(u8, u32)>,
    /// The front-end's answer (`fe_busy`, `fe_rd_*`).
    pub fe: FeAnswer,
    /// Simulation-only time warp: advance the active wait by `1 + warp` cycles.
    pub warp: u32,
    /// Observability select (see `Accelerator::debug_sel`): `debug_data`
    /// shows its value [`DEBUG_LATENCY`] cycles later.
    pub debug_sel: u16,
}

/// Registered outputs after the clock edge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccelOutputs {
    /// The front-end bus as the controller drives it (`fe_ch` ... `fe_sample`).
    pub fe: FeDrive,
    /// Nothing in flight: waiting for the next tick.
    pub idle: bool,
    /// Cycles left in the current internal wait (0: not waiting).
    pub wait_left: u32,
    /// Output spikes of the last time step, one bit per column.
    pub spikes: u64,
    pub spikes_valid: bool,
    pub winner: u8,
    pub winner_valid: bool,
    /// Sticky error flags (cleared by reset).
    pub cfg_error: bool,
    pub clamp_error: bool,
    /// Some neuron saturated on the last tick.
    pub saturated: bool,
    pub overrun: bool,
    /// The value `debug_sel` selected [`DEBUG_LATENCY`] cycles ago (the
    /// units' state of the cycle in between).
    pub debug_data: u32,
}

/// Cycles from `debug_sel` to `debug_data`: the select is decoded into a
/// register, the value selected with it is registered.
pub const DEBUG_LATENCY: usize = 2;

use super::arbiter::{ArbiterInputs, ArbiterModel};
use super::bcm::{BcmInputs, BcmModel};
use super::cmd_bus::LearnStep;
use super::fe_bus::{FeAnswer, FeDrive};
use super::fixed::{sign_extend, Decay, Gain, Membrane};
use super::input_encoder::{EncoderInputs, InputEncoderModel};
use super::lif::{Leak, LifLayerModel, LifParams, LIF_LATENCY};
use super::lif_wta_top::{ctrl, write_in_range, GoldenRegister, REGISTERS as NEURON_REGISTERS};
use super::refresh::{RefreshInputs, RefreshModel};
use super::stdp::{StdpInputs, StdpModel};
use super::wta::{WtaMode, WtaModel};
use super::xbar_ctrl::{CrossbarControllerModel, XbarInputs, XbarOutputs};

/// The accelerator's own registers `(address, bits, signed, reset)`, after
/// the neuron core's; row intensities at `0x80 + row` (8 bits, reset 0).
/// Independent of the RTL's table; a co-simulation test checks they agree.
/// Register addresses by name: the neuron core's, then the accelerator's;
/// row intensities at `ROW_INTENSITY_BASE + row`.
pub mod reg {
    pub use super::super::lif_wta_top::reg::*;
    register_addresses! {
        INPUT_MODE = 0x10,
        RAMP_STEP = 0x11,
        LFSR_SEED = 0x12,
        V_READ = 0x18,
        SETTLE_CYCLES = 0x19,
        V_POT = 0x20,
        V_DEP = 0x21,
        PULSE_WIDTH = 0x22,
        PULSE_INTERVAL = 0x23,
        SCHEME = 0x24,
        SAFE_MAX = 0x25,
        SAFE_MIN = 0x26,
        REFRESH_CODE = 0x27,
        REFRESH_WIDTH = 0x28,
        PLASTICITY = 0x30,
        STDP_A_PLUS = 0x31,
        STDP_A_MINUS = 0x32,
        STDP_PRE_DECAY_SHIFT = 0x33,
        STDP_POST_DECAY_SHIFT = 0x34,
        STDP_TRACE_MAX = 0x35,
        STDP_COUNT_SHIFT = 0x36,
        BCM_WINDOW = 0x38,
        BCM_THETA_SHIFT = 0x39,
        BCM_COUNT_SHIFT = 0x3A,
        BCM_RHO0_SHIFT = 0x3B,
        BCM_DITHER = 0x3C,
        REFRESH_BUDGET = 0x40,
    }
    pub const ROW_INTENSITY_BASE: u8 = 0x80;
}

/// Bits of PLASTICITY.
pub mod plasticity {
    pub const STDP_ENABLE: u32 = 1 << 0;
    pub const BCM_ENABLE: u32 = 1 << 1;
}

pub const ACCEL_REGISTERS: [GoldenRegister; 27] = [
    GoldenRegister::new("INPUT_MODE", reg::INPUT_MODE, 2, false, 2),
    GoldenRegister::new("RAMP_STEP", reg::RAMP_STEP, 8, false, 32),
    GoldenRegister::new("LFSR_SEED", reg::LFSR_SEED, 16, false, 0xACE1),
    GoldenRegister::new("V_READ", reg::V_READ, 12, true, 25),
    GoldenRegister::new("SETTLE_CYCLES", reg::SETTLE_CYCLES, 16, false, 10),
    GoldenRegister::new("V_POT", reg::V_POT, 12, true, 750),
    GoldenRegister::new("V_DEP", reg::V_DEP, 12, true, 0xD12),
    GoldenRegister::new("PULSE_WIDTH", reg::PULSE_WIDTH, 24, false, 100_000),
    GoldenRegister::new("PULSE_INTERVAL", reg::PULSE_INTERVAL, 24, false, 500_000),
    GoldenRegister::new("SCHEME", reg::SCHEME, 1, false, 1),
    GoldenRegister::new("SAFE_MAX", reg::SAFE_MAX, 12, true, 1250),
    GoldenRegister::new("SAFE_MIN", reg::SAFE_MIN, 12, true, 0xB1E),
    GoldenRegister::new("REFRESH_CODE", reg::REFRESH_CODE, 12, true, 875),
    GoldenRegister::new("REFRESH_WIDTH", reg::REFRESH_WIDTH, 24, false, 5),
    GoldenRegister::new("PLASTICITY", reg::PLASTICITY, 2, false, 1),
    GoldenRegister::new("STDP_A_PLUS", reg::STDP_A_PLUS, 8, false, 64),
    GoldenRegister::new("STDP_A_MINUS", reg::STDP_A_MINUS, 8, false, 64),
    GoldenRegister::new(
        "STDP_PRE_DECAY_SHIFT",
        reg::STDP_PRE_DECAY_SHIFT,
        4,
        false,
        2,
    ),
    GoldenRegister::new(
        "STDP_POST_DECAY_SHIFT",
        reg::STDP_POST_DECAY_SHIFT,
        4,
        false,
        2,
    ),
    GoldenRegister::new("STDP_TRACE_MAX", reg::STDP_TRACE_MAX, 8, false, 255),
    GoldenRegister::new("STDP_COUNT_SHIFT", reg::STDP_COUNT_SHIFT, 4, false, 12),
    GoldenRegister::new("BCM_WINDOW", reg::BCM_WINDOW, 16, false, 100),
    GoldenRegister::new("BCM_THETA_SHIFT", reg::BCM_THETA_SHIFT, 4, false, 3),
    GoldenRegister::new("BCM_COUNT_SHIFT", reg::BCM_COUNT_SHIFT, 4, false, 4),
    GoldenRegister::new("BCM_RHO0_SHIFT", reg::BCM_RHO0_SHIFT, 4, false, 0),
    GoldenRegister::new("BCM_DITHER", reg::BCM_DITHER, 1, false, 0),
    GoldenRegister::new("REFRESH_BUDGET", reg::REFRESH_BUDGET, 32, false, 0),
];

/// Sequencer phases (as in the RTL).
const PH_IDLE: u8 = 0;
const PH_ENCODE: u8 = 1;
const PH_READ: u8 = 2;
const PH_INTEGRATE: u8 = 3;
const PH_DECIDE1: u8 = 4;
const PH_DECIDE2: u8 = 5;
const PH_LEARN: u8 = 6;
const PH_DRAIN: u8 = 7;

/// Golden model of `Accelerator<N_ROWS, N_COLS>`, composed of the golden
/// models of its units with the same wiring and sequencer.
#[derive(Debug, Clone)]
pub struct AcceleratorModel {
    pub n_rows: usize,
    pub n_cols: usize,
    /// Register values by address.
    pub regs: [u32; 256],
    pub encoder: InputEncoderModel,
    pub ctrl: CrossbarControllerModel,
    pub layer: LifLayerModel,
    pub wta: WtaModel,
    pub stdp: StdpModel,
    pub bcm: BcmModel,
    pub refresh: RefreshModel,
    pub arbiter: ArbiterModel,
    pub phase: u8,
    pub row_mask: u128,
    pub did_read: bool,
    /// Cycles spent in INTEGRATE (the layer tick in the first).
    pub int_wait: u8,
    pub post_q: u64,
    pub post_prev: u64,
    pub cfg_err: bool,
    pub overrun_q: bool,
    pub col_sat_q: bool,
    /// INPUT_MODE 3: the DAC code of the row the controller stages next.
    pub row_code_q: i16,
    /// The debug read-out's decode register (`None`: nothing selected, as
    /// at power-up) and its value register (`debug_data`).
    pub debug_sel_q: Option<u16>,
    pub debug_q: u32,
    /// A `present` taken in the last cycle (the clears go out now).
    pub start_q: bool,
    /// A `tick` taken in the last cycle (the encoder ticks now).
    pub step_q: bool,
}

fn map(n_rows: usize) -> Vec<GoldenRegister> {
    let mut v: Vec<_> = NEURON_REGISTERS.to_vec();
    v.extend_from_slice(&ACCEL_REGISTERS);
    v.extend((0..n_rows).map(|i| {
        GoldenRegister::new(
            "ROW_INTENSITY",
            reg::ROW_INTENSITY_BASE + i as u8,
            8,
            false,
            0,
        )
    }));
    v
}

/// Per-cycle strobes of the sequencer.
#[derive(Default, Clone, Copy)]
struct Strobes {
    enc_tick: bool,
    enc_present: bool,
    read_start: bool,
    layer_tick: bool,
    rest: bool,
    learn: bool,
}

impl AcceleratorModel {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        let mut m = AcceleratorModel {
            n_rows,
            n_cols,
            regs: [0; 256],
            encoder: InputEncoderModel::new(n_rows),
            ctrl: CrossbarControllerModel::new(n_rows, n_cols),
            layer: LifLayerModel::new(n_cols),
            wta: WtaModel::default(),
            stdp: StdpModel::new(n_rows, n_cols),
            bcm: BcmModel::new(n_rows, n_cols),
            refresh: RefreshModel::new(n_rows, n_cols),
            arbiter: ArbiterModel::default(),
            phase: PH_IDLE,
            row_mask: 0,
            did_read: false,
            int_wait: 0,
            post_q: 0,
            post_prev: 0,
            cfg_err: false,
            overrun_q: false,
            col_sat_q: false,
            row_code_q: 0,
            debug_sel_q: None,
            debug_q: 0,
            start_q: false,
            step_q: false,
        };
        m.reset_regs();
        m
    }

    fn reset_regs(&mut self) {
        self.regs = [0; 256];
        for r in map(self.n_rows) {
            self.regs[r.addr as usize] = (r.reset & ((1u64 << r.bits) - 1)) as u32;
        }
    }

    fn r(&self, addr: u8) -> u32 {
        self.regs[addr as usize]
    }

    fn s12(&self, addr: u8) -> i16 {
        sign_extend(self.r(addr) as u64, 12) as i16
    }

    fn lif_params(&self) -> LifParams {
        LifParams {
            threshold: Membrane::from_bits(sign_extend(self.r(reg::THRESHOLD) as u64, 24) as i32),
            reset_v: Membrane::from_bits(sign_extend(self.r(reg::RESET_V) as u64, 24) as i32),
            leak: if self.r(reg::CTRL) as u64 & ctrl::LEAK_MODE != 0 {
                Leak::Multiply(Decay::from_bits(self.r(reg::DECAY) as u16))
            } else {
                Leak::Shift(self.r(reg::LEAK_SHIFT))
            },
            gain: Gain::from_bits(self.r(reg::GAIN) as u16),
            refractory_ticks: self.r(reg::REFRACTORY) as u8,
            theta_plus: Membrane::from_bits(self.r(reg::THETA_PLUS) as i32),
            theta_decay_shift: self.r(reg::THETA_DECAY_SHIFT),
        }
    }

    fn xbar_inputs(&self, inp: &AccelInputs, read_start: bool) -> XbarInputs {
        let a = self.arbiter.out;
        XbarInputs {
            reset: inp.reset,
            read_start,
            row_mask: self.encoder.row_spikes,
            row_amp: self.r(reg::INPUT_MODE) == 3,
            row_code: self.row_code_q,
            cmd_valid: self.arbiter.out_valid,
            cmd_refresh: a.kind == 1,
            cmd_row: a.row,
            cmd_col: a.col,
            cmd_pol: a.pol,
            cmd_count: a.count,
            v_read: self.s12(reg::V_READ),
            settle: self.r(reg::SETTLE_CYCLES) as u16,
            v_pot: self.s12(reg::V_POT),
            v_dep: self.s12(reg::V_DEP),
            width: self.r(reg::PULSE_WIDTH),
            interval: self.r(reg::PULSE_INTERVAL),
            scheme_v3: self.r(reg::SCHEME) & 1 == 1,
            safe_max: self.s12(reg::SAFE_MAX),
            safe_min: self.s12(reg::SAFE_MIN),
            refresh_code: self.s12(reg::REFRESH_CODE),
            refresh_width: self.r(reg::REFRESH_WIDTH),
            fe: inp.fe,
            warp: inp.warp,
        }
    }

    /// Strobes that do not depend on `quiet`, and the controller's outputs.
    fn strobes(&self, inp: &AccelInputs) -> (Strobes, XbarOutputs, bool) {
        let mut s = Strobes::default();
        match self.phase {
            PH_ENCODE if self.encoder.valid && self.encoder.row_spikes != 0 => s.read_start = true,
            PH_INTEGRATE => s.layer_tick = self.int_wait == 0,
            PH_LEARN => s.learn = true,
            _ => {}
        }
        let xo = self.ctrl.outputs(&self.xbar_inputs(inp, s.read_start));
        let quiet = xo.idle
            && !self.stdp.outputs().busy
            && !self.bcm.outputs().busy
            && !self.refresh.outputs().busy
            && !self.arbiter.out_valid;
        // a strobe taken in IDLE acts one cycle later (`start_q`, `step_q`)
        if self.phase == PH_IDLE {
            if self.start_q {
                s.enc_present = true;
                s.rest = true;
            }
            s.enc_tick = self.step_q;
        }
        (s, xo, quiet)
    }

    /// One clock cycle; returns the outputs after the rising edge.
    pub fn step(&mut self, inp: &AccelInputs) -> AccelOutputs {
        // the debug read-out's registers: the value of the last cycle's
        // select, from the state before this edge
        let debug_next = self.debug_sel_q.map_or(0, |sel| self.debug(sel));
        self.debug_sel_q = Some(inp.debug_sel);
        self.debug_q = debug_next;
        let (s, xo, quiet) = self.strobes(inp);
        let ctrl_in = self.xbar_inputs(inp, s.read_start);
        let params = self.lif_params();
        let wta_on = self.r(reg::CTRL) as u64 & ctrl::WTA_ENABLE != 0;
        let mode = if self.r(reg::CTRL) as u64 & ctrl::WTA_MODE != 0 {
            WtaMode::MaxMembrane
        } else {
            WtaMode::FirstToCross
        };
        let layer_spikes = self.layer.spikes();
        let win = if wta_on {
            self.wta.new_winner
        } else if self.layer.spikes_valid {
            layer_spikes
        } else {
            0
        };
        let inhibit = self.wta.inhibit(wta_on, self.n_cols);
        let i_in: Vec<i16> = if self.did_read {
            xo.col_code.clone()
        } else {
            vec![0; self.n_cols]
        };
        let v_pre: Vec<Membrane> = self.layer.neurons.iter().map(|n| n.v_pre).collect();
        let so = self.stdp.outputs();
        let bo = self.bcm.outputs();
        let ro = self.refresh.outputs();
        let offers = [
            ro.cmd_valid.then_some(ro.cmd),
            so.cmd_valid.then_some(so.cmd),
            bo.cmd_valid.then_some(bo.cmd),
        ];
        let arb_in = ArbiterInputs {
            reset: inp.reset,
            offers,
            cmd_ready: xo.cmd_ready,
        };
        let ready = self.arbiter.ready(&arb_in);
        let plasticity_bits = self.r(reg::PLASTICITY);

        // step every unit with the pre-edge wiring
        let enc_in = EncoderInputs {
            reset: inp.reset,
            tick: s.enc_tick,
            present: s.enc_present,
            mode: self.r(reg::INPUT_MODE) as u8,
            spikes_in: inp.spikes_in,
            intensity: (0..self.n_rows)
                .map(|i| self.r(reg::ROW_INTENSITY_BASE + i as u8) as u8)
                .collect(),
            ramp_step: self.r(reg::RAMP_STEP) as u8,
            seed: self.r(reg::LFSR_SEED) as u16,
        };
        // STDP sees the neurons' spikes one step late (DESIGN.md), BCM this step's
        let step = LearnStep {
            learn: s.learn,
            pre_spikes: self.row_mask,
            post_spikes: self.post_prev,
            winner: self.wta.winner,
            winner_valid: self.wta.valid,
            wta_on,
            enable: plasticity_bits & plasticity::STDP_ENABLE != 0,
        };
        let stdp_in = StdpInputs {
            reset: inp.reset,
            clear: s.rest,
            step,
            a_plus: self.r(reg::STDP_A_PLUS) as u8,
            a_minus: self.r(reg::STDP_A_MINUS) as u8,
            pre_decay_shift: self.r(reg::STDP_PRE_DECAY_SHIFT) as u8,
            post_decay_shift: self.r(reg::STDP_POST_DECAY_SHIFT) as u8,
            trace_max: self.r(reg::STDP_TRACE_MAX) as u8,
            count_shift: self.r(reg::STDP_COUNT_SHIFT) as u8,
            cmd_ready: ready[1],
        };
        let bcm_in = BcmInputs {
            reset: inp.reset,
            clear: s.rest,
            step: LearnStep {
                post_spikes: self.post_q,
                enable: plasticity_bits & plasticity::BCM_ENABLE != 0,
                ..step
            },
            window: self.r(reg::BCM_WINDOW) as u16,
            theta_shift: self.r(reg::BCM_THETA_SHIFT) as u8,
            count_shift: self.r(reg::BCM_COUNT_SHIFT) as u8,
            rho0_shift: self.r(reg::BCM_RHO0_SHIFT) as u8,
            dither: self.r(reg::BCM_DITHER) != 0,
            cmd_ready: ready[2],
        };
        let refresh_in = RefreshInputs {
            reset: inp.reset,
            enable: self.r(reg::REFRESH_BUDGET) != 0,
            budget: self.r(reg::REFRESH_BUDGET),
            pulse: xo.pulse,
            pulse_col: xo.pulse_col,
            cmd_ready: ready[0],
        };
        let enc_spikes = self.encoder.row_spikes;
        let enc_valid = self.encoder.valid;
        let stdp_overrun = so.overrun;
        let bcm_overrun = bo.overrun;

        // the row register at the controller's address (a synchronous read)
        let row_code = if inp.reset {
            0
        } else {
            let a = xo.row_addr as usize;
            if a < self.n_rows {
                self.r(reg::ROW_INTENSITY_BASE + a as u8) as i16
            } else {
                0
            }
        };
        self.encoder.step(&enc_in);
        self.ctrl.step(&ctrl_in);
        self.row_code_q = row_code;
        self.wta.step(
            inp.reset,
            s.rest,
            mode,
            layer_spikes,
            self.layer.spikes_valid,
            &v_pre,
        );
        self.layer.step(
            inp.reset,
            s.rest,
            s.layer_tick,
            inhibit,
            win,
            &i_in,
            &params,
        );
        self.stdp.step(&stdp_in);
        self.bcm.step(&bcm_in);
        self.refresh.step(&refresh_in);
        self.arbiter.step(&arb_in);

        // sequencer registers
        let phase = self.phase;
        let mut next = phase;
        match phase {
            PH_IDLE => {
                if s.enc_tick {
                    next = PH_ENCODE;
                }
                if s.enc_present {
                    self.post_prev = 0;
                }
            }
            PH_ENCODE => {
                if enc_valid {
                    self.row_mask = enc_spikes;
                    self.did_read = enc_spikes != 0;
                    next = if enc_spikes != 0 {
                        PH_READ
                    } else {
                        PH_INTEGRATE
                    };
                }
            }
            PH_READ => {
                if xo.read_done {
                    next = PH_INTEGRATE;
                }
            }
            // the spikes register LIF_LATENCY cycles after the tick
            PH_INTEGRATE => {
                if self.int_wait as usize == LIF_LATENCY - 1 {
                    self.int_wait = 0;
                    next = PH_DECIDE1;
                } else {
                    self.int_wait += 1;
                }
            }
            PH_DECIDE1 => {
                self.post_q = layer_spikes;
                next = PH_DECIDE2;
            }
            PH_DECIDE2 => next = PH_LEARN,
            PH_LEARN => {
                self.post_prev = self.post_q;
                next = PH_DRAIN;
            }
            _ => {
                if quiet {
                    next = PH_IDLE;
                }
            }
        }
        self.phase = next;
        let taken = phase == PH_IDLE && quiet && !self.step_q;
        self.start_q = taken && inp.present;
        self.step_q = taken && !inp.present && inp.tick;
        if inp.reset {
            self.phase = PH_IDLE;
            self.start_q = false;
            self.step_q = false;
            self.row_mask = 0;
            self.did_read = false;
            self.int_wait = 0;
            self.post_q = 0;
            self.post_prev = 0;
        }
        if xo.read_done {
            self.col_sat_q = xo.col_sat != 0;
        }
        if inp.reset {
            self.overrun_q = false;
        } else if stdp_overrun || bcm_overrun {
            self.overrun_q = true;
        }
        // config registers
        if inp.reset {
            self.reset_regs();
            self.cfg_err = false;
        } else if let Some((addr, data)) = inp.cfg_write {
            match map(self.n_rows).iter().find(|r| r.addr == addr) {
                Some(r) if write_in_range(r.bits, r.signed, data) => {
                    self.regs[r.addr as usize] = (data as u64 & ((1u64 << r.bits) - 1)) as u32;
                }
                _ => self.cfg_err = true,
            }
        }
        self.outputs(inp)
    }

    /// Outputs of the current state with `inp` applied.
    pub fn outputs(&self, inp: &AccelInputs) -> AccelOutputs {
        let (_, xo, quiet) = self.strobes(inp);
        AccelOutputs {
            fe: xo.fe,
            idle: self.phase == PH_IDLE && quiet && !self.step_q,
            wait_left: xo.wait_left,
            spikes: self.layer.spikes(),
            spikes_valid: self.layer.spikes_valid,
            winner: self.wta.winner,
            winner_valid: self.wta.valid,
            cfg_error: self.cfg_err,
            clamp_error: xo.clamp_error,
            saturated: self.layer.saturated() || self.col_sat_q,
            overrun: self.overrun_q,
            debug_data: self.debug_q,
        }
    }

    fn debug(&self, sel: u16) -> u32 {
        let (group, idx) = (sel >> 8, (sel & 0xFF) as usize);
        let so = self.stdp.outputs();
        let bo = self.bcm.outputs();
        let ro = self.refresh.outputs();
        let row = idx < self.n_rows;
        let col = idx < self.n_cols;
        match group {
            0 if row => so.pre_trace[idx] as u32,
            2 if row => bo.pre_rate[idx] as u32,
            1 if col => so.post_trace[idx] as u32,
            3 if col => bo.post_rate[idx] as u32,
            4 if col => bo.theta[idx] & 0xFF_FFFF,
            5 if col => ro.pulse_count[idx],
            8 if col => self.layer.neurons[idx].v.to_bits() as u32 & 0xFF_FFFF,
            9 if col => self.layer.neurons[idx].adapt.to_bits() as u32 & 0xFF_FFFF,
            6 => {
                ro.pending as u32
                    | ((self.arbiter.grant as u32) << 8)
                    | ((self.arbiter.source as u32) << 12)
            }
            7 => bo.window_pos as u32,
            _ => 0,
        }
    }
}
