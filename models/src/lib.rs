//! neuroxbar models: device physics, the crossbar array + analog front-end,
//! and bit-accurate golden models of every RTL unit.

pub mod device;
pub mod protocol;
pub mod golden;
pub mod array;
pub mod frontend;
