//! Golden model of `neuroxbar_rtl::input_encoder::InputEncoder`.

/// Rate-coder LFSR taps and per-row seed constant (same as the RTL).
pub const LFSR_TAPS: u16 = 0xB400;
pub const LFSR_ROW_SEED: u64 = 0x9E37;

/// Encoding of a time step's row spikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    Host = 0,
    Rate = 1,
    Latency = 2,
}

/// Inputs during one clock cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderInputs {
    pub reset: bool,
    pub tick: bool,
    pub present: bool,
    pub mode: u8,
    pub spikes_in: u128,
    pub intensity: Vec<u8>,
    pub ramp_step: u8,
    pub seed: u16,
}

/// Registered state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputEncoderModel {
    pub lfsr: Vec<u16>,
    pub fired: u128,
    pub ramp: u8,
    pub row_spikes: u128,
    pub valid: bool,
}

/// The seed constant of row `i`.
pub fn row_seed(i: usize) -> u16 {
    (((i as u64 + 1) * LFSR_ROW_SEED) & 0xFFFF) as u16
}

impl InputEncoderModel {
    pub fn new(n_rows: usize) -> Self {
        assert!(n_rows <= 128);
        Self {
            lfsr: vec![0; n_rows],
            fired: 0,
            ramp: 0,
            row_spikes: 0,
            valid: false,
        }
    }

    /// This cycle's combinational spikes (before registering).
    pub fn spikes_now(&self, inp: &EncoderInputs) -> u128 {
        let mut spk = 0u128;
        for i in 0..self.lfsr.len() {
            let s = match inp.mode {
                1 => ((self.lfsr[i] & 0xFF) as u8) < inp.intensity[i],
                2 => (self.fired >> i) & 1 == 0 && self.ramp >= !inp.intensity[i],
                _ => (inp.spikes_in >> i) & 1 == 1,
            };
            spk |= (s as u128) << i;
        }
        spk
    }

    pub fn step(&mut self, inp: &EncoderInputs) {
        let spk = self.spikes_now(inp);
        for i in 0..self.lfsr.len() {
            if inp.reset {
                self.lfsr[i] = inp.seed ^ row_seed(i);
            } else if inp.tick {
                let l = self.lfsr[i];
                self.lfsr[i] = if l == 0 {
                    row_seed(i)
                } else if l & 1 == 1 {
                    (l >> 1) ^ LFSR_TAPS
                } else {
                    l >> 1
                };
            }
        }
        self.valid = inp.tick && !inp.reset;
        if inp.reset || inp.present {
            self.fired = 0;
            self.ramp = 0;
            self.row_spikes = 0;
        } else if inp.tick {
            self.row_spikes = spk;
            if inp.mode == 2 {
                self.fired |= spk;
            }
            self.ramp = (self.ramp as u16 + inp.ramp_step as u16).min(255) as u8;
        }
    }
}
