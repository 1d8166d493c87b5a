pub mod board_sim;
pub mod device;
pub mod run;
pub mod run_e2;
pub mod sweep;
pub mod synth;
pub mod verilog;
pub mod wave;
