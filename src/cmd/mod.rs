pub mod device;
pub mod run;
pub mod synth;
pub mod verilog;
pub mod wave;
