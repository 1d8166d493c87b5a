pub mod device;
pub mod run;
pub mod verilog;
pub mod wave;
