//! Pin-lean front-end PHY (`LeanPhy<30, 5, 6, 2>`): Verilator, rust-hdl
//! `simulate()` and the golden model agree every cycle on random bus and
//! ADC stimulus; behind it, the pin-level AD5570 chains and SN74LV595A
//! chains (`cosim::parts`, with their timing checks at 25 MHz) hold every
//! staged line's code and mode, updated together one `LDAC` before the
//! delayed pulse; and the crossbar controller, waiting for `fe_busy` before
//! each batch, drives it without a single PHY error.

use neuroxbar_cosim::parts::{Ad5570Chains, PartError, Sn74lv595aChains};
use neuroxbar_cosim::units::fe_phy::random_lockstep;
use neuroxbar_cosim::units::fe_phy_lean::*;
use neuroxbar_cosim::units::xbar_ctrl::default_config;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::fe_bus::FeDrive;
use neuroxbar_models::golden::fe_phy::{dac_word, PhyInputs};
use neuroxbar_models::golden::fe_phy_lean::{LeanPhyOutputs, LEAN_PHY_LATENCY};
use neuroxbar_models::golden::xbar_ctrl::{CrossbarControllerModel, CtrlState, XbarInputs};

#[test]
fn random_stimulus_lockstep() {
    let (mut frames, mut updates, mut beats, mut convs, mut applies) = (0u64, 0, 0, 0, 0);
    let mut errors = 0u8;
    random_lockstep(
        &mut GoldenLeanPhy::default(),
        &mut VerilatorLeanPhy::new(Trace::Off).unwrap(),
        &mut RustHdlLeanPhy::default(),
        0x1ea0_00f1,
        200_000,
        stimulus_view,
        |last, g| {
            frames += (last.dac_sync && !g.dac_sync) as u64;
            updates += (last.dac_ldac && !g.dac_ldac) as u64;
            convs += (!last.adc_convst && g.adc_convst) as u64;
            applies += (!last.apply && g.apply) as u64;
            beats += g.fe.rd_valid as u64;
            errors |= g.phy_error;
        },
    );
    println!(
        "frames {frames} updates {updates} applies {applies} conversions {convs} beats {beats} errors {errors:#b}"
    );
    assert!(frames > 150, "frames: {frames}");
    assert!(
        updates + 3 >= frames,
        "an update per frame: {updates} / {frames}"
    );
    assert!(applies > 1000, "apply pulses: {applies}");
    assert!(convs > 150, "conversions: {convs}");
    assert!(beats > 150, "result beats: {beats}");
    assert_eq!(errors, 7, "every error bit seen at least once");
}

/// The parts behind the PHY, observing its pins every `period_s`.
struct Parts {
    dacs: Ad5570Chains,
    srs: Sn74lv595aChains,
    period_s: f64,
    t: u64,
}

impl Parts {
    fn new(period_s: f64) -> Self {
        let (dacs, srs) = lean_parts();
        Self {
            dacs,
            srs,
            period_s,
            t: 0,
        }
    }
    fn observe(&mut self, o: &LeanPhyOutputs) -> Result<(), PartError> {
        self.t += 1;
        let t_s = self.t as f64 * self.period_s;
        self.dacs
            .observe(t_s, o.dac_sync, o.dac_sclk, o.dac_sdi, o.dac_ldac)?;
        self.srs.observe(t_s, o.sr_clk, o.sr_ser, o.sr_rclk)
    }
}

/// Stage `codes` / `modes` on every line, raise `fe_apply` for `width`
/// cycles, then idle until `fe_busy` drops; returns the cycle (from the
/// apply edge) of the update and of the `apply` pin's rise and fall.
fn batch(
    phy: &mut VerilatorLeanPhy,
    parts: &mut Parts,
    codes: &[i16],
    modes: &[u8],
    width: u64,
) -> Result<(u64, u64, u64), PartError> {
    let mut step = |inp: PhyInputs, parts: &mut Parts| -> Result<LeanPhyOutputs, PartError> {
        let o = phy.step(&inp);
        parts.observe(&o)?;
        Ok(o)
    };
    for i in 0..N_LINES {
        step(PhyInputs::stage(i as u8, modes[i], codes[i]), parts)?;
    }
    let (mut upd, mut rise, mut fall) = (None, None, None);
    let mut last = LeanPhyOutputs {
        dac_ldac: true,
        ..Default::default()
    };
    for c in 0..2000u64 {
        let inp = PhyInputs {
            fe: FeDrive {
                apply: c < width,
                ..Default::default()
            },
            ..Default::default()
        };
        let o = step(inp, parts)?;
        if last.dac_ldac && !o.dac_ldac {
            assert!(o.sr_rclk && !last.sr_rclk, "LDAC and RCLK together");
            upd = Some(c);
        }
        if o.apply && !last.apply {
            rise = Some(c);
        }
        if !o.apply && last.apply {
            fall = Some(c);
        }
        last = o;
        if c > width && !o.fe.busy {
            break;
        }
    }
    Ok((upd.unwrap(), rise.unwrap(), fall.unwrap()))
}

#[test]
fn the_parts_hold_every_line_updated_together_before_the_delayed_pulse() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5570);
    let mut phy = VerilatorLeanPhy::new(Trace::Off).unwrap();
    let mut parts = Parts::new(40e-9); // 25 MHz
    phy.step(&PhyInputs {
        reset: true,
        ..Default::default()
    });
    for b in 0..4 {
        let codes: Vec<i16> = (0..N_LINES).map(|_| rng.gen_range(-2048..=2047)).collect();
        let modes: Vec<u8> = (0..N_LINES).map(|_| rng.gen_range(0..4)).collect();
        let width = [1, 7, 40, 300][b];
        let (upd, rise, fall) = batch(&mut phy, &mut parts, &codes, &modes, width).unwrap();
        for i in 0..N_LINES {
            assert_eq!(
                parts.dacs.word(i),
                dac_word(codes[i]),
                "batch {b} line {i} code"
            );
            assert_eq!(parts.srs.mode(i), modes[i], "batch {b} line {i} mode");
        }
        // apply edge seen in cycle 0: the pin rises LEAN_PHY_LATENCY later,
        // keeps the width, and the lines were updated 46 cycles before it
        assert_eq!(rise, LEAN_PHY_LATENCY as u64 - 1, "batch {b}");
        assert_eq!(fall - rise, width, "batch {b}");
        assert_eq!(upd, 3 * 80 + 1, "batch {b}: update cycle");
        assert_eq!(rise - upd, 46, "batch {b}: settling before EN");
        assert_eq!(parts.dacs.updates, b as u64 + 1);
    }
}

#[test]
fn at_100_mhz_the_dac_daisy_chain_misses_its_timing() {
    let mut phy = VerilatorLeanPhy::new(Trace::Off).unwrap();
    let mut parts = Parts::new(10e-9);
    let codes = vec![100i16; N_LINES];
    let modes = vec![1u8; N_LINES];
    let e = batch(&mut phy, &mut parts, &codes, &modes, 3).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("AD5570") && text.contains("SCLK"), "{text}");
}

/// A READ, a PROGRAM and a REFRESH through the (golden) controller and the
/// (golden) lean PHY, with an AD7606 that answers CONVST with a short BUSY:
/// the controller waits for `fe_busy` before the REFRESH's second batch, so
/// the PHY never drops a batch (`phy_error` stays 0) and every batch
/// reaches the DACs (one update per batch).
/// The golden controller and the golden lean PHY, with an AD7606 that
/// answers CONVST with a short BUSY.
struct Loop {
    ctrl: CrossbarControllerModel,
    phy: GoldenLeanPhy,
    last: LeanPhyOutputs,
    busy_left: u32,
    convst_prev: bool,
    updates: u64,
    applies: u64,
    reads: u64,
    /// `cmd_ready` of the last outputs (a command is taken in a cycle
    /// where it was high).
    ready: bool,
    /// Hide `fe_busy` from the controller in PG_PREP (the controller as it
    /// was before it waited there).
    hide_busy_in_prep: bool,
}

impl Loop {
    fn step(&mut self, mut inp: XbarInputs) -> bool {
        let last = self.last;
        inp.fe.busy =
            last.fe.busy && !(self.hide_busy_in_prep && self.ctrl.state == CtrlState::PgPrep);
        inp.fe.rd_valid = last.fe.rd_valid;
        inp.fe.rd_ch = last.fe.rd_ch;
        inp.fe.rd_data = last.fe.rd_data;
        inp.fe.rd_sat = last.fe.rd_sat;
        let x = self.ctrl.step(&inp);
        // AD7606 pins: BUSY from 5 to 25 cycles after CONVST rises
        if last.adc_convst && !self.convst_prev {
            self.busy_left = 25;
        }
        self.convst_prev = last.adc_convst;
        self.busy_left = self.busy_left.saturating_sub(1);
        let p = self.phy.step(&PhyInputs {
            reset: inp.reset,
            fe: x.fe,
            adc_busy: (1..=20).contains(&self.busy_left),
            adc_douta: false,
        });
        self.updates += (last.dac_ldac && !p.dac_ldac) as u64;
        self.applies += (!last.apply && p.apply) as u64;
        self.reads += x.read_done as u64;
        self.last = p;
        self.ready = x.cmd_ready;
        x.idle
    }
}

/// A READ, a PROGRAM (2 pulses) and a REFRESH through the controller and
/// the lean PHY: the controller waits for `fe_busy` before the REFRESH's
/// second batch, so the PHY never drops a batch (`phy_error` stays 0) and
/// every batch reaches the DACs (one update per batch). Without the wait
/// (the controller as it was) the REFRESH's second batch would come 35
/// cycles after the first and be dropped with `phy_error` bit 0.
/// Run READ, PROGRAM (2 pulses), REFRESH until the controller and the PHY
/// are idle.
fn read_program_refresh(hide_busy_in_prep: bool) -> Loop {
    let cfg = default_config();
    let mut l = Loop {
        ctrl: CrossbarControllerModel::new(25, 5),
        phy: GoldenLeanPhy::default(),
        last: LeanPhyOutputs::default(),
        busy_left: 0,
        convst_prev: false,
        updates: 0,
        applies: 0,
        reads: 0,
        ready: false,
        hide_busy_in_prep,
    };
    for _ in 0..2 {
        l.step(XbarInputs {
            reset: true,
            ..cfg.clone()
        });
    }
    l.step(XbarInputs {
        read_start: true,
        row_mask: 0x1FF_FFFF,
        ..cfg.clone()
    });
    let commands = [(false, 3u8, 1u8, true, 2u8), (true, 7, 4, false, 0)];
    for (refresh, row, col, pol, count) in commands {
        loop {
            let ready = l.ready;
            l.step(XbarInputs {
                cmd_valid: true,
                cmd_refresh: refresh,
                cmd_row: row,
                cmd_col: col,
                cmd_pol: pol,
                cmd_count: count,
                ..cfg.clone()
            });
            if ready {
                break;
            }
        }
    }
    let mut idle_for = 0;
    for _ in 0..20_000 {
        let idle = l.step(cfg.clone());
        idle_for = if idle && !l.last.fe.busy {
            idle_for + 1
        } else {
            0
        };
        if idle_for > 10 {
            break;
        }
    }
    assert!(idle_for > 10, "the controller and the PHY settle");
    l
}

#[test]
fn the_controller_waits_for_the_serial_phy_before_every_batch() {
    let l = read_program_refresh(false);
    assert_eq!(
        l.last.phy_error, 0,
        "no batch dropped, no sample while busy"
    );
    // READ 1 batch, PROGRAM 1 batch (a train of 2), REFRESH 2 batches
    assert_eq!(l.updates, 4, "one DAC update per batch");
    assert_eq!(l.applies, 1 + 2 + 2, "pulses on the EN pin");
    assert_eq!(l.reads, 1);
    // mutation: without the wait, the REFRESH's second batch is dropped
    let l = read_program_refresh(true);
    assert_eq!(l.last.phy_error, 1, "the second batch came over the first");
    assert_eq!(l.updates, 3);
}
