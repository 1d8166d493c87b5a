//! E6 through the hardware: PPF/PPD and the LTP/LTD curves with their pulses
//! emitted by the Verilated RTL pulse generator give the same metrics as the
//! device models driven directly (the protocols' pulses are whole 10 ns
//! cycles and 4 mV DAC steps, so only the rounding of the logarithmic PPF
//! intervals to whole cycles differs).

use std::collections::BTreeMap;

use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::{self, Direct, Options, Protocol, ProtocolError};
use neuroxbar_testbenches::device_rtl::RtlPulseDriver;

fn both(kind: DeviceKind, p: Protocol) -> (BTreeMap<String, f64>, BTreeMap<String, f64>, u64) {
    let spec = DeviceSpec::load(kind, None).unwrap();
    let opts = Options {
        seed: 4,
        cycles: None,
    };
    let direct = protocol::run_with(p, &spec, &opts, &mut Direct).unwrap();
    let mut rtl = RtlPulseDriver::new().unwrap();
    let through = protocol::run_with(p, &spec, &opts, &mut rtl).unwrap();
    println!("{kind} {p}: {:?}", rtl.stats);
    assert!(
        rtl.stats.clocked_cycles < 20 * rtl.stats.pulses + 100,
        "{:?}",
        rtl.stats
    );
    assert_eq!(rtl.stats.clamped_trains, 0);
    (direct.metrics, through.metrics, rtl.stats.pulses)
}

fn same(kind: DeviceKind, p: Protocol, rel: f64, pulses: u64) {
    let (d, r, n) = both(kind, p);
    assert_eq!(n, pulses, "{kind} {p}: pulses through the generator");
    assert_eq!(d.keys().collect::<Vec<_>>(), r.keys().collect::<Vec<_>>());
    for (k, a) in &d {
        let b = r[k];
        let err = (a - b).abs() / a.abs().max(1e-30);
        println!("{kind} {p} {k}: direct {a:.6e}, rtl {b:.6e}");
        assert!(err <= rel, "{kind} {p} {k}: direct {a} vs rtl {b}");
    }
}

#[test]
fn ppf_and_ppd_through_the_pulse_generator() {
    // 32 intervals x 2 pulses (x 20 recordings for liwes); intervals up to
    // 3 - 4 s exceed the 24-bit interval register: the host waits instead
    same(DeviceKind::FtjRelax, Protocol::Ppf, 1e-4, 64);
    same(DeviceKind::FtjRelax, Protocol::Ppd, 1e-4, 64);
    same(DeviceKind::Liwes, Protocol::Ppf, 1e-4, 32 * 2 * 20);
}

#[test]
fn ltp_ltd_through_the_pulse_generator() {
    // whole-cycle widths and 4 mV amplitude steps: the same pulses (to
    // floating-point rounding of code x 4 mV and cycles x 10 ns)
    same(DeviceKind::FtjLinear, Protocol::LtpLtd, 1e-12, 300);
    same(DeviceKind::FtjReference, Protocol::LtpLtd, 1e-12, 300);
    same(DeviceKind::Otj, Protocol::LtpLtd, 1e-12, 40 * 100);
    same(DeviceKind::Liwes, Protocol::LtpLtd, 1e-12, 2048);
}

#[test]
fn pulses_the_generator_cannot_make_are_errors() {
    let spec = DeviceSpec::load(DeviceKind::FtjRelax, None).unwrap();
    let mut rtl = RtlPulseDriver::new().unwrap();
    let opts = Options::default();
    let e = protocol::run_with(Protocol::PulseTrain, &spec, &opts, &mut rtl).unwrap_err();
    assert!(matches!(e, ProtocolError::NotDriven { .. }), "{e}");
    assert!(e.to_string().contains("ppf"), "{e}");
    let mut d = spec.instantiate(1);
    use neuroxbar_models::protocol::PulseDriver;
    let e = rtl
        .train(d.as_mut(), 9.0, 1e-3, 1e-3, 1, &mut |_| {})
        .unwrap_err();
    assert!(
        e.to_string().contains("DAC code range [-8.192, 8.188] V"),
        "{e}"
    );
    let e = rtl
        .train(d.as_mut(), 1.0, 0.2, 1e-3, 1, &mut |_| {})
        .unwrap_err();
    assert!(e.to_string().contains("exceeds"), "{e}");
}

/// A device that records what reaches it: `(volts, seconds)` of each pulse
/// and the idle seconds between pulses.
struct Recorder {
    inner: Box<dyn neuroxbar_models::device::Device>,
    pulses: Vec<(f64, f64)>,
    idle_s: Vec<f64>,
}

impl neuroxbar_models::device::Device for Recorder {
    fn cell(&self) -> &neuroxbar_models::device::CellState {
        self.inner.cell()
    }
    fn cell_mut(&mut self) -> &mut neuroxbar_models::device::CellState {
        self.inner.cell_mut()
    }
    fn pulse(
        &mut self,
        v_volts: f64,
        duration_s: f64,
    ) -> Result<f64, neuroxbar_models::device::DeviceError> {
        self.inner.pulse(v_volts, duration_s)
    }
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn safe_window_volts(&self) -> (f64, f64) {
        self.inner.safe_window_volts()
    }
    fn apply(
        &mut self,
        v_volts: f64,
        duration_s: f64,
    ) -> Result<f64, neuroxbar_models::device::DeviceError> {
        self.pulses.push((v_volts, duration_s));
        self.inner.apply(v_volts, duration_s)
    }
    fn advance(&mut self, dt_s: f64) {
        self.idle_s.push(dt_s);
        self.inner.advance(dt_s)
    }
    fn current_a(&self, v_volts: f64) -> f64 {
        self.inner.current_a(v_volts)
    }
    fn read_current_a(&mut self, v_read_volts: f64) -> f64 {
        self.inner.read_current_a(v_read_volts)
    }
    fn conductance_s(&self) -> f64 {
        self.inner.conductance_s()
    }
    fn last_pulse_energy_j(&self) -> f64 {
        self.inner.last_pulse_energy_j()
    }
    fn cycles(&self) -> u64 {
        self.inner.cycles()
    }
    fn set_cycles(&mut self, n: u64) {
        self.inner.set_cycles(n)
    }
    fn read_voltage_volts(&self) -> f64 {
        self.inner.read_voltage_volts()
    }
}

/// One train of `count` pulses through the generator at `clock_mhz`: what the
/// device saw, and the generator's statistics.
fn record_train(
    clock_mhz: f64,
    width_s: f64,
    gap_s: f64,
    count: u32,
) -> (Recorder, neuroxbar_testbenches::device_rtl::RtlStats) {
    use neuroxbar_models::protocol::PulseDriver;
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    let mut rec = Recorder {
        inner: spec.instantiate(1),
        pulses: vec![],
        idle_s: vec![],
    };
    let mut rtl = RtlPulseDriver::with_clock_mhz(clock_mhz).unwrap();
    assert_eq!(rtl.clock_mhz(), clock_mhz);
    rtl.train(&mut rec, 3.0, width_s, gap_s, count, &mut |_| {})
        .unwrap();
    (rec, rtl.stats)
}

#[test]
fn the_device_sees_the_same_pulses_in_seconds_at_any_clock() {
    // 1 ms pulses 4 ms apart (the ftj-linear LTP/LTD timing): whole cycles
    // at 100 MHz and at 36 MHz (the iCEBreaker's PLL clock)
    let (fast, fast_stats) = record_train(100.0, 1e-3, 4e-3, 5);
    let (slow, slow_stats) = record_train(36.0, 1e-3, 4e-3, 5);
    assert_eq!(fast.pulses.len(), 5);
    assert_eq!(slow.pulses.len(), 5);
    for (a, b) in fast.pulses.iter().zip(&slow.pulses) {
        assert_eq!(a.0, b.0, "amplitude");
        assert!(
            (a.1 - 1e-3).abs() < 1e-12 && (b.1 - 1e-3).abs() < 1e-12,
            "{a:?} {b:?}"
        );
    }
    // the gaps between pulses, as the device lets them pass
    for (a, b) in fast.idle_s[1..].iter().zip(&slow.idle_s[1..]) {
        assert!(
            (a - 4e-3).abs() < 1e-12 && (b - 4e-3).abs() < 1e-12,
            "{a} {b}"
        );
    }
    // the same device time is fewer cycles at the slower clock
    let cycles =
        |s: &neuroxbar_testbenches::device_rtl::RtlStats| s.clocked_cycles + s.warped_cycles;
    let ratio = cycles(&slow_stats) as f64 / cycles(&fast_stats) as f64;
    assert!((ratio - 0.36).abs() < 1e-3, "cycle ratio {ratio}");
    assert_eq!(fast_stats.max_rounding_s, 0.0);
    assert!(slow_stats.max_rounding_s < 1e-12, "{slow_stats:?}");
}

#[test]
fn durations_that_are_not_whole_cycles_round_to_the_nearest_cycle() {
    // 50 ns at 36 MHz is 1.8 cycles: 2 cycles, 55.6 ns, at the device
    let (rec, stats) = record_train(36.0, 50e-9, 200e-9, 3);
    let cycle_s = 1e-6 / 36.0;
    for p in &rec.pulses {
        assert!((p.1 - 2.0 * cycle_s).abs() < 1e-15, "{p:?}");
    }
    assert!((stats.max_rounding_s - (2.0 * cycle_s - 50e-9)).abs() < 1e-15);
    assert!(stats.max_rounding_s <= cycle_s / 2.0);
    // a clock out of range is an error, not a panic
    assert!(RtlPulseDriver::with_clock_mhz(0.0).is_err());
    assert!(RtlPulseDriver::with_clock_mhz(f64::NAN).is_err());
}
