//! The harness: clocks any Verilated top, with selectable VCD tracing.

use crate::VerilatedTop;
use std::ffi::CString;
use std::path::{Path, PathBuf};

/// VCD tracing of a run. Full tracing costs roughly 10x in speed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trace {
    #[default]
    Off,
    /// Every cycle of the run.
    Whole(PathBuf),
    /// Cycles `from..to` only (half-open), to keep long runs' files small.
    Window { path: PathBuf, from: u64, to: u64 },
}

/// Error opening or writing a trace.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("cannot open VCD file {path}: {reason}")]
    Trace { path: PathBuf, reason: String },
    #[error("design `{design}` has no port `{port}` (ports: {ports})")]
    NoSuchPort {
        design: &'static str,
        port: String,
        ports: String,
    },
}

/// Clock period used for VCD time stamps unless set: that of
/// [`DEFAULT_CLOCK_MHZ`](neuroxbar_rtl::fe_bus::DEFAULT_CLOCK_MHZ), in 1 ps
/// units (10 ns).
pub const DEFAULT_PERIOD_PS: u64 = (1e6 / neuroxbar_rtl::fe_bus::DEFAULT_CLOCK_MHZ) as u64;

/// Drives a Verilated top: set inputs, `step` whole clock cycles (rising edge
/// then falling edge), read outputs. The clock input must be called `clock`.
pub struct Harness<M: VerilatedTop> {
    pub model: M,
    clock: usize,
    cycle: u64,
    /// Cycles that passed without being clocked (`skip`).
    skipped: u64,
    period_ps: u64,
    window: Option<(u64, u64)>,
    tracing: bool,
}

impl<M: VerilatedTop> Harness<M> {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        let clock = M::ports()
            .iter()
            .position(|p| neuroxbar_rtl::verilog::is_clock_port(p.name, p.width, p.input))
            .ok_or_else(|| HarnessError::NoSuchPort {
                design: M::NAME,
                port: "clock".into(),
                ports: M::ports()
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let (path, window) = match &trace {
            Trace::Off => (None, None),
            Trace::Whole(p) => (Some(p.clone()), Some((0, u64::MAX))),
            Trace::Window { path, from, to } => (Some(path.clone()), Some((*from, *to))),
        };
        let mut model = M::new(path.is_some());
        if let Some(p) = &path {
            open_trace(&mut model, p)?;
        }
        let mut h = Harness {
            model,
            clock,
            cycle: 0,
            skipped: 0,
            period_ps: DEFAULT_PERIOD_PS,
            window,
            tracing: path.is_some(),
        };
        h.dump_at(0);
        Ok(h)
    }

    /// Set the clock period of the VCD time stamps, picoseconds (before
    /// the first step; the default is [`DEFAULT_PERIOD_PS`]).
    pub fn set_period_ps(&mut self, period_ps: u64) {
        self.period_ps = period_ps.max(1);
    }

    /// Cycles stepped so far.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// Let `cycles` clock cycles pass without clocking (time warp, idle time
    /// skipped in closed form): the VCD's time stamps move on, so the VCD
    /// shows simulated time. The trace window still counts clocked cycles.
    pub fn skip(&mut self, cycles: u64) {
        self.skipped = self.skipped.saturating_add(cycles);
    }

    /// Simulated time in cycles: clocked plus skipped.
    pub fn time_cycles(&self) -> u64 {
        self.cycle.saturating_add(self.skipped)
    }

    /// Set a port by name (setup code; use the model's typed setters in loops).
    pub fn set(&mut self, port: &str, v: u64) -> Result<(), HarnessError> {
        let i = self.port_index(port)?;
        self.model.set_u64(i, v);
        Ok(())
    }

    /// Read a port by name.
    pub fn get(&self, port: &str) -> Result<u64, HarnessError> {
        let i = self.port_index(port)?;
        Ok(self.model.get_u64(i))
    }

    fn port_index(&self, port: &str) -> Result<usize, HarnessError> {
        M::port(port).ok_or_else(|| HarnessError::NoSuchPort {
            design: M::NAME,
            port: port.into(),
            ports: M::ports()
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    fn dump_at(&mut self, t: u64) {
        if let Some((from, to)) = self.window {
            if self.cycle >= from && self.cycle < to {
                self.model.dump(t);
            }
        }
    }

    /// One clock cycle: rising edge (state updates), then falling edge.
    #[inline]
    pub fn step(&mut self) {
        let t0 = self.time_cycles().saturating_mul(self.period_ps);
        self.model.set_u64(self.clock, 1);
        self.model.eval();
        if self.tracing {
            self.dump_at(t0 + self.period_ps / 2);
        }
        self.model.set_u64(self.clock, 0);
        self.model.eval();
        self.cycle += 1;
        if self.tracing {
            self.dump_at(t0 + self.period_ps);
        }
    }

    /// `n` clock cycles with unchanged inputs.
    pub fn run(&mut self, n: u64) {
        for _ in 0..n {
            self.step();
        }
    }

    /// Close the VCD file (also done on drop).
    pub fn finish(&mut self) {
        if self.tracing {
            self.model.trace_close();
            self.tracing = false;
        }
    }
}

impl<M: VerilatedTop> Drop for Harness<M> {
    fn drop(&mut self) {
        self.finish();
    }
}

fn open_trace<M: VerilatedTop>(model: &mut M, path: &Path) -> Result<(), HarnessError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| HarnessError::Trace {
            path: path.into(),
            reason: e.to_string(),
        })?;
    }
    let c = CString::new(path.to_string_lossy().as_bytes()).map_err(|_| HarnessError::Trace {
        path: path.into(),
        reason: "path contains a NUL byte".into(),
    })?;
    if model.trace_open_raw(&c) {
        Ok(())
    } else {
        Err(HarnessError::Trace {
            path: path.into(),
            reason: "Verilator could not open it".into(),
        })
    }
}
