//! Per-unit drivers: the same cycle-level interface on three back ends
//! (Verilator, rust-hdl's simulator, the golden model), so one stimulus can
//! be replayed on all of them and compared output for output.

pub mod arbiter;
pub mod bcm;
pub mod accelerator;
pub mod input_encoder;
pub mod lif_wta;
pub mod pulse_gen;
pub mod refresh;
pub mod stdp;
pub mod xbar_ctrl;

/// A design stepped one clock cycle at a time.
pub trait CycleModel {
    type Inputs;
    type Outputs: PartialEq + std::fmt::Debug;
    /// Apply `inputs` for one cycle; return the outputs after the rising edge.
    fn step(&mut self, inputs: &Self::Inputs) -> Self::Outputs;
}

/// Step every back end with the same stimulus and return the first cycle at
/// which their outputs differ, with the outputs of each.
pub fn first_mismatch<I, O: PartialEq + std::fmt::Debug>(
    models: &mut [&mut dyn CycleModel<Inputs = I, Outputs = O>],
    stimulus: impl IntoIterator<Item = I>,
) -> Result<u64, (u64, Vec<O>)> {
    let mut cycles = 0;
    for (cycle, inputs) in stimulus.into_iter().enumerate() {
        let outs: Vec<O> = models.iter_mut().map(|m| m.step(&inputs)).collect();
        if outs.iter().any(|o| *o != outs[0]) {
            return Err((cycle as u64, outs));
        }
        cycles += 1;
    }
    Ok(cycles)
}
