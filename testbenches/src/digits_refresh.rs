//! E4 `digits-refresh`: amplitude-coded inference on the 8x8 digits and the
//! astrocyte memristor's linearity refresh (Cheng et al. 2021,
//! doi 10.1002/aelm.202100669, Fig 4 and Fig 6).
//!
//! # Data and network
//! The 8x8 handwritten digits (UCI, 1797 images, `testbenches/data/`, with
//! its attribution). A fixed split: the images shuffled with
//! [`SPLIT_SEED`] (independent of `--seed`), the first 1347 train, the other
//! 450 test. One layer, 64 inputs -> 10 outputs, no bias, **ternary**
//! weights {-1, 0, +1} trained offline in plain Rust (float shadow weights,
//! ternarized in the forward pass with the TWN threshold `0.7 mean|w|`,
//! straight-through gradient, softmax cross-entropy with a trained scalar
//! logit scale, minibatch SGD; initialisation and order from `--seed`).
//!
//! # Mapping and inference through the RTL
//! Class `k` owns the differential column pair `2k` (G+) and `2k + 1` (G-):
//! weight +1 is G+ at the LRS and G- at the HRS, -1 the reverse, 0 both at
//! the HRS. The 64 x 20 array is inferred in tiles of the co-simulated
//! controller (`CrossbarController<25, 5>`, Verilated): 3 row tiles (rows
//! 0-24, 25-49, 50-63) x 4 column tiles, each tile its own 25 x 5 array of
//! the device behind the DAC/TIA/ADC front-end. Every cell is written
//! through the controller (PROGRAM commands, one 50 ns pulse at the paper's
//! set / reset amplitude, V/3 scheme) and every read is a READ of the
//! controller in its amplitude-code mode: row `i` driven at the DAC code
//! `pixel_i * PIXEL_CODES` (15 codes = 60 mV per grey level, 0.96 V at 16,
//! below both devices' set thresholds). The host sums the tiles' partial
//! column currents (ADC code x TIA LSB) and predicts the argmax over `k`
//! of `I(2k) - I(2k + 1)`.
//!
//! # Cycling and refresh
//! Every cell's cycling history is jumped to `N` cycles (`set_cycles`, not
//! simulated) before the weights are written. The weights are written
//! twice: the first pass spends each column's refresh budget (25 PROGRAM
//! pulses), so with refresh on the Verilated refresh scheduler
//! (`RefreshScheduler<25, 5>`, budget 25) issues a REFRESH command for
//! every cell of the column, which the controller turns into the
//! +3.5 V / -3.5 V, 50 ns pair (the host forwards the scheduler's commands
//! first, the `CommandArbiter`'s priority); the pair leaves the cell at the
//! HRS, so the second pass writes the weights again (budget off). Without
//! refresh the budget is 0 and the same two passes run. The device model
//! resets its cycles-since-refresh counter on such a pair (astrocyte only;
//! `n-astrocyte` has no YSZ reservoir, `refresh_enabled = false`).
//! The I-V linearity the RTL sees is also measured: every tile is read
//! with all its rows at full amplitude (code 240) and at half (120), and
//! `iv_half_ratio` = I(half) / I(full) (0.5 for a linear I-V).

use crate::experiment::{dac_code, whole_cycles, ExperimentError};
use crate::letters_stm_ltm::XbarBench;
use neuroxbar_cosim::units::refresh::VerilatorRefresh;
use neuroxbar_cosim::units::xbar_ctrl::{VerilatorXbar, N_COLS as TILE_COLS, N_ROWS as TILE_ROWS};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::astrocyte::nonlinearity_factor_at;
use neuroxbar_models::device::{DeviceKind, DeviceSpec, ParamSet};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_models::golden::refresh::{RefreshInputs, RefreshOutputs};
use neuroxbar_models::golden::xbar_ctrl::XbarInputs;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The digits, one image per line: 64 pixels (0..16) then the label.
pub const DIGITS_CSV: &str = include_str!("../data/digits.csv");
pub const N_PIXELS: usize = 64;
pub const N_CLASSES: usize = 10;
pub const N_IMAGES: usize = 1797;
pub const N_TRAIN: usize = 1347;
pub const N_TEST: usize = 450;
/// Seed of the fixed train/test shuffle (not `--seed`: the split is the
/// same in every run).
pub const SPLIT_SEED: u64 = 0xD161_7500;
/// DAC codes per grey level (4 mV each): pixel 16 is 240 codes, 0.96 V.
pub const PIXEL_CODES: i16 = 15;
/// Devices E4 runs on.
pub const DEVICES: [DeviceKind; 2] = [DeviceKind::Astrocyte, DeviceKind::NAstrocyte];
/// Largest cycling history, cycles (the paper's Fig 4 / 6 range).
pub const MAX_CYCLES: f64 = 1e11;
/// Row tiles of the 64 pixels.
pub const ROW_TILES: usize = N_PIXELS.div_ceil(TILE_ROWS);
/// Column tiles of the 20 differential columns.
pub const COL_TILES: usize = (2 * N_CLASSES).div_ceil(TILE_COLS);
/// The paper's Fig 6d, 6e: MNIST (28x28, 784-200-10 MLP) accuracy after
/// 1e8 cycles of the astrocyte, `(refresh, accuracy)`.
pub const PAPER_1E8: [(bool, f64); 2] = [(false, 0.6298), (true, 0.9475)];

/// Parameters of E4 (all in the report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E4Config {
    pub devices: Vec<String>,
    pub seed: u64,
    /// Training epochs over the 1347 training images.
    pub epochs: usize,
    pub learning_rate: f64,
    pub batch: usize,
    /// TWN threshold factor: |w| > factor * mean|w| is +-1.
    pub ternary_threshold_factor: f64,
    /// Test images inferred through the RTL (the first of the 450).
    pub test_images: usize,
    /// Cycling histories: decades 1e0 ..= `max_cycles` (`n-astrocyte` up to
    /// its endurance, 1e5).
    pub max_cycles: f64,
    pub pixel_codes: i16,
    pub tia_gain_index: usize,
    /// Programming pulse width (the paper's 50 ns pulses), s.
    pub pulse_width_s: f64,
    /// Refresh pair amplitude and width (Fig 4b: +-3.5 V, 50 ns).
    pub refresh_v: f64,
    pub refresh_width_s: f64,
    /// PROGRAM pulses per column before the scheduler refreshes it.
    pub refresh_budget: u32,
    /// Write scheme: V/3 (true) or V/2.
    pub scheme_v3: bool,
    /// The accelerator's clock, MHz: the pulse and refresh widths, the DAC
    /// settling and the ADC conversion become whole cycles of it.
    pub clock_mhz: f64,
}

impl E4Config {
    /// The full experiment.
    pub fn full(seed: u64) -> Self {
        E4Config {
            devices: DEVICES.iter().map(|d| d.name().to_string()).collect(),
            seed,
            epochs: 60,
            learning_rate: 0.05,
            batch: 16,
            ternary_threshold_factor: 0.7,
            test_images: N_TEST,
            max_cycles: MAX_CYCLES,
            pixel_codes: PIXEL_CODES,
            tia_gain_index: 5,
            pulse_width_s: 50e-9,
            refresh_v: 3.5,
            refresh_width_s: 50e-9,
            refresh_budget: TILE_ROWS as u32,
            scheme_v3: true,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
        }
    }

    /// Check every field; errors name the option and its allowed range.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        let bad = |m: String| Err(ExperimentError::Invalid(m));
        if self.devices.is_empty() {
            return bad("devices: at least one of astrocyte, n-astrocyte".into());
        }
        for d in &self.devices {
            if !DEVICES.iter().any(|k| k.name() == d) {
                return bad(format!(
                    "digits-refresh cannot use --device {d}; devices for digits-refresh: astrocyte, n-astrocyte"
                ));
            }
        }
        if !crate::experiment::CLOCK_MHZ_RANGE.contains(&self.clock_mhz) {
            return bad(format!(
                "--clock-mhz {}: allowed range {} ..= {} MHz",
                self.clock_mhz,
                crate::experiment::CLOCK_MHZ_RANGE.start(),
                crate::experiment::CLOCK_MHZ_RANGE.end()
            ));
        }
        if !(1..=1000).contains(&self.epochs) {
            return bad(format!(
                "--train-epochs {}: allowed range 1..=1000",
                self.epochs
            ));
        }
        if !(1..=N_TEST).contains(&self.test_images) {
            return bad(format!(
                "--test-images {}: allowed range 1..={N_TEST}",
                self.test_images
            ));
        }
        if !(self.max_cycles.is_finite() && (1.0..=MAX_CYCLES).contains(&self.max_cycles)) {
            return bad(format!(
                "--max-cycles {}: allowed range 1..=1e11",
                self.max_cycles
            ));
        }
        if !(1..=127).contains(&self.pixel_codes) {
            return bad(format!(
                "pixel_codes {}: allowed range 1..=127",
                self.pixel_codes
            ));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 10.0) || self.batch == 0 {
            return bad("learning_rate in (0, 10], batch >= 1".into());
        }
        Ok(())
    }

    /// The cycling histories of `device`: every decade from 1e0 up to
    /// `max_cycles`, and for a device with a reported endurance not beyond it.
    pub fn cycle_points(&self, spec: &DeviceSpec) -> Vec<f64> {
        let top = spec
            .endurance_cycles()
            .map_or(self.max_cycles, |e| e.min(self.max_cycles));
        (0..=11)
            .map(|k| 10f64.powi(k))
            .filter(|&n| n <= top * (1.0 + 1e-9))
            .collect()
    }
}

/// The digits set.
#[derive(Debug, Clone)]
pub struct Digits {
    pub pixels: Vec<[u8; N_PIXELS]>,
    pub labels: Vec<u8>,
}

/// Parse the embedded digits.
pub fn load_digits() -> Result<Digits, ExperimentError> {
    let mut d = Digits {
        pixels: Vec::new(),
        labels: Vec::new(),
    };
    for (n, line) in DIGITS_CSV.lines().enumerate() {
        let bad = || ExperimentError::Invalid(format!("digits.csv line {}: malformed", n + 1));
        let v: Vec<u8> = line
            .split(',')
            .map(|s| s.trim().parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        if v.len() != N_PIXELS + 1 || v[..N_PIXELS].iter().any(|&p| p > 16) || v[N_PIXELS] > 9 {
            return Err(bad());
        }
        let mut p = [0u8; N_PIXELS];
        p.copy_from_slice(&v[..N_PIXELS]);
        d.pixels.push(p);
        d.labels.push(v[N_PIXELS]);
    }
    if d.labels.len() != N_IMAGES {
        return Err(ExperimentError::Invalid(format!(
            "digits.csv: {} images, expected {N_IMAGES}",
            d.labels.len()
        )));
    }
    Ok(d)
}

/// The fixed split: `(train, test)` image indices.
pub fn split() -> (Vec<usize>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..N_IMAGES).collect();
    idx.shuffle(&mut ChaCha8Rng::seed_from_u64(SPLIT_SEED));
    let test = idx.split_off(N_TRAIN);
    (idx, test)
}

/// A trained ternary layer: `w[pixel][class]` in {-1, 0, 1}.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TernaryNet {
    pub w: Vec<[i8; N_CLASSES]>,
    /// Trained logit scale (software only; the argmax does not use it).
    pub logit_scale: f64,
    pub train_accuracy: f64,
    /// Software accuracy on the test images, linear inputs `pixel / 16`.
    pub test_accuracy: f64,
    pub nonzero_fraction: f64,
}

fn ternarize(w: &[f64], factor: f64) -> Vec<i8> {
    let mean = w.iter().map(|x| x.abs()).sum::<f64>() / w.len() as f64;
    let delta = factor * mean;
    w.iter()
        .map(|&x| {
            if x > delta {
                1
            } else if x < -delta {
                -1
            } else {
                0
            }
        })
        .collect()
}

/// `argmax_k sum_i x_i w[i][k]` (the first of equal maxima).
pub fn predict(w: &[[i8; N_CLASSES]], x: &[f64]) -> usize {
    let mut best = (f64::NEG_INFINITY, 0);
    for k in 0..N_CLASSES {
        let s: f64 = x.iter().zip(w).map(|(xi, wi)| xi * wi[k] as f64).sum();
        if s > best.0 {
            best = (s, k);
        }
    }
    best.1
}

fn inputs(p: &[u8; N_PIXELS]) -> Vec<f64> {
    p.iter().map(|&v| v as f64 / 16.0).collect()
}

/// Software accuracy of `w` on the images `idx`.
pub fn accuracy(w: &[[i8; N_CLASSES]], d: &Digits, idx: &[usize]) -> f64 {
    let ok = idx
        .iter()
        .filter(|&&i| predict(w, &inputs(&d.pixels[i])) == d.labels[i] as usize)
        .count();
    ok as f64 / idx.len().max(1) as f64
}

/// Train the ternary layer (see the module doc).
pub fn train(cfg: &E4Config, d: &Digits, train_idx: &[usize], test_idx: &[usize]) -> TernaryNet {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE4_7EA1_0000);
    let n = N_PIXELS * N_CLASSES;
    let mut w: Vec<f64> = (0..n).map(|_| rng.gen_range(-0.05..0.05)).collect();
    let mut scale = 0.5f64;
    let mut order = train_idx.to_vec();
    let xs: Vec<Vec<f64>> = d.pixels.iter().map(inputs).collect();
    for _ in 0..cfg.epochs {
        order.shuffle(&mut rng);
        for batch in order.chunks(cfg.batch) {
            let t = ternarize(&w, cfg.ternary_threshold_factor);
            let mut gw = vec![0.0; n];
            let mut gs = 0.0;
            for &i in batch {
                let x = &xs[i];
                let mut z = [0.0f64; N_CLASSES];
                for (k, zk) in z.iter_mut().enumerate() {
                    *zk = (0..N_PIXELS)
                        .map(|p| x[p] * t[p * N_CLASSES + k] as f64)
                        .sum();
                }
                let m = z.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(scale * b));
                let e: Vec<f64> = z.iter().map(|&v| (scale * v - m).exp()).collect();
                let sum: f64 = e.iter().sum();
                for k in 0..N_CLASSES {
                    let g = e[k] / sum - (d.labels[i] as usize == k) as u8 as f64;
                    gs += g * z[k];
                    for p in 0..N_PIXELS {
                        gw[p * N_CLASSES + k] += g * scale * x[p];
                    }
                }
            }
            let lr = cfg.learning_rate / batch.len() as f64;
            for (wi, gi) in w.iter_mut().zip(&gw) {
                // straight-through, clipped to [-1, 1]
                *wi = (*wi - lr * gi).clamp(-1.0, 1.0);
            }
            scale = (scale - lr * gs).clamp(0.01, 100.0);
        }
    }
    let t = ternarize(&w, cfg.ternary_threshold_factor);
    let wt: Vec<[i8; N_CLASSES]> = (0..N_PIXELS)
        .map(|p| std::array::from_fn(|k| t[p * N_CLASSES + k]))
        .collect();
    TernaryNet {
        train_accuracy: accuracy(&wt, d, train_idx),
        test_accuracy: accuracy(&wt, d, test_idx),
        nonzero_fraction: t.iter().filter(|&&v| v != 0).count() as f64 / n as f64,
        w: wt,
        logit_scale: scale,
    }
}

/// Whether tile cell `(r, c)` of tile `(rt, ct)` is at the LRS.
fn cell_lrs(net: &TernaryNet, rt: usize, ct: usize, r: usize, c: usize) -> bool {
    let row = rt * TILE_ROWS + r;
    let col = ct * TILE_COLS + c;
    if row >= N_PIXELS || col >= 2 * N_CLASSES {
        return false;
    }
    let w = net.w[row][col / 2];
    if col % 2 == 0 {
        w == 1
    } else {
        w == -1
    }
}

/// One tile through the RTL: partial column currents per test image.
#[derive(Debug, Clone, Default)]
struct TileRun {
    /// `[image][column]`, amperes.
    current_a: Vec<Vec<f64>>,
    iv_full_a: f64,
    iv_half_a: f64,
    energy_j: f64,
    cycles: u64,
    clocked_cycles: u64,
    scheduler_cycles: u64,
    program_commands: u64,
    refresh_commands: u64,
    reads: u64,
    max_abs_code: i32,
}

/// The controller, its front-end and the refresh scheduler of one tile;
/// the host forwards the scheduler's REFRESH commands before its own
/// PROGRAM commands (the `CommandArbiter`'s order).
struct Tile {
    b: XbarBench<VerilatorXbar>,
    sched: VerilatorRefresh,
    so: RefreshOutputs,
    budget: u32,
    sched_cycles: u64,
    refresh_commands: u64,
}

impl Tile {
    /// One clock of both units; true if the host command was taken.
    fn clock(&mut self, host: Option<(u8, u8, bool)>) -> Result<bool, ExperimentError> {
        let xo = self.b.outputs().clone();
        let so = self.so.clone();
        let mut host_taken = false;
        {
            let i = self.b.config_mut();
            if so.cmd_valid {
                i.cmd_valid = true;
                i.cmd_refresh = so.cmd.kind == 1;
                i.cmd_row = so.cmd.row;
                i.cmd_col = so.cmd.col;
                i.cmd_pol = so.cmd.pol;
                i.cmd_count = so.cmd.count;
                if xo.cmd_ready {
                    self.refresh_commands += 1;
                }
            } else if let Some((row, col, pol)) = host {
                i.cmd_valid = true;
                i.cmd_refresh = false;
                i.cmd_row = row;
                i.cmd_col = col;
                i.cmd_pol = pol;
                i.cmd_count = 1;
                host_taken = xo.cmd_ready;
            }
        }
        self.b.cycle()?;
        self.so = self.sched.step(&RefreshInputs {
            reset: false,
            enable: self.budget > 0,
            budget: self.budget,
            pulse: xo.pulse,
            pulse_col: xo.pulse_col,
            cmd_ready: xo.cmd_ready,
        });
        self.sched_cycles += 1;
        Ok(host_taken)
    }

    /// Clock until the controller is idle and the scheduler has nothing left.
    fn drain(&mut self) -> Result<(), ExperimentError> {
        let mut n = 0u64;
        while !(self.b.outputs().idle && !self.so.busy && !self.so.cmd_valid) {
            self.clock(None)?;
            n += 1;
            if n > 10_000_000 {
                return Err(ExperimentError::Invalid(
                    "the controller and the refresh scheduler did not drain".into(),
                ));
            }
        }
        Ok(self.b.wait_idle(1_000_000)?)
    }

    /// One PROGRAM command of one pulse, run to the end (with any refresh
    /// it triggers).
    fn program(&mut self, row: u8, col: u8, pol: bool) -> Result<(), ExperimentError> {
        self.drain()?;
        while !self.clock(Some((row, col, pol)))? {}
        self.b.dut.program_commands += 1;
        self.drain()
    }
}

/// The front-end parameters of E4.
pub fn fe_params(cfg: &E4Config) -> FrontEndParams {
    FrontEndParams {
        tia_gain_index: cfg.tia_gain_index,
        clock_period_s: 1e-6 / cfg.clock_mhz,
        ..FrontEndParams::default()
    }
}

fn astro(
    spec: &DeviceSpec,
) -> Result<&neuroxbar_models::device::astrocyte::Params, ExperimentError> {
    match &spec.params {
        ParamSet::Astrocyte(p) => Ok(p),
        _ => Err(ExperimentError::Invalid(format!(
            "digits-refresh runs on astrocyte and n-astrocyte (got {})",
            spec.kind
        ))),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_tile(
    cfg: &E4Config,
    spec: &DeviceSpec,
    net: &TernaryNet,
    tests: &[[u8; N_PIXELS]],
    cycles: u64,
    refresh: bool,
    rt: usize,
    ct: usize,
) -> Result<TileRun, ExperimentError> {
    let p = astro(spec)?;
    let params = fe_params(cfg);
    let lsb_v = params.dac_lsb_volts;
    let period = params.clock_period_s;
    let tile_seed = cfg
        .seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((rt * COL_TILES + ct) as u64);
    let mut fe = FrontEnd::from_spec(spec, TILE_ROWS, TILE_COLS, params.clone(), tile_seed)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    fe.array_mut()
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?
        .set_all_cycles(cycles);
    let xcfg = XbarInputs {
        v_read: 0,
        settle: params.dac_settle_cycles().max(1) as u16,
        v_pot: dac_code("v_set_ref_v", p.v_set_ref_v, lsb_v)?,
        v_dep: dac_code("v_reset_ref_v", -p.v_reset_ref_v, lsb_v)?,
        width: whole_cycles(cfg.pulse_width_s, period).max(1) as u32,
        interval: 1,
        scheme_v3: cfg.scheme_v3,
        safe_max: dac_code("v_max_v", p.v_max_v, lsb_v)?,
        safe_min: dac_code("v_min_v", p.v_min_v, lsb_v)?,
        refresh_code: dac_code("refresh_v", cfg.refresh_v, lsb_v)?,
        refresh_width: whole_cycles(cfg.refresh_width_s, period).max(1) as u32,
        ..Default::default()
    };
    let dut =
        VerilatorXbar::new(Trace::Off).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let b = XbarBench::new(dut, fe, xcfg, false)?;
    let mut sched =
        VerilatorRefresh::new(Trace::Off).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let mut so = RefreshOutputs::default();
    for _ in 0..2 {
        so = sched.step(&RefreshInputs {
            reset: true,
            ..Default::default()
        });
    }
    let mut t = Tile {
        b,
        sched,
        so,
        budget: if refresh { cfg.refresh_budget } else { 0 },
        sched_cycles: 2,
        refresh_commands: 0,
    };
    // pass 1: spends each column's budget (refresh on: the scheduler
    // refreshes the column, leaving it at the HRS); pass 2: the weights again
    for pass in 0..2 {
        if pass == 1 {
            t.budget = 0;
        }
        for c in 0..TILE_COLS {
            for r in 0..TILE_ROWS {
                t.program(r as u8, c as u8, cell_lrs(net, rt, ct, r, c))?;
            }
        }
    }
    t.drain()?;
    let rows = (N_PIXELS - rt * TILE_ROWS).min(TILE_ROWS);
    let mask: u128 = (1u128 << rows) - 1;
    let lsb_a = t.b.fe.tia_lsb_a();
    let mut run = TileRun::default();
    let read =
        |t: &mut Tile, codes: &[i16], run: &mut TileRun| -> Result<Vec<f64>, ExperimentError> {
            let (c, sat) = t.b.read_amplitude(mask, codes)?;
            if sat != 0 {
                return Err(ExperimentError::Invalid(format!(
                    "the ADC saturated reading tile ({rt}, {ct}): use a coarser TIA gain"
                )));
            }
            run.reads += 1;
            for &x in &c {
                run.max_abs_code = run.max_abs_code.max((x as i32).abs());
            }
            Ok(c.iter().map(|&x| x as f64 * lsb_a).collect())
        };
    // linearity seen through the RTL: every row at full and at half amplitude
    let full = vec![16 * cfg.pixel_codes; rows];
    let half = vec![8 * cfg.pixel_codes; rows];
    run.iv_full_a = read(&mut t, &full, &mut run)?.iter().sum();
    run.iv_half_a = read(&mut t, &half, &mut run)?.iter().sum();
    for img in tests {
        let codes: Vec<i16> = (0..rows)
            .map(|r| img[rt * TILE_ROWS + r] as i16 * cfg.pixel_codes)
            .collect();
        let i = read(&mut t, &codes, &mut run)?;
        run.current_a.push(i);
    }
    if t.b.outputs().clamp_error {
        return Err(ExperimentError::Invalid(
            "the controller clamped a pulse amplitude".into(),
        ));
    }
    t.b.fe
        .sync()
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    run.energy_j = t.b.fe.energy_j();
    run.cycles = t.b.time_cycles();
    run.clocked_cycles = t.b.stats().clocked_cycles;
    run.scheduler_cycles = t.sched_cycles;
    run.program_commands = t.b.dut.program_commands;
    run.refresh_commands = t.refresh_commands;
    Ok(run)
}

/// One `(device, refresh, cycles)` point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub device: String,
    pub refresh: bool,
    pub cycles: f64,
    /// Test accuracy through the RTL.
    pub value: f64,
    /// Nonlinearity factor 2 + c of the model without refresh at `cycles`
    /// and right after a refresh (astrocyte: pristine; n-astrocyte: unchanged).
    pub nonlinearity_factor_no_refresh: f64,
    /// I(half amplitude) / I(full amplitude) of whole tiles, through the RTL.
    pub iv_half_ratio: f64,
    pub refresh_commands: u64,
    pub program_commands: u64,
    pub reads: u64,
    pub energy_j: f64,
    pub cycles_simulated: u64,
    pub max_abs_adc_code: i32,
    /// The same test images classified in software (no array, no RTL) with
    /// the model's I-V shape at this point as input warping: 2+c at
    /// `cycles` without refresh (or with a refresh the device ignores),
    /// the pristine one after an effective refresh.
    pub software_iv_accuracy: f64,
    /// Predicted class per test image.
    #[serde(skip)]
    pub predictions: Vec<usize>,
}

/// Software accuracy of `net` on `tests` with the I-V shape after
/// `cycles_since_refresh` cycles as the warping of the amplitude-coded inputs.
fn software_iv_accuracy(
    cfg: &E4Config,
    p: &neuroxbar_models::device::astrocyte::Params,
    net: &TernaryNet,
    tests: &[[u8; N_PIXELS]],
    labels: &[u8],
    cycles_since_refresh: f64,
) -> f64 {
    let lsb_v = fe_params(cfg).dac_lsb_volts;
    let nf = nonlinearity_factor_at(p, cycles_since_refresh);
    let f = |v: f64| (1.0 - p.beta) * v + p.beta * p.v_n_v * (v / p.v_n_v).powf(nf);
    let ok = tests
        .iter()
        .zip(labels)
        .filter(|(img, l)| {
            let x: Vec<f64> = img
                .iter()
                .map(|&v| f(v as f64 * cfg.pixel_codes as f64 * lsb_v))
                .collect();
            predict(&net.w, &x) == **l as usize
        })
        .count();
    ok as f64 / labels.len().max(1) as f64
}

/// Results of a run.
#[derive(Debug, Clone)]
pub struct E4Result {
    pub net: TernaryNet,
    pub train_idx: Vec<usize>,
    pub test_idx: Vec<usize>,
    pub test_labels: Vec<u8>,
    pub points: Vec<Point>,
    /// Software accuracy of the ternary net on the same test images with
    /// the pristine device I-V shape as input warping (no array, no RTL).
    pub software_pristine_iv_accuracy: f64,
    pub energy_j: f64,
    pub simulated_time_s: f64,
    pub cycles: u64,
    pub clocked_cycles: u64,
}

/// Run E4 through the Verilated controller and refresh scheduler.
pub fn run_verilator(
    cfg: &E4Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E4Result, ExperimentError> {
    cfg.validate()?;
    let d = load_digits()?;
    let (train_idx, test_idx) = split();
    let net = train(cfg, &d, &train_idx, &test_idx);
    let used = &test_idx[..cfg.test_images];
    let tests: Vec<[u8; N_PIXELS]> = used.iter().map(|&i| d.pixels[i]).collect();
    let labels: Vec<u8> = used.iter().map(|&i| d.labels[i]).collect();
    let mut specs = Vec::new();
    for name in &cfg.devices {
        let kind: DeviceKind = name.parse().map_err(ExperimentError::Invalid)?;
        let spec =
            DeviceSpec::load(kind, None).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
        astro(&spec)?;
        specs.push(spec);
    }
    let total: usize = specs
        .iter()
        .map(|s| 2 * cfg.cycle_points(s).len())
        .sum::<usize>()
        * ROW_TILES
        * COL_TILES;
    let mut done = 0;
    let mut points = Vec::new();
    let period = fe_params(cfg).clock_period_s;
    let (mut energy, mut cyc, mut clocked) = (0.0, 0u64, 0u64);
    for spec in &specs {
        let p = astro(spec)?;
        for n in cfg.cycle_points(spec) {
            for refresh in [false, true] {
                let mut cur = vec![vec![0.0f64; 2 * N_CLASSES]; tests.len()];
                let mut pt = Point {
                    device: spec.kind.name().to_string(),
                    refresh,
                    cycles: n,
                    value: 0.0,
                    nonlinearity_factor_no_refresh: nonlinearity_factor_at(p, n),
                    iv_half_ratio: 0.0,
                    refresh_commands: 0,
                    program_commands: 0,
                    reads: 0,
                    energy_j: 0.0,
                    cycles_simulated: 0,
                    max_abs_adc_code: 0,
                    software_iv_accuracy: software_iv_accuracy(
                        cfg,
                        p,
                        &net,
                        &tests,
                        &labels,
                        if refresh && p.refresh_enabled { 0.0 } else { n },
                    ),
                    predictions: Vec::new(),
                };
                let (mut full, mut half) = (0.0, 0.0);
                for rt in 0..ROW_TILES {
                    for ct in 0..COL_TILES {
                        let r = run_tile(cfg, spec, &net, &tests, n as u64, refresh, rt, ct)?;
                        for (img, ci) in r.current_a.iter().enumerate() {
                            for (j, a) in ci.iter().enumerate() {
                                let col = ct * TILE_COLS + j;
                                if col < 2 * N_CLASSES {
                                    cur[img][col] += a;
                                }
                            }
                        }
                        full += r.iv_full_a;
                        half += r.iv_half_a;
                        pt.refresh_commands += r.refresh_commands;
                        pt.program_commands += r.program_commands;
                        pt.reads += r.reads;
                        pt.energy_j += r.energy_j;
                        pt.cycles_simulated += r.cycles;
                        pt.max_abs_adc_code = pt.max_abs_adc_code.max(r.max_abs_code);
                        clocked += r.clocked_cycles;
                        done += 1;
                        progress(done, total);
                    }
                }
                pt.iv_half_ratio = half / full;
                pt.predictions = cur
                    .iter()
                    .map(|c| {
                        let mut best = (f64::NEG_INFINITY, 0);
                        for k in 0..N_CLASSES {
                            let s = c[2 * k] - c[2 * k + 1];
                            if s > best.0 {
                                best = (s, k);
                            }
                        }
                        best.1
                    })
                    .collect();
                let ok = pt
                    .predictions
                    .iter()
                    .zip(&labels)
                    .filter(|(p, l)| **p == **l as usize)
                    .count();
                pt.value = ok as f64 / labels.len() as f64;
                energy += pt.energy_j;
                cyc += pt.cycles_simulated;
                points.push(pt);
            }
        }
    }
    // software reference with the pristine I-V shape (first device's parameters)
    let sw = software_iv_accuracy(cfg, astro(&specs[0])?, &net, &tests, &labels, 0.0);
    Ok(E4Result {
        net,
        train_idx,
        test_idx,
        test_labels: labels,
        points,
        software_pristine_iv_accuracy: sw,
        energy_j: energy,
        simulated_time_s: cyc as f64 * period,
        cycles: cyc,
        clocked_cycles: clocked,
    })
}

/// Write `report.json`, `accuracy.csv`, `weights.csv` and the SVG plots.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E4Config,
    res: &E4Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{
        heatmap_svg, line_plot_svg, write_atomic, write_csv, LinePlot, PlotSeries,
    };
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = |p: &std::path::Path| {
        let p = p.to_path_buf();
        move |e| ExperimentError::io(&p, e)
    };
    let accuracy: Vec<_> = res
        .points
        .iter()
        .map(|p| json!({"device": p.device, "refresh": p.refresh, "cycles": p.cycles, "value": p.value}))
        .collect();
    let fe = fe_params(cfg);
    let mut device_params = serde_json::Map::new();
    for d in &cfg.devices {
        let kind: DeviceKind = d.parse().map_err(ExperimentError::Invalid)?;
        let spec =
            DeviceSpec::load(kind, None).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
        let p = astro(&spec)?;
        device_params.insert(
            d.clone(),
            json!({
                "params": spec.source,
                "set_pulse_v": p.v_set_ref_v,
                "reset_pulse_v": -p.v_reset_ref_v,
                "safe_window_v": [p.v_min_v, p.v_max_v],
                "refresh_enabled": p.refresh_enabled,
                "endurance_cycles": p.endurance_cycles,
                "nonlinearity_factor_pristine": nonlinearity_factor_at(p, 0.0),
            }),
        );
    }
    let report = json!({
        "experiment": "digits-refresh",
        "devices": cfg.devices,
        "seed": cfg.seed,
        "parameters": cfg,
        "dataset": {
            "name": "Optical Recognition of Handwritten Digits (UCI; scikit-learn's 8x8 digits), CC BY 4.0, E. Alpaydin and C. Kaynak (1998)",
            "file": "testbenches/data/digits.csv",
            "images": N_IMAGES,
        },
        "split": {
            "train": N_TRAIN,
            "test": N_TEST,
            "test_images_inferred": cfg.test_images,
            "split_seed": SPLIT_SEED,
            "how": "all 1797 images shuffled with ChaCha8(split_seed), the first 1347 train, the other 450 test; the same split for every --seed",
        },
        "network": {
            "layers": 1,
            "shape": "64 inputs (pixels / 16) -> 10 outputs, no bias",
            "weights": "ternary {-1, 0, +1}: TWN threshold 0.7 mean|w|, straight-through training, softmax cross-entropy with a trained logit scale, minibatch SGD",
            "train_accuracy": res.net.train_accuracy,
            "software_test_accuracy_linear": res.net.test_accuracy,
            "software_test_accuracy_pristine_iv": res.software_pristine_iv_accuracy,
            "nonzero_fraction": res.net.nonzero_fraction,
            "logit_scale": res.net.logit_scale,
        },
        "mapping": "class k: column 2k (G+) and 2k+1 (G-); +1: G+ LRS, G- HRS; -1: the reverse; 0: both HRS; prediction argmax_k I(2k) - I(2k+1)",
        "rtl": {
            "controller": "CrossbarController<25, 5> (Verilated), amplitude-code READ mode: row i at DAC code pixel_i * pixel_codes, clamped into the device's safe window",
            "tiles": format!("{ROW_TILES} row tiles (rows 0-24, 25-49, 50-63) x {COL_TILES} column tiles of 5 columns; each tile its own 25 x 5 array; the host sums the tiles' partial column currents"),
            "refresh_scheduler": "RefreshScheduler<25, 5> (Verilated), budget = refresh_budget PROGRAM pulses per column; its REFRESH commands go to the controller before the host's PROGRAM commands",
            "writes": "every cell written twice through PROGRAM commands (one pulse at the device's paper set / reset amplitude, 50 ns, V/3); pass 1 spends the refresh budget, pass 2 rewrites the weights after the refresh left the cells at the HRS",
            "read_full_scale_v": 16.0 * cfg.pixel_codes as f64 * fe.dac_lsb_volts,
            "tia_lsb_a": fe.tia_lsb_table_a[cfg.tia_gain_index],
            "dac_lsb_v": fe.dac_lsb_volts,
            "clock_mhz": 1e-6 / fe.clock_period_s,
            "pulse_width_emitted_s": whole_cycles(cfg.pulse_width_s, fe.clock_period_s).max(1) as f64 * fe.clock_period_s,
            "refresh_width_emitted_s": whole_cycles(cfg.refresh_width_s, fe.clock_period_s).max(1) as f64 * fe.clock_period_s,
        },
        "clock_mhz": cfg.clock_mhz,
        "device_params": device_params,
        "front_end": fe,
        "cycling": "every cell's cycle counter jumped to the history (Device::set_cycles), not simulated; decades 1e0 .. max_cycles, n-astrocyte up to its endurance (1e5)",
        "accuracy": accuracy,
        "points": res.points,
        "paper": {
            "source": "Cheng et al. 2021, Fig 6c-e: MNIST 28x28, 784-200-10 ternary MLP, amplitude-coded inputs, astrocyte after 1e8 cycles",
            "accuracy_1e8_no_refresh": PAPER_1E8[0].1,
            "accuracy_1e8_refresh": PAPER_1E8[1].1,
        },
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let p = dir.join("accuracy.csv");
    let rows: Vec<Vec<String>> = res
        .points
        .iter()
        .map(|q| {
            vec![
                q.device.clone(),
                q.refresh.to_string(),
                format!("{:e}", q.cycles),
                format!("{:.6}", q.value),
                format!("{:.6}", q.software_iv_accuracy),
                format!("{:.4}", q.nonlinearity_factor_no_refresh),
                format!("{:.6}", q.iv_half_ratio),
                q.refresh_commands.to_string(),
                format!("{:.6e}", q.energy_j),
            ]
        })
        .collect();
    write_csv(
        &p,
        &[
            "device",
            "refresh",
            "cycles",
            "accuracy",
            "software_iv_accuracy",
            "nonlinearity_factor_no_refresh",
            "iv_half_ratio",
            "refresh_commands",
            "energy_j",
        ],
        &rows,
    )
    .map_err(io(&p))?;

    let p = dir.join("weights.csv");
    let rows: Vec<Vec<String>> = res
        .net
        .w
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let mut r = vec![i.to_string()];
            r.extend(w.iter().map(|v| v.to_string()));
            r
        })
        .collect();
    let mut header = vec!["pixel".to_string()];
    header.extend((0..N_CLASSES).map(|k| format!("class{k}")));
    let h: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
    write_csv(&p, &h, &rows).map_err(io(&p))?;

    let p = dir.join("predictions.csv");
    let mut header = vec!["test_image".to_string(), "label".to_string()];
    for q in &res.points {
        header.push(format!(
            "{}_{}_{:e}",
            q.device,
            if q.refresh { "refresh" } else { "no_refresh" },
            q.cycles
        ));
    }
    let h: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
    let rows: Vec<Vec<String>> = res
        .test_labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut r = vec![res.test_idx[i].to_string(), l.to_string()];
            r.extend(res.points.iter().map(|q| q.predictions[i].to_string()));
            r
        })
        .collect();
    write_csv(&p, &h, &rows).map_err(io(&p))?;

    let mut series = Vec::new();
    for d in &cfg.devices {
        for refresh in [false, true] {
            let pts: Vec<(f64, f64)> = res
                .points
                .iter()
                .filter(|q| &q.device == d && q.refresh == refresh)
                .map(|q| (q.cycles, 100.0 * q.value))
                .collect();
            series.push(PlotSeries {
                name: format!("{d}, {}", if refresh { "refresh" } else { "no refresh" }),
                points: pts,
                line: true,
            });
        }
    }
    let plot = LinePlot {
        title: "digits test accuracy through the RTL vs cycling history".into(),
        x_label: "cycles".into(),
        y_label: "test accuracy (%)".into(),
        log_x: true,
        series,
        ..Default::default()
    };
    let p = dir.join("accuracy_vs_cycles.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Invalid)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let mut series = Vec::new();
    for d in &cfg.devices {
        for refresh in [false, true] {
            series.push(PlotSeries {
                name: format!("{d}, {}", if refresh { "refresh" } else { "no refresh" }),
                points: res
                    .points
                    .iter()
                    .filter(|q| &q.device == d && q.refresh == refresh)
                    .map(|q| (q.cycles, q.iv_half_ratio))
                    .collect(),
                line: true,
            });
        }
    }
    let plot = LinePlot {
        title: "I(half amplitude) / I(full amplitude) through the RTL (0.5 = linear)".into(),
        x_label: "cycles".into(),
        y_label: "I(0.48 V) / I(0.96 V)".into(),
        log_x: true,
        series,
        ..Default::default()
    };
    let p = dir.join("iv_half_ratio.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Invalid)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let values: Vec<Vec<f64>> = res
        .net
        .w
        .iter()
        .map(|w| w.iter().map(|&v| v as f64).collect())
        .collect();
    let p = dir.join("weights.svg");
    let text = heatmap_svg(
        "ternary weights (pixel x class)",
        "class",
        "pixel (row-major 8x8)",
        &values,
        "weight",
    )
    .map_err(ExperimentError::Invalid)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    Ok(())
}
