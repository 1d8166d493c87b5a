//! Replay a port-level stimulus on the generated Verilog of a top under Icarus
//! Verilog ([`neuroxbar_flow::icarus`]) and the same stimulus on its
//! Verilator model ([`run_verilator`]), so that the two simulators can be
//! compared cycle for cycle.

use crate::harness::{Harness, Trace};
use crate::VerilatedTop;
pub use neuroxbar_flow::icarus::*;
use neuroxbar_rtl::verilog::{Dir, Port};

/// Replay `stim` on the Verilator model `M` (inputs set while the clock is
/// low, then one [`Harness::step`]) and record every output after each cycle.
pub fn run_verilator<M: VerilatedTop>(stim: &PortStimulus) -> Result<PortTrace, IcarusError> {
    let ports: Vec<Port> = M::ports()
        .iter()
        .map(|p| Port {
            name: p.name.to_string(),
            width: p.width,
            dir: if p.input { Dir::In } else { Dir::Out },
        })
        .collect();
    check_widths(&ports)?;
    let outs = outputs(&ports);
    let mut h = Harness::<M>::new(Trace::Off)
        .map_err(|e| IcarusError::Stimulus(format!("{}: {e}", M::NAME)))?;
    let mut cycles = Vec::with_capacity(stim.cycles.len());
    for row in &stim.cycles {
        for (&i, &v) in stim.inputs.iter().zip(row) {
            if ports[i].width <= 64 {
                h.model.set_u64(i, v as u64);
            } else {
                h.model.set_words(i, &words(v));
            }
        }
        h.step();
        let m = &h.model;
        cycles.push(
            outs.iter()
                .map(|&i| {
                    if ports[i].width <= 64 {
                        m.get_u64(i) as u128
                    } else {
                        let mut w = [0u32; 4];
                        m.get_words(i, &mut w);
                        w.iter().rev().fold(0u128, |a, &x| (a << 32) | x as u128)
                    }
                })
                .collect(),
        );
    }
    Ok(PortTrace {
        outputs: outs,
        cycles,
    })
}

fn words(v: u128) -> [u32; 4] {
    std::array::from_fn(|k| (v >> (32 * k)) as u32)
}
