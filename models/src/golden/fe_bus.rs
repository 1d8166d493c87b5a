//! The front-end bus (`neuroxbar_rtl::fe_bus::FeBus`) as the golden models
//! carry it: what the crossbar controller drives ([`FeDrive`], `fe_ch` ...
//! `fe_sample`) and what the front-end answers ([`FeAnswer`], `fe_busy`,
//! `fe_rd_*`). The accelerator, the controller and both PHYs hold them as
//! their field `fe`.

/// The controller's side of the bus in one cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FeDrive {
    /// The staged line (rows, then columns).
    pub ch: u8,
    /// Its signed 12-bit DAC code, sign-extended.
    pub code: i16,
    /// Its mode: 0 ground, 1 drive, 2 sense, 3 float.
    pub mode: u8,
    /// Stage `ch`, `code`, `mode` in this cycle.
    pub we: bool,
    /// The staged levels are on the array while high.
    pub apply: bool,
    /// Start an ADC conversion.
    pub sample: bool,
}

/// The front-end's side of the bus in one cycle: busy, and a result beat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FeAnswer {
    /// Converting, or a frame or pulse still in flight.
    pub busy: bool,
    /// A result beat this cycle (`rd_ch`, `rd_data`, `rd_sat`).
    pub rd_valid: bool,
    pub rd_ch: u8,
    /// Signed ADC code.
    pub rd_data: i16,
    /// The conversion saturated.
    pub rd_sat: bool,
}
