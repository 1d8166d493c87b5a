//! `Accelerator<N_ROWS, N_COLS>`: the memristor-crossbar SNN accelerator.
//!
//! ```text
//!  host: tick, present, spikes_in, cfg bus
//!    │
//!    ▼
//!  InputEncoder ──row spikes──► CrossbarController ──fe_* bus──► DAC/TIA/ADC + array
//!                                  │ READ: column codes                 (Rust models)
//!                                  ▼
//!                              LifLayer ──spikes, v_pre──► WinnerTakeAll
//!                                  ▲ inhibit ◄──────────────────┘
//!  StdpUnit / BcmUnit ◄─ learn (pre, post, winner)            RefreshScheduler ◄─ pulses
//!        └────────── commands ──► CommandArbiter ◄────────────────────┘
//!                                      └──► CrossbarController: PROGRAM / REFRESH
//! ```
//!
//! Time step (one `tick`, only taken while `idle`; it acts one cycle later,
//! from a register, and `idle` is low in between):
//! 1. ENCODE: the encoder produces this step's row spikes (1 cycle);
//! 2. READ (if any row spiked): the controller drives the spiking rows at
//!    `V_READ`, samples the column currents and collects their codes;
//! 3. INTEGRATE: the LIF layer integrates the column codes (zero if no read):
//!    the tick in its first cycle, `LIF_LATENCY` cycles in all (the
//!    neuron pipeline);
//! 4. DECIDE: two cycles for the spikes and the winner to register;
//! 5. LEARN: one `learn` strobe to the STDP and BCM units with the row spikes,
//!    the output spikes and the winner (STDP gets the output spikes one step
//!    late, a back-propagation delay: the inputs that made a neuron fire in
//!    a step pair with its spike at `dt = +1 step` and are potentiated);
//! 6. DRAIN: wait until no command is pending and the controller is idle
//!    (programming pulses run here), then back to IDLE.
//!
//! `present` (while idle) starts a presentation: encoder ramp and WTA
//! cleared, membranes to rest, STDP traces cleared, BCM window restarted,
//! in the cycle after the strobe (from a register, so that the clears'
//! fan-out into every unit does not wait for the sequencer's `quiet`).
//!
//! The neurons' input currents come from registers (`i_in_q`): the column
//! codes loaded with the READ's `read_done`, or 0 when ENCODE found no row
//! spike; the INTEGRATE tick reads exactly `did_read ? col_code : 0`.

use crate::accel_regs::{register_map, AccelRegs, ROW_INTENSITY_BASE};
use crate::arbiter::CommandArbiter;
use crate::bcm::BcmUnit;
use crate::cmd_bus::CmdBus;
use crate::fe_bus::FeBus;
use crate::input_encoder::InputEncoder;
use crate::lif::{LifLayer, LifParamsOut, LIF_LATENCY};
use crate::refresh::RefreshScheduler;
use crate::regs::{CfgBus, Register, RegisterBank};
use crate::stdp::StdpUnit;
use crate::wta::WinnerTakeAll;
use crate::xbar_ctrl::CrossbarController;
use rust_hdl::prelude::*;

// the INTEGRATE counter is 2 bits wide
const _: () = assert!(LIF_LATENCY >= 1 && LIF_LATENCY <= 4);

/// Groups of the debug read-out (`Accelerator::debug_sel` bits 8..11: 0..=9).
pub const DEBUG_GROUPS: usize = 10;
/// Cycles from `debug_sel` to `debug_data` (a register after the decode,
/// one after the select).
pub const DEBUG_LATENCY: usize = 2;

/// Sequencer phases (`phase` register).
pub const PH_IDLE: u64 = 0;
pub const PH_ENCODE: u64 = 1;
pub const PH_READ: u64 = 2;
pub const PH_INTEGRATE: u64 = 3;
pub const PH_DECIDE1: u64 = 4;
pub const PH_DECIDE2: u64 = 5;
pub const PH_LEARN: u64 = 6;
pub const PH_DRAIN: u64 = 7;

#[derive(LogicBlock)]
pub struct Accelerator<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Start a time step (taken while `idle`).
    pub tick: Signal<In, Bit>,
    /// Start a presentation (taken while `idle`).
    pub present: Signal<In, Bit>,
    /// Host spike mask (input mode 0).
    pub spikes_in: Signal<In, Bits<N_ROWS>>,
    /// Configuration writes (`cfg_addr`, `cfg_data`, `cfg_we`).
    pub cfg: CfgBus,
    /// The front-end bus (`fe_*` in the Verilog).
    pub fe: FeBus,
    /// Simulation only: advance the active wait by `1 + warp` cycles (tie to 0).
    pub warp: Signal<In, Bits<32>>,
    /// Nothing in flight: ready for `tick` / `present`.
    pub idle: Signal<Out, Bit>,
    /// Cycles left in the current programming/settle wait (0: none).
    pub wait_left: Signal<Out, Bits<32>>,
    /// Output spikes of the last time step, with `spikes_valid`.
    pub spikes: Signal<Out, Bits<N_COLS>>,
    pub spikes_valid: Signal<Out, Bit>,
    pub winner: Signal<Out, Bits<8>>,
    pub winner_valid: Signal<Out, Bit>,
    /// Sticky until reset: a config write hit no register or was out of range.
    pub cfg_error: Signal<Out, Bit>,
    /// Sticky until reset: a programming amplitude was clamped to the safe window.
    pub clamp_error: Signal<Out, Bit>,
    /// A neuron saturated on the last tick, or a column reading saturated.
    pub saturated: Signal<Out, Bit>,
    /// Sticky until reset: a `learn` strobe came while a plasticity unit was busy.
    pub overrun: Signal<Out, Bit>,
    /// Observability: `debug_sel = {group[3:0], index[7:0]}` selects an
    /// internal value onto `debug_data` (zero-extended): group 0 STDP pre
    /// trace of row `index`, 1 STDP post trace of column `index`, 2 BCM pre
    /// rate of row, 3 BCM post rate of column, 4 BCM theta of column,
    /// 5 refresh pulse count of column, 6 status word (bit 0..N_COLS-1 refresh
    /// pending, bits 8..10 arbiter grant, 12..13 source), 7 BCM window
    /// position, 8 membrane of column `index` (Q16.8), 9 its adaptive threshold;
    /// 0 for any other group or an index out of range.
    ///
    /// Latency [`DEBUG_LATENCY`] = 2 cycles: the select is decoded into
    /// flip-flops at the edge that ends its cycle `t`, the value is selected
    /// from the units' registers of cycle `t + 1` and registered, and
    /// `debug_data` shows it in cycle `t + 2` (a select held for two
    /// cycles reads the state of the cycle after the first).
    pub debug_sel: Signal<In, Bits<12>>,
    pub debug_data: Signal<Out, Bits<32>>,

    /// The configuration registers, by name.
    regs: AccelRegs,
    rows: RegisterBank<N_ROWS, 8>,

    encoder: InputEncoder<N_ROWS>,
    ctrl: CrossbarController<N_ROWS, N_COLS>,
    layer: LifLayer<N_COLS>,
    wta: WinnerTakeAll<N_COLS>,
    stdp: StdpUnit<N_ROWS, N_COLS>,
    bcm: BcmUnit<N_ROWS, N_COLS>,
    refresh: RefreshScheduler<N_ROWS, N_COLS>,
    arbiter: CommandArbiter,

    phase: DFF<Bits<3>>,
    row_mask: DFF<Bits<N_ROWS>>,
    did_read: DFF<Bit>,
    /// Cycles spent in INTEGRATE (the tick in the first).
    int_wait: DFF<Bits<2>>,
    post_q: DFF<Bits<N_COLS>>,
    /// Output spikes of the previous step: STDP sees a post spike one step
    /// after it happens (a back-propagation delay), so the pre spikes that
    /// caused it in the same step pair with it as `dt = +1 step` (LTP).
    post_prev: DFF<Bits<N_COLS>>,
    cfg_err: DFF<Bit>,
    overrun_q: DFF<Bit>,
    /// Debug read-out, stage 1: `debug_sel`'s index decoded (row `i`, or
    /// column `i` for `i < N_COLS`) ...
    dbg_at: [DFF<Bit>; N_ROWS],
    /// The neurons' input current per column: the column codes of the
    /// step's READ (loaded with `read_done`) or 0 for a step without one
    /// (cleared when ENCODE finds no row spike), so the drive products'
    /// operands come from a register instead of a select behind `did_read`.
    i_in_q: [DFF<Bits<16>>; N_COLS],
    /// ENCODE finished without a row spike (no READ in this step).
    no_read: Signal<Local, Bit>,
    /// Debug read-out, stage 1: `debug_sel`'s group decoded, one flag per
    /// group (beside `dbg_at`).
    dbg_grp: [DFF<Bit>; DEBUG_GROUPS],
    /// Stage 2: the selected value, `debug_data`.
    dbg_q: DFF<Bits<32>>,
    /// All ones where the index (group) flag is set: the AND-OR select's
    /// masks (rows 8 bits wide, columns 32).
    dbg_m: [Signal<Local, Bits<8>>; N_ROWS],
    dbg_mc: [Signal<Local, Bits<32>>; N_COLS],
    dbg_gm: [Signal<Local, Bits<32>>; DEBUG_GROUPS],
    /// Per group, the OR over indices `0..=k` of each value AND its index
    /// mask; element `N - 1` is the group's selected value (0 if none).
    dbg_pre_trace: [Signal<Local, Bits<8>>; N_ROWS],
    dbg_pre_rate: [Signal<Local, Bits<8>>; N_ROWS],
    dbg_post_trace: [Signal<Local, Bits<8>>; N_COLS],
    dbg_post_rate: [Signal<Local, Bits<8>>; N_COLS],
    dbg_theta: [Signal<Local, Bits<24>>; N_COLS],
    dbg_pulses: [Signal<Local, Bits<32>>; N_COLS],
    dbg_v: [Signal<Local, Bits<24>>; N_COLS],
    dbg_adapt: [Signal<Local, Bits<24>>; N_COLS],
    /// The chains' last elements: groups 0..=3; 4, 8, 9; 5.
    dbg_end8: [Signal<Local, Bits<8>>; 4],
    dbg_end24: [Signal<Local, Bits<24>>; 3],
    dbg_end32: Signal<Local, Bits<32>>,
    dbg_idx: [Constant<Bits<8>>; N_ROWS],
    dbg_grp_k: [Constant<Bits<4>>; DEBUG_GROUPS],
    col_sat_q: DFF<Bit>,
    /// INPUT_MODE 3: the DAC code of the row the controller stages next.
    row_code_q: DFF<Bits<12>>,
    /// The ROW_INTENSITY register at the controller's `row_addr` (0 beyond
    /// the rows).
    row_int: Signal<Local, Bits<8>>,
    /// Phase codes `PH_*` as constants.
    ph_idle: Constant<Bits<3>>,
    ph_encode: Constant<Bits<3>>,
    ph_read: Constant<Bits<3>>,
    ph_integrate: Constant<Bits<3>>,
    ph_decide1: Constant<Bits<3>>,
    ph_decide2: Constant<Bits<3>>,
    ph_learn: Constant<Bits<3>>,
    ph_drain: Constant<Bits<3>>,
    /// `LIF_LATENCY - 1`: the last INTEGRATE cycle.
    int_last: Constant<Bits<2>>,
    /// Nothing in flight in any unit.
    quiet: Signal<Local, Bit>,
    /// A `present` taken in the last cycle: the clears go out from this
    /// register (one cycle after the strobe), so their fan-out into every
    /// unit starts at a flip-flop instead of behind `quiet`.
    start_q: DFF<Bit>,
    /// A `tick` taken in the last cycle: the encoder's tick and ENCODE
    /// start from this register.
    step_q: DFF<Bit>,
}

impl<const N_ROWS: usize, const N_COLS: usize> Default for Accelerator<N_ROWS, N_COLS> {
    fn default() -> Self {
        assert!(N_ROWS + N_COLS <= 256, "channels are 8-bit");
        assert!(
            N_COLS <= N_ROWS,
            "the debug readout indexes columns with the row index constants"
        );
        assert!(
            N_ROWS <= 128 - (ROW_INTENSITY_BASE as usize - 0x80),
            "row registers fit 0x80..0xFF"
        );
        let rows: Vec<Register> = register_map(N_ROWS)
            .into_iter()
            .filter(|r| r.addr >= ROW_INTENSITY_BASE)
            .collect();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            tick: Default::default(),
            present: Default::default(),
            spikes_in: Default::default(),
            cfg: Default::default(),
            fe: Default::default(),
            warp: Default::default(),
            idle: Default::default(),
            wait_left: Default::default(),
            spikes: Default::default(),
            spikes_valid: Default::default(),
            winner: Default::default(),
            winner_valid: Default::default(),
            cfg_error: Default::default(),
            clamp_error: Default::default(),
            saturated: Default::default(),
            overrun: Default::default(),
            debug_sel: Default::default(),
            debug_data: Default::default(),
            regs: Default::default(),
            rows: RegisterBank::new(&rows),
            encoder: Default::default(),
            ctrl: Default::default(),
            layer: Default::default(),
            wta: Default::default(),
            stdp: Default::default(),
            bcm: Default::default(),
            refresh: Default::default(),
            arbiter: Default::default(),
            phase: Default::default(),
            row_mask: Default::default(),
            did_read: Default::default(),
            int_wait: Default::default(),
            post_q: Default::default(),
            post_prev: Default::default(),
            cfg_err: Default::default(),
            overrun_q: Default::default(),
            dbg_at: std::array::from_fn(|_| Default::default()),
            i_in_q: std::array::from_fn(|_| Default::default()),
            no_read: Default::default(),
            dbg_grp: std::array::from_fn(|_| Default::default()),
            dbg_q: Default::default(),
            dbg_m: std::array::from_fn(|_| Default::default()),
            dbg_mc: std::array::from_fn(|_| Default::default()),
            dbg_gm: std::array::from_fn(|_| Default::default()),
            dbg_pre_trace: std::array::from_fn(|_| Default::default()),
            dbg_pre_rate: std::array::from_fn(|_| Default::default()),
            dbg_post_trace: std::array::from_fn(|_| Default::default()),
            dbg_post_rate: std::array::from_fn(|_| Default::default()),
            dbg_theta: std::array::from_fn(|_| Default::default()),
            dbg_pulses: std::array::from_fn(|_| Default::default()),
            dbg_v: std::array::from_fn(|_| Default::default()),
            dbg_adapt: std::array::from_fn(|_| Default::default()),
            dbg_end8: Default::default(),
            dbg_end24: Default::default(),
            dbg_end32: Default::default(),
            dbg_idx: std::array::from_fn(|k| Constant::new((k as u64).into())),
            dbg_grp_k: std::array::from_fn(|k| Constant::new((k as u64).into())),
            col_sat_q: Default::default(),
            row_code_q: Default::default(),
            row_int: Default::default(),
            ph_idle: Constant::new(PH_IDLE.into()),
            ph_encode: Constant::new(PH_ENCODE.into()),
            ph_read: Constant::new(PH_READ.into()),
            ph_integrate: Constant::new(PH_INTEGRATE.into()),
            ph_decide1: Constant::new(PH_DECIDE1.into()),
            ph_decide2: Constant::new(PH_DECIDE2.into()),
            ph_learn: Constant::new(PH_LEARN.into()),
            ph_drain: Constant::new(PH_DRAIN.into()),
            int_last: Constant::new(((LIF_LATENCY - 1) as u64).into()),
            quiet: Default::default(),
            start_q: Default::default(),
            step_q: Default::default(),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for Accelerator<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, phase, row_mask, did_read, int_wait, post_q, post_prev, cfg_err,
            overrun_q, col_sat_q, row_code_q, dbg_q, start_q, step_q
        );

        // ---- configuration banks
        self.regs.clock.next = self.clock.val();
        self.regs.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.regs.cfg);
        self.rows.clock.next = self.clock.val();
        self.rows.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.rows.cfg);
        if self.reset.val() {
            self.cfg_err.d.next = false;
        } else if self.cfg.we.val()
            && (!(self.regs.hit.val() || self.rows.hit.val())
                || self.regs.range_error.val()
                || self.rows.range_error.val())
        {
            self.cfg_err.d.next = true;
        }

        // ---- sequencer strobes (defaults)
        self.encoder.tick.next = false;
        self.encoder.present.next = false;
        self.ctrl.read_start.next = false;
        self.layer.tick.next = false;
        self.layer.rest.next = false;
        self.wta.clear.next = false;
        self.stdp.learn_step.learn.next = false;
        self.stdp.clear.next = false;
        self.bcm.learn_step.learn.next = false;
        self.bcm.clear.next = false;

        // ---- input encoder
        self.encoder.clock.next = self.clock.val();
        self.encoder.reset.next = self.reset.val();
        self.encoder.mode.next = self.regs.input_mode.val();
        self.encoder.spikes_in.next = self.spikes_in.val();
        self.encoder.ramp_step.next = self.regs.ramp_step.val();
        self.encoder.seed.next = self.regs.lfsr_seed.val();
        for i in 0..N_ROWS {
            self.encoder.intensity[i].next = self.rows.value[i].val();
        }

        // ---- crossbar controller
        self.ctrl.clock.next = self.clock.val();
        self.ctrl.reset.next = self.reset.val();
        self.ctrl.row_mask.next = self.encoder.row_spikes.val();
        // INPUT_MODE 3 (amplitude code): the rows of `spikes_in` are read at
        // their ROW_INTENSITY register as DAC code, a synchronous read of
        // the row registers at the controller's `row_addr`
        self.ctrl.row_amp.next = self.regs.input_mode.val() == 3;
        self.ctrl.row_code.next = self.row_code_q.q.val();
        self.row_int.next = 0.into();
        for i in 0..N_ROWS {
            if self.ctrl.row_addr.val() == self.dbg_idx[i].val() {
                self.row_int.next = self.rows.value[i].val();
            }
        }
        self.row_code_q.d.next = bit_cast::<12, 8>(self.row_int.val());
        if self.reset.val() {
            self.row_code_q.d.next = 0.into();
        }
        self.ctrl.v_read.next = self.regs.v_read.val();
        self.ctrl.settle.next = self.regs.settle_cycles.val();
        self.ctrl.v_pot.next = self.regs.v_pot.val();
        self.ctrl.v_dep.next = self.regs.v_dep.val();
        self.ctrl.width.next = self.regs.pulse_width.val();
        self.ctrl.interval.next = self.regs.pulse_interval.val();
        self.ctrl.scheme.next = self.regs.scheme.val();
        self.ctrl.safe_max.next = self.regs.safe_max.val();
        self.ctrl.safe_min.next = self.regs.safe_min.val();
        self.ctrl.refresh_code.next = self.regs.refresh_code.val();
        self.ctrl.refresh_width.next = self.regs.refresh_width.val();
        FeBus::link(&mut self.fe, &mut self.ctrl.fe);
        self.ctrl.warp.next = self.warp.val();
        self.wait_left.next = self.ctrl.wait_left.val();
        self.clamp_error.next = self.ctrl.clamp_error.val();

        // ---- LIF layer: column codes of this step's read (0 without a read)
        self.layer.clock.next = self.clock.val();
        self.layer.reset.next = self.reset.val();
        self.layer.inhibit.next = self.wta.inhibit.val();
        // homeostasis: the WTA winner, or every spike without WTA
        if self.regs.wta_enable.val() {
            self.layer.win.next = self.wta.new_winner.val();
        } else if self.layer.spikes_valid.val() {
            self.layer.win.next = self.layer.spikes.val();
        } else {
            self.layer.win.next = 0.into();
        }
        LifParamsOut::join(&mut self.regs.lif, &mut self.layer.params);
        // the INTEGRATE tick (the only cycle whose drive the layer reads)
        // comes after a READ's `read_done` or after an ENCODE without a row
        // spike; `i_in_q` then holds what `did_read ? col_code : 0` gives
        self.no_read.next = self.phase.q.val() == self.ph_encode.val()
            && self.encoder.valid.val()
            && !self.encoder.row_any.val();
        for j in 0..N_COLS {
            self.i_in_q[j].clock.next = self.clock.val();
            self.i_in_q[j].d.next = self.i_in_q[j].q.val();
            if self.reset.val() || self.no_read.val() {
                self.i_in_q[j].d.next = 0.into();
            } else if self.ctrl.read_done.val() {
                self.i_in_q[j].d.next = self.ctrl.col_code[j].val();
            }
            self.layer.i_in[j].next = self.i_in_q[j].q.val();
            self.wta.v_pre[j].next = self.layer.v_pre[j].val();
        }

        // ---- winner-take-all
        self.wta.clock.next = self.clock.val();
        self.wta.reset.next = self.reset.val();
        self.wta.enable.next = self.regs.wta_enable.val();
        self.wta.mode.next = self.regs.wta_mode.val();
        self.wta.spikes.next = self.layer.spikes.val();
        self.wta.spikes_valid.next = self.layer.spikes_valid.val();

        // ---- plasticity
        self.stdp.clock.next = self.clock.val();
        self.stdp.reset.next = self.reset.val();
        self.stdp.learn_step.pre_spikes.next = self.row_mask.q.val();
        self.stdp.learn_step.post_spikes.next = self.post_prev.q.val();
        self.stdp.learn_step.winner.next = self.wta.winner.val();
        self.stdp.learn_step.winner_valid.next = self.wta.winner_valid.val();
        self.stdp.learn_step.wta_on.next = self.regs.wta_enable.val();
        self.stdp.learn_step.enable.next = self.regs.stdp_enable.val();
        self.stdp.a_plus.next = self.regs.stdp_a_plus.val();
        self.stdp.a_minus.next = self.regs.stdp_a_minus.val();
        self.stdp.pre_decay_shift.next = self.regs.stdp_pre_decay_shift.val();
        self.stdp.post_decay_shift.next = self.regs.stdp_post_decay_shift.val();
        self.stdp.trace_max.next = self.regs.stdp_trace_max.val();
        self.stdp.count_shift.next = self.regs.stdp_count_shift.val();

        self.bcm.clock.next = self.clock.val();
        self.bcm.reset.next = self.reset.val();
        self.bcm.learn_step.pre_spikes.next = self.row_mask.q.val();
        self.bcm.learn_step.post_spikes.next = self.post_q.q.val();
        self.bcm.learn_step.winner.next = self.wta.winner.val();
        self.bcm.learn_step.winner_valid.next = self.wta.winner_valid.val();
        self.bcm.learn_step.enable.next = self.regs.bcm_enable.val();
        self.bcm.window.next = self.regs.bcm_window.val();
        self.bcm.theta_shift.next = self.regs.bcm_theta_shift.val();
        self.bcm.count_shift.next = self.regs.bcm_count_shift.val();
        self.bcm.rho0_shift.next = self.regs.bcm_rho0_shift.val();
        self.bcm.dither.next = self.regs.bcm_dither.val();

        self.refresh.clock.next = self.clock.val();
        self.refresh.reset.next = self.reset.val();
        self.refresh.budget.next = self.regs.refresh_budget.val();
        self.refresh.enable.next = self.regs.refresh_budget.val().any();
        self.refresh.pulse.next = self.ctrl.pulse.val();
        self.refresh.pulse_col.next = self.ctrl.pulse_col.val();
        self.bcm.learn_step.wta_on.next = self.regs.wta_enable.val();

        // ---- commands: refresh > STDP > BCM -> controller
        self.arbiter.clock.next = self.clock.val();
        self.arbiter.reset.next = self.reset.val();
        CmdBus::join(&mut self.refresh.cmd, &mut self.arbiter.refresh);
        CmdBus::join(&mut self.stdp.cmd, &mut self.arbiter.stdp);
        CmdBus::join(&mut self.bcm.cmd, &mut self.arbiter.bcm);
        CmdBus::join(&mut self.arbiter.cmd, &mut self.ctrl.cmd);
        if self.reset.val() {
            self.overrun_q.d.next = false;
        } else if self.stdp.overrun.val() || self.bcm.overrun.val() {
            self.overrun_q.d.next = true;
        }

        // ---- debug readout (`DEBUG_LATENCY` = 2 registers, no compare on
        // the select path): stage 1 decodes `debug_sel` into one flag per
        // index and per group; stage 2 is an AND-OR over every value with its
        // flags' masks (one flag of each kind is set at most), registered.
        for i in 0..N_ROWS {
            self.dbg_at[i].clock.next = self.clock.val();
            self.dbg_at[i].d.next = self.debug_sel.val().get_bits::<8>(0) == self.dbg_idx[i].val();
            self.dbg_m[i].next = 0.into();
            if self.dbg_at[i].q.val() {
                self.dbg_m[i].next = 0xFFu64.into();
            }
        }
        for j in 0..N_COLS {
            self.dbg_mc[j].next = 0.into();
            if self.dbg_at[j].q.val() {
                self.dbg_mc[j].next = 0xFFFF_FFFFu64.into();
            }
        }
        for g in 0..DEBUG_GROUPS {
            self.dbg_grp[g].clock.next = self.clock.val();
            self.dbg_grp[g].d.next =
                self.debug_sel.val().get_bits::<4>(8) == self.dbg_grp_k[g].val();
            self.dbg_gm[g].next = 0.into();
            if self.dbg_grp[g].q.val() {
                self.dbg_gm[g].next = 0xFFFF_FFFFu64.into();
            }
        }
        self.dbg_pre_trace[0].next = self.stdp.pre_trace[0].val() & self.dbg_m[0].val();
        self.dbg_pre_rate[0].next = self.bcm.pre_rate[0].val() & self.dbg_m[0].val();
        for i in 1..N_ROWS {
            self.dbg_pre_trace[i].next = self.dbg_pre_trace[i - 1].val()
                | (self.stdp.pre_trace[i].val() & self.dbg_m[i].val());
            self.dbg_pre_rate[i].next =
                self.dbg_pre_rate[i - 1].val() | (self.bcm.pre_rate[i].val() & self.dbg_m[i].val());
        }
        self.dbg_post_trace[0].next =
            self.stdp.post_trace[0].val() & self.dbg_mc[0].val().get_bits::<8>(0);
        self.dbg_post_rate[0].next =
            self.bcm.post_rate[0].val() & self.dbg_mc[0].val().get_bits::<8>(0);
        self.dbg_theta[0].next = self.bcm.theta[0].val() & self.dbg_mc[0].val().get_bits::<24>(0);
        self.dbg_pulses[0].next = self.refresh.pulse_count[0].val() & self.dbg_mc[0].val();
        self.dbg_v[0].next = self.layer.v_mem[0].val() & self.dbg_mc[0].val().get_bits::<24>(0);
        self.dbg_adapt[0].next =
            self.layer.theta_adapt[0].val() & self.dbg_mc[0].val().get_bits::<24>(0);
        for j in 1..N_COLS {
            self.dbg_post_trace[j].next = self.dbg_post_trace[j - 1].val()
                | (self.stdp.post_trace[j].val() & self.dbg_mc[j].val().get_bits::<8>(0));
            self.dbg_post_rate[j].next = self.dbg_post_rate[j - 1].val()
                | (self.bcm.post_rate[j].val() & self.dbg_mc[j].val().get_bits::<8>(0));
            self.dbg_theta[j].next = self.dbg_theta[j - 1].val()
                | (self.bcm.theta[j].val() & self.dbg_mc[j].val().get_bits::<24>(0));
            self.dbg_pulses[j].next = self.dbg_pulses[j - 1].val()
                | (self.refresh.pulse_count[j].val() & self.dbg_mc[j].val());
            self.dbg_v[j].next = self.dbg_v[j - 1].val()
                | (self.layer.v_mem[j].val() & self.dbg_mc[j].val().get_bits::<24>(0));
            self.dbg_adapt[j].next = self.dbg_adapt[j - 1].val()
                | (self.layer.theta_adapt[j].val() & self.dbg_mc[j].val().get_bits::<24>(0));
        }
        // the chains' last elements (one-pass loops: an array index in HDL
        // is evaluated with the loop variables only)
        for r in (N_ROWS - 1)..N_ROWS {
            self.dbg_end8[0].next = self.dbg_pre_trace[r].val();
            self.dbg_end8[2].next = self.dbg_pre_rate[r].val();
        }
        for c in (N_COLS - 1)..N_COLS {
            self.dbg_end8[1].next = self.dbg_post_trace[c].val();
            self.dbg_end8[3].next = self.dbg_post_rate[c].val();
            self.dbg_end24[0].next = self.dbg_theta[c].val();
            self.dbg_end24[1].next = self.dbg_v[c].val();
            self.dbg_end24[2].next = self.dbg_adapt[c].val();
            self.dbg_end32.next = self.dbg_pulses[c].val();
        }
        self.dbg_q.d.next = (bit_cast::<32, 8>(self.dbg_end8[0].val()) & self.dbg_gm[0].val())
            | (bit_cast::<32, 8>(self.dbg_end8[1].val()) & self.dbg_gm[1].val())
            | (bit_cast::<32, 8>(self.dbg_end8[2].val()) & self.dbg_gm[2].val())
            | (bit_cast::<32, 8>(self.dbg_end8[3].val()) & self.dbg_gm[3].val())
            | (bit_cast::<32, 24>(self.dbg_end24[0].val()) & self.dbg_gm[4].val())
            | (self.dbg_end32.val() & self.dbg_gm[5].val())
            | ((bit_cast::<32, N_COLS>(self.refresh.pending.val())
                | (bit_cast::<32, 3>(self.arbiter.grant.val()) << 8)
                | (bit_cast::<32, 2>(self.arbiter.source.val()) << 12))
                & self.dbg_gm[6].val())
            | (bit_cast::<32, 16>(self.bcm.window_pos.val()) & self.dbg_gm[7].val())
            | (bit_cast::<32, 24>(self.dbg_end24[1].val()) & self.dbg_gm[8].val())
            | (bit_cast::<32, 24>(self.dbg_end24[2].val()) & self.dbg_gm[9].val());
        self.debug_data.next = self.dbg_q.q.val();

        // ---- sequencer (`quiet` is an AND of five flip-flops: every unit's
        // busy / idle flag is registered from its next state, so the strobes
        // it gates on `present` and `tick` start at a register)
        self.quiet.next = self.ctrl.idle.val()
            && !self.stdp.busy.val()
            && !self.bcm.busy.val()
            && !self.refresh.busy.val()
            && !self.arbiter.busy.val();
        // A strobe taken in IDLE acts one cycle later, from `start_q` /
        // `step_q`; nothing can leave `quiet` in between (every unit waits
        // for the sequencer). While a tick is pending the accelerator is not
        // idle and takes no strobe, as in ENCODE.
        self.idle.next = false;
        self.start_q.d.next = false;
        self.step_q.d.next = false;
        if self.phase.q.val() == self.ph_idle.val() {
            self.idle.next = self.quiet.val() && !self.step_q.q.val();
            if self.start_q.q.val() {
                self.encoder.present.next = true;
                self.layer.rest.next = true;
                self.wta.clear.next = true;
                self.stdp.clear.next = true;
                self.bcm.clear.next = true;
                self.post_prev.d.next = 0.into();
            }
            if self.step_q.q.val() {
                self.encoder.tick.next = true;
                self.phase.d.next = self.ph_encode.val();
            } else if self.quiet.val() && self.present.val() {
                self.start_q.d.next = true;
            } else if self.quiet.val() && self.tick.val() {
                self.step_q.d.next = true;
            }
        } else if self.phase.q.val() == self.ph_encode.val() {
            if self.encoder.valid.val() {
                self.row_mask.d.next = self.encoder.row_spikes.val();
                if self.encoder.row_any.val() {
                    self.ctrl.read_start.next = true;
                    self.did_read.d.next = true;
                    self.phase.d.next = self.ph_read.val();
                } else {
                    self.did_read.d.next = false;
                    self.phase.d.next = self.ph_integrate.val();
                }
            }
        } else if self.phase.q.val() == self.ph_read.val() {
            if self.ctrl.read_done.val() {
                self.phase.d.next = self.ph_integrate.val();
            }
        } else if self.phase.q.val() == self.ph_integrate.val() {
            // tick in the first cycle; the spikes register LIF_LATENCY
            // cycles later, in DECIDE1
            self.layer.tick.next = !self.int_wait.q.val().any();
            if self.int_wait.q.val() == self.int_last.val() {
                self.int_wait.d.next = 0.into();
                self.phase.d.next = self.ph_decide1.val();
            } else {
                self.int_wait.d.next = self.int_wait.q.val() + 1;
            }
        } else if self.phase.q.val() == self.ph_decide1.val() {
            // spikes of this step are registered now
            self.post_q.d.next = self.layer.spikes.val();
            self.phase.d.next = self.ph_decide2.val();
        } else if self.phase.q.val() == self.ph_decide2.val() {
            // the winner registers in this cycle
            self.phase.d.next = self.ph_learn.val();
        } else if self.phase.q.val() == self.ph_learn.val() {
            self.stdp.learn_step.learn.next = true;
            self.bcm.learn_step.learn.next = true;
            self.post_prev.d.next = self.post_q.q.val();
            self.phase.d.next = self.ph_drain.val();
        } else if self.phase.q.val() == self.ph_drain.val() {
            if self.quiet.val() {
                self.phase.d.next = self.ph_idle.val();
            }
        } else {
            self.phase.d.next = self.ph_idle.val();
        }
        if self.reset.val() {
            self.phase.d.next = self.ph_idle.val();
            self.start_q.d.next = false;
            self.step_q.d.next = false;
            self.row_mask.d.next = 0.into();
            self.did_read.d.next = false;
            self.int_wait.d.next = 0.into();
            self.post_q.d.next = 0.into();
            self.post_prev.d.next = 0.into();
        }
        if self.ctrl.read_done.val() {
            self.col_sat_q.d.next = self.ctrl.col_sat.val().any();
        }

        // ---- outputs
        self.spikes.next = self.layer.spikes.val();
        self.spikes_valid.next = self.layer.spikes_valid.val();
        self.winner.next = self.wta.winner.val();
        self.winner_valid.next = self.wta.winner_valid.val();
        self.cfg_error.next = self.cfg_err.q.val();
        self.overrun.next = self.overrun_q.q.val();
        self.saturated.next = self.layer.saturated.val() || self.col_sat_q.q.val();
    }
}
