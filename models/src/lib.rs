//! neuroxbar models: device physics, the crossbar array + analog front-end,
//! and bit-accurate golden models of every RTL unit.

pub mod array;
pub mod device;
pub mod frontend;
pub mod golden;
pub mod param;
pub mod protocol;
