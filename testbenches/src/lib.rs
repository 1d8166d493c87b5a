//! neuroxbar testbenches: experiments that reproduce the device papers'
//! figures through the RTL, and their reports.

pub mod device_rtl;
pub mod digits_refresh;
pub mod experiment;
pub mod letters_stdp;
pub mod letters_stm_ltm;
pub mod orientation_bcm;
pub mod progress;
pub mod report;
pub mod temporal_stp;
