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
//!
//! Modules: [`readout`] (the auto-ranged row READs and the maps),
//! [`protocol`] (the run through the controller), [`metrics`] (what a map
//! means: lit against unlit pixels, the device-level LTM threshold),
//! [`report`] (`report.json`, CSV and SVG).

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
    ExperimentError::front_end(t_s, e)
}
pub use neuroxbar_cosim::xbar_bench::{XbarBench, IDLE_CLOCKED_MAX_CYCLES};

pub mod metrics;
pub mod protocol;
pub mod readout;
pub mod report;

pub use metrics::device_ltm_threshold_v;
pub use protocol::{run_on, run_verilator, run_verilator_analog, run_verilator_traced};
pub use report::write_report;
