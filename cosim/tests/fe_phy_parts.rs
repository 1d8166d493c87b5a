//! The PHY with pin-level part models (AD5542A, ADG1404, AD7606) against
//! the bus-level front-end (`FeBus`): the Verilated crossbar controller
//! runs the same operations (READ, PROGRAM V/3, REFRESH, READ) through
//! both, and the array sees the same pulses (lines and modes at each rising
//! edge, widths in cycles) and the controller gets the same read-out codes.
//! Then the parts' timing checks, each on a pin sequence that breaks one
//! rule.

use neuroxbar_cosim::cosim::{FeBus, FeOut};
use neuroxbar_cosim::parts::{Ad5542a, Ad7606, Adg1404, DevicePulse, PartError, PhyBench};
use neuroxbar_cosim::units::fe_phy::{GoldenPhy, VerilatorPhy, N_COLS};
use neuroxbar_cosim::units::xbar_ctrl::{default_config, VerilatorXbar, N_ROWS};
use neuroxbar_cosim::units::{CycleModel, Lockstep};
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_models::golden::fe_phy::{PhyInputs, PhyOutputs, PHY_LATENCY};
use neuroxbar_models::golden::xbar_ctrl::{XbarInputs, XbarOutputs};

const PERIOD_S: f64 = 10e-9;

fn front_end(period_s: f64) -> FrontEnd {
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    let params = FrontEndParams {
        clock_period_s: period_s,
        // the AD7606's t_CONV, so both sides convert for the same time
        adc_conversion_s: 4.15e-6,
        ..FrontEndParams::default()
    };
    FrontEnd::from_spec(&spec, N_ROWS, N_COLS, params, 11).unwrap()
}

/// The front-end side of the controller's bus.
trait Side {
    /// The controller's `fe_*` inputs of this cycle: busy and a result beat.
    fn inputs(&mut self, t: u64) -> (bool, Option<(u8, i16, bool)>);
    /// The controller's outputs after this cycle's edge (time `t`).
    fn react(&mut self, t: u64, o: &XbarOutputs);
    fn quiet(&self, t: u64) -> bool;
    fn pulses(&self) -> &[DevicePulse];
    fn front_end(&mut self) -> &mut FrontEnd;
}

struct BusSide {
    bus: FeBus,
    fe: FrontEnd,
    pulses: Vec<DevicePulse>,
}

impl Side for BusSide {
    fn inputs(&mut self, t: u64) -> (bool, Option<(u8, i16, bool)>) {
        let i = self.bus.drive(t);
        (i.busy, i.rd)
    }
    fn react(&mut self, t: u64, o: &XbarOutputs) {
        let r = self
            .bus
            .react(&mut self.fe, t, t as f64 * PERIOD_S, fe_out(o))
            .unwrap();
        if let Some(on) = r.apply_edge {
            DevicePulse::record(&self.fe, t, on, &mut self.pulses);
        }
    }
    fn quiet(&self, t: u64) -> bool {
        !self.bus.active(t)
    }
    fn pulses(&self) -> &[DevicePulse] {
        &self.pulses
    }
    fn front_end(&mut self) -> &mut FrontEnd {
        &mut self.fe
    }
}

/// PHY + parts: the PHY samples the controller's outputs of the previous
/// edge, the controller the PHY's outputs of the previous edge.
struct PhySide<P: CycleModel<Inputs = PhyInputs, Outputs = PhyOutputs>> {
    bench: PhyBench<P>,
    ctrl_prev: FeOut,
    phy_prev: PhyOutputs,
}

impl<P: CycleModel<Inputs = PhyInputs, Outputs = PhyOutputs>> Side for PhySide<P> {
    fn inputs(&mut self, _t: u64) -> (bool, Option<(u8, i16, bool)>) {
        let o = self.phy_prev;
        self.phy_prev = self
            .bench
            .step(false, self.ctrl_prev)
            .unwrap_or_else(|e| panic!("{e}"));
        let rd =
            o.fe.rd_valid
                .then_some((o.fe.rd_ch, o.fe.rd_data, o.fe.rd_sat));
        (o.fe.busy, rd)
    }
    fn react(&mut self, _t: u64, o: &XbarOutputs) {
        self.ctrl_prev = fe_out(o);
    }
    fn quiet(&self, _t: u64) -> bool {
        !self.phy_prev.fe.busy && !self.bench.mux.enabled()
    }
    fn pulses(&self) -> &[DevicePulse] {
        &self.bench.array.pulses
    }
    fn front_end(&mut self) -> &mut FrontEnd {
        &mut self.bench.array.fe
    }
}

fn fe_out(o: &XbarOutputs) -> FeOut {
    o.fe
}

/// What a run produced.
#[derive(Debug, Default)]
struct RunLog {
    /// Cycles where the controller raised `fe_apply`.
    bus_rises: Vec<u64>,
    /// Column codes and saturation flags of each READ.
    reads: Vec<(Vec<i16>, u64)>,
    /// Cycles from each sample strobe to its first result beat.
    read_latency: Vec<u64>,
    cycles: u64,
}

enum Op {
    Read(u128),
    Program(u8, u8, bool, u8),
    Refresh(u8, u8),
}

fn script() -> Vec<Op> {
    vec![
        Op::Read((1 << N_ROWS) - 1),
        Op::Program(3, 1, true, 3),
        Op::Program(10, 4, false, 2),
        Op::Refresh(7, 2),
        Op::Program(3, 1, true, 1),
        Op::Read(0x0F0_F0F0),
    ]
}

fn config() -> XbarInputs {
    XbarInputs {
        settle: 20,
        ..default_config()
    }
}

/// Run the script on the Verilated controller bound to `side`.
fn run(side: &mut dyn Side) -> RunLog {
    let mut ctrl = VerilatorXbar::new(Trace::Off).unwrap();
    let mut log = RunLog::default();
    let mut t = 0u64;
    let mut last = XbarOutputs::default();
    let mut sampled_at = None;
    let mut cycle = |inp: XbarInputs, side: &mut dyn Side, log: &mut RunLog, t: &mut u64| {
        let mut inp = inp;
        let (busy, rd) = side.inputs(*t);
        inp.fe.busy = busy;
        inp.fe.rd_valid = rd.is_some();
        let (ch, data, sat) = rd.unwrap_or_default();
        inp.fe.rd_ch = ch;
        inp.fe.rd_data = data;
        inp.fe.rd_sat = sat;
        if let (Some(s), true) = (sampled_at, inp.fe.rd_valid) {
            log.read_latency.push(*t - s);
            sampled_at = None;
        }
        let o = ctrl.step(&inp);
        *t += 1;
        if o.fe.sample {
            sampled_at = Some(*t);
        }
        if o.fe.apply && !last.fe.apply {
            log.bus_rises.push(*t);
        }
        if o.read_done {
            log.reads.push((o.col_code.clone(), o.col_sat));
        }
        side.react(*t, &o);
        last = o.clone();
        o
    };
    for _ in 0..2 {
        cycle(
            XbarInputs {
                reset: true,
                ..config()
            },
            side,
            &mut log,
            &mut t,
        );
    }
    for op in script() {
        let mut inp = config();
        match op {
            Op::Read(mask) => {
                inp.read_start = true;
                inp.row_mask = mask;
            }
            Op::Program(row, col, pol, count) => {
                inp.cmd_valid = true;
                inp.cmd_row = row;
                inp.cmd_col = col;
                inp.cmd_pol = pol;
                inp.cmd_count = count;
            }
            Op::Refresh(row, col) => {
                inp.cmd_valid = true;
                inp.cmd_refresh = true;
                inp.cmd_row = row;
                inp.cmd_col = col;
            }
        }
        // the controller is idle and ready here: one cycle hands the operation over
        cycle(inp, side, &mut log, &mut t);
        let mut n = 0;
        loop {
            let o = cycle(config(), side, &mut log, &mut t);
            n += 1;
            if o.idle && side.quiet(t) {
                break;
            }
            assert!(n < 100_000, "not idle after {n} cycles");
        }
    }
    log.cycles = t;
    log
}

fn bus_side() -> BusSide {
    BusSide {
        bus: FeBus::default(),
        fe: front_end(PERIOD_S),
        pulses: Vec::new(),
    }
}

fn phy_side<P: CycleModel<Inputs = PhyInputs, Outputs = PhyOutputs>>(phy: P) -> PhySide<P> {
    PhySide {
        bench: PhyBench::new(phy, front_end(PERIOD_S), N_COLS),
        ctrl_prev: fe_out(&XbarOutputs::default()),
        phy_prev: PhyOutputs::default(),
    }
}

#[test]
fn phy_and_parts_give_the_array_the_bus_level_pulses_and_codes() {
    let mut a = bus_side();
    let la = run(&mut a);
    // the PHY on the golden model and Verilator in lockstep
    let mut b = phy_side(Lockstep {
        a: GoldenPhy::default(),
        b: VerilatorPhy::new(Trace::Off).unwrap(),
        cycles: 0,
    });
    let lb = run(&mut b);

    let (pa, pb) = (a.pulses().to_vec(), b.pulses().to_vec());
    // READ: 1 pulse; PROGRAM: 3 + 2; REFRESH: 2; PROGRAM 1; READ 1
    assert_eq!(pa.len(), 10);
    assert_eq!(pb.len(), pa.len());
    for (k, (x, y)) in pa.iter().zip(&pb).enumerate() {
        assert_eq!(x.width_cycles, y.width_cycles, "pulse {k}: width");
        assert_eq!(x.lines, y.lines, "pulse {k}: lines (mode and code)");
    }
    let widths: Vec<u64> = pa.iter().map(|p| p.width_cycles).collect();
    assert_eq!(widths, vec![21, 2, 2, 2, 2, 2, 5, 5, 2, 21]);
    // read-out codes: the same, and not all zero (the reads see the cells)
    assert_eq!(la.reads.len(), 2);
    assert_eq!(la.reads, lb.reads);
    assert!(la.reads[0].0.iter().any(|&c| c != 0), "{:?}", la.reads);
    // the weights after the programming: identical
    // the weights after the programming: the same to 1e-6 (not bit for bit:
    // the PHY run idles longer between operations, and the FTJ's transient
    // traces relax over those gaps before the next pulse consolidates them)
    let (wa, wb) = (
        a.fe.weights_s().unwrap(),
        b.front_end().weights_s().unwrap(),
    );
    let worst = wa
        .iter()
        .zip(&wb)
        .map(|(x, y)| ((x - y) / x).abs())
        .fold(0.0f64, f64::max);
    assert!(worst < 1e-6, "largest relative weight difference {worst:e}");
    // latency: every pin pulse starts a fixed number of cycles after the
    // controller raised fe_apply in that run
    assert_eq!(lb.bus_rises.len(), pb.len());
    let lat: Vec<u64> = pb
        .iter()
        .zip(&lb.bus_rises)
        .map(|(p, &r)| p.start_cycles - r)
        .collect();
    assert!(lat.iter().all(|&l| l == PHY_LATENCY), "latencies {lat:?}");
    // the bus-level side applies in the cycle the controller raises fe_apply
    assert!(pa
        .iter()
        .zip(&la.bus_rises)
        .all(|(p, &r)| p.start_cycles == r));
    // every sample converted once, every DAC load settled 30 cycles before its pulse
    assert_eq!(b.bench.array.adc.conversions, 2);
    assert!((b.bench.array.min_load_to_apply_s - 30.0 * PERIOD_S).abs() < 1e-12);
    // the read-out: the bus-level ADC answers after t_CONV (415 cycles);
    // the PHY adds the delay line, CONVST, the BUSY synchronizer and the
    // 80-bit serial read
    assert_eq!(la.read_latency, vec![415, 415]);
    // 64 delay + 415 t_CONV + 80 bits x 6 cycles + 3 (BUSY pin and synchronizer)
    assert_eq!(lb.read_latency, vec![962, 962]);
    println!(
        "bus-level run {} cycles, PHY run {} cycles, sample to first result {:?} / {:?} cycles, pin latency {} cycles, DAC load to apply {:.0} ns, mux address to EN {:.0} ns",
        la.cycles,
        lb.cycles,
        la.read_latency,
        lb.read_latency,
        lat[0],
        b.bench.array.min_load_to_apply_s * 1e9,
        b.bench.mux.min_addr_to_en_s * 1e9
    );
}

/// At 12 MHz (the slowest board clock) the same run meets every part's
/// timing too (the divider is a constant: SCLK scales with the clock).
#[test]
fn twelve_mhz_board_clock_meets_the_part_timing() {
    let period_s = 1.0 / 12e6;
    let mut side = PhySide {
        bench: PhyBench::new(GoldenPhy::default(), front_end(period_s), N_COLS),
        ctrl_prev: fe_out(&XbarOutputs::default()),
        phy_prev: PhyOutputs::default(),
    };
    let log = run(&mut side);
    assert_eq!(log.reads.len(), 2);
    assert_eq!(side.pulses().len(), 10);
}

/// A PHY clocked at 200 MHz (beyond the 12..100 MHz it is built for): the
/// first SCLK edge of the frame comes 5 ns after CS fell, and the AD5542A
/// model reports its CS-to-SCLK setup rule.
#[test]
fn too_fast_a_clock_breaks_the_dac_interface_timing() {
    let mut bench = PhyBench::new(GoldenPhy::default(), front_end(5e-9), N_COLS);
    let mut err = None;
    for k in 0..80u64 {
        let bus = FeOut {
            we: (2..32).contains(&k),
            ch: k.saturating_sub(2) as u8,
            mode: 1,
            code: 100,
            apply: k >= 32,
            sample: false,
        };
        if let Err(e) = bench.step(k < 2, bus) {
            err = Some(e);
            break;
        }
    }
    match err {
        Some(PartError::Timing { part, rule, .. }) => {
            assert_eq!((part, rule), ("AD5542A", "t4 CS low to SCLK high setup"));
        }
        other => panic!("expected an AD5542A timing error, got {other:?}"),
    }
}

fn expect_rule(r: Result<(), PartError>, part: &str, rule: &str) {
    match r {
        Err(PartError::Timing {
            part: p, rule: q, ..
        }) if p == part && q == rule => {}
        other => panic!("expected {part}: {rule}, got {other:?}"),
    }
}

/// Drive an AD7606 with (convst, cs, sclk) per 10 ns cycle; the conversions
/// return codes 1..=8.
fn adc_run(pins: &[(bool, bool, bool)]) -> Result<(), PartError> {
    let mut adc = Ad7606::new(PERIOD_S, Default::default());
    for (k, &(convst, cs, sclk)) in pins.iter().enumerate() {
        adc.observe(k as f64 * PERIOD_S, convst, cs, sclk, || {
            Ok([1, 2, 3, 4, 5, 6, 7, 8])
        })?;
    }
    Ok(())
}

#[test]
fn ad7606_read_during_busy_is_an_error() {
    let mut pins = vec![(false, true, true); 2];
    pins.extend([(true, true, true); 3]);
    pins.extend([(false, true, true); 100]); // 1 us: still converting
    pins.push((false, false, true)); // CS falls
    expect_rule(adc_run(&pins), "AD7606", "read during BUSY");
    // waiting out t_CONV (415 cycles) makes the same read legal
    let mut ok = pins[..pins.len() - 1].to_vec();
    ok.extend([(false, true, true); 320]);
    ok.push((false, false, true));
    adc_run(&ok).unwrap();
}

#[test]
fn ad7606_convert_too_soon_is_an_error() {
    let mut pins = vec![(false, true, true); 2];
    pins.extend([(true, true, true); 3]);
    pins.extend([(false, true, true); 450]); // 4.5 us: BUSY is over, t_CYCLE is not
    pins.extend([(true, true, true); 3]);
    expect_rule(adc_run(&pins), "AD7606", "t_CYCLE convert too soon");
    let mut ok = pins[..pins.len() - 3].to_vec();
    ok.extend([(false, true, true); 60]);
    ok.extend([(true, true, true); 3]);
    adc_run(&ok).unwrap();
}

#[test]
fn ad7606_short_convst_and_fast_sclk_are_errors() {
    let mut pins = vec![(false, true, true); 2];
    pins.extend([(true, true, true); 2]); // 20 ns < 25 ns
    pins.push((false, true, true));
    expect_rule(adc_run(&pins), "AD7606", "t3 CONVST high pulse width");
    let mut pins = vec![(false, true, true); 2];
    pins.extend([(true, true, true); 3]);
    pins.extend([(false, true, true); 500]);
    pins.push((false, false, true));
    for k in 0..8 {
        // SCLK period 4 cycles = 40 ns < 50 ns
        pins.push((false, false, k % 4 >= 2));
    }
    expect_rule(adc_run(&pins), "AD7606", "f_SCLK serial clock");
}

/// The read-out of a conversion: the PHY-style read (CS, then SCLK low 3
/// cycles, high 3, a bit taken in the last low cycle) returns V1..V8 MSB first.
#[test]
fn ad7606_shifts_out_the_conversion_msb_first() {
    let mut adc = Ad7606::new(PERIOD_S, Default::default());
    let mut t = 0u64;
    let mut step = |adc: &mut Ad7606, convst: bool, cs: bool, sclk: bool| {
        adc.observe(t as f64 * PERIOD_S, convst, cs, sclk, || {
            Ok([0x1234, -2, 3, 4, 5, 6, 7, i16::MIN])
        })
        .unwrap();
        t += 1;
        adc.pins(t as f64 * PERIOD_S)
    };
    for k in 0..4 {
        step(&mut adc, k > 0, true, true);
    }
    while step(&mut adc, false, true, true).0 {}
    step(&mut adc, false, false, true);
    let mut words = Vec::new();
    let mut w = 0u16;
    for b in 0..128 {
        step(&mut adc, false, false, false);
        step(&mut adc, false, false, false);
        let douta = step(&mut adc, false, false, false).1;
        w = (w << 1) | douta as u16;
        if b % 16 == 15 {
            words.push(w as i16);
        }
        for _ in 0..3 {
            step(&mut adc, false, false, true);
        }
    }
    assert_eq!(words, vec![0x1234, -2, 3, 4, 5, 6, 7, i16::MIN]);
}

#[test]
fn ad5542a_short_word_and_fast_sclk_are_errors() {
    // 15 bits then CS high
    let mut dac = Ad5542a::new(2, Default::default());
    let mut t = 0u64;
    let mut obs = |dac: &mut Ad5542a, cs: bool, sclk: bool, sdi: u64| {
        t += 1;
        dac.observe(t as f64 * PERIOD_S, cs, sclk, sdi)
    };
    obs(&mut dac, false, false, 3).unwrap();
    for _ in 0..15 {
        obs(&mut dac, false, true, 3).unwrap();
        obs(&mut dac, false, false, 3).unwrap();
    }
    obs(&mut dac, false, false, 3).unwrap();
    expect_rule(obs(&mut dac, true, false, 3), "AD5542A", "16-bit word");
    // 16 bits load the word into both DACs
    let mut dac = Ad5542a::new(2, Default::default());
    obs(&mut dac, false, false, 0).unwrap();
    for b in 0..16 {
        let sdi = if b % 2 == 0 { 1 } else { 2 };
        obs(&mut dac, false, false, sdi).unwrap();
        obs(&mut dac, false, true, sdi).unwrap();
    }
    obs(&mut dac, false, false, 0).unwrap();
    obs(&mut dac, true, false, 0).unwrap();
    assert_eq!((dac.word(0), dac.word(1)), (0xAAAA, 0x5555));
    // SDIN changing with the SCLK rising edge: no setup
    let mut dac = Ad5542a::new(1, Default::default());
    obs(&mut dac, false, false, 0).unwrap();
    expect_rule(
        obs(&mut dac, false, true, 1),
        "AD5542A",
        "t7 SDIN setup to SCLK rising",
    );
}

#[test]
fn adg1404_address_change_under_a_pulse_and_early_enable_are_errors() {
    let mut mux = Adg1404::new(4, Default::default());
    mux.observe(0.0, 0b0001, 0, false).unwrap();
    // EN 100 ns after the address: the switch has not settled (250 ns)
    expect_rule(
        mux.observe(100e-9, 0b0001, 0, true),
        "ADG1404",
        "t_TRANSITION before EN",
    );
    let mut mux = Adg1404::new(4, Default::default());
    mux.observe(0.0, 0b0001, 0, false).unwrap();
    mux.observe(300e-9, 0b0001, 0, true).unwrap();
    expect_rule(
        mux.observe(310e-9, 0b0011, 0, true),
        "ADG1404",
        "address change while enabled",
    );
    // the same change with EN low is fine
    mux.observe(320e-9, 0b0001, 0, false).unwrap();
    mux.observe(330e-9, 0b0011, 0, false).unwrap();
    assert_eq!(mux.mode(1), neuroxbar_models::frontend::ChannelMode::Drive);
}
