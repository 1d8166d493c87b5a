//! E3 `temporal-stp`: temporal pattern separability of one short-term
//! plastic synapse (Wan et al. 2021, LiWES, Section 2.5 and Fig 6).
//!
//! One Poisson input (10 Hz) drives one `liwes` synapse, which drives one LIF
//! neuron with an infinite threshold. `classes` random trains of `train_ms`,
//! each followed by a "sequence end" spike at the same `t_end = train_ms +
//! gap_ms`, are each presented `presentations` times; the membrane is read
//! `read_ms` after the end spike. Separability = mean inter-class distance -
//! mean intra-class distance of the read-outs. The read-out vector is the
//! single membrane value at `t_end + read_ms` (the paper's Fig 6d), so the
//! Euclidean distance is `|v_a - v_b|`.
//!
//! # Through the RTL
//! - **Synapse**: one cell (row 0, column 0) of a `liwes` array behind the
//!   Verilated crossbar controller (`CrossbarController<25, 5>`), bound to
//!   the array + front-end model as in E5 ([`XbarBench`]). Each input spike
//!   is one PROGRAM command: one gate pulse of the Table 1 amplitude and
//!   width (1 V, 200 us, V/2 scheme). The conductance is read with a READ of
//!   row 0 (0.1 V, TIA 10 pA/LSB) in the middle of every 1 ms tick. After a
//!   presentation the cell's lasting step is taken back by a PROGRAM of
//!   `spikes + 2` depression pulses (-1 V, 200 us; the model stops at its
//!   floor), then `rest_ms` pass (warped) before the next presentation, so
//!   every presentation starts from the same state.
//! - **Neuron**: the Verilated neuron core (`LifWtaTop<16>`), multiplier leak
//!   `DECAY = round(exp(-tick / tau_m) * 2^16)`, threshold register at its
//!   maximum (never reached: a spike or the saturation flag is an error),
//!   WTA off. Neuron 0 gets the LiWES cell's read, neuron 1 the IDEAL
//!   cell's, neuron 2 the NO-STP Dirac input, one tick per input tick.
//!   `i_in` is the ADC code minus the code read at rest before the first
//!   gate pulse of the run, the floor (the paper's `G(t)` starts at 0; the
//!   resting conductance would be a constant bias). The membrane is signed Q16.8 (+-32768
//!   codes): `GAIN` (Q8.8) is the power of two at or below
//!   `2.5 * tick / tau_m` (1/4 at 10 ms, 1/64 at 100 ms), which keeps the
//!   membrane below ~15000 codes for these inputs while one code of input
//!   (0.001 of a Table 1 unit) still moves it by >= 4 LSB. So the RTL LIF
//!   holds the membrane; nothing is integrated on the host.
//! - **Units**: the membrane is reported in the paper's synapse units
//!   (Table 1's A1, A2: 0.1 uS per unit, `st_unit_s`), integrated as
//!   `tau_m dv/dt = -v + G(t)`. NO-STP is a Dirac `k delta(t - t_i)`: a jump
//!   of `k / tau_m` (`tau_m` in ms), with `k` set so the jump equals the peak
//!   of the IDEAL synapse's single-spike response, measured through the same
//!   RTL path (the paper's 4.3 and 16.7 are reported next to it).
//!
//! # Synapses
//! - `liwes`: the calibrated model (`models/params/liwes.toml`), stochastic
//!   short-term parameters drawn per spike (Table 1 mean +- sd, plus `eta`).
//! - `ideal`: the same model with every sd 0 (short-term, C2C, D2D, read
//!   noise). The front-end's own read noise (0.1 nA) is still there.
//! - `no-stp`: the Dirac above, no device.
//!
//! Every random number comes from `seed`: the trains, and the two arrays'
//! device and front-end streams.

use crate::experiment::ExperimentError;
use crate::experiment::{dac_code, whole_cycles};
use crate::letters_stm_ltm::XbarBench;
use neuroxbar_cosim::units::lif_wta::{VerilatorLifWta, N as LIF_N};
use neuroxbar_cosim::units::xbar_ctrl::{VerilatorXbar, N_COLS, N_ROWS};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::common::num;
use neuroxbar_models::device::liwes::StMode;
use neuroxbar_models::device::{DeviceKind, DeviceSpec, ParamSet};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_models::golden::lif_wta_top::TopInputs;
use neuroxbar_models::golden::xbar_ctrl::{XbarInputs, XbarOutputs};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The paper's Fig 6f, 6g: `(tau_m_s, synapse, separability, ratio to NO-STP)`.
pub const PAPER: [(f64, &str, f64, f64); 6] = [
    (0.01, "no-stp", 3.8e-4, 1.0),
    (0.01, "liwes", 4.9e-2, 128.0),
    (0.01, "ideal", 8.6e-2, 226.0),
    (0.1, "no-stp", 8.4e-2, 1.0),
    (0.1, "liwes", 1.2e-1, 1.4),
    (0.1, "ideal", 1.4e-1, 1.7),
];

/// The paper's NO-STP weights `k` (Section 2.5): `(tau_m_s, k)`.
pub const PAPER_K: [(f64, f64); 2] = [(0.01, 4.3), (0.1, 16.7)];

/// The synapses, in report order.
pub const SYNAPSES: [&str; 3] = ["liwes", "ideal", "no-stp"];

/// Parameters of E3 (every one is reported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E3Config {
    pub device: String,
    pub seed: u64,
    /// Poisson rate of the input, Hz.
    pub rate_hz: f64,
    /// Duration of the random train, ms (the paper does not state it).
    pub train_ms: f64,
    /// From the end of the train to the end-of-sequence spike, ms (not stated).
    pub gap_ms: f64,
    /// From the end spike to the membrane read-out, ms (not stated).
    pub read_ms: f64,
    pub classes: usize,
    pub presentations: usize,
    pub tau_m_s: Vec<f64>,
    /// Neuron tick and conductance read period, ms.
    pub tick_ms: f64,
    /// Gate pulse per input spike (Table 1: 1 V, 200 us).
    pub pulse_v: f64,
    pub pulse_width_s: f64,
    pub read_v: f64,
    /// TIA gain (index into the front-end's table; 1 = 10 pA per LSB).
    pub tia_gain_index: usize,
    /// Idle time between presentations (after the lasting-step reset), ms.
    pub rest_ms: f64,
    /// Depress the cell back to its floor after every presentation.
    pub lt_reset: bool,
    /// Keep the model's lasting (long-term) step per gate pulse; false sets
    /// `alpha = 0`, the paper's SNN model (short-term response only).
    pub long_term_step: bool,
    /// Length of the single-spike calibration (IDEAL, gives `k`), ms.
    pub calibration_ms: f64,
    /// Warp over waits and idle time (same results, much faster).
    pub warp: bool,
    /// The accelerator's clock, MHz: the tick, the pulse width and interval,
    /// the DAC settling and the ADC conversion become whole cycles of it.
    pub clock_mhz: f64,
}

impl E3Config {
    /// The experiment as specified (50 classes x 10 presentations).
    pub fn full(seed: u64) -> Self {
        E3Config {
            device: "liwes".into(),
            seed,
            rate_hz: 10.0,
            train_ms: 1000.0,
            gap_ms: 50.0,
            read_ms: 1.0,
            classes: 50,
            presentations: 10,
            tau_m_s: vec![0.01, 0.1],
            tick_ms: 1.0,
            pulse_v: 1.0,
            pulse_width_s: 200e-6,
            read_v: 0.1,
            tia_gain_index: 1,
            rest_ms: 2000.0,
            lt_reset: true,
            long_term_step: true,
            calibration_ms: 600.0,
            warp: true,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
        }
    }

    /// Check every field; errors name the option and its allowed range.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        let bad = |name: &str, v: f64, range: &str| {
            Err(ExperimentError::Invalid(format!(
                "{name} {}: allowed range {range}",
                num(v)
            )))
        };
        if !(2..=200).contains(&self.classes) {
            return bad("--classes", self.classes as f64, "2..=200");
        }
        if !crate::experiment::CLOCK_MHZ_RANGE.contains(&self.clock_mhz) {
            return bad(
                "--clock-mhz",
                self.clock_mhz,
                &format!(
                    "{} ..= {} MHz",
                    crate::experiment::CLOCK_MHZ_RANGE.start(),
                    crate::experiment::CLOCK_MHZ_RANGE.end()
                ),
            );
        }
        if !(2..=100).contains(&self.presentations) {
            return bad("--presentations", self.presentations as f64, "2..=100");
        }
        let ticks = |name: &str, v: f64, lo: f64, hi: f64| -> Result<(), ExperimentError> {
            if !(v.is_finite() && v >= lo && v <= hi) {
                return bad(name, v, &format!("{lo}..={hi} ms"));
            }
            let n = v / self.tick_ms;
            if (n - n.round()).abs() > 1e-9 {
                return Err(ExperimentError::Invalid(format!(
                    "{name} {}: must be a whole number of {} ms ticks",
                    num(v),
                    self.tick_ms
                )));
            }
            Ok(())
        };
        ticks("--train-ms", self.train_ms, self.tick_ms, 20_000.0)?;
        ticks("--gap-ms", self.gap_ms, self.tick_ms, 5_000.0)?;
        ticks("--read-ms", self.read_ms, self.tick_ms, 5_000.0)?;
        if !(self.rate_hz > 0.0 && self.rate_hz <= 200.0) {
            return bad("rate_hz", self.rate_hz, "(0, 200] Hz");
        }
        if self.pulse_width_s * 1e3 >= self.tick_ms / 2.0 {
            return Err(ExperimentError::Invalid(format!(
                "pulse_width_s {}: must end before the mid-tick read ({} ms)",
                self.pulse_width_s,
                self.tick_ms / 2.0
            )));
        }
        if self.tau_m_s.is_empty() || self.tau_m_s.iter().any(|&t| !(1e-3..=10.0).contains(&t)) {
            return Err(ExperimentError::Invalid(
                "tau_m_s: each in 0.001..=10 s, at least one".into(),
            ));
        }
        Ok(())
    }

    fn ticks(&self, ms: f64) -> usize {
        (ms / self.tick_ms).round() as usize
    }

    /// Ticks of a presentation (up to the read-out).
    pub fn presentation_ticks(&self) -> usize {
        self.ticks(self.train_ms + self.gap_ms + self.read_ms)
    }

    /// Tick of the end-of-sequence spike.
    pub fn end_tick(&self) -> usize {
        self.ticks(self.train_ms + self.gap_ms)
    }
}

/// The class trains: spike ticks, ascending, the end spike last.
pub fn class_trains(cfg: &E3Config) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE3_7EA1_5EED);
    let train_ticks = cfg.ticks(cfg.train_ms);
    (0..cfg.classes)
        .map(|_| {
            let mut s: Vec<usize> = Vec::new();
            let mut t_ms = 0.0;
            loop {
                let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
                t_ms += -u.ln() / cfg.rate_hz * 1e3;
                let k = (t_ms / cfg.tick_ms).floor() as usize;
                if k >= train_ticks {
                    break;
                }
                // two spikes in one tick are one gate pulse
                if s.last() != Some(&k) {
                    s.push(k);
                }
            }
            s.push(cfg.end_tick());
            s
        })
        .collect()
}

/// One synapse's reads through the crossbar controller.
#[derive(Debug, Clone, Default)]
pub struct DeviceRun {
    /// `[class][presentation][tick]`: ADC code minus the floor code.
    pub codes: Vec<Vec<Vec<i32>>>,
    /// The first rest read, before any gate pulse: the reference of `codes`.
    pub floor_code: Option<i32>,
    /// Rest code before each presentation (its spread is the eta offset the
    /// reset's last pulse leaves; the lasting step is back to the floor).
    pub rest_codes: Vec<i32>,
    /// Single-spike response (calibration), codes above rest, per tick.
    pub calibration: Vec<i32>,
    pub energy_j: f64,
    pub simulated_time_s: f64,
    pub cycles: u64,
    pub clocked_cycles: u64,
    pub warped_cycles: u64,
    pub idle_skipped_cycles: u64,
    pub program_commands: u64,
    pub reads: u64,
    /// Largest code read (saturation check).
    pub max_code: i32,
    /// Simulated time from the tick start to the sample strobe, first read, s.
    pub read_offset_s: f64,
}

/// Per `(tau, synapse)` results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SepResult {
    pub tau_m_s: f64,
    pub synapse: String,
    pub separability: f64,
    pub inter_class_distance: f64,
    pub intra_class_distance: f64,
    pub ratio_to_no_stp: f64,
    pub paper_separability: f64,
    pub paper_ratio_to_no_stp: f64,
    /// Mean read-out, paper units.
    pub mean_readout: f64,
}

/// The neuron configuration of one `tau_m`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeuronConfig {
    pub tau_m_s: f64,
    pub decay_bits: u16,
    /// `-tick / ln(decay)`: the time constant the register holds, s.
    pub tau_m_effective_s: f64,
    pub gain_bits: u16,
    /// Peak of the IDEAL single-spike response, paper units.
    pub ideal_single_spike_peak: f64,
    /// `k = peak * tau_m[ms]`, and the paper's value.
    pub k: f64,
    pub k_paper: f64,
    /// NO-STP input code per spike and its jump in paper units (`k / tau_m`).
    pub no_stp_code: i16,
    /// Paper units per membrane LSB (2^-8 code): LiWES/IDEAL, NO-STP.
    pub units_per_lsb_device: f64,
    pub units_per_lsb_no_stp: f64,
    /// Largest |membrane| seen, codes (limit 32768).
    pub max_abs_membrane_codes: f64,
}

/// Results of a run.
#[derive(Debug, Clone)]
pub struct E3Result {
    pub results: Vec<SepResult>,
    pub neurons: Vec<NeuronConfig>,
    /// `[tau][synapse][class][presentation]` read-outs, paper units.
    pub readouts: Vec<Vec<Vec<Vec<f64>>>>,
    /// Class 0, presentation 0: `[tau][synapse][tick]` membranes, paper units.
    pub traces: Vec<Vec<Vec<f64>>>,
    /// Class 0, presentation 0: conductance above rest, paper units, LiWES and IDEAL.
    pub g_trace: [Vec<f64>; 2],
    pub trains: Vec<Vec<usize>>,
    pub spikes_per_class_mean: f64,
    pub runs: [DeviceRun; 2],
    /// Paper units per ADC code (`lsb / (read_v * st_unit_s)`).
    pub units_per_code: f64,
    pub lif_clocked_cycles: u64,
    pub energy_j: f64,
    pub simulated_time_s: f64,
    pub cycles: u64,
}

fn err(t_s: f64, e: impl std::fmt::Display) -> ExperimentError {
    ExperimentError::Invalid(format!("front-end at t = {t_s:.9} s: {e}"))
}

/// The device spec of a synapse: `liwes` as calibrated, `ideal` with every sd 0.
pub fn synapse_spec(cfg: &E3Config, synapse: &str) -> Result<DeviceSpec, ExperimentError> {
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Invalid)?;
    let mut spec =
        DeviceSpec::load(kind, None).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let ParamSet::Liwes(p) = &mut spec.params else {
        return Err(ExperimentError::Invalid(format!(
            "temporal-stp runs on liwes devices (got {})",
            cfg.device
        )));
    };
    if !cfg.long_term_step {
        p.alpha = 0.0;
    }
    match synapse {
        "liwes" => p.st_mode = StMode::Stochastic,
        "ideal" => {
            p.st_mode = StMode::Ideal;
            p.c2c_sd = 0.0;
            p.d2d_sd = 0.0;
            p.read_noise_sd = 0.0;
        }
        s => return Err(ExperimentError::Invalid(format!("no device synapse `{s}`"))),
    }
    Ok(spec)
}

fn st_unit_s(spec: &DeviceSpec) -> f64 {
    match &spec.params {
        ParamSet::Liwes(p) => p.st_unit_s,
        _ => f64::NAN,
    }
}

/// Read cell (0, 0): the column-0 code of a READ of row 0.
fn read_cell<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    run: &mut DeviceRun,
) -> Result<i32, ExperimentError> {
    b.take_samples();
    let (c, sat) = b.read(1)?;
    let strobes = b.take_samples();
    if strobes.len() != 1 {
        return Err(ExperimentError::Invalid(format!(
            "{} sample strobes for one row read",
            strobes.len()
        )));
    }
    if sat & 1 != 0 {
        return Err(ExperimentError::Invalid(format!(
            "the ADC saturated reading the synapse at t = {:.6} s: use a coarser TIA gain",
            b.time_s()
        )));
    }
    run.reads += 1;
    run.max_code = run.max_code.max(c[0] as i32);
    Ok(c[0] as i32)
}

/// Give back the lasting step of `n` potentiation pulses (`n + 2` depressions).
fn reset_lasting<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    n: usize,
) -> Result<(), ExperimentError> {
    let mut left = n + 2;
    while left > 0 {
        let k = left.min(255);
        b.program(0, 0, false, k as u8)?;
        left -= k;
    }
    Ok(())
}

/// Present the spike ticks `spikes` once (`ticks` ticks) from the next
/// tick boundary; returns the codes above the floor code, and the rest code.
fn present<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    cfg: &E3Config,
    spikes: &[usize],
    ticks: usize,
    run: &mut DeviceRun,
) -> Result<(Vec<i32>, i32), ExperimentError> {
    let period = b.fe.params().clock_period_s;
    let tick = whole_cycles(cfg.tick_ms * 1e-3, period);
    let half = tick / 2;
    let t0 = b.time_cycles().div_ceil(tick) * tick + tick;
    b.idle_until(t0 - half)?;
    let rest = read_cell(b, run)?;
    // the reference is the first rest read, before any gate pulse (the
    // floor, no short-term part): a later rest read would carry the eta
    // offset the reset's last pulse left, which the next spike's decay
    // takes away again, so it would shift the whole presentation
    let floor = *run.floor_code.get_or_insert(rest);
    let mut codes = Vec::with_capacity(ticks);
    let mut next = spikes.iter().peekable();
    for n in 0..ticks {
        let tn = t0 + n as u64 * tick;
        if next.peek() == Some(&&n) {
            next.next();
            if b.time_cycles() > tn {
                return Err(ExperimentError::Invalid(format!(
                    "tick {n}: the previous read ran past the tick start"
                )));
            }
            b.idle_until(tn)?;
            b.program(0, 0, true, 1)?;
        }
        if b.time_cycles() > tn + half {
            return Err(ExperimentError::Invalid(format!(
                "tick {n}: the gate pulse ran past the mid-tick read"
            )));
        }
        b.idle_until(tn + half)?;
        if run.reads == 1 {
            run.read_offset_s = (b.time_cycles() - tn) as f64 * period;
        }
        codes.push(read_cell(b, run)? - floor);
    }
    if cfg.lt_reset {
        reset_lasting(b, spikes.len())?;
    }
    let t = b.time_cycles() + whole_cycles(cfg.rest_ms * 1e-3, period);
    b.idle_until(t)?;
    run.rest_codes.push(rest);
    Ok((codes, rest))
}

/// Run one device synapse (`liwes` or `ideal`) through the Verilated
/// crossbar controller: the calibration spike, then every class and
/// presentation.
pub fn run_device(
    cfg: &E3Config,
    synapse: &str,
    trains: &[Vec<usize>],
    progress: &mut dyn FnMut(usize, usize),
    done0: usize,
    total: usize,
) -> Result<DeviceRun, ExperimentError> {
    let spec = synapse_spec(cfg, synapse)?;
    let params = FrontEndParams {
        tia_gain_index: cfg.tia_gain_index,
        ..crate::experiment::fe_params(cfg.clock_mhz)?
    };
    params
        .validate()
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let stream = if synapse == "liwes" { 1 } else { 2 };
    let fe_seed = cfg
        .seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(stream);
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, params.clone(), fe_seed)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let lsb_v = params.dac_lsb_volts;
    let period = params.clock_period_s;
    let width = whole_cycles(cfg.pulse_width_s, period);
    if width == 0 || width >= 1 << 24 {
        return Err(ExperimentError::Invalid(
            "pulse_width_s: 1 ..= 2^24 - 1 cycles".into(),
        ));
    }
    let (safe_min_v, safe_max_v) = { spec.instantiate(0).safe_window_volts() };
    let xcfg = XbarInputs {
        v_read: dac_code("read_v", cfg.read_v, lsb_v)?,
        settle: params.dac_settle_cycles().max(1) as u16,
        v_pot: dac_code("pulse_v", cfg.pulse_v, lsb_v)?,
        v_dep: dac_code("pulse_v", -cfg.pulse_v, lsb_v)?,
        width: width as u32,
        // 1 ms between the depression pulses of the reset
        interval: whole_cycles(1e-3, period) as u32,
        scheme_v3: false,
        safe_max: dac_code("safe_max_v", safe_max_v, lsb_v)?,
        safe_min: dac_code("safe_min_v", safe_min_v, lsb_v)?,
        refresh_code: 0,
        refresh_width: 1,
        ..Default::default()
    };
    let dut =
        VerilatorXbar::new(Trace::Off).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let mut b = XbarBench::new(dut, fe, xcfg, cfg.warp)?;
    let mut run = DeviceRun::default();
    // single-spike calibration (its own presentation, spike at tick 0)
    let cal_ticks = cfg.ticks(cfg.calibration_ms);
    let (cal, _) = present(&mut b, cfg, &[0], cal_ticks, &mut run)?;
    run.calibration = cal;
    let ticks = cfg.presentation_ticks();
    let mut done = done0;
    for train in trains {
        let mut per = Vec::with_capacity(cfg.presentations);
        for _ in 0..cfg.presentations {
            let (codes, _) = present(&mut b, cfg, train, ticks, &mut run)?;
            per.push(codes);
            done += 1;
            progress(done, total);
        }
        run.codes.push(per);
    }
    b.fe.sync().map_err(|e| err(b.time_s(), e))?;
    run.energy_j = b.fe.energy_j();
    run.simulated_time_s = b.time_s();
    run.cycles = b.time_cycles();
    run.clocked_cycles = b.stats().clocked_cycles;
    run.warped_cycles = b.stats().warped_cycles;
    run.idle_skipped_cycles = b.stats().idle_skipped_cycles;
    run.program_commands = b.dut.program_commands;
    if b.outputs().clamp_error {
        return Err(ExperimentError::Invalid(
            "the controller clamped a pulse amplitude".into(),
        ));
    }
    Ok(run)
}

/// The Verilated neuron core, configured for one `tau_m`.
struct Lif {
    dut: VerilatorLifWta,
    cycles: u64,
    regs: Vec<(u8, u32)>,
}

impl Lif {
    fn new(decay_bits: u16, gain_bits: u16) -> Result<Self, ExperimentError> {
        let dut = VerilatorLifWta::new(Trace::Off)
            .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
        Ok(Lif {
            dut,
            cycles: 0,
            regs: vec![
                // CTRL: WTA off, multiplier leak
                (0x00, 0b100),
                // THRESHOLD: the largest Q16.8 value (never reached)
                (0x01, 0x7F_FFFF),
                (0x02, 0),
                (0x04, decay_bits as u32),
                (0x05, gain_bits as u32),
                (0x06, 0),
            ],
        })
    }

    fn step(&mut self, inp: &TopInputs) -> neuroxbar_models::golden::lif_wta_top::TopOutputs {
        self.cycles += 1;
        self.dut.step(inp)
    }

    /// Reset (membranes to 0) and write the registers.
    fn restart(&mut self) -> Result<(), ExperimentError> {
        let mut inp = TopInputs {
            reset: true,
            tick: false,
            wta_clear: false,
            i_in: vec![0; LIF_N],
            cfg_write: None,
        };
        self.step(&inp);
        self.step(&inp);
        inp.reset = false;
        for &(a, d) in &self.regs.clone() {
            inp.cfg_write = Some((a, d));
            let o = self.step(&inp);
            if o.cfg_error {
                return Err(ExperimentError::Invalid(format!(
                    "neuron core refused register 0x{a:02x} = 0x{d:x}"
                )));
            }
        }
        Ok(())
    }

    /// Run `inputs[neuron][tick]` from rest; the membranes (raw Q16.8) after
    /// every tick, `[neuron][tick]`.
    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<Vec<i32>>, ExperimentError> {
        self.restart()?;
        let ticks = inputs[0].len();
        let mut out = vec![Vec::with_capacity(ticks); inputs.len()];
        let mut inp = TopInputs {
            reset: false,
            tick: true,
            wta_clear: false,
            i_in: vec![0; LIF_N],
            cfg_write: None,
        };
        for n in 0..ticks {
            for (j, x) in inputs.iter().enumerate() {
                inp.i_in[j] = i16::try_from(x[n]).map_err(|_| {
                    ExperimentError::Invalid(format!(
                        "input {} codes does not fit the neuron's 16-bit i_in",
                        x[n]
                    ))
                })?;
            }
            // one tick, then the pipeline's other cycles without one (a tick
            // closer than LIF_LATENCY cycles to the last is ignored)
            inp.tick = true;
            let mut o = self.step(&inp);
            inp.tick = false;
            for _ in 1..neuroxbar_models::golden::lif::LIF_LATENCY {
                o = self.step(&inp);
            }
            if o.saturated || o.spikes != 0 {
                return Err(ExperimentError::Invalid(
                    "the RTL LIF membrane saturated (Q16.8, +-32768 codes): lower its GAIN".into(),
                ));
            }
            for (j, v) in out.iter_mut().enumerate() {
                v.push(o.v_mem[j]);
            }
        }
        Ok(out)
    }
}

/// Mean inter-class and intra-class distance of 1-D read-outs `[class][presentation]`.
pub fn distances(points: &[Vec<f64>]) -> (f64, f64) {
    let (mut inter, mut ni, mut intra, mut na) = (0.0, 0u64, 0.0, 0u64);
    for (c, pc) in points.iter().enumerate() {
        for (i, &a) in pc.iter().enumerate() {
            for &b in &pc[i + 1..] {
                intra += (a - b).abs();
                na += 1;
            }
            for pd in &points[c + 1..] {
                for &b in pd {
                    inter += (a - b).abs();
                    ni += 1;
                }
            }
        }
    }
    (inter / ni.max(1) as f64, intra / na.max(1) as f64)
}

/// GAIN register (Q8.8) for `tau_m`: the power of two at or below `2.5 tick / tau_m`.
pub fn gain_bits(tick_s: f64, tau_m_s: f64) -> u16 {
    let g = 2.5 * tick_s / tau_m_s;
    let e = g.log2().floor().clamp(-8.0, 7.0);
    (256.0 * 2f64.powf(e)).round() as u16
}

/// Run E3 through the Verilated crossbar controller and neuron core.
pub fn run_verilator(
    cfg: &E3Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E3Result, ExperimentError> {
    cfg.validate()?;
    let trains = class_trains(cfg);
    let total = 2 * cfg.classes * cfg.presentations;
    let liwes = run_device(cfg, "liwes", &trains, progress, 0, total)?;
    let ideal = run_device(cfg, "ideal", &trains, progress, total / 2, total)?;
    let spec = synapse_spec(cfg, "ideal")?;
    let lsb_a = FrontEndParams::default().tia_lsb_table_a[cfg.tia_gain_index];
    let units_per_code = lsb_a / (cfg.read_v * st_unit_s(&spec));
    let tick_s = cfg.tick_ms * 1e-3;
    let ticks = cfg.presentation_ticks();
    let no_stp_code: i16 = 8192;
    let mut results = Vec::new();
    let mut neurons = Vec::new();
    let mut readouts = Vec::new();
    let mut traces = Vec::new();
    let mut lif_cycles = 0;
    for &tau in &cfg.tau_m_s {
        let decay = (-tick_s / tau).exp();
        let decay_bits = (decay * 65536.0).round().min(65535.0) as u16;
        let gain = gain_bits(tick_s, tau);
        let mut lif = Lif::new(decay_bits, gain)?;
        let tau_ms = tau * 1e3;
        // device synapses: the neuron core computes v' = d v + gain i_in; the
        // exact step of tau dv/dt = -v + G for G held over a tick is
        // v' = d v + (1 - d) G, so v[units] = raw / 256 * units_per_code * (1 - d) / gain
        let d = decay_bits as f64 / 65536.0;
        let per_lsb_dev = units_per_code * (1.0 - d) / (gain as f64 / 256.0) / 256.0;
        // IDEAL single-spike peak -> k
        let cal = lif.run(std::slice::from_ref(&ideal.calibration))?;
        let peak = cal[0].iter().copied().max().unwrap_or(0) as f64 * per_lsb_dev;
        let k = peak * tau_ms;
        // NO-STP: a jump of gain * code codes is k / tau_ms units
        let per_lsb_nostp = (k / tau_ms) / (no_stp_code as f64 * gain as f64);
        let mut pts = vec![vec![Vec::new(); cfg.classes]; 3];
        let mut max_abs = 0.0f64;
        let mut trace = Vec::new();
        for (c, train) in trains.iter().enumerate() {
            let mut dirac = vec![0; ticks];
            for &s in train {
                dirac[s] = no_stp_code as i32;
            }
            for p in 0..cfg.presentations {
                let inputs = [
                    liwes.codes[c][p].clone(),
                    ideal.codes[c][p].clone(),
                    dirac.clone(),
                ];
                let v = lif.run(&inputs)?;
                for (j, vj) in v.iter().enumerate() {
                    let m = vj.iter().map(|&x| (x as f64).abs()).fold(0.0, f64::max) / 256.0;
                    max_abs = max_abs.max(m);
                    let scale = if j < 2 { per_lsb_dev } else { per_lsb_nostp };
                    pts[j][c].push(vj[ticks - 1] as f64 * scale);
                    if c == 0 && p == 0 {
                        trace.push(vj.iter().map(|&x| x as f64 * scale).collect::<Vec<_>>());
                    }
                }
            }
        }
        lif_cycles += lif.cycles;
        let k_paper = PAPER_K
            .iter()
            .find(|(t, _)| (t - tau).abs() < 1e-12)
            .map_or(f64::NAN, |x| x.1);
        neurons.push(NeuronConfig {
            tau_m_s: tau,
            decay_bits,
            tau_m_effective_s: -tick_s / (decay_bits as f64 / 65536.0).ln(),
            gain_bits: gain,
            ideal_single_spike_peak: peak,
            k,
            k_paper,
            no_stp_code,
            units_per_lsb_device: per_lsb_dev,
            units_per_lsb_no_stp: per_lsb_nostp,
            max_abs_membrane_codes: max_abs,
        });
        let seps: Vec<(f64, f64, f64)> = pts
            .iter()
            .map(|p| {
                let (inter, intra) = distances(p);
                (inter - intra, inter, intra)
            })
            .collect();
        for (j, name) in SYNAPSES.iter().enumerate() {
            let paper = PAPER
                .iter()
                .find(|x| (x.0 - tau).abs() < 1e-12 && x.1 == *name);
            let n = (cfg.classes * cfg.presentations) as f64;
            results.push(SepResult {
                tau_m_s: tau,
                synapse: name.to_string(),
                separability: seps[j].0,
                inter_class_distance: seps[j].1,
                intra_class_distance: seps[j].2,
                ratio_to_no_stp: seps[j].0 / seps[2].0,
                paper_separability: paper.map_or(f64::NAN, |x| x.2),
                paper_ratio_to_no_stp: paper.map_or(f64::NAN, |x| x.3),
                mean_readout: pts[j].iter().flatten().sum::<f64>() / n,
            });
        }
        readouts.push(pts);
        traces.push(trace);
    }
    let g = |r: &DeviceRun| -> Vec<f64> {
        r.codes[0][0]
            .iter()
            .map(|&c| c as f64 * units_per_code)
            .collect()
    };
    let spikes_per_class_mean =
        trains.iter().map(|t| t.len() as f64).sum::<f64>() / trains.len() as f64;
    Ok(E3Result {
        results,
        neurons,
        readouts,
        traces,
        g_trace: [g(&liwes), g(&ideal)],
        trains,
        spikes_per_class_mean,
        units_per_code,
        lif_clocked_cycles: lif_cycles,
        energy_j: liwes.energy_j + ideal.energy_j,
        simulated_time_s: liwes.simulated_time_s + ideal.simulated_time_s,
        cycles: liwes.cycles + ideal.cycles,
        runs: [liwes, ideal],
    })
}

/// Write `report.json`, `readouts.csv`, `trace.csv` and the SVG plots into `dir`.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E3Config,
    res: &E3Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{line_plot_svg, write_atomic, write_csv, LinePlot, PlotSeries};
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = |p: &std::path::Path| {
        let p = p.to_path_buf();
        move |e| ExperimentError::io(&p, e)
    };
    let run_json = |r: &DeviceRun| {
        let (lo, hi) = (
            r.rest_codes.iter().copied().min().unwrap_or(0),
            r.rest_codes.iter().copied().max().unwrap_or(0),
        );
        json!({
            "energy_j": r.energy_j,
            "simulated_time_s": r.simulated_time_s,
            "cycles": r.cycles,
            "clocked_cycles": r.clocked_cycles,
            "warped_cycles": r.warped_cycles,
            "idle_skipped_cycles": r.idle_skipped_cycles,
            "program_commands": r.program_commands,
            "reads": r.reads,
            "max_code": r.max_code,
            "rest_code_min": lo,
            "rest_code_max": hi,
            "read_offset_in_tick_s": r.read_offset_s,
            "floor_code": r.floor_code,
        })
    };
    let report = json!({
        "experiment": "temporal-stp",
        "device": cfg.device,
        "seed": cfg.seed,
        "parameters": cfg,
        "train_ms": cfg.train_ms,
        "gap_ms": cfg.gap_ms,
        "read_ms": cfg.read_ms,
        "classes": cfg.classes,
        "presentations": cfg.presentations,
        "readout": "the single membrane value at t_end + read_ms (1-D; Euclidean distance = |v_a - v_b|), in the paper's synapse units (0.1 uS), tau_m dv/dt = -v + G(t)",
        "synapse_cell": "row 0, column 0 of the 25 x 5 crossbar controller (V/2 scheme)",
        "neuron": "Verilated LifWtaTop<16>: neuron 0 liwes, 1 ideal, 2 no-stp; multiplier leak, threshold register 0x7FFFFF (never reached), WTA off; membrane signed Q16.8 held in the RTL (not on the host)",
        "neuron_input": "i_in = ADC code of the mid-tick read minus the floor code (the rest read before the first gate pulse of the run)",
        "results": res.results,
        "neurons": res.neurons,
        "units_per_code": res.units_per_code,
        "spikes_per_class_mean": res.spikes_per_class_mean,
        "runs": {"liwes": run_json(&res.runs[0]), "ideal": run_json(&res.runs[1])},
        "lif_clocked_cycles": res.lif_clocked_cycles,
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let p = dir.join("readouts.csv");
    let mut rows = Vec::new();
    for (ti, tau) in cfg.tau_m_s.iter().enumerate() {
        for (j, name) in SYNAPSES.iter().enumerate() {
            for (c, pc) in res.readouts[ti][j].iter().enumerate() {
                for (k, v) in pc.iter().enumerate() {
                    rows.push(vec![
                        tau.to_string(),
                        name.to_string(),
                        c.to_string(),
                        k.to_string(),
                        format!("{v:.9e}"),
                    ]);
                }
            }
        }
    }
    write_csv(
        &p,
        &["tau_m_s", "synapse", "class", "presentation", "membrane"],
        &rows,
    )
    .map_err(io(&p))?;

    let p = dir.join("trace.csv");
    let mut header = vec![
        "t_ms".to_string(),
        "g_liwes".to_string(),
        "g_ideal".to_string(),
    ];
    for tau in &cfg.tau_m_s {
        for name in SYNAPSES {
            header.push(format!("v_{name}_tau{}ms", tau * 1e3));
        }
    }
    let header_ref: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
    let ticks = cfg.presentation_ticks();
    let rows: Vec<Vec<String>> = (0..ticks)
        .map(|n| {
            let mut r = vec![
                format!("{}", (n as f64 + 0.5) * cfg.tick_ms),
                format!("{:.6e}", res.g_trace[0][n]),
                format!("{:.6e}", res.g_trace[1][n]),
            ];
            for t in &res.traces {
                for s in t {
                    r.push(format!("{:.6e}", s[n]));
                }
            }
            r
        })
        .collect();
    write_csv(&p, &header_ref, &rows).map_err(io(&p))?;

    // conductance and membranes of class 0, presentation 0
    let t_ms = |n: usize| (n as f64 + 0.5) * cfg.tick_ms;
    let plot = LinePlot {
        title: "class 0, presentation 0: synapse conductance above rest".into(),
        x_label: "time (ms)".into(),
        y_label: "G (Table 1 units, 0.1 uS)".into(),
        series: ["liwes", "ideal"]
            .iter()
            .enumerate()
            .map(|(i, n)| PlotSeries {
                name: n.to_string(),
                points: (0..ticks).map(|k| (t_ms(k), res.g_trace[i][k])).collect(),
                line: true,
            })
            .collect(),
        ..Default::default()
    };
    let p = dir.join("conductance.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Invalid)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    for (ti, tau) in cfg.tau_m_s.iter().enumerate() {
        let ms = tau * 1e3;
        let plot = LinePlot {
            title: format!("class 0, presentation 0: membrane, tau_m = {ms} ms"),
            x_label: "time (ms)".into(),
            y_label: "membrane (Table 1 units)".into(),
            series: SYNAPSES
                .iter()
                .enumerate()
                .map(|(j, n)| PlotSeries {
                    name: n.to_string(),
                    points: (0..ticks)
                        .map(|k| (t_ms(k), res.traces[ti][j][k]))
                        .collect(),
                    line: true,
                })
                .collect(),
            ..Default::default()
        };
        let p = dir.join(format!("membrane_tau{ms}ms.svg"));
        let text = line_plot_svg(&plot).map_err(ExperimentError::Invalid)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
        let plot = LinePlot {
            title: format!("read-outs per class, tau_m = {ms} ms"),
            x_label: "class".into(),
            y_label: "membrane at t_read (Table 1 units)".into(),
            series: SYNAPSES
                .iter()
                .enumerate()
                .map(|(j, n)| PlotSeries {
                    name: n.to_string(),
                    points: res.readouts[ti][j]
                        .iter()
                        .enumerate()
                        .flat_map(|(c, pc)| pc.iter().map(move |&v| (c as f64, v)))
                        .collect(),
                    line: false,
                })
                .collect(),
            ..Default::default()
        };
        let p = dir.join(format!("readouts_tau{ms}ms.svg"));
        let text = line_plot_svg(&plot).map_err(ExperimentError::Invalid)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    }
    Ok(())
}
