//! Analog front-end of the crossbar: per-channel DACs, sense amplifiers (TIA)
//! and ADCs, driven by bus events from the RTL (the bus is specified in
//! `rtl/DESIGN.md`, "Front-end bus").
//!
//! # Bus model
//!
//! - Channels `0..n_rows` are rows, `n_rows..n_rows + n_cols` are columns.
//! - [`FrontEnd::stage`] (`fe_we`) writes one channel's *staged* setting:
//!   a [`ChannelMode`] and a signed DAC code (`dac_lsb_volts` per LSB, 12 bits
//!   by default: -2048..=2047, i.e. -8.192..=+8.188 V). Staging never changes
//!   the lines by itself.
//! - [`FrontEnd::set_apply`] (`fe_apply` edges): on the rising edge the staged
//!   set is latched onto the lines; while apply is high the lines hold the
//!   latched set; on the falling edge (and whenever apply is low) every line is
//!   grounded. The pulse width is the time apply stays high. Staging while
//!   apply is high changes the staged set for the *next* apply, never the lines
//!   (the RTL does not do it; the model defines it anyway).
//! - Line voltages: `ground` = 0 V, `drive` = code * LSB, `sense` = 0 V
//!   (TIA virtual ground), `float` = high impedance.
//! - **Floating simplification**: a cell with a floating row or column carries
//!   no current and sees 0 V (it relaxes as if idle). Sneak paths through a
//!   floating line are not modelled.
//! - Cell voltage `V_ij = V_row_i - V_col_j`, piecewise constant between bus
//!   events.
//! - [`FrontEnd::sample`] (`fe_sample`): all `sense` channels are sampled at
//!   the same instant. Each sensed line's current is the sum of its cells'
//!   device I-V at their cell voltages (`Device::current_a`, nonlinear where the
//!   device is), plus Gaussian read noise (`read_noise_sd_a`, front-end RNG).
//!   The TIA/ADC turns it into `round(I / tia_lsb_a)` clamped to a signed
//!   `adc_bits` code, with a saturation flag. Results are ready after the ADC
//!   conversion latency and stream out one channel per clock cycle in
//!   ascending channel order. The sign convention is "current flowing from the
//!   array into the sense amplifier": positive for a column when its rows are
//!   driven positive; a sensed *row* sees the negated sum of its cells.
//! - DAC settling is not applied to the device physics (lines step ideally);
//!   a sample taken less than `dac_settle_s` after an apply edge is reported as
//!   `settled = false` and counted, so the harness can flag an RTL that reads
//!   too early.
//!
//! # Time and cost
//!
//! Every event takes the absolute simulation time in seconds; time must not
//! go backwards (an error otherwise). Devices are called only on events and
//! lazily: each cell remembers the voltage it holds and the time it was last
//! brought up to date. A cell is integrated (`apply(v, dt)` if it holds
//! `v != 0`, `advance(dt)` at 0 V) only when its voltage changes (apply
//! edges), on [`FrontEnd::sync`], or when a sample reads it with
//! `integrate_on_sample` set. Because
//! `advance(a); advance(b) == advance(a + b)` by the device contract, the
//! result is the same as integrating every cell at every event, but
//! [`FrontEnd::advance_to`] is O(1) (time warp over idle intervals costs
//! nothing) and an apply edge costs O(cells whose voltage changes): in the V/2
//! scheme only the selected row and column. A pulse held across unrelated
//! events (`advance_to`, staging) stays *one* `apply` call, so warped and
//! unwarped runs call the devices identically. By default a sample reads
//! each cell at its state at the apply rising edge and does not split the
//! pulse (see `FrontEndParams::integrate_on_sample`): every apply pulse
//! reaches each biased device as exactly one `apply(v, width)` call.
//!
//! Reading device state through [`FrontEnd::array`] shows each cell as of its
//! last integration; call [`FrontEnd::sync`] (or use [`FrontEnd::weights_s`])
//! for the state at the current time.
//!
//! # Safe window
//!
//! On the apply rising edge every cell voltage is checked against its
//! device's safe window. If any cell would be outside, the front-end refuses
//! the apply (the lines stay grounded, nothing is integrated) and returns
//! [`FrontEndError::Window`] naming the cell, the voltage and the window. The
//! RTL clamps amplitudes, so this indicates an RTL or configuration bug.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::array::{Array, ArrayError};
use crate::device::DeviceSpec;
use crate::param::{Check, ParamError};

/// Errors of the array and front-end model. Each names the quantity and its
/// allowed range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrontEndError {
    #[error("front-end: channel {ch} out of range 0..{n_channels} (rows 0..{n_rows}, columns {n_rows}..{n_channels})")]
    Channel {
        ch: usize,
        n_channels: usize,
        n_rows: usize,
    },
    /// An error of the array itself (a cell out of range, a shape, a device).
    #[error(transparent)]
    Array(#[from] ArrayError),
    #[error("front-end: DAC code {code} out of range {min}..={max}")]
    Code { code: i64, min: i64, max: i64 },
    #[error("front-end: {v_volts} V is not representable by the DAC: range [{min_volts}, {max_volts}] V")]
    DacVolts {
        v_volts: f64,
        min_volts: f64,
        max_volts: f64,
    },
    #[error(
        "front-end: channel mode {mode} out of range 0..=3 (0 ground, 1 drive, 2 sense, 3 float)"
    )]
    Mode { mode: u64 },
    #[error("front-end: time {t_s} s is not finite")]
    BadTime { t_s: f64 },
    #[error("front-end: time went backwards: event at {t_s} s, model already at {now_s} s (must be >= {now_s} s)")]
    TimeWentBackwards { t_s: f64, now_s: f64 },
    #[error("front-end: sample at {t_s} s while the ADC is busy until {busy_until_s} s")]
    AdcBusy { t_s: f64, busy_until_s: f64 },
    #[error("front-end: TIA gain index {index} out of range 0..{len}")]
    TiaGain { index: usize, len: usize },
    #[error(
        "front-end: cell ({row}, {col}) ({device}) would see {v_volts} V, outside its safe window [{min_volts}, {max_volts}] V; apply refused, lines grounded"
    )]
    Window {
        row: usize,
        col: usize,
        device: &'static str,
        v_volts: f64,
        min_volts: f64,
        max_volts: f64,
    },
    /// A parameter out of range: the same error as a device parameter's.
    #[error(transparent)]
    Param(#[from] ParamError),
}

/// Mode of one channel (`fe_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelMode {
    /// 0: line tied to 0 V.
    #[default]
    Ground,
    /// 1: line driven at the channel's DAC code.
    Drive,
    /// 2: line at virtual ground (0 V), current measured by the TIA.
    Sense,
    /// 3: high impedance (cells on the line carry no current).
    Float,
}

impl ChannelMode {
    /// Decode the 2-bit `fe_mode` value.
    pub fn from_bits(bits: u64) -> Result<Self, FrontEndError> {
        match bits {
            0 => Ok(ChannelMode::Ground),
            1 => Ok(ChannelMode::Drive),
            2 => Ok(ChannelMode::Sense),
            3 => Ok(ChannelMode::Float),
            mode => Err(FrontEndError::Mode { mode }),
        }
    }

    /// The 2-bit `fe_mode` encoding.
    pub fn bits(self) -> u8 {
        match self {
            ChannelMode::Ground => 0,
            ChannelMode::Drive => 1,
            ChannelMode::Sense => 2,
            ChannelMode::Float => 3,
        }
    }
}

/// One channel's setting: mode and DAC code (the code matters only in `Drive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChannelSetting {
    pub mode: ChannelMode,
    pub code: i16,
}

/// Write-disturb scheme for programming one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WriteScheme {
    /// Selected row +V/2, selected column -V/2, all other lines 0 V:
    /// selected cell V, half-selected cells V/2, unselected cells 0 V.
    HalfV,
    /// Selected row +V/2, selected column -V/2, unselected rows -V/6,
    /// unselected columns +V/6: selected cell V, half-selected cells V/3,
    /// unselected cells -V/3. (The symmetric form of the classic V, 0, V/3,
    /// 2V/3 biasing: same cell voltages, lines within +-V/2.)
    ThirdV,
}

/// TIA gain table default: amperes per ADC LSB, one decade per step.
pub const DEFAULT_TIA_LSB_TABLE_A: [f64; 8] = [1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5];

/// Parameters of the DAC / TIA / ADC front-end (TOML, every field optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrontEndParams {
    /// DAC step, volts per code (4 mV).
    pub dac_lsb_volts: f64,
    /// DAC resolution in bits (signed codes `-2^(b-1) ..= 2^(b-1) - 1`); 12.
    pub dac_bits: u32,
    /// Selectable TIA gains, amperes per ADC LSB (the TIA gain register indexes it).
    pub tia_lsb_table_a: Vec<f64>,
    /// Index into `tia_lsb_table_a` at reset.
    pub tia_gain_index: usize,
    /// ADC resolution in bits (signed codes, saturating); 16.
    pub adc_bits: u32,
    /// Input-referred read noise of the TIA + ADC, amperes (standard deviation
    /// per sample and channel).
    pub read_noise_sd_a: f64,
    /// Also use each device's own read noise (`Device::read_current_a`)
    /// instead of its noiseless I-V.
    pub device_read_noise: bool,
    /// How a sample taken while a cell holds a voltage sees that cell.
    /// `false` (default): at its state when the held voltage began (the apply
    /// rising edge), so every apply pulse reaches each device as exactly one
    /// `apply(v, width)` call, as the device models are calibrated (per-pulse
    /// C2C draws, cycle counting, per-pulse trace consolidation). `true`: the
    /// cells on sensed lines are integrated up to the sample instant first
    /// (exact for state that moves during a long pulse, but a pulse sampled
    /// mid-way then reaches those devices as two `apply` calls).
    pub integrate_on_sample: bool,
    /// DAC settling time after an apply edge, seconds.
    pub dac_settle_s: f64,
    /// ADC conversion time from the sample strobe to the first result, seconds.
    pub adc_conversion_s: f64,
    /// FPGA clock period used to express latencies in cycles, seconds.
    pub clock_period_s: f64,
}

impl Default for FrontEndParams {
    fn default() -> Self {
        FrontEndParams {
            dac_lsb_volts: 0.004,
            dac_bits: 12,
            tia_lsb_table_a: DEFAULT_TIA_LSB_TABLE_A.to_vec(),
            tia_gain_index: 4,
            adc_bits: 16,
            read_noise_sd_a: 1e-10,
            device_read_noise: false,
            integrate_on_sample: false,
            dac_settle_s: 100e-9,
            adc_conversion_s: 1e-6,
            clock_period_s: 10e-9,
        }
    }
}

fn param_err(file: &str, field: &str, message: String) -> FrontEndError {
    FrontEndError::Param(ParamError::new(file, field, message))
}

fn check_range(file: &str, field: &str, v: f64, lo: f64, hi: f64) -> Result<(), FrontEndError> {
    Ok(Check { file }.range(field, v, lo, hi)?)
}

impl FrontEndParams {
    /// Parse a TOML parameter set (missing fields take defaults) and validate it.
    /// `file` is used in error messages.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Self, FrontEndError> {
        let p: FrontEndParams = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            let field = msg.split('`').nth(1).unwrap_or("<file>").to_string();
            param_err(file, &field, msg.trim().to_string())
        })?;
        p.validate_in(file)?;
        Ok(p)
    }

    /// Check every field against its allowed range.
    pub fn validate(&self) -> Result<(), FrontEndError> {
        self.validate_in("front-end parameters")
    }

    fn validate_in(&self, file: &str) -> Result<(), FrontEndError> {
        check_range(file, "dac_lsb_volts", self.dac_lsb_volts, 1e-6, 1.0)?;
        if !(2..=16).contains(&self.dac_bits) {
            return Err(param_err(
                file,
                "dac_bits",
                format!(
                    "value {} is outside the allowed range [2, 16]",
                    self.dac_bits
                ),
            ));
        }
        if !(2..=16).contains(&self.adc_bits) {
            return Err(param_err(
                file,
                "adc_bits",
                format!(
                    "value {} is outside the allowed range [2, 16]",
                    self.adc_bits
                ),
            ));
        }
        if self.tia_lsb_table_a.is_empty() || self.tia_lsb_table_a.len() > 64 {
            return Err(param_err(
                file,
                "tia_lsb_table_a",
                format!("needs 1 to 64 entries, has {}", self.tia_lsb_table_a.len()),
            ));
        }
        for (i, &g) in self.tia_lsb_table_a.iter().enumerate() {
            check_range(file, &format!("tia_lsb_table_a[{i}]"), g, 1e-18, 1.0)?;
        }
        if self.tia_gain_index >= self.tia_lsb_table_a.len() {
            return Err(param_err(
                file,
                "tia_gain_index",
                format!(
                    "value {} is outside the allowed range [0, {}]",
                    self.tia_gain_index,
                    self.tia_lsb_table_a.len() - 1
                ),
            ));
        }
        check_range(file, "read_noise_sd_a", self.read_noise_sd_a, 0.0, 1.0)?;
        check_range(file, "dac_settle_s", self.dac_settle_s, 0.0, 1.0)?;
        check_range(file, "adc_conversion_s", self.adc_conversion_s, 0.0, 1.0)?;
        check_range(file, "clock_period_s", self.clock_period_s, 1e-12, 1.0)?;
        Ok(())
    }

    /// Smallest DAC code.
    pub fn code_min(&self) -> i16 {
        (-(1i32 << (self.dac_bits - 1))) as i16
    }

    /// Largest DAC code.
    pub fn code_max(&self) -> i16 {
        ((1i32 << (self.dac_bits - 1)) - 1) as i16
    }

    /// Smallest ADC code.
    pub fn adc_code_min(&self) -> i16 {
        (-(1i32 << (self.adc_bits - 1))) as i16
    }

    /// Largest ADC code.
    pub fn adc_code_max(&self) -> i16 {
        ((1i32 << (self.adc_bits - 1)) - 1) as i16
    }

    /// Line voltage of a DAC code, volts.
    pub fn code_to_volts(&self, code: i16) -> f64 {
        code as f64 * self.dac_lsb_volts
    }

    /// Nearest DAC code for `v_volts`, or an error if outside the DAC range.
    pub fn volts_to_code(&self, v_volts: f64) -> Result<i16, FrontEndError> {
        let x = (v_volts / self.dac_lsb_volts).round();
        if !x.is_finite() || x < self.code_min() as f64 || x > self.code_max() as f64 {
            return Err(FrontEndError::DacVolts {
                v_volts,
                min_volts: self.code_to_volts(self.code_min()),
                max_volts: self.code_to_volts(self.code_max()),
            });
        }
        Ok(x as i16)
    }

    /// Sign-extend a raw `dac_bits`-wide `fe_code` bus value (two's complement).
    pub fn code_from_bits(&self, raw: u64) -> i16 {
        let b = self.dac_bits;
        let v = (raw & ((1u64 << b) - 1)) as i64;
        let v = if v >= 1i64 << (b - 1) {
            v - (1i64 << b)
        } else {
            v
        };
        v as i16
    }

    /// Whole clock cycles covering `duration_s` (rounded up, with a tolerance
    /// of 1e-6 cycle for floating-point error).
    pub fn cycles_for(&self, duration_s: f64) -> u64 {
        let c = duration_s / self.clock_period_s;
        if c <= 0.0 || !c.is_finite() {
            return 0;
        }
        (c - 1e-6).ceil().max(0.0) as u64
    }

    /// DAC settling latency in clock cycles.
    pub fn dac_settle_cycles(&self) -> u64 {
        self.cycles_for(self.dac_settle_s)
    }

    /// ADC conversion latency in clock cycles (strobe to first result).
    pub fn adc_conversion_cycles(&self) -> u64 {
        self.cycles_for(self.adc_conversion_s)
    }
}

/// One sensed channel's result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ColumnSample {
    /// Channel number (`fe_rd_ch`): a column `n_rows + j`, or a row if sensed.
    pub ch: u16,
    /// Signed current code (`fe_rd_data`), `round(I / tia_lsb_a)` clamped.
    pub code: i16,
    /// The code was clamped at the ADC range.
    pub saturated: bool,
    /// The analog current that was digitized (including read noise), amperes.
    pub current_a: f64,
}

/// Result of one `fe_sample` strobe.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SampleBatch {
    /// Time of the strobe, seconds.
    pub t_sample_s: f64,
    /// Conversion latency in clock cycles (`adc_conversion_cycles`).
    pub conversion_cycles: u64,
    /// Time the first result is valid: `t_sample_s + conversion_cycles * clock_period_s`.
    /// The ADC is busy from the strobe until then.
    pub ready_at_s: f64,
    /// Clock period, seconds: result `k` is valid at `ready_at_s + k * clock_period_s`.
    pub clock_period_s: f64,
    /// False if the strobe came less than `dac_settle_s` after an apply edge.
    pub settled: bool,
    /// Sensed channels in ascending channel order (the streaming order).
    pub columns: Vec<ColumnSample>,
}

impl SampleBatch {
    /// Time at which result `k` (in streaming order) is on the bus, seconds.
    pub fn valid_at_s(&self, k: usize) -> f64 {
        self.ready_at_s + k as f64 * self.clock_period_s
    }
}

/// Event counters of the front-end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontEndStats {
    /// `fe_we` writes.
    pub stage_writes: u64,
    /// Accepted apply rising edges (pulses, including read pulses).
    pub apply_pulses: u64,
    /// Apply rising edges refused because a cell would leave its safe window.
    pub window_errors: u64,
    /// Sample strobes.
    pub samples: u64,
    /// Samples taken before the DAC settled.
    pub unsettled_samples: u64,
    /// Result codes that saturated.
    pub saturated_codes: u64,
    /// `Device::apply` calls made (cost indicator).
    pub device_applies: u64,
    /// `Device::advance` calls made (cost indicator).
    pub device_advances: u64,
}

/// The front-end model: owns the array, the staged and applied channel state,
/// and the read-noise RNG. See the module docs for the event semantics.
pub struct FrontEnd {
    params: FrontEndParams,
    array: Array,
    n_rows: usize,
    n_cols: usize,
    staged: Vec<ChannelSetting>,
    latched: Vec<ChannelSetting>,
    /// Line voltages while apply is high (`None` = floating).
    line_volts: Vec<Option<f64>>,
    apply_on: bool,
    now_s: f64,
    last_edge_s: f64,
    busy_until_s: f64,
    held_volts: Vec<f64>,
    since_s: Vec<f64>,
    active: Vec<usize>,
    scratch: Vec<(usize, f64)>,
    cell_pulses: Vec<u64>,
    tia_gain_index: usize,
    rng: ChaCha8Rng,
    stats: FrontEndStats,
    /// Every apply pulse, when logging is on ([`FrontEnd::log_pulses`]).
    pulse_log: Option<Vec<AppliedPulse>>,
}

/// One pulse as the array saw it: `fe_apply` high from `start_s` for
/// `width_s`, with the largest driven line level `max_abs_volts`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AppliedPulse {
    pub start_s: f64,
    pub width_s: f64,
    pub max_abs_volts: f64,
}

impl std::fmt::Debug for FrontEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrontEnd")
            .field("array", &self.array)
            .field("apply_on", &self.apply_on)
            .field("now_s", &self.now_s)
            .field("stats", &self.stats)
            .finish()
    }
}

impl FrontEnd {
    /// A front-end around `array`, at time 0 s, apply low, every channel
    /// staged `ground`. `noise_seed` seeds the read-noise RNG.
    pub fn new(
        array: Array,
        params: FrontEndParams,
        noise_seed: u64,
    ) -> Result<Self, FrontEndError> {
        params.validate()?;
        let n_rows = array.n_rows();
        let n_cols = array.n_cols();
        let n_ch = n_rows + n_cols;
        let n = array.len();
        let mut rng = ChaCha8Rng::seed_from_u64(noise_seed);
        rng.set_stream(3);
        Ok(FrontEnd {
            tia_gain_index: params.tia_gain_index,
            params,
            array,
            n_rows,
            n_cols,
            staged: vec![ChannelSetting::default(); n_ch],
            latched: vec![ChannelSetting::default(); n_ch],
            line_volts: vec![Some(0.0); n_ch],
            apply_on: false,
            now_s: 0.0,
            last_edge_s: f64::NEG_INFINITY,
            busy_until_s: f64::NEG_INFINITY,
            held_volts: vec![0.0; n],
            since_s: vec![0.0; n],
            active: Vec::new(),
            scratch: Vec::new(),
            cell_pulses: vec![0; n],
            rng,
            stats: FrontEndStats::default(),
            pulse_log: None,
        })
    }

    /// An array of `spec`'s devices behind a front-end, everything from one
    /// seed: the array uses `seed` (per-cell seeds via `Array::cell_seed`),
    /// the read-noise RNG a seed derived from it.
    pub fn from_spec(
        spec: &DeviceSpec,
        n_rows: usize,
        n_cols: usize,
        params: FrontEndParams,
        seed: u64,
    ) -> Result<Self, FrontEndError> {
        let array = Array::from_spec(spec, n_rows, n_cols, seed)?;
        let noise_seed = Array::cell_seed(seed ^ 0xF0E1_D2C3_B4A5_9687, usize::MAX);
        Self::new(array, params, noise_seed)
    }

    /// The parameters.
    pub fn params(&self) -> &FrontEndParams {
        &self.params
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Number of channels, `n_rows + n_cols`.
    pub fn n_channels(&self) -> usize {
        self.n_rows + self.n_cols
    }

    /// Channel number of row `row`.
    pub fn row_channel(&self, row: usize) -> Result<usize, FrontEndError> {
        if row >= self.n_rows {
            return Err(FrontEndError::Array(ArrayError::Cell {
                row,
                col: 0,
                n_rows: self.n_rows,
                n_cols: self.n_cols,
            }));
        }
        Ok(row)
    }

    /// Channel number of column `col`.
    pub fn col_channel(&self, col: usize) -> Result<usize, FrontEndError> {
        if col >= self.n_cols {
            return Err(FrontEndError::Array(ArrayError::Cell {
                row: 0,
                col,
                n_rows: self.n_rows,
                n_cols: self.n_cols,
            }));
        }
        Ok(self.n_rows + col)
    }

    /// Model time: the time of the last event, seconds.
    pub fn now_s(&self) -> f64 {
        self.now_s
    }

    /// Whether apply is high.
    pub fn apply_on(&self) -> bool {
        self.apply_on
    }

    /// Event counters.
    /// Log every apply pulse from now on (start, width, level), for tests
    /// and reports that check what the array saw.
    pub fn log_pulses(&mut self) {
        self.pulse_log.get_or_insert_with(Vec::new);
    }

    /// The pulses logged since [`FrontEnd::log_pulses`] (empty if it was
    /// not called).
    pub fn pulses(&self) -> &[AppliedPulse] {
        self.pulse_log.as_deref().unwrap_or(&[])
    }

    pub fn stats(&self) -> &FrontEndStats {
        &self.stats
    }

    fn check_channel(&self, ch: usize) -> Result<(), FrontEndError> {
        if ch >= self.n_channels() {
            return Err(FrontEndError::Channel {
                ch,
                n_channels: self.n_channels(),
                n_rows: self.n_rows,
            });
        }
        Ok(())
    }

    fn check_time(&self, t_s: f64) -> Result<(), FrontEndError> {
        if !t_s.is_finite() {
            return Err(FrontEndError::BadTime { t_s });
        }
        if t_s < self.now_s {
            return Err(FrontEndError::TimeWentBackwards {
                t_s,
                now_s: self.now_s,
            });
        }
        Ok(())
    }

    // ---- staging (fe_we) ----

    /// Stage one channel (`fe_we`): takes effect on the next apply rising edge.
    pub fn stage(&mut self, ch: usize, mode: ChannelMode, code: i16) -> Result<(), FrontEndError> {
        self.check_channel(ch)?;
        let (min, max) = (self.params.code_min(), self.params.code_max());
        if code < min || code > max {
            return Err(FrontEndError::Code {
                code: code as i64,
                min: min as i64,
                max: max as i64,
            });
        }
        self.staged[ch] = ChannelSetting { mode, code };
        self.stats.stage_writes += 1;
        Ok(())
    }

    /// Stage from raw bus values: `fe_ch`, the 2-bit `fe_mode` and the
    /// `dac_bits`-wide two's-complement `fe_code`.
    pub fn stage_bits(
        &mut self,
        ch: u64,
        mode_bits: u64,
        code_bits: u64,
    ) -> Result<(), FrontEndError> {
        let mode = ChannelMode::from_bits(mode_bits)?;
        let ch = usize::try_from(ch).unwrap_or(usize::MAX);
        self.stage(ch, mode, self.params.code_from_bits(code_bits))
    }

    /// Stage channel `ch` driven at the DAC code nearest `v_volts`.
    pub fn stage_volts(&mut self, ch: usize, v_volts: f64) -> Result<(), FrontEndError> {
        let code = self.params.volts_to_code(v_volts)?;
        self.stage(ch, ChannelMode::Drive, code)
    }

    /// Stage every channel `ground`.
    pub fn stage_all_ground(&mut self) {
        self.staged
            .iter_mut()
            .for_each(|s| *s = ChannelSetting::default());
        self.stats.stage_writes += self.staged.len() as u64;
    }

    /// Stage a programming pulse of `v_volts` on cell `(row, col)` with a
    /// write-disturb scheme (every channel is staged).
    pub fn stage_write(
        &mut self,
        row: usize,
        col: usize,
        v_volts: f64,
        scheme: WriteScheme,
    ) -> Result<(), FrontEndError> {
        self.array.index(row, col)?;
        let half = self.params.volts_to_code(v_volts / 2.0)?;
        let (un_row, un_col) = match scheme {
            WriteScheme::HalfV => (0, 0),
            WriteScheme::ThirdV => {
                let sixth = self.params.volts_to_code(v_volts / 6.0)?;
                (-sixth, sixth)
            }
        };
        for r in 0..self.n_rows {
            let code = if r == row { half } else { un_row };
            self.stage(r, ChannelMode::Drive, code)?;
        }
        for c in 0..self.n_cols {
            let code = if c == col { -half } else { un_col };
            self.stage(self.n_rows + c, ChannelMode::Drive, code)?;
        }
        Ok(())
    }

    /// Stage a read: rows in `rows` driven at `v_read_volts`, other rows
    /// grounded, every column sensed.
    pub fn stage_read(&mut self, rows: &[usize], v_read_volts: f64) -> Result<(), FrontEndError> {
        let code = self.params.volts_to_code(v_read_volts)?;
        for &r in rows {
            self.row_channel(r)?;
        }
        for r in 0..self.n_rows {
            self.stage(r, ChannelMode::Ground, 0)?;
        }
        for &r in rows {
            self.stage(r, ChannelMode::Drive, code)?;
        }
        for c in 0..self.n_cols {
            self.stage(self.n_rows + c, ChannelMode::Sense, 0)?;
        }
        Ok(())
    }

    /// The staged setting of channel `ch`.
    pub fn staged(&self, ch: usize) -> Result<ChannelSetting, FrontEndError> {
        self.check_channel(ch)?;
        Ok(self.staged[ch])
    }

    // ---- lines and cells ----

    /// Voltage on channel `ch` now: `Some(volts)`, or `None` if floating.
    /// With apply low every line is grounded.
    pub fn line_voltage_volts(&self, ch: usize) -> Result<Option<f64>, FrontEndError> {
        self.check_channel(ch)?;
        Ok(if self.apply_on {
            self.line_volts[ch]
        } else {
            Some(0.0)
        })
    }

    /// Voltage across cell `(row, col)` now (0 V if a terminal floats).
    pub fn cell_voltage_volts(&self, row: usize, col: usize) -> Result<f64, FrontEndError> {
        let k = self.array.index(row, col)?;
        Ok(self.held_volts[k])
    }

    /// Number of apply pulses that put a nonzero voltage on cell `(row, col)`.
    pub fn cell_pulse_count(&self, row: usize, col: usize) -> Result<u64, FrontEndError> {
        let k = self.array.index(row, col)?;
        Ok(self.cell_pulses[k])
    }

    /// Bring cell `k` up to time `t_s` at the voltage it holds.
    fn sync_cell(&mut self, k: usize, t_s: f64) -> Result<(), FrontEndError> {
        let dt = t_s - self.since_s[k];
        self.since_s[k] = t_s;
        if dt > 0.0 {
            let v = self.held_volts[k];
            if v != 0.0 {
                self.stats.device_applies += 1;
                self.array.apply_index(k, v, dt)?;
            } else {
                self.stats.device_advances += 1;
                self.array.advance_index(k, dt);
            }
        }
        Ok(())
    }

    /// Collect `(cell, voltage)` for every cell with a nonzero voltage under
    /// `self.line_volts`, into `out`. Cost O(nonzero lines x other dimension).
    fn collect_biased(&self, out: &mut Vec<(usize, f64)>) {
        out.clear();
        let nc = self.n_cols;
        let (rows, cols) = self.line_volts.split_at(self.n_rows);
        for (r, row) in rows.iter().enumerate() {
            let Some(vr) = *row else { continue };
            if vr == 0.0 {
                continue;
            }
            for (c, col) in cols.iter().enumerate() {
                if let Some(vc) = *col {
                    let v = vr - vc;
                    if v != 0.0 {
                        out.push((r * nc + c, v));
                    }
                }
            }
        }
        for (c, col) in cols.iter().enumerate() {
            let Some(vc) = *col else { continue };
            if vc == 0.0 {
                continue;
            }
            for (r, row) in rows.iter().enumerate() {
                // Rows at a nonzero voltage were handled above.
                if *row == Some(0.0) {
                    out.push((r * nc + c, -vc));
                }
            }
        }
    }

    // ---- apply (fe_apply) ----

    /// `fe_apply` edge at `t_s`. `on = true`: latch the staged set onto the
    /// lines (refused with [`FrontEndError::Window`] if a cell would leave its
    /// safe window); `on = false`: ground every line. Repeating the current
    /// level only moves the clock.
    pub fn set_apply(&mut self, t_s: f64, on: bool) -> Result<(), FrontEndError> {
        self.check_time(t_s)?;
        self.now_s = t_s;
        if on == self.apply_on {
            return Ok(());
        }
        if on {
            self.rise(t_s)
        } else {
            self.fall(t_s)
        }
    }

    fn rise(&mut self, t_s: f64) -> Result<(), FrontEndError> {
        let lsb = self.params.dac_lsb_volts;
        for (line, s) in self.line_volts.iter_mut().zip(&self.staged) {
            *line = match s.mode {
                ChannelMode::Ground | ChannelMode::Sense => Some(0.0),
                ChannelMode::Drive => Some(s.code as f64 * lsb),
                ChannelMode::Float => None,
            };
        }
        let mut biased = std::mem::take(&mut self.scratch);
        self.collect_biased(&mut biased);
        for &(k, v) in &biased {
            let dev = self.array.device(k);
            let (lo, hi) = dev.safe_window_volts();
            if !(v >= lo && v <= hi) {
                self.scratch = biased;
                self.stats.window_errors += 1;
                return Err(FrontEndError::Window {
                    row: k / self.n_cols,
                    col: k % self.n_cols,
                    device: dev.name(),
                    v_volts: v,
                    min_volts: lo,
                    max_volts: hi,
                });
            }
        }
        self.latched.copy_from_slice(&self.staged);
        self.apply_on = true;
        self.last_edge_s = t_s;
        self.stats.apply_pulses += 1;
        let mut result = Ok(());
        for &(k, v) in &biased {
            // Catch the idle cell up at 0 V, then start holding v.
            let r = self.sync_cell(k, t_s);
            if result.is_ok() {
                result = r;
            }
            self.held_volts[k] = v;
            self.cell_pulses[k] += 1;
            self.active.push(k);
        }
        self.scratch = biased;
        result
    }

    fn fall(&mut self, t_s: f64) -> Result<(), FrontEndError> {
        if let Some(log) = &mut self.pulse_log {
            let max_abs_volts = self
                .line_volts
                .iter()
                .flatten()
                .fold(0.0f64, |m, v| m.max(v.abs()));
            log.push(AppliedPulse {
                start_s: self.last_edge_s,
                width_s: t_s - self.last_edge_s,
                max_abs_volts,
            });
        }
        let active = std::mem::take(&mut self.active);
        let mut result = Ok(());
        for &k in &active {
            let r = self.sync_cell(k, t_s);
            if result.is_ok() {
                result = r;
            }
            self.held_volts[k] = 0.0;
        }
        self.active = active;
        self.active.clear();
        self.apply_on = false;
        self.last_edge_s = t_s;
        result
    }

    // ---- time ----

    /// Let time pass to `t_s` with the lines as they are. O(1): cells are
    /// integrated lazily (see the module docs), with the same result as
    /// integrating them now.
    pub fn advance_to(&mut self, t_s: f64) -> Result<(), FrontEndError> {
        self.check_time(t_s)?;
        self.now_s = t_s;
        Ok(())
    }

    /// Bring every cell up to the current time (O(cells)). Afterwards
    /// [`FrontEnd::array`] shows the state at `now_s`. Does not split
    /// anything observable for devices whose `apply` is additive in time.
    pub fn sync(&mut self) -> Result<(), FrontEndError> {
        let now = self.now_s;
        let mut result = Ok(());
        for k in 0..self.held_volts.len() {
            let r = self.sync_cell(k, now);
            if result.is_ok() {
                result = r;
            }
        }
        result
    }

    /// The array, each cell as of its last integration (call `sync` first
    /// for the state at `now_s`).
    pub fn array(&self) -> &Array {
        &self.array
    }

    /// The array brought up to `now_s`, mutable (e.g. to jump cycle counters).
    /// Do not `apply` cells through it while apply is high.
    pub fn array_mut(&mut self) -> Result<&mut Array, FrontEndError> {
        self.sync()?;
        Ok(&mut self.array)
    }

    /// Give the array back, brought up to `now_s`.
    pub fn into_array(mut self) -> Result<Array, FrontEndError> {
        self.sync()?;
        Ok(self.array)
    }

    /// Conductances (weights) at `now_s` in siemens, row-major.
    pub fn weights_s(&mut self) -> Result<Vec<f64>, FrontEndError> {
        self.sync()?;
        Ok(self.array.conductances_s())
    }

    /// Total energy dissipated in the array, joules: every interval already
    /// integrated. Every pulse is included once apply has fallen; a pulse
    /// still in flight is included after `sync`.
    pub fn energy_j(&self) -> f64 {
        self.array.energy_j()
    }

    /// Energy dissipated in cell `(row, col)`, joules (same convention as `energy_j`).
    pub fn cell_energy_j(&self, row: usize, col: usize) -> Result<f64, FrontEndError> {
        Ok(self.array.cell_energy_j(row, col)?)
    }

    // ---- TIA / ADC ----

    /// Select the TIA gain (index into `tia_lsb_table_a`): the TIA gain register.
    pub fn set_tia_gain_index(&mut self, index: usize) -> Result<(), FrontEndError> {
        let len = self.params.tia_lsb_table_a.len();
        if index >= len {
            return Err(FrontEndError::TiaGain { index, len });
        }
        self.tia_gain_index = index;
        Ok(())
    }

    /// Current TIA gain index.
    pub fn tia_gain_index(&self) -> usize {
        self.tia_gain_index
    }

    /// Current per ADC LSB, amperes.
    pub fn tia_lsb_a(&self) -> f64 {
        self.params.tia_lsb_table_a[self.tia_gain_index]
    }

    /// Whether the ADC is converting at `t_s` (`fe_busy`).
    pub fn is_busy(&self, t_s: f64) -> bool {
        t_s < self.busy_until_s
    }

    /// End of the current conversion, seconds (`-inf` if none yet).
    pub fn busy_until_s(&self) -> f64 {
        self.busy_until_s
    }

    /// Quantize a current: `round(I / tia_lsb_a)` clamped to the ADC range,
    /// with the saturation flag. Non-finite currents saturate (NaN to code 0).
    pub fn quantize(&self, current_a: f64) -> (i16, bool) {
        let (min, max) = (self.params.adc_code_min(), self.params.adc_code_max());
        let x = (current_a / self.tia_lsb_a()).round();
        if x.is_nan() {
            (0, true)
        } else if x > max as f64 {
            (max, true)
        } else if x < min as f64 {
            (min, true)
        } else {
            (x as i16, false)
        }
    }

    /// `fe_sample` strobe at `t_s`: sample every sense channel. See
    /// [`FrontEnd::sample_into`] for the semantics; this allocates the batch.
    pub fn sample(&mut self, t_s: f64) -> Result<SampleBatch, FrontEndError> {
        let mut out = SampleBatch::default();
        self.sample_into(t_s, &mut out)?;
        Ok(out)
    }

    /// `fe_sample` strobe at `t_s`, writing into `out` (reuses its buffer).
    ///
    /// The sensed channels are those in `sense` mode on the lines (the latched
    /// set while apply is high; the staged set while apply is low, when every
    /// line is grounded and only noise is read). The currents of the cells on
    /// the sensed lines with a nonzero voltage are summed, each cell at its
    /// state at the apply rising edge (or integrated up to `t_s` first when
    /// `integrate_on_sample` is set); cells at 0 V contribute nothing (a
    /// memristor's I-V passes through the origin). Errors: time going backwards, or a strobe while
    /// the ADC is still busy with the previous one.
    pub fn sample_into(&mut self, t_s: f64, out: &mut SampleBatch) -> Result<(), FrontEndError> {
        self.check_time(t_s)?;
        if self.is_busy(t_s) {
            return Err(FrontEndError::AdcBusy {
                t_s,
                busy_until_s: self.busy_until_s,
            });
        }
        self.now_s = t_s;
        let cycles = self.params.adc_conversion_cycles();
        let period = self.params.clock_period_s;
        out.t_sample_s = t_s;
        out.conversion_cycles = cycles;
        out.ready_at_s = t_s + cycles as f64 * period;
        out.clock_period_s = period;
        // times are cycles x period in f64: allow their rounding (~1e-16 of
        // the time itself), far below one clock cycle
        let tol = self.params.dac_settle_s * 1e-9 + t_s.abs() * 1e-12;
        out.settled = t_s - self.last_edge_s >= self.params.dac_settle_s - tol;
        out.columns.clear();
        self.busy_until_s = out.ready_at_s;
        self.stats.samples += 1;
        if !out.settled {
            self.stats.unsettled_samples += 1;
        }
        let (nr, nc) = (self.n_rows, self.n_cols);
        let noise_sd = self.params.read_noise_sd_a;
        let noisy_devices = self.params.device_read_noise;
        let integrate = self.params.integrate_on_sample;
        for ch in 0..nr + nc {
            let mode = if self.apply_on {
                self.latched[ch].mode
            } else {
                self.staged[ch].mode
            };
            if mode != ChannelMode::Sense {
                continue;
            }
            let mut i_a = 0.0;
            if self.apply_on {
                let (first, stride, count, sign) = if ch < nr {
                    (ch * nc, 1, nc, -1.0)
                } else {
                    (ch - nr, nc, nr, 1.0)
                };
                for n in 0..count {
                    let k = first + n * stride;
                    let v = self.held_volts[k];
                    if v == 0.0 {
                        continue;
                    }
                    if integrate {
                        self.sync_cell(k, t_s)?;
                    }
                    let cell_i = if noisy_devices {
                        self.array.device_mut(k).read_current_a(v)
                    } else {
                        self.array.device(k).current_a(v)
                    };
                    i_a += sign * cell_i;
                }
            }
            if noise_sd > 0.0 {
                let n: f64 = StandardNormal.sample(&mut self.rng);
                i_a += noise_sd * n;
            }
            let (code, saturated) = self.quantize(i_a);
            if saturated {
                self.stats.saturated_codes += 1;
            }
            out.columns.push(ColumnSample {
                ch: ch as u16,
                code,
                saturated,
                current_a: i_a,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::Device;

    /// Ohmic resistor with a fixed conductance, a +-5 V window and no read noise.
    struct Ohm(f64, crate::device::CellState);

    fn ohm(g_s: f64) -> Ohm {
        use rand::SeedableRng;
        Ohm(
            g_s,
            crate::device::CellState::new(
                "ohm",
                (-5.0, 5.0),
                0.1,
                0.0,
                rand_chacha::ChaCha8Rng::seed_from_u64(0),
            ),
        )
    }

    impl Device for Ohm {
        fn cell(&self) -> &crate::device::CellState {
            &self.1
        }
        fn cell_mut(&mut self) -> &mut crate::device::CellState {
            &mut self.1
        }
        fn pulse(&mut self, v: f64, d: f64) -> Result<f64, crate::device::DeviceError> {
            Ok(v * v * self.0 * d)
        }
        fn advance(&mut self, _dt: f64) {}
        fn current_a(&self, v: f64) -> f64 {
            self.0 * v
        }
    }

    fn fe(n_rows: usize, n_cols: usize) -> FrontEnd {
        let array = Array::from_fn(n_rows, n_cols, |_| Box::new(ohm(1e-5))).unwrap();
        let params = FrontEndParams {
            read_noise_sd_a: 0.0,
            ..Default::default()
        };
        FrontEnd::new(array, params, 1).unwrap()
    }

    #[test]
    fn default_params_are_valid_and_match_the_bus() {
        let p = FrontEndParams::default();
        p.validate().unwrap();
        assert_eq!((p.code_min(), p.code_max()), (-2048, 2047));
        assert!((p.code_to_volts(p.code_min()) + 8.192).abs() < 1e-12);
        assert!((p.code_to_volts(p.code_max()) - 8.188).abs() < 1e-12);
        assert_eq!((p.adc_code_min(), p.adc_code_max()), (i16::MIN, i16::MAX));
        assert_eq!(p.adc_conversion_cycles(), 100);
        assert_eq!(p.dac_settle_cycles(), 10);
    }

    #[test]
    fn code_sign_extension() {
        let p = FrontEndParams::default();
        assert_eq!(p.code_from_bits(0x7FF), 2047);
        assert_eq!(p.code_from_bits(0x800), -2048);
        assert_eq!(p.code_from_bits(0xFFF), -1);
        assert_eq!(p.code_from_bits(0x1001), 1);
    }

    #[test]
    fn bad_params_name_the_field() {
        let e = FrontEndParams::from_toml_str("dac_bits = 20", "fe.toml").unwrap_err();
        assert!(
            matches!(&e, FrontEndError::Param(ParamError { field, .. }) if field == "dac_bits"),
            "{e}"
        );
        assert!(e.to_string().contains("[2, 16]"), "{e}");
        let e = FrontEndParams::from_toml_str("tia_gain_index = 8", "fe.toml").unwrap_err();
        assert!(
            matches!(&e, FrontEndError::Param(ParamError { field, .. }) if field == "tia_gain_index"),
            "{e}"
        );
        let e = FrontEndParams::from_toml_str("clock_period_s = -1.0", "fe.toml").unwrap_err();
        assert!(e.to_string().contains("clock_period_s"), "{e}");
        let e = FrontEndParams::from_toml_str("bogus = 1", "fe.toml").unwrap_err();
        assert!(e.to_string().contains("bogus"), "{e}");
        let p =
            FrontEndParams::from_toml_str("read_noise_sd_a = 0.0\ntia_gain_index = 2", "fe.toml")
                .unwrap();
        assert_eq!(p.tia_gain_index, 2);
        assert_eq!(p.dac_bits, 12);
    }

    #[test]
    fn staging_does_not_touch_lines_until_apply() {
        let mut f = fe(2, 2);
        f.stage_volts(0, 1.0).unwrap();
        assert_eq!(f.line_voltage_volts(0).unwrap(), Some(0.0));
        f.set_apply(1e-6, true).unwrap();
        assert!((f.line_voltage_volts(0).unwrap().unwrap() - 1.0).abs() < 1e-12);
        // Staging while apply is high changes the next apply only.
        f.stage_volts(0, 2.0).unwrap();
        assert!((f.line_voltage_volts(0).unwrap().unwrap() - 1.0).abs() < 1e-12);
        assert!((f.cell_voltage_volts(0, 1).unwrap() - 1.0).abs() < 1e-12);
        f.set_apply(2e-6, false).unwrap();
        assert_eq!(f.line_voltage_volts(0).unwrap(), Some(0.0));
        assert_eq!(f.cell_voltage_volts(0, 1).unwrap(), 0.0);
        f.set_apply(3e-6, true).unwrap();
        assert!((f.line_voltage_volts(0).unwrap().unwrap() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn quantize_rounds_and_saturates() {
        let f = fe(1, 1);
        let lsb = f.tia_lsb_a();
        assert_eq!(f.quantize(2.4 * lsb), (2, false));
        assert_eq!(f.quantize(-2.6 * lsb), (-3, false));
        assert_eq!(f.quantize(1e6 * lsb), (i16::MAX, true));
        assert_eq!(f.quantize(-1e6 * lsb), (i16::MIN, true));
        assert_eq!(f.quantize(f64::NAN), (0, true));
    }

    #[test]
    fn advance_is_lazy_and_cheap() {
        let mut f = fe(4, 4);
        for i in 1..=1000 {
            f.advance_to(i as f64).unwrap();
        }
        assert_eq!(f.stats().device_advances, 0);
        f.sync().unwrap();
        assert_eq!(f.stats().device_advances, 16);
    }
}
