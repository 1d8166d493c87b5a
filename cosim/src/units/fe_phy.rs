//! The front-end PHY (`FrontEndPhy<30, 5>`: 25 rows + 5 columns) on
//! Verilator, rust-hdl and the golden model, and a random bus + ADC pin
//! stimulus.

use super::CycleModel;
use crate::verilated::phy_25x5;
use neuroxbar_models::golden::fe_phy::{FrontEndPhyModel, PhyInputs, PhyOutputs};
use neuroxbar_rtl::fe_bus::{FE_CODE_MAX, FE_CODE_MIN};
use neuroxbar_rtl::fe_phy::FrontEndPhy;
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Lines (rows + columns) and columns of the co-simulated PHY.
pub const N_LINES: usize = 30;
pub const N_COLS: usize = 5;

/// One pin of a back end's model as the golden outputs carry it: `bit` a
/// `bool`, `bits` a `u64` mask.
macro_rules! phy_pin {
    (verilator, bit, $m:expr, $pin:ident) => {
        $m.$pin() != 0
    };
    (verilator, bits, $m:expr, $pin:ident) => {
        $m.$pin()
    };
    (rust_hdl, bit, $d:expr, $pin:ident) => {
        $d.$pin.val()
    };
    (rust_hdl, bits, $d:expr, $pin:ident) => {
        $d.$pin.val().to_u64()
    };
}

/// The three back ends of a front-end PHY whose inputs are the `fe_*` bus
/// and the ADC pins ([`PhyInputs`]) and whose outputs are the bus, the ADC
/// pins, `phy_error` and the PHY's own DAC / mux pins (`$pins`, each `bit`
/// or `bits`): a Verilator model, the rust-hdl simulator (inputs applied
/// with the falling edge) and the golden model.
macro_rules! phy_back_ends {
    (
        outputs: $out:ident,
        verilator: $vl:ident($model:ty),
        rust_hdl: $hdl:ident($dut:ty),
        golden: $gold:ident($gm:ty) = $new:expr,
        pins: { $($pin:ident: $kind:ident),* $(,)? }
    ) => {
        /// Verilator back end.
        pub struct $vl {
            pub harness: $crate::harness::Harness<$model>,
        }

        impl $vl {
            pub fn new(
                trace: $crate::harness::Trace,
            ) -> Result<Self, $crate::harness::HarnessError> {
                Ok(Self {
                    harness: $crate::harness::Harness::new(trace)?,
                })
            }
        }

        impl $crate::units::CycleModel for $vl {
            type Inputs = PhyInputs;
            type Outputs = $out;
            fn step(&mut self, inp: &PhyInputs) -> $out {
                use ::neuroxbar_rtl::fe_bus::code_bits;
                let m = &mut self.harness.model;
                m.set_reset(inp.reset as u64);
                m.set_fe_ch(inp.fe.ch as u64);
                m.set_fe_code(code_bits(inp.fe.code));
                m.set_fe_mode(inp.fe.mode as u64 & 3);
                m.set_fe_we(inp.fe.we as u64);
                m.set_fe_apply(inp.fe.apply as u64);
                m.set_fe_sample(inp.fe.sample as u64);
                m.set_adc_busy(inp.adc_busy as u64);
                m.set_adc_douta(inp.adc_douta as u64);
                self.harness.step();
                let m = &self.harness.model;
                $out {
                    fe: neuroxbar_models::golden::fe_bus::FeAnswer {
                        busy: m.fe_busy() != 0,
                        rd_valid: m.fe_rd_valid() != 0,
                        rd_ch: m.fe_rd_ch() as u8,
                        rd_data: $crate::units::fe_phy::rd_data(m.fe_rd_data()),
                        rd_sat: m.fe_rd_sat() != 0,
                    },
                    adc_convst: m.adc_convst() != 0,
                    adc_cs: m.adc_cs() != 0,
                    adc_sclk: m.adc_sclk() != 0,
                    phy_error: m.phy_error() as u8,
                    $($pin: $crate::units::fe_phy::phy_pin!(verilator, $kind, m, $pin),)*
                }
            }
            fn skip_time(&mut self, cycles: u64) {
                self.harness.skip(cycles);
            }
        }

        /// rust-hdl simulator back end (inputs applied with the falling edge).
        pub struct $hdl {
            pub dut: Box<$dut>,
        }

        impl Default for $hdl {
            fn default() -> Self {
                let mut dut = Box::<$dut>::default();
                dut.connect_all();
                Self { dut }
            }
        }

        impl $crate::units::CycleModel for $hdl {
            type Inputs = PhyInputs;
            type Outputs = $out;
            fn step(&mut self, inp: &PhyInputs) -> $out {
                use ::neuroxbar_rtl::fe_bus::code_bits;
                let d = &mut *self.dut;
                d.reset.next = inp.reset;
                d.fe.ch.next = (inp.fe.ch as u64).into();
                d.fe.code.next = code_bits(inp.fe.code).into();
                d.fe.mode.next = (inp.fe.mode as u64 & 3).into();
                d.fe.we.next = inp.fe.we;
                d.fe.apply.next = inp.fe.apply;
                d.fe.sample.next = inp.fe.sample;
                d.adc.busy.next = inp.adc_busy;
                d.adc.douta.next = inp.adc_douta;
                rust_hdl_cycle!(d, 200);
                $out {
                    fe: neuroxbar_models::golden::fe_bus::FeAnswer {
                        busy: d.fe.busy.val(),
                        rd_valid: d.fe.rd_valid.val(),
                        rd_ch: d.fe.rd_ch.val().to_u64() as u8,
                        rd_data: $crate::units::fe_phy::rd_data(d.fe.rd_data.val().to_u64()),
                        rd_sat: d.fe.rd_sat.val(),
                    },
                    adc_convst: d.adc.convst.val(),
                    adc_cs: d.adc.cs.val(),
                    adc_sclk: d.adc.sclk.val(),
                    phy_error: d.phy_error.val().to_u64() as u8,
                    $($pin: $crate::units::fe_phy::phy_pin!(rust_hdl, $kind, d, $pin),)*
                }
            }
        }

        /// Golden model back end.
        pub struct $gold(pub $gm);

        impl Default for $gold {
            fn default() -> Self {
                Self($new)
            }
        }

        impl $crate::units::CycleModel for $gold {
            type Inputs = PhyInputs;
            type Outputs = $out;
            fn step(&mut self, inp: &PhyInputs) -> $out {
                self.0.step(inp)
            }
        }
    };
}
pub(crate) use {phy_back_ends, phy_pin};

/// The signed code of an `fe_rd_data` pattern.
pub fn rd_data(bits: u64) -> i16 {
    use neuroxbar_models::golden::fixed::sign_extend;
    use neuroxbar_rtl::fe_bus::FE_RD_BITS;
    sign_extend(bits, FE_RD_BITS as _) as i16
}

phy_back_ends! {
    outputs: PhyOutputs,
    verilator: VerilatorPhy(phy_25x5::Model),
    rust_hdl: RustHdlPhy(FrontEndPhy<N_LINES, N_COLS>),
    golden: GoldenPhy(FrontEndPhyModel) = FrontEndPhyModel::new(N_LINES, N_COLS),
    pins: {
        dac_cs: bit,
        dac_sclk: bit,
        dac_sdi: bits,
        mux_a0: bits,
        mux_a1: bits,
        apply: bit,
    }
}

/// Run `cycles` cycles of [`PhyStimulus`] (`seed`) on the golden, Verilator
/// and rust-hdl back ends of a PHY, the stimulus closed on the golden
/// outputs as `view` shows them; panic at the first cycle where the back
/// ends differ; `each(last, now)` sees every cycle's golden outputs after
/// the last ones.
pub fn random_lockstep<O: PartialEq + std::fmt::Debug + Default + Copy>(
    golden: &mut dyn CycleModel<Inputs = PhyInputs, Outputs = O>,
    verilator: &mut dyn CycleModel<Inputs = PhyInputs, Outputs = O>,
    rust_hdl: &mut dyn CycleModel<Inputs = PhyInputs, Outputs = O>,
    seed: u64,
    cycles: u64,
    view: impl Fn(&O) -> PhyOutputs,
    mut each: impl FnMut(&O, &O),
) {
    let mut stim = PhyStimulus::new(seed);
    let mut last = O::default();
    for c in 0..cycles {
        let inp = stim.next(&view(&last));
        let g = golden.step(&inp);
        let v = verilator.step(&inp);
        let h = rust_hdl.step(&inp);
        assert!(
            g == v && g == h,
            "cycle {c}: inputs {inp:?}\n golden    {g:?}\n verilator {v:?}\n rust-hdl  {h:?}"
        );
        each(&last, &g);
        last = g;
    }
}

/// Seeded random stimulus, closed loop on the PHY's outputs: bursts of
/// staging writes (random channels, also beyond the lines, random modes and
/// codes), apply pulses of random width (sometimes too soon after the last
/// batch, which sets `phy_error`), sample strobes inside pulses and
/// elsewhere, an ADC that answers CONVST with BUSY after a random delay
/// (sometimes never) and random DOUTA bits, and occasional resets.
pub struct PhyStimulus {
    rng: rand_chacha::ChaCha8Rng,
    cycle: u64,
    /// Bus script of the current operation: (we, ch, mode, code, apply, sample).
    script: std::collections::VecDeque<(bool, u8, u8, i16, bool, bool)>,
    /// ADC pin model: cycles until BUSY rises / falls.
    busy_in: Option<u32>,
    busy_left: u32,
    busy: bool,
    convst: bool,
}

impl PhyStimulus {
    pub fn new(seed: u64) -> Self {
        use rand::SeedableRng;
        Self {
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed),
            cycle: 0,
            script: Default::default(),
            busy_in: None,
            busy_left: 0,
            busy: false,
            convst: false,
        }
    }

    fn plan(&mut self) {
        use rand::Rng;
        let r = &mut self.rng;
        let writes = match r.gen_range(0..6) {
            0 => 0,
            1 => r.gen_range(1..5),
            _ => N_LINES,
        };
        for k in 0..writes {
            let ch = if r.gen_ratio(1, 20) {
                r.gen()
            } else if writes == N_LINES {
                k as u8
            } else {
                r.gen_range(0..N_LINES as u8)
            };
            let code = r.gen_range(FE_CODE_MIN..=FE_CODE_MAX);
            self.script
                .push_back((true, ch, r.gen_range(0..4), code, false, false));
        }
        let pulses = r.gen_range(1..4);
        for p in 0..pulses {
            let w = match r.gen_range(0..4) {
                0 => 1,
                1 => r.gen_range(1..80),
                _ => r.gen_range(1..8),
            };
            let sample_at = r.gen_ratio(1, 2).then(|| r.gen_range(0..w));
            for c in 0..w {
                self.script
                    .push_back((false, 0, 0, 0, true, sample_at == Some(c)));
            }
            let gap = if p + 1 < pulses {
                r.gen_range(1..6)
            } else {
                r.gen_range(0..3)
            };
            for _ in 0..gap {
                self.script.push_back((false, 0, 0, 0, false, false));
            }
        }
    }

    /// Inputs of the next cycle, given the outputs after the last one.
    pub fn next(&mut self, last: &PhyOutputs) -> PhyInputs {
        use rand::Rng;
        // ADC pins: BUSY some cycles after CONVST, for some cycles; DOUTA random
        let convst_rose = last.adc_convst && !self.convst;
        self.convst = last.adc_convst;
        if convst_rose && !self.busy && self.busy_in.is_none() {
            self.busy_in = if self.rng.gen_ratio(1, 30) {
                None // BUSY never rises: the PHY times out
            } else {
                Some(self.rng.gen_range(0..5))
            };
            self.busy_left = self.rng.gen_range(1..60);
        }
        if let Some(n) = self.busy_in {
            if n == 0 {
                self.busy = true;
                self.busy_in = None;
            } else {
                self.busy_in = Some(n - 1);
            }
        } else if self.busy {
            self.busy_left = self.busy_left.saturating_sub(1);
            if self.busy_left == 0 {
                self.busy = false;
            }
        }
        let mut inp = PhyInputs {
            reset: self.cycle < 2 || self.rng.gen_ratio(1, 20_000),
            adc_busy: self.busy,
            adc_douta: self.rng.gen(),
            ..Default::default()
        };
        // the bus: wait for fe_busy low (mostly), then run an operation
        if self.script.is_empty() && (!last.fe.busy || self.rng.gen_ratio(1, 200)) {
            self.plan();
        }
        if let Some((we, ch, mode, code, apply, sample)) = self.script.pop_front() {
            inp.fe.we = we;
            inp.fe.ch = ch;
            inp.fe.mode = mode;
            inp.fe.code = code;
            inp.fe.apply = apply;
            inp.fe.sample = sample;
        }
        self.cycle += 1;
        inp
    }
}
