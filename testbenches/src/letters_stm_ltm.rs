//! E5 `letters-stm-ltm`: short-term vs long-term memory in a 5x5 array of
//! `otj` oxide tunnel junctions (Li et al. 2019).
//!
//! Protocol: every cell is reset to the HRS (-4.3 V, 100 ms, V/2, one PROGRAM
//! command per cell). Three letters are then written in turn, each lit
//! pixel one PROGRAM command of 10 pulses of 50 ns (V/2 scheme by default,
//! V/3 as an option): "C" at 0.9 V / 5 MHz, "H" at 1.5 V / 5 MHz, "N" at
//! 1.5 V / 0.5 MHz. As in the paper (Li 2019, Section 3: a "synapse array
//! consisting of 25 individual OTJs"; "the pixel resistances were read
//! individually at the end of the training process (blue arrows) and 25 us
//! later (orange arrows)", Fig 4a), each pixel is read individually right
//! after its own training and again 25 us after it: the pixels are visited
//! in row-major order; a lit pixel is read, written, then its row is READ at 0.1 V
//! (all columns sensed, the pixel's column kept), then, 25 us after the end
//! of its writing, read again; an unlit pixel is read at its turn and 25 us
//! later. The "after" and "25us" maps are these per-pixel reads (each cell
//! has its own time stamp). After the three letters, 500 s pass and the
//! whole map is read again row by row. The paper reports C and N as
//! short-term (visible right after, gone 25 us later, Fig 4b-g) and H as
//! long-term (kept, and for 500 s, Fig 4f, 4h).
//!
//! Everything runs through the Verilated crossbar controller
//! (`CrossbarController<25, 5>`, see `rtl/src/xbar_ctrl.rs`) bound to the
//! array + front-end model exactly as `CoSim` binds the accelerator's bus:
//! staging writes, apply edges, sample strobes, ADC results streamed back as
//! `fe_rd_*` beats, time warp over the controller's waits and over idle time.
//! The controller drives 25 rows x 5 columns; the experiment uses rows 0..5
//! and columns 0..5 of it (a 5x5 sub-array). The other 20 rows hold `otj`
//! devices too: they only see V/3 disturbs, and are never read.
//!
//! Currents are ADC codes times the TIA LSB of the front-end (the bench sets
//! the TIA gain index directly: the controller has no gain register).

use crate::experiment::ExperimentError;
use crate::experiment::{dac_code, whole_cycles};
use neuroxbar_cosim::units::xbar_ctrl::{VerilatorXbar, N_COLS, N_ROWS};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_models::golden::xbar_ctrl::{XbarInputs, XbarOutputs};
use serde::Serialize;

/// Side of the letter bitmaps (rows 0..5, columns 0..5 of the controller).
pub const SIDE: usize = 5;

/// The three letters, `#` lit.
pub const LETTERS: [(char, [&str; SIDE]); 3] = [
    ('C', [".####", "#....", "#....", "#....", ".####"]),
    ('H', ["#...#", "#...#", "#####", "#...#", "#...#"]),
    ('N', ["#...#", "##..#", "#.#.#", "#..##", "#...#"]),
];

/// Lit pixels of a bitmap.
pub fn lit(bitmap: &[&str; SIDE]) -> [[bool; SIDE]; SIDE] {
    let mut m = [[false; SIDE]; SIDE];
    for (r, line) in bitmap.iter().enumerate() {
        for (c, ch) in line.chars().enumerate() {
            m[r][c] = ch == '#';
        }
    }
    m
}

/// How one letter is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterWrite {
    pub letter: char,
    pub amplitude_v: f64,
    pub frequency_hz: f64,
    /// The paper's label: "STM" or "LTM".
    pub paper: String,
}

/// Parameters of E5.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E5Config {
    pub device: String,
    pub seed: u64,
    pub letters: Vec<LetterWrite>,
    pub pulses: u8,
    pub pulse_width_s: f64,
    pub read_v: f64,
    /// Second read of each letter, after the end of its writing.
    pub late_read_s: f64,
    /// Final read, after the end of the last letter.
    pub retention_s: f64,
    pub reset_v: f64,
    pub reset_width_s: f64,
    /// Idle time after the reset, before the baseline read.
    pub settle_after_reset_s: f64,
    /// V/3 (true) or V/2 scheme.
    pub scheme_v3: bool,
    /// Safe window of the controller's amplitude clamp, volts.
    pub safe_min_v: f64,
    pub safe_max_v: f64,
    /// Finest TIA gain of the auto-ranged reads (index into the front-end's table).
    pub tia_gain_index: usize,
    /// Warp over waits and idle time (same results, much faster).
    pub warp: bool,
    /// The crossbar controller's clock, MHz: pulse widths, intervals and
    /// waits become whole cycles of it (100 MHz, 10 ns, by default).
    pub clock_mhz: f64,
}

impl E5Config {
    /// The experiment as specified.
    pub fn full(seed: u64) -> Self {
        let lw = |letter, amplitude_v, frequency_hz, paper: &str| LetterWrite {
            letter,
            amplitude_v,
            frequency_hz,
            paper: paper.into(),
        };
        E5Config {
            device: "otj".into(),
            seed,
            letters: vec![
                lw('C', 0.9, 5e6, "STM"),
                lw('H', 1.5, 5e6, "LTM"),
                lw('N', 1.5, 0.5e6, "STM"),
            ],
            pulses: 10,
            pulse_width_s: 50e-9,
            read_v: 0.1,
            late_read_s: 25e-6,
            retention_s: 500.0,
            reset_v: -4.3,
            reset_width_s: 100e-3,
            settle_after_reset_s: 1e-3,
            // V/2: unselected cells see 0 V; with V/3 every write exposes
            // them to -V/3, whose STM a write of theirs would consolidate
            // (the 25 us between the pixels let it relax first)
            scheme_v3: false,
            // the otj safe window (models/params/otj.toml)
            safe_min_v: -4.5,
            safe_max_v: 4.0,
            // 1 pA per LSB (32.8 nA full scale, the HRS read 0.56 nA is ~560
            // codes); a saturated row is read again a decade coarser
            tia_gain_index: 0,
            warp: true,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
        }
    }
}

/// One 5x5 current map, read row by row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapRead {
    /// Letter written last before the read (`-` for the baseline; the final
    /// read after 500 s is `H`, read again).
    pub letter: char,
    /// `baseline`, `after`, `25us` or `500s`.
    pub when: String,
    /// Simulated time of each row's sample strobe, seconds (for the maps
    /// read pixel by pixel, `after` and `25us`: the row's first read).
    pub row_sample_s: Vec<f64>,
    /// Same, relative to the end of the letter's writing (0 for the baseline).
    pub row_delay_s: Vec<f64>,
    /// Simulated time of each cell's sample strobe, seconds, `[row][col]`.
    pub cell_sample_s: Vec<Vec<f64>>,
    /// Same, relative to the reference of the cell: the end of its own
    /// writing (`after`, `25us`; for an unlit pixel, its turn), the end of
    /// the letter (`500s`), the baseline read's start (`baseline`).
    pub cell_delay_s: Vec<Vec<f64>>,
    /// TIA LSB of each row's accepted read (auto-ranged), amperes.
    pub row_lsb_a: Vec<f64>,
    /// Rows read again one decade coarser because a column saturated.
    pub rereads: u32,
    /// Currents, amperes, `[row][col]`.
    pub current_a: Vec<Vec<f64>>,
    pub codes: Vec<Vec<i16>>,
    /// Saturated ADC codes in the map (at the coarsest gain).
    pub saturated: u32,
}

/// Per-letter results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterMetrics {
    pub letter: char,
    pub amplitude_v: f64,
    pub frequency_hz: f64,
    pub paper: String,
    pub lit_pixels: usize,
    /// Mean current of the lit pixels read right before their own writing.
    pub mean_lit_before_a: f64,
    pub mean_lit_after_a: f64,
    pub mean_unlit_after_a: f64,
    pub mean_lit_25us_a: f64,
    pub mean_unlit_25us_a: f64,
    pub mean_lit_500s_a: f64,
    pub mean_unlit_500s_a: f64,
    /// `mean lit / mean unlit` of each map.
    pub contrast_after: f64,
    pub contrast_25us: f64,
    pub contrast_500s: f64,
    /// `(lit - unlit)` at 25 us / right after.
    pub contrast_delta_kept_25us: f64,
    /// `(lit - unlit)` after 500 s (final map) / right after.
    pub contrast_delta_kept_500s: f64,
    /// Mean current of the lit pixels after 500 s / right after.
    pub retention_500s: f64,
    /// Mean lit current right after / baseline (HRS) mean of the same pixels.
    pub gain_after_vs_baseline: f64,
    /// The letter's own raise of its lit pixels still there 25 us later:
    /// `(lit 25 us - lit before) / (lit after - lit before)`, each pixel
    /// against its own read right before its writing (so the pixels N shares
    /// with H count only N's raise). ~0 for STM, ~1 for LTM.
    pub raise_kept_25us: f64,
    /// Mean conductance change of the lit cells by this letter's writing:
    /// `G` after the last pixel's 25 us read / `G` before writing (model
    /// state, not read through the RTL; every lit cell was written >= 25 us
    /// before, its STM part decayed to < 1 % of its peak).
    pub g_nv_ratio_lit: f64,
    /// Pulse period and width measured on the bus (apply edges of the first pixel).
    pub measured_period_s: f64,
    pub measured_width_s: f64,
    /// Simulated time from the letter's start to the end of its last lit
    /// pixel's writing (the per-pixel reads and 25 us waits included).
    pub write_time_s: f64,
    pub energy_j: f64,
}

/// Results of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E5Result {
    pub maps: Vec<MapRead>,
    pub letters: Vec<LetterMetrics>,
    /// H: mean lit current after 500 s / right after.
    pub h_retention: f64,
    /// H: (lit - unlit) after 500 s / right after.
    pub h_contrast_kept: f64,
    /// Time from the end of H to the final read's first row, seconds.
    pub h_final_delay_s: f64,
    /// Non-volatile conductance of the 5x5 cells after the run, siemens.
    pub g_final_s: Vec<Vec<f64>>,
    pub g_hrs_mean_s: f64,
    pub energy_j: f64,
    pub energy_reset_j: f64,
    pub energy_letters_j: f64,
    pub simulated_time_s: f64,
    pub cycles: u64,
    pub clocked_cycles: u64,
    pub warped_cycles: u64,
    pub idle_skipped_cycles: u64,
    pub program_commands: u64,
    pub apply_pulses: u64,
    pub clamp_error: bool,
    /// Samples the front-end flags as taken before `dac_settle_s` after an
    /// apply edge. The controller samples exactly `settle` cycles after the
    /// edge (`min_sample_after_apply_cycles`); at absolute times of seconds
    /// the front-end's check (relative tolerance 1e-9 of 100 ns, 1e-16 s)
    /// is below the rounding of `cycles * period` and flags such samples.
    pub unsettled_samples: u64,
    pub min_sample_after_apply_cycles: u64,
    pub settle_cycles: u64,
    /// Device level (one device, no array, no RTL): lowest amplitude of the
    /// letters' pulse trains leaving a non-volatile change, per letter
    /// frequency (`None`: none up to 3.0 V).
    pub device_ltm_threshold_v: Vec<(f64, Option<f64>)>,
}

pub use neuroxbar_cosim::bus::AnalogRecording;

fn err(t_s: f64, e: impl std::fmt::Display) -> ExperimentError {
    ExperimentError::Invalid(format!("front-end at t = {t_s:.9} s: {e}"))
}
pub use neuroxbar_cosim::xbar_bench::{XbarBench, IDLE_CLOCKED_MAX_CYCLES};

/// One auto-ranged READ of row `r`: read at the finest TIA gain first
/// (`gain0`), and again one decade coarser while a column of the row
/// saturates.
struct RowRead {
    codes: Vec<i16>,
    current_a: Vec<f64>,
    lsb_a: f64,
    sample_s: f64,
    rereads: u32,
    /// Saturated columns (0..SIDE) of the accepted read.
    sat_mask: u64,
}

fn read_row<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    r: usize,
    gain0: usize,
) -> Result<RowRead, ExperimentError> {
    let period = b.period_s();
    let n_gains = b.fe.params().tia_lsb_table_a.len();
    let mut g = gain0;
    let mut rereads = 0;
    loop {
        let t_s = b.time_s();
        b.fe.set_tia_gain_index(g).map_err(|e| err(t_s, e))?;
        b.take_samples();
        let (c, sat) = b.read(1u128 << r)?;
        let strobes = b.take_samples();
        if strobes.len() != 1 {
            return Err(ExperimentError::Invalid(format!(
                "{} sample strobes for one row read",
                strobes.len()
            )));
        }
        let sat = sat & ((1 << SIDE) - 1);
        if sat != 0 && g + 1 < n_gains {
            g += 1;
            rereads += 1;
            continue;
        }
        let lsb = b.fe.tia_lsb_a();
        return Ok(RowRead {
            codes: c[..SIDE].to_vec(),
            current_a: c[..SIDE].iter().map(|&x| x as f64 * lsb).collect(),
            lsb_a: lsb,
            sample_s: strobes[0] as f64 * period,
            rereads,
            sat_mask: sat,
        });
    }
}

/// Read the 5x5 map row by row, each row auto-ranged ([`read_row`]). A
/// row's time stamp is that of its accepted read.
fn read_map<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    letter: char,
    when: &str,
    t_ref_s: f64,
    gain0: usize,
) -> Result<MapRead, ExperimentError> {
    let mut m = MapRead {
        letter,
        when: when.into(),
        row_sample_s: vec![],
        row_delay_s: vec![],
        cell_sample_s: vec![],
        cell_delay_s: vec![],
        row_lsb_a: vec![],
        rereads: 0,
        current_a: vec![],
        codes: vec![],
        saturated: 0,
    };
    for r in 0..SIDE {
        let row = read_row(b, r, gain0)?;
        m.rereads += row.rereads;
        m.saturated += row.sat_mask.count_ones();
        m.row_sample_s.push(row.sample_s);
        m.row_delay_s.push(row.sample_s - t_ref_s);
        m.cell_sample_s.push(vec![row.sample_s; SIDE]);
        m.cell_delay_s.push(vec![row.sample_s - t_ref_s; SIDE]);
        m.row_lsb_a.push(row.lsb_a);
        m.current_a.push(row.current_a);
        m.codes.push(row.codes);
    }
    Ok(m)
}

/// An empty map to be filled pixel by pixel ([`PixelMap::set`]).
struct PixelMap(MapRead);

impl PixelMap {
    fn new(letter: char, when: &str) -> Self {
        PixelMap(MapRead {
            letter,
            when: when.into(),
            row_sample_s: vec![f64::NAN; SIDE],
            row_delay_s: vec![f64::NAN; SIDE],
            cell_sample_s: vec![vec![f64::NAN; SIDE]; SIDE],
            cell_delay_s: vec![vec![f64::NAN; SIDE]; SIDE],
            row_lsb_a: vec![f64::NAN; SIDE],
            rereads: 0,
            current_a: vec![vec![f64::NAN; SIDE]; SIDE],
            codes: vec![vec![0; SIDE]; SIDE],
            saturated: 0,
        })
    }

    /// Keep column `c` of `row` (a READ of row `r`) for pixel `(r, c)`,
    /// whose reference time (end of its writing, or its turn) is `t_ref_s`.
    fn set(&mut self, r: usize, c: usize, row: &RowRead, t_ref_s: f64) {
        let m = &mut self.0;
        if m.row_sample_s[r].is_nan() {
            m.row_sample_s[r] = row.sample_s;
            m.row_delay_s[r] = row.sample_s - t_ref_s;
            m.row_lsb_a[r] = row.lsb_a;
        }
        m.cell_sample_s[r][c] = row.sample_s;
        m.cell_delay_s[r][c] = row.sample_s - t_ref_s;
        m.current_a[r][c] = row.current_a[c];
        m.codes[r][c] = row.codes[c];
        m.rereads += row.rereads;
        m.saturated += ((row.sat_mask >> c) & 1) as u32;
    }
}

/// Device-level check (one `otj` device, not through the RTL): the lowest
/// amplitude of `pulses` pulses of `width_s` at `frequency_hz`, from the HRS
/// left by a `reset_v`, `reset_width_s` write, that leaves a non-volatile
/// change > 0.5 % 1 ms later (0.5 - 3.0 V in 50 mV steps), as the
/// 20 ns threshold protocol of models/DEVICES.md. `None`: no amplitude does.
pub fn device_ltm_threshold_v(
    spec: &DeviceSpec,
    seed: u64,
    pulses: u32,
    width_s: f64,
    frequency_hz: f64,
    reset_v: f64,
    reset_width_s: f64,
) -> Result<Option<f64>, ExperimentError> {
    let inv = |e: neuroxbar_models::device::DeviceError| ExperimentError::Invalid(e.to_string());
    for k in 0..=50 {
        let v = 0.5 + 0.05 * k as f64;
        let mut d = spec.instantiate(seed);
        d.apply(reset_v, reset_width_s).map_err(inv)?;
        d.advance(1e-3);
        let g0 = d.conductance_s();
        for _ in 0..pulses {
            d.apply(v, width_s).map_err(inv)?;
            d.advance(1.0 / frequency_hz - width_s);
        }
        d.advance(1e-3);
        if d.conductance_s() / g0 - 1.0 > 0.005 {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

fn mean_where(m: &[Vec<f64>], mask: &[[bool; SIDE]; SIDE], want: bool) -> f64 {
    let v: Vec<f64> = (0..SIDE)
        .flat_map(|r| (0..SIDE).map(move |c| (r, c)))
        .filter(|&(r, c)| mask[r][c] == want)
        .map(|(r, c)| m[r][c])
        .collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn g_nv_map(fe: &mut FrontEnd, t_s: f64) -> Result<Vec<Vec<f64>>, ExperimentError> {
    let w = fe.weights_s().map_err(|e| err(t_s, e))?;
    Ok((0..SIDE)
        .map(|r| (0..SIDE).map(|c| w[r * N_COLS + c]).collect())
        .collect())
}

/// Run E5 through the Verilated crossbar controller.
pub fn run_verilator(cfg: &E5Config) -> Result<E5Result, ExperimentError> {
    run_verilator_traced(cfg, neuroxbar_cosim::Trace::Off)
}

/// [`run_verilator`] writing a VCD of the controller (time-stamped in
/// simulated time; a window counts clocked cycles).
pub fn run_verilator_traced(
    cfg: &E5Config,
    trace: neuroxbar_cosim::Trace,
) -> Result<E5Result, ExperimentError> {
    run_verilator_analog(cfg, trace, None)
}

/// [`run_verilator_traced`] with the analog side in the VCD (`analog` scope:
/// line voltages, column currents and the conductances of `probes`; see
/// [`neuroxbar_cosim::analog`]) when a VCD is written and `probes` is given.
pub fn run_verilator_analog(
    cfg: &E5Config,
    trace: neuroxbar_cosim::Trace,
    probes: Option<&neuroxbar_cosim::analog::Probes>,
) -> Result<E5Result, ExperimentError> {
    use neuroxbar_cosim::Trace;
    let (vcd, window) = match &trace {
        Trace::Off => (None, None),
        Trace::Whole(p) => (Some(p.clone()), None),
        Trace::Window { path, from, to } => (Some(path.clone()), Some((*from, *to))),
    };
    let analog = match (&vcd, probes) {
        (Some(v), Some(p)) => Some((
            neuroxbar_cosim::analog::AnalogTrace::new(v, N_ROWS, N_COLS, p)
                .map_err(ExperimentError::Invalid)?,
            window,
        )),
        _ => None,
    };
    // the VCD's clock period is the front-end's (set when the bench binds it)
    let dut = VerilatorXbar::new(trace).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    // the bench (and with it the VCD) is closed when run_with returns
    let (res, analog) = run_with(dut, cfg, analog)?;
    if let (Some((a, _)), Some(v)) = (analog, &vcd) {
        a.merge_into(v).map_err(ExperimentError::Invalid)?;
    }
    Ok(res)
}

/// Run E5 on any back end of the crossbar controller.
pub fn run_on<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    dut: B,
    cfg: &E5Config,
) -> Result<E5Result, ExperimentError> {
    run_with(dut, cfg, None).map(|r| r.0)
}

/// [`run_on`] recording `analog`, given back at the end.
fn run_with<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    dut: B,
    cfg: &E5Config,
    analog: Option<AnalogRecording>,
) -> Result<(E5Result, Option<AnalogRecording>), ExperimentError> {
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Invalid)?;
    let spec = DeviceSpec::load(kind, None).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let params = crate::experiment::fe_params(cfg.clock_mhz)?;
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, params.clone(), cfg.seed)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let lsb_v = params.dac_lsb_volts;
    let period = params.clock_period_s;
    let width = whole_cycles(cfg.pulse_width_s, period);
    let reset_width = whole_cycles(cfg.reset_width_s, period);
    if width == 0 || reset_width == 0 || reset_width >= 1 << 24 {
        return Err(ExperimentError::Invalid(
            "pulse widths must be 1 ..= 2^24 - 1 cycles".into(),
        ));
    }
    let xcfg = XbarInputs {
        v_read: dac_code("read_v", cfg.read_v, lsb_v)?,
        settle: params.dac_settle_cycles().max(1) as u16,
        v_pot: 0,
        v_dep: dac_code("reset_v", cfg.reset_v, lsb_v)?,
        width: reset_width as u32,
        interval: 1,
        // the reset runs in V/2: half-selected cells see -V/2 (pushed towards
        // the HRS as well), the others 0 V; V/3 would expose every other cell
        // to +-1.43 V for 100 ms, far beyond any write of the experiment
        scheme_v3: false,
        safe_max: dac_code("safe_max_v", cfg.safe_max_v, lsb_v)?,
        safe_min: dac_code("safe_min_v", cfg.safe_min_v, lsb_v)?,
        refresh_code: 0,
        refresh_width: 1,
        ..Default::default()
    };
    let mut b = XbarBench::new(dut, fe, xcfg, cfg.warp)?;
    b.analog = analog;
    if let Some((a, window)) = &mut b.analog {
        if window.is_none_or(|(from, _)| from == 0) {
            a.record(&b.fe, 0.0, true, None)
                .map_err(ExperimentError::Invalid)?;
        }
    }

    // 1. every cell of the 5x5 sub-array to the HRS
    for r in 0..SIDE {
        for c in 0..SIDE {
            b.program(r as u8, c as u8, false, 1)?;
        }
    }
    let t = b.time_cycles() + whole_cycles(cfg.settle_after_reset_s, period);
    b.idle_until(t)?;
    b.fe.sync().map_err(|e| err(b.time_s(), e))?;
    let energy_reset_j = b.fe.energy_j();
    let t_s = b.time_s();
    let baseline = read_map(&mut b, '-', "baseline", t_s, cfg.tia_gain_index)?;
    let g_hrs = g_nv_map(&mut b.fe, t_s)?;
    let g_hrs_mean_s = g_hrs.iter().flatten().sum::<f64>() / (SIDE * SIDE) as f64;
    let mut maps = vec![baseline.clone()];

    // 2. the letters
    struct Written {
        end_s: f64,
        period_s: f64,
        width_s: f64,
        write_time_s: f64,
        energy_j: f64,
        g_ratio: f64,
        lit_before_a: f64,
    }
    let mut written = Vec::new();
    for lw in &cfg.letters {
        let bitmap = LETTERS
            .iter()
            .find(|(c, _)| *c == lw.letter)
            .ok_or_else(|| ExperimentError::Invalid(format!("no bitmap for `{}`", lw.letter)))?;
        let mask = lit(&bitmap.1);
        let pulse_period = whole_cycles(1.0 / lw.frequency_hz, period);
        if pulse_period <= width {
            return Err(ExperimentError::Invalid(format!(
                "{}: period {} cycles not longer than the width",
                lw.letter, pulse_period
            )));
        }
        {
            let x = b.config_mut();
            x.scheme_v3 = cfg.scheme_v3;
            x.v_pot = dac_code("amplitude_v", lw.amplitude_v, lsb_v)?;
            x.width = width as u32;
            x.interval = (pulse_period - width) as u32;
        }
        let g_before = {
            let t = b.time_s();
            g_nv_map(&mut b.fe, t)?
        };
        b.fe.sync().map_err(|e| err(b.time_s(), e))?;
        let e0 = b.fe.energy_j();
        let t0 = b.time_s();
        let mut first_edges = None;
        let mut after = PixelMap::new(lw.letter, "after");
        let mut late = PixelMap::new(lw.letter, "25us");
        let mut end = b.time_cycles();
        let (mut before_sum, mut before_n) = (0.0, 0.0);
        for (r, row) in mask.iter().enumerate() {
            for (c, &on) in row.iter().enumerate() {
                // each pixel individually: written (if lit), read right
                // after, read again 25 us after the end of its writing
                if on {
                    let rd = read_row(&mut b, r, cfg.tia_gain_index)?;
                    before_sum += rd.current_a[c];
                    before_n += 1.0;
                    b.take_edges();
                    b.program(r as u8, c as u8, true, cfg.pulses)?;
                    if first_edges.is_none() {
                        first_edges = Some(b.take_edges());
                    }
                }
                let t_px = b.time_cycles();
                let t_px_s = b.time_s();
                if on {
                    end = t_px;
                }
                let rd = read_row(&mut b, r, cfg.tia_gain_index)?;
                after.set(r, c, &rd, t_px_s);
                b.idle_until(t_px + whole_cycles(cfg.late_read_s, period))?;
                let rd = read_row(&mut b, r, cfg.tia_gain_index)?;
                late.set(r, c, &rd, t_px_s);
            }
        }
        let end_s = end as f64 * period;
        let t_done_s = b.time_s();
        b.fe.sync().map_err(|e| err(t_done_s, e))?;
        let energy_j = b.fe.energy_j() - e0;
        // measured on the bus: rising edges and widths of the first pixel
        let edges = first_edges.unwrap_or_default();
        let rises: Vec<u64> = edges.iter().filter(|e| e.1).map(|e| e.0).collect();
        let falls: Vec<u64> = edges.iter().filter(|e| !e.1).map(|e| e.0).collect();
        let period_s = if rises.len() > 1 {
            (rises[rises.len() - 1] - rises[0]) as f64 / (rises.len() - 1) as f64 * period
        } else {
            f64::NAN
        };
        let width_s = match (rises.first(), falls.first()) {
            (Some(a), Some(f)) => (f - a) as f64 * period,
            _ => f64::NAN,
        };
        maps.push(after.0);
        maps.push(late.0);
        // conductance change of the lit cells (model state at the late read,
        // the STM trace decayed to exp(-25 us / tau) of its peak)
        let g_late = {
            let t = b.time_s();
            g_nv_map(&mut b.fe, t)?
        };
        let mut sum = 0.0;
        let mut n = 0.0;
        for r in 0..SIDE {
            for c in 0..SIDE {
                if mask[r][c] {
                    sum += g_late[r][c] / g_before[r][c];
                    n += 1.0;
                }
            }
        }
        written.push(Written {
            end_s,
            period_s,
            width_s,
            write_time_s: end_s - t0,
            energy_j,
            g_ratio: sum / n,
            lit_before_a: before_sum / before_n,
        });
    }

    // 3. retention
    let last_end_s = written.last().map(|w| w.end_s).unwrap_or(0.0);
    let t_final = whole_cycles(last_end_s + cfg.retention_s, period);
    b.idle_until(t_final)?;
    // the final read is "H read again" (the whole map, like every read)
    let final_letter = if cfg.letters.iter().any(|l| l.letter == 'H') {
        'H'
    } else {
        '*'
    };
    let final_map = read_map(&mut b, final_letter, "500s", last_end_s, cfg.tia_gain_index)?;
    let g_final_s = {
        let t = b.time_s();
        g_nv_map(&mut b.fe, t)?
    };
    maps.push(final_map.clone());
    b.fe.sync().map_err(|e| err(b.time_s(), e))?;
    let energy_j = b.fe.energy_j();

    // 4. metrics
    let mut letters = Vec::new();
    for (k, lw) in cfg.letters.iter().enumerate() {
        let bitmap = LETTERS.iter().find(|(c, _)| *c == lw.letter).unwrap();
        let mask = lit(&bitmap.1);
        let after = &maps[1 + 2 * k].current_a;
        let late = &maps[2 + 2 * k].current_a;
        let fin = &final_map.current_a;
        let (la, ua) = (
            mean_where(after, &mask, true),
            mean_where(after, &mask, false),
        );
        let (ll, ul) = (
            mean_where(late, &mask, true),
            mean_where(late, &mask, false),
        );
        let (lf, uf) = (mean_where(fin, &mask, true), mean_where(fin, &mask, false));
        let lb = mean_where(&baseline.current_a, &mask, true);
        let w = &written[k];
        letters.push(LetterMetrics {
            letter: lw.letter,
            amplitude_v: lw.amplitude_v,
            frequency_hz: lw.frequency_hz,
            paper: lw.paper.clone(),
            lit_pixels: mask.iter().flatten().filter(|&&x| x).count(),
            mean_lit_before_a: w.lit_before_a,
            mean_lit_after_a: la,
            mean_unlit_after_a: ua,
            mean_lit_25us_a: ll,
            mean_unlit_25us_a: ul,
            mean_lit_500s_a: lf,
            mean_unlit_500s_a: uf,
            contrast_after: la / ua,
            contrast_25us: ll / ul,
            contrast_500s: lf / uf,
            contrast_delta_kept_25us: (ll - ul) / (la - ua),
            contrast_delta_kept_500s: (lf - uf) / (la - ua),
            retention_500s: lf / la,
            gain_after_vs_baseline: la / lb,
            raise_kept_25us: (ll - w.lit_before_a) / (la - w.lit_before_a),
            g_nv_ratio_lit: w.g_ratio,
            measured_period_s: w.period_s,
            measured_width_s: w.width_s,
            write_time_s: w.write_time_s,
            energy_j: w.energy_j,
        });
    }
    let h = letters.iter().position(|l| l.letter == 'H');
    let (h_retention, h_contrast_kept, h_final_delay_s) = match h {
        Some(i) => (
            letters[i].retention_500s,
            letters[i].contrast_delta_kept_500s,
            final_map.row_sample_s[0] - written[i].end_s,
        ),
        None => (f64::NAN, f64::NAN, f64::NAN),
    };
    let st = b.fe.stats().clone();
    let mut thresholds = Vec::new();
    for lw in &cfg.letters {
        if thresholds.iter().any(|(f, _)| *f == lw.frequency_hz) {
            continue;
        }
        let th = device_ltm_threshold_v(
            &spec,
            cfg.seed,
            cfg.pulses as u32,
            cfg.pulse_width_s,
            lw.frequency_hz,
            cfg.reset_v,
            cfg.reset_width_s,
        )?;
        thresholds.push((lw.frequency_hz, th));
    }
    let res = E5Result {
        maps,
        letters,
        h_retention,
        h_contrast_kept,
        h_final_delay_s,
        g_final_s,
        g_hrs_mean_s,
        energy_j,
        energy_reset_j,
        energy_letters_j: energy_j - energy_reset_j,
        simulated_time_s: b.time_s(),
        cycles: b.time_cycles(),
        clocked_cycles: b.stats().clocked_cycles,
        warped_cycles: b.stats().warped_cycles,
        idle_skipped_cycles: b.stats().idle_skipped_cycles,
        program_commands: b.dut.program_commands,
        apply_pulses: st.apply_pulses,
        clamp_error: b.outputs().clamp_error,
        unsettled_samples: st.unsettled_samples,
        min_sample_after_apply_cycles: b.dut.min_sample_after_apply,
        settle_cycles: params.dac_settle_cycles(),
        device_ltm_threshold_v: thresholds,
    };
    Ok((res, b.analog.take()))
}

/// Write `report.json`, `maps.csv` and the SVG heatmaps into `dir`.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E5Config,
    res: &E5Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{heatmap_svg, write_atomic, write_csv};
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = |p: &std::path::Path| {
        let p = p.to_path_buf();
        move |e| ExperimentError::io(&p, e)
    };
    let report = json!({
        "experiment": "letters-stm-ltm",
        "device": cfg.device,
        "seed": cfg.seed,
        "parameters": cfg,
        "sub_array": "rows 0..5, columns 0..5 of the 25 x 5 crossbar controller",
        "letters": res.letters,
        "h_retention": res.h_retention,
        "h_contrast_kept": res.h_contrast_kept,
        "h_final_delay_s": res.h_final_delay_s,
        "g_hrs_mean_s": res.g_hrs_mean_s,
        "g_final_s": res.g_final_s,
        "maps": res.maps.iter().map(|m| json!({
            "letter": m.letter.to_string(),
            "when": m.when,
            "row_sample_s": m.row_sample_s,
            "row_delay_s": m.row_delay_s,
            "saturated": m.saturated,
            "row_lsb_a": m.row_lsb_a,
            "rereads": m.rereads,
        })).collect::<Vec<_>>(),
        "device_ltm_threshold_v": res.device_ltm_threshold_v.iter().map(|(f, v)| json!({
            "frequency_hz": f,
            "threshold_v": v,
            "note": "one device, no array, no RTL: lowest amplitude of the pulse train leaving a non-volatile change > 0.5 % 1 ms later",
        })).collect::<Vec<_>>(),
        "energy_j": res.energy_j,
        "energy_reset_j": res.energy_reset_j,
        "energy_letters_j": res.energy_letters_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "clock_mhz": cfg.clock_mhz,
        "pulse_width_emitted_s": whole_cycles(cfg.pulse_width_s, 1e-6 / cfg.clock_mhz) as f64 * 1e-6 / cfg.clock_mhz,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
        "warped_cycles": res.warped_cycles,
        "idle_skipped_cycles": res.idle_skipped_cycles,
        "program_commands": res.program_commands,
        "apply_pulses": res.apply_pulses,
        "clamp_error": res.clamp_error,
        "unsettled_samples": res.unsettled_samples,
        "min_sample_after_apply_cycles": res.min_sample_after_apply_cycles,
        "settle_cycles": res.settle_cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let p = dir.join("maps.csv");
    let mut rows = Vec::new();
    for m in &res.maps {
        for r in 0..SIDE {
            for c in 0..SIDE {
                rows.push(vec![
                    m.letter.to_string(),
                    m.when.clone(),
                    r.to_string(),
                    c.to_string(),
                    format!("{:.9e}", m.cell_sample_s[r][c]),
                    format!("{:.9e}", m.cell_delay_s[r][c]),
                    m.codes[r][c].to_string(),
                    format!("{:.6e}", m.current_a[r][c]),
                ]);
            }
        }
    }
    write_csv(
        &p,
        &[
            "letter",
            "when",
            "row",
            "col",
            "t_sample_s",
            "delay_s",
            "code",
            "current_a",
        ],
        &rows,
    )
    .map_err(io(&p))?;

    for m in &res.maps {
        let name = match m.letter {
            '-' => "baseline".to_string(),
            '*' => "final".to_string(),
            c => c.to_string(),
        };
        let nano: Vec<Vec<f64>> = m
            .current_a
            .iter()
            .map(|r| r.iter().map(|i| i * 1e9).collect())
            .collect();
        let file = if m.letter == '-' {
            "maps_baseline.svg".to_string()
        } else {
            format!("maps_{name}_{}.svg", m.when)
        };
        let p = dir.join(file);
        let text = heatmap_svg(
            &format!("{name}: read {} (0.1 V)", m.when),
            "column",
            "row",
            &nano,
            "current (nA)",
        )
        .map_err(ExperimentError::Invalid)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    }
    Ok(())
}
