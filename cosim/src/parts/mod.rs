//! Pin-level models of the front-end parts behind
//! `neuroxbar_rtl::fe_phy::FrontEndPhy` (and, AD5570 and SN74LV595A, behind
//! `neuroxbar_rtl::fe_phy_lean::LeanPhy`), with data-sheet timing checks, and
//! [`PhyBench`], which binds a PHY back end, the parts and a [`FrontEnd`]
//! (the array sees the DAC levels, the mux modes and the apply edges).
//!
//! Pins are observed once per FPGA clock cycle: the value of a pin in cycle
//! `t` is the PHY's register output after edge `t`, so edges happen at
//! cycle boundaries and a time between two edges is a whole number of
//! clock periods (`FrontEndParams::clock_period_s`). A part's output pins
//! (the ADC's BUSY and DOUTA) computed from the pins of cycle `t` reach the
//! PHY's inputs in cycle `t + 1`.
//!
//! A violated timing rule is a [`PartError`] naming the part, the rule and
//! the times; nothing panics. The limits are the defaults of each part's
//! timing struct, with the data-sheet symbol in its doc.

mod ad5542a;
mod ad5570;
mod ad7606;
mod adg1404;
mod bench;
mod sn74lv595a;

pub use ad5542a::{Ad5542a, Ad5542aTiming};
pub use ad5570::{Ad5570Chains, Ad5570Timing};
pub use ad7606::{Ad7606, Ad7606Timing};
pub use adg1404::{Adg1404, Adg1404Timing};
pub use bench::{ArrayEnd, ArrayPins, DevicePulse, PhyBench};
pub use sn74lv595a::{Sn74lv595aChains, Sn74lv595aTiming};

use neuroxbar_models::frontend::FrontEndError;

/// A part's timing rule was violated, or the array model refused an event.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PartError {
    #[error("{part}: {rule}: {detail} (at t = {t_s:.9} s)")]
    Timing {
        part: &'static str,
        rule: &'static str,
        detail: String,
        t_s: f64,
    },
    #[error("array / front-end at t = {t_s:.9} s: {source}")]
    FrontEnd { t_s: f64, source: FrontEndError },
}

/// `Err(PartError::Timing)` unless `ok`; times in the detail in ns.
pub(crate) fn check(
    ok: bool,
    part: &'static str,
    rule: &'static str,
    t_s: f64,
    detail: impl FnOnce() -> String,
) -> Result<(), PartError> {
    if ok {
        Ok(())
    } else {
        Err(PartError::Timing {
            part,
            rule,
            detail: detail(),
            t_s,
        })
    }
}

/// `a >= b` allowing the rounding of cycle counts times a period.
pub(crate) fn at_least(a_s: f64, b_s: f64) -> bool {
    a_s >= b_s - 1e-15 - b_s.abs() * 1e-9
}

pub(crate) fn ns(s: f64) -> f64 {
    s * 1e9
}
