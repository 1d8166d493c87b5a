//! E4 through the RTL: the ternary weights mapped to G+/G- column pairs,
//! inference tile by tile through the crossbar controller, the cycling
//! history and the refresh scheduler's pulses.

use super::*;

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
                return Err(ExperimentError::Hardware(
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

pub(super) fn astro(
    spec: &DeviceSpec,
) -> Result<&neuroxbar_models::device::astrocyte::Params, ExperimentError> {
    match &spec.params {
        ParamSet::Astrocyte(p) => Ok(p),
        _ => Err(ExperimentError::Device(format!(
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
        .map_err(|e| ExperimentError::Device(e.to_string()))?;
    fe.array_mut()
        .map_err(|e| ExperimentError::Device(e.to_string()))?
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
    let dut = VerilatorXbar::new(Trace::Off)?;
    let b = XbarBench::new(dut, fe, xcfg, false)?;
    let mut sched = VerilatorRefresh::new(Trace::Off)?;
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
                return Err(ExperimentError::Hardware(format!(
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
        return Err(ExperimentError::Hardware(
            "the controller clamped a pulse amplitude".into(),
        ));
    }
    let t_s = t.b.time_s();
    t.b.fe
        .sync()
        .map_err(|e| ExperimentError::front_end(t_s, e))?;
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
        let kind: DeviceKind = name.parse().map_err(ExperimentError::Device)?;
        let spec = DeviceSpec::load(kind, None)?;
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
