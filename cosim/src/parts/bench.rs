//! A PHY back end with its parts and the array model: the controller side
//! drives the `fe_*` bus, the array sees what the pins make of it.

use super::{check, Ad5542a, Ad7606, Adg1404, PartError};
use crate::cosim::FeOut;
use crate::units::CycleModel;
use neuroxbar_models::frontend::ChannelMode;
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

/// The array's end of a PHY's pins: at a rising edge of the muxes' enable
/// (the PHY's `apply` pin) every line's level and mode as the parts hold
/// them are latched into the array model, at its falling edge the pulse
/// ends; the AD7606 converts the columns at CONVST and shifts the codes
/// out. Shared by every PHY bench and by the whole board top.
pub struct ArrayEnd {
    pub adc: Ad7606,
    pub fe: FrontEnd,
    n_lines: usize,
    n_cols: usize,
    period_s: f64,
    /// The muxes are enabled (a pulse is on).
    on: bool,
    /// ADC output pins (BUSY, DOUTA) for the next two cycles.
    adc_pins: [(bool, bool); 2],
    /// Pulses as the array saw them.
    pub pulses: Vec<DevicePulse>,
    /// Cycles of the CONVST rising edges.
    pub conversions: Vec<u64>,
    /// Shortest time from a change of the lines (a DAC load or update, a
    /// mux address latch) to the next apply rising edge, seconds.
    pub min_load_to_apply_s: f64,
}

/// The pins the array's end sees in one cycle.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArrayPins {
    /// The muxes' enable.
    pub apply: bool,
    pub adc_convst: bool,
    pub adc_cs: bool,
    pub adc_sclk: bool,
    /// When the lines last changed (DAC load or update, mux address),
    /// seconds.
    pub t_lines_s: f64,
}

impl ArrayEnd {
    /// `fe` must have one channel per line, the last `n_cols` of them
    /// columns.
    pub fn new(fe: FrontEnd, n_cols: usize) -> Self {
        let period_s = fe.params().clock_period_s;
        Self {
            adc: Ad7606::new(period_s, Default::default()),
            n_lines: fe.n_channels(),
            fe,
            n_cols,
            period_s,
            on: false,
            adc_pins: [(false, false); 2],
            pulses: Vec::new(),
            conversions: Vec::new(),
            min_load_to_apply_s: f64::INFINITY,
        }
    }

    /// The ADC's output pins (BUSY, DOUTA) in the coming cycle.
    pub fn adc_pins(&self) -> (bool, bool) {
        self.adc_pins[0]
    }

    /// The pins of cycle `t` (its end, `t` periods from the start); `line`
    /// gives a line's DAC word and mux address as the parts hold them.
    pub fn observe(
        &mut self,
        t: u64,
        pins: ArrayPins,
        line: impl Fn(usize) -> (u16, u8),
    ) -> Result<(), PartError> {
        let t_s = t as f64 * self.period_s;
        let was_on = self.on;
        check(
            !(was_on && pins.apply && pins.t_lines_s == t_s),
            "board",
            "lines changed under an applied pulse",
            t_s,
            || "a DAC output or a mux address changed while the muxes were enabled".to_string(),
        )?;
        let fe_err = |source| PartError::FrontEnd { t_s, source };
        if pins.apply && !was_on {
            for i in 0..self.n_lines {
                let (word, mode) = line(i);
                let mode = ChannelMode::from_bits(mode as u64).map_err(fe_err)?;
                self.fe.stage(i, mode, code_of_word(word)).map_err(fe_err)?;
            }
            self.fe.set_apply(t_s, true).map_err(fe_err)?;
            DevicePulse::record(&self.fe, t, true, &mut self.pulses);
            self.min_load_to_apply_s = self.min_load_to_apply_s.min(t_s - pins.t_lines_s);
        } else if !pins.apply && was_on {
            self.fe.set_apply(t_s, false).map_err(fe_err)?;
            DevicePulse::record(&self.fe, t, false, &mut self.pulses);
        }
        self.on = pins.apply;
        let (fe, first_col) = (&mut self.fe, self.n_lines - self.n_cols);
        let n_cols = self.n_cols;
        let convs = &mut self.conversions;
        self.adc
            .observe(t_s, pins.adc_convst, pins.adc_cs, pins.adc_sclk, || {
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
        Ok(())
    }
}

/// PHY + AD5542A per line + ADG1404 per line + AD7606 + array model.
pub struct PhyBench<P: CycleModel<Inputs = PhyInputs, Outputs = PhyOutputs>> {
    pub phy: P,
    pub dac: Ad5542a,
    pub mux: Adg1404,
    /// The AD7606 and the array model.
    pub array: ArrayEnd,
    t: u64,
    out: PhyOutputs,
}

impl<P: CycleModel<Inputs = PhyInputs, Outputs = PhyOutputs>> PhyBench<P> {
    /// `fe` must have `n_lines` channels, the last `n_cols` of them columns.
    pub fn new(phy: P, fe: FrontEnd, n_cols: usize) -> Self {
        let n_lines = fe.n_channels();
        Self {
            phy,
            dac: Ad5542a::new(n_lines, Default::default()),
            mux: Adg1404::new(n_lines, Default::default()),
            array: ArrayEnd::new(fe, n_cols),
            t: 0,
            out: PhyOutputs::default(),
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
        let (busy, douta) = self.array.adc_pins();
        let inp = PhyInputs {
            reset,
            fe: neuroxbar_models::golden::fe_bus::FeDrive {
                ch: bus.ch,
                code: bus.code,
                mode: bus.mode,
                we: bus.we,
                apply: bus.apply,
                sample: bus.sample,
            },
            adc_busy: busy,
            adc_douta: douta,
        };
        let o = self.phy.step(&inp);
        self.t += 1;
        let t_s = self.t as f64 * self.array.period_s;
        self.dac.observe(t_s, o.dac_cs, o.dac_sclk, o.dac_sdi)?;
        self.mux.observe(t_s, o.mux_a0, o.mux_a1, o.apply)?;
        let (dac, mux) = (&self.dac, &self.mux);
        let pins = ArrayPins {
            apply: o.apply,
            adc_convst: o.adc_convst,
            adc_cs: o.adc_cs,
            adc_sclk: o.adc_sclk,
            t_lines_s: dac.t_load_s,
        };
        self.array
            .observe(self.t, pins, |i| (dac.word(i), mux.mode(i).bits()))?;
        self.out = o;
        Ok(o)
    }
}
