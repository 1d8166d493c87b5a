//! A PHY back end with its parts and the array model: the controller side
//! drives the `fe_*` bus, the array sees what the pins make of it.

use super::{check, Ad5542a, Ad7606, Adg1404, PartError};
use crate::cosim::FeOut;
use crate::units::CycleModel;
use neuroxbar_models::frontend::{ChannelSetting, FrontEnd};
use neuroxbar_models::golden::fe_phy::{code_of_word, PhyInputs, PhyOutputs};

/// A pulse as the array saw it: the lines latched at its rising edge (every
/// channel's mode and code) and its width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePulse {
    /// Cycle of the apply rising edge.
    pub start_cycles: u64,
    pub width_cycles: u64,
    pub lines: Vec<ChannelSetting>,
}

impl DevicePulse {
    /// Record an apply edge of `fe` at `t_cycles` into `log` (a rising edge
    /// opens a pulse with the lines as latched, a falling edge closes it).
    pub fn record(fe: &FrontEnd, t_cycles: u64, on: bool, log: &mut Vec<DevicePulse>) {
        if on {
            log.push(DevicePulse {
                start_cycles: t_cycles,
                width_cycles: 0,
                lines: (0..fe.n_channels())
                    .map(|ch| fe.staged(ch).expect("channel in range"))
                    .collect(),
            });
        } else if let Some(p) = log.last_mut() {
            p.width_cycles = t_cycles - p.start_cycles;
        }
    }
}

/// PHY + AD5542A per line + ADG1404 per line + AD7606 + array model.
pub struct PhyBench<P: CycleModel<Inputs = PhyInputs, Outputs = PhyOutputs>> {
    pub phy: P,
    pub dac: Ad5542a,
    pub mux: Adg1404,
    pub adc: Ad7606,
    pub fe: FrontEnd,
    n_lines: usize,
    n_cols: usize,
    period_s: f64,
    t: u64,
    out: PhyOutputs,
    /// ADC output pins (BUSY, DOUTA) for the next two cycles.
    adc_pins: [(bool, bool); 2],
    /// Pulses as the array saw them.
    pub pulses: Vec<DevicePulse>,
    /// Cycles of the CONVST rising edges.
    pub conversions: Vec<u64>,
    /// Shortest time from a DAC load to the next apply rising edge, seconds.
    pub min_load_to_apply_s: f64,
}

impl<P: CycleModel<Inputs = PhyInputs, Outputs = PhyOutputs>> PhyBench<P> {
    /// `fe` must have `n_lines` channels, the last `n_cols` of them columns.
    pub fn new(phy: P, fe: FrontEnd, n_cols: usize) -> Self {
        let n_lines = fe.n_channels();
        let period_s = fe.params().clock_period_s;
        Self {
            phy,
            dac: Ad5542a::new(n_lines, Default::default()),
            mux: Adg1404::new(n_lines, Default::default()),
            adc: Ad7606::new(period_s, Default::default()),
            fe,
            n_lines,
            n_cols,
            period_s,
            t: 0,
            out: PhyOutputs::default(),
            adc_pins: [(false, false); 2],
            pulses: Vec::new(),
            conversions: Vec::new(),
            min_load_to_apply_s: f64::INFINITY,
        }
    }

    /// Cycles clocked.
    pub fn time_cycles(&self) -> u64 {
        self.t
    }

    pub fn outputs(&self) -> &PhyOutputs {
        &self.out
    }

    /// One cycle: the controller's bus outputs of this cycle in, the PHY's
    /// outputs (the controller's `fe_busy`, `fe_rd_*` of the next cycle) out.
    pub fn step(&mut self, reset: bool, bus: FeOut) -> Result<PhyOutputs, PartError> {
        let (busy, douta) = self.adc_pins[0];
        let inp = PhyInputs {
            reset,
            fe_ch: bus.ch,
            fe_code: bus.code,
            fe_mode: bus.mode,
            fe_we: bus.we,
            fe_apply: bus.apply,
            fe_sample: bus.sample,
            adc_busy: busy,
            adc_douta: douta,
        };
        let o = self.phy.step(&inp);
        self.t += 1;
        let t = self.t;
        let t_s = t as f64 * self.period_s;
        self.dac.observe(t_s, o.dac_cs, o.dac_sclk, o.dac_sdi)?;
        let was_on = self.mux.enabled();
        check(
            !(was_on && o.apply && self.dac.t_load_s == t_s),
            "board",
            "DAC load under an applied pulse",
            t_s,
            || "the DAC outputs changed while the muxes were enabled".to_string(),
        )?;
        self.mux.observe(t_s, o.mux_a0, o.mux_a1, o.apply)?;
        let fe_err = |source| PartError::FrontEnd { t_s, source };
        if o.apply && !was_on {
            for i in 0..self.n_lines {
                let code = code_of_word(self.dac.word(i));
                self.fe.stage(i, self.mux.mode(i), code).map_err(fe_err)?;
            }
            self.fe.set_apply(t_s, true).map_err(fe_err)?;
            DevicePulse::record(&self.fe, t, true, &mut self.pulses);
            self.min_load_to_apply_s = self.min_load_to_apply_s.min(t_s - self.dac.t_load_s);
        } else if !o.apply && was_on {
            self.fe.set_apply(t_s, false).map_err(fe_err)?;
            DevicePulse::record(&self.fe, t, false, &mut self.pulses);
        }
        let (fe, first_col) = (&mut self.fe, self.n_lines - self.n_cols);
        let n_cols = self.n_cols;
        let convs = &mut self.conversions;
        self.adc
            .observe(t_s, o.adc_convst, o.adc_cs, o.adc_sclk, || {
                convs.push(t);
                let batch = fe.sample(t_s).map_err(fe_err)?;
                let mut codes = [0i16; 8];
                for c in &batch.columns {
                    let ch = usize::from(c.ch);
                    if ch >= first_col && ch < first_col + n_cols {
                        codes[ch - first_col] = c.code;
                    }
                }
                Ok(codes)
            })?;
        self.adc_pins = [self.adc_pins[1], self.adc.pins(t_s + self.period_s)];
        self.out = o;
        Ok(o)
    }
}
