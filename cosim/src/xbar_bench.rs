//! The crossbar controller alone on the bus-level harness ([`BusSim`]): the
//! bench of the experiments that drive the array through the controller
//! (E3 `temporal-stp`, E4 `digits-refresh`, E5 `letters-stm-ltm`). The
//! configuration inputs are held every cycle; PROGRAM goes through the
//! valid/ready handshake, READ through its start strobe.

use crate::bus::{BusDut, BusSim};
use crate::cosim::{CoSimError, FeBus, FeIn, FeOut, FeReaction};
use crate::units::CycleModel;
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_models::golden::xbar_ctrl::{XbarInputs, XbarOutputs};

/// Longest idle stretch clocked cycle by cycle without warp (10 ms at
/// 100 MHz); longer ones are skipped in closed form (see
/// [`XbarBench::idle_until`]).
pub const IDLE_CLOCKED_MAX_CYCLES: u64 = 1_000_000;

/// The controller as a [`BusDut`], with what the experiments record of its
/// bus.
pub struct XbarDut<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>> {
    pub model: B,
    inp: XbarInputs,
    out: XbarOutputs,
    /// Sample strobe times (cycles) since the last `take_samples`.
    samples: Vec<u64>,
    /// Apply edges (cycle, on) since the last `take_edges`.
    edges: Vec<(u64, bool)>,
    /// PROGRAM commands issued (by the bench or by its user).
    pub program_commands: u64,
    last_rise: u64,
    /// Fewest cycles from an apply rising edge to a sample strobe.
    pub min_sample_after_apply: u64,
    /// The per-row code memory of the amplitude-code READ: every cycle
    /// `row_code` carries `row_codes[row_addr]` of the last outputs (0
    /// beyond its end), the memory's one-cycle read.
    pub row_codes: Vec<i16>,
}

impl<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>> BusDut for XbarDut<B> {
    fn drive(&mut self, fin: FeIn, warp: u32) {
        fin.answer(&mut self.inp.fe);
        self.inp.row_code = self
            .row_codes
            .get(self.out.row_addr as usize)
            .copied()
            .unwrap_or(0);
        self.inp.warp = warp;
    }
    fn warp_wanted(&self, bus: &FeBus, fe_busy: bool, _t_cycles: u64) -> u32 {
        bus.warp(self.out.wait_left, fe_busy)
    }
    fn clock(&mut self, skipped: u64) {
        if skipped > 0 {
            self.model.skip_time(skipped);
        }
        self.out = self.model.step(&self.inp);
        self.inp.reset = false;
        self.inp.read_start = false;
        self.inp.cmd_valid = false;
    }
    fn fe_out(&self) -> FeOut {
        self.out.fe
    }
    fn skip_time(&mut self, cycles: u64) {
        self.model.skip_time(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.model.set_period_ps(period_ps);
    }
    fn observe(&mut self, t: u64, r: &FeReaction) {
        if let Some(on) = r.apply_edge {
            self.edges.push((t, on));
            if on {
                self.last_rise = t;
            }
        }
        if r.sampled {
            self.samples.push(t);
            self.min_sample_after_apply = self.min_sample_after_apply.min(t - self.last_rise);
        }
    }
}

/// The crossbar controller bound to the front-end, as
/// [`CoSim`](crate::cosim::CoSim) binds the accelerator's bus (the same
/// harness: same event order, same warp rule).
pub type XbarBench<B> = BusSim<XbarDut<B>>;

impl<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>> BusSim<XbarDut<B>> {
    /// Bind `model` to `fe` with the configuration `cfg` (codes, widths) and
    /// reset it for two cycles.
    pub fn new(model: B, fe: FrontEnd, cfg: XbarInputs, warp: bool) -> Result<Self, CoSimError> {
        let dut = XbarDut {
            model,
            inp: cfg,
            out: XbarOutputs::default(),
            samples: Vec::new(),
            edges: Vec::new(),
            program_commands: 0,
            last_rise: 0,
            min_sample_after_apply: u64::MAX,
            row_codes: Vec::new(),
        };
        let mut b = BusSim::bind(dut, fe, warp)?;
        for _ in 0..2 {
            b.dut.inp.reset = true;
            b.cycle()?;
        }
        Ok(b)
    }

    pub fn outputs(&self) -> &XbarOutputs {
        &self.dut.out
    }
    /// The configuration inputs (held every cycle).
    pub fn config_mut(&mut self) -> &mut XbarInputs {
        &mut self.dut.inp
    }

    /// Clock until the controller is idle and the front-end quiet.
    pub fn wait_idle(&mut self, max_cycles: u64) -> Result<(), CoSimError> {
        let mut n = 0u64;
        while !self.dut.out.idle || self.bus.active(self.time_cycles()) {
            self.cycle()?;
            n += 1;
            if n > max_cycles {
                return Err(CoSimError::Stuck(format!(
                    "the crossbar controller did not return to idle within {max_cycles} cycles"
                )));
            }
        }
        Ok(())
    }

    /// Cycles a command of `count` pulses may take at most: its pulses and
    /// gaps as configured, plus a margin for settling and the handshake
    /// (a 100 ms reset pulse is 1e7 cycles when clocked without warp).
    fn command_budget(&self, count: u8) -> u64 {
        let i = &self.dut.inp;
        let per_pulse = i.width as u64 + i.interval as u64 + i.settle as u64;
        1_000_000 + 2 * count.max(1) as u64 * per_pulse
    }

    /// One PROGRAM command (through the valid/ready handshake), run to the end.
    pub fn program(&mut self, row: u8, col: u8, pol: bool, count: u8) -> Result<(), CoSimError> {
        self.wait_idle(1_000_000)?;
        while !self.dut.out.cmd_ready {
            self.cycle()?;
        }
        let i = &mut self.dut.inp;
        i.cmd_valid = true;
        i.cmd_refresh = false;
        i.cmd_row = row;
        i.cmd_col = col;
        i.cmd_pol = pol;
        i.cmd_count = count;
        self.cycle()?;
        self.dut.program_commands += 1;
        self.wait_idle(self.command_budget(count))
    }

    /// READ of the rows in `mask`: the column codes and saturation flags.
    pub fn read(&mut self, mask: u128) -> Result<(Vec<i16>, u64), CoSimError> {
        self.wait_idle(1_000_000)?;
        self.dut.inp.read_start = true;
        self.dut.inp.row_mask = mask;
        self.cycle()?;
        let mut n = 0;
        while !self.dut.out.read_done {
            self.cycle()?;
            n += 1;
            if n > 1_000_000 {
                return Err(CoSimError::Stuck("READ never finished".into()));
            }
        }
        Ok((self.dut.out.col_code.clone(), self.dut.out.col_sat))
    }

    /// READ in the amplitude-code mode: each row of `mask` driven at its
    /// own DAC code `codes[row]` (clamped into the safe window by the
    /// controller); the column codes and saturation flags.
    pub fn read_amplitude(
        &mut self,
        mask: u128,
        codes: &[i16],
    ) -> Result<(Vec<i16>, u64), CoSimError> {
        self.dut.row_codes.clear();
        self.dut.row_codes.extend_from_slice(codes);
        self.dut.inp.row_amp = true;
        let r = self.read(mask);
        self.dut.inp.row_amp = false;
        r
    }

    /// Let time pass until `t_cycles`, idle: skipped in closed form with
    /// warp, clocked without, except idle stretches longer than
    /// [`IDLE_CLOCKED_MAX_CYCLES`] (the 500 s retention: 5e10 cycles), which
    /// are skipped either way: the controller is idle and the bus quiet, so
    /// clocking them would change nothing but the run time.
    pub fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        self.wait_idle(1_000_000)?;
        let now = self.time_cycles();
        if t_cycles <= now {
            return Ok(());
        }
        if self.warp || t_cycles - now > IDLE_CLOCKED_MAX_CYCLES {
            self.skip_to(t_cycles)
        } else {
            while self.time_cycles() < t_cycles {
                self.cycle()?;
            }
            Ok(())
        }
    }

    /// Sample strobe times since the last call.
    pub fn take_samples(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.dut.samples)
    }
    /// Apply edges since the last call.
    pub fn take_edges(&mut self) -> Vec<(u64, bool)> {
        std::mem::take(&mut self.dut.edges)
    }
}
