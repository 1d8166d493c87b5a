//! Per-unit drivers: the same cycle-level interface on three back ends
//! (Verilator, rust-hdl's simulator, the golden model), so one stimulus can
//! be replayed on all of them and compared output for output.

/// One clock cycle of a rust-hdl design stepped directly with `simulate()`:
/// the inputs already set on `$dut` change with the falling edge and settle,
/// then the rising edge (as the Verilator harness does). Child blocks see
/// their inputs one settle iteration late, so applying inputs together with
/// the rising edge would let registers sample stale combinational values.
macro_rules! rust_hdl_cycle {
    ($dut:expr, $max_iters:expr) => {{
        $dut.clock.next = false.into();
        assert!(
            simulate($dut, $max_iters),
            "rust-hdl simulation did not settle"
        );
        $dut.clock.next = true.into();
        assert!(
            simulate($dut, $max_iters),
            "rust-hdl simulation did not settle"
        );
    }};
}

pub mod accelerator;
pub mod arbiter;
pub mod bcm;
pub mod cmd;
pub mod fe_bus;
pub mod fe_phy;
pub mod fe_phy_lean;
pub mod host_link;
pub mod input_encoder;
pub mod lif_wta_top;
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
    /// `cycles` clock cycles pass without being clocked (skipped by time
    /// warp or in closed form while idle). Back ends that time-stamp their
    /// output (a VCD) move their clock on; the others ignore it.
    fn skip_time(&mut self, cycles: u64) {
        let _ = cycles;
    }
    /// The clock period a waveform of this back end is time-stamped with,
    /// picoseconds (back ends without a waveform ignore it).
    fn set_period_ps(&mut self, period_ps: u64) {
        let _ = period_ps;
    }
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

/// Step the golden model, the Verilator model and the rust-hdl model with
/// every input of `stimulus`; panic at the first cycle where they differ
/// (naming the cycle, the inputs and the three outputs); return the outputs.
pub fn three_way<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(
    golden: &mut dyn CycleModel<Inputs = I, Outputs = O>,
    verilator: &mut dyn CycleModel<Inputs = I, Outputs = O>,
    rust_hdl: &mut dyn CycleModel<Inputs = I, Outputs = O>,
    stimulus: &[I],
) -> Vec<O> {
    let mut outs = Vec::with_capacity(stimulus.len());
    for (c, inp) in stimulus.iter().enumerate() {
        let g = golden.step(inp);
        let v = verilator.step(inp);
        let h = rust_hdl.step(inp);
        assert!(
            g == v && g == h,
            "back ends disagree at cycle {c}, inputs {inp:?}:\n golden    {g:?}\n verilator {v:?}\n rust-hdl  {h:?}"
        );
        outs.push(g);
    }
    outs
}

/// Two back ends stepped together; panics at the first cycle where their
/// outputs differ. Lets a whole co-simulation (front-end model in the loop)
/// run as a lock-step comparison.
pub struct Lockstep<A, B> {
    pub a: A,
    pub b: B,
    pub cycles: u64,
}

impl<A, B, I, O> CycleModel for Lockstep<A, B>
where
    A: CycleModel<Inputs = I, Outputs = O>,
    B: CycleModel<Inputs = I, Outputs = O>,
    O: PartialEq + std::fmt::Debug,
{
    type Inputs = I;
    type Outputs = O;
    fn step(&mut self, inputs: &I) -> O {
        let oa = self.a.step(inputs);
        let ob = self.b.step(inputs);
        assert_eq!(oa, ob, "back ends disagree at cycle {}", self.cycles);
        self.cycles += 1;
        oa
    }
    fn skip_time(&mut self, cycles: u64) {
        self.a.skip_time(cycles);
        self.b.skip_time(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.a.set_period_ps(period_ps);
        self.b.set_period_ps(period_ps);
    }
}

/// Records every cycle's inputs and outputs of the wrapped back end.
pub struct Recorder<M: CycleModel> {
    pub inner: M,
    pub log: Vec<(M::Inputs, M::Outputs)>,
}

impl<M: CycleModel> CycleModel for Recorder<M>
where
    M::Inputs: Clone,
    M::Outputs: Clone,
{
    type Inputs = M::Inputs;
    type Outputs = M::Outputs;
    fn step(&mut self, inputs: &M::Inputs) -> M::Outputs {
        let o = self.inner.step(inputs);
        self.log.push((inputs.clone(), o.clone()));
        o
    }
    fn skip_time(&mut self, cycles: u64) {
        self.inner.skip_time(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.inner.set_period_ps(period_ps);
    }
}
