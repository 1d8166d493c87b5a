//! Host link (`UartBridge`: UART receiver, frame bridge, UART transmitter):
//! Verilator, rust-hdl `simulate()` and the golden model agree every cycle
//! on random traffic (good frames of every command, bad CRCs, unknown
//! commands, wrong lengths, missing stop bits, truncated frames, noise
//! between frames, warped waits) against a stand-in accelerator; and the
//! bridge does what the protocol says: a write frame writes exactly its
//! register, a frame with any single bit flipped writes nothing and is
//! answered with an error, a step reports the accelerator's winner and
//! spikes, a wait ends at its cycle with or without warp.

use neuroxbar_cosim::units::host_link::*;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_rtl::host_link::protocol::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CPB: u16 = LINK_CLOCKS_PER_BIT;

/// A stand-in accelerator: after a tick it is busy for a few cycles, then
/// shows spikes and a winner once, then is idle again; `debug_data`
/// follows `debug_sel` 2 cycles later, as the accelerator's
/// (`DEBUG_LATENCY`).
#[derive(Debug, Clone)]
struct FakeAccel {
    busy_left: u32,
    next_spikes: u64,
    next_winner: Option<u8>,
    /// `debug_data` of the next two cycles.
    debug_pipe: [u32; 2],
    rng: ChaCha8Rng,
}

impl FakeAccel {
    fn new(seed: u64) -> Self {
        Self {
            busy_left: 0,
            next_spikes: 0,
            next_winner: None,
            debug_pipe: [0; 2],
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The accelerator's outputs for the next cycle, given the bridge's
    /// outputs of the last one.
    fn drive(&mut self, inp: &mut LinkInputs, last: &LinkOutputs) {
        inp.acc_spikes_valid = false;
        inp.acc_winner_valid = false;
        if last.acc_tick && self.busy_left == 0 {
            self.busy_left = self.rng.gen_range(1..12);
            self.next_spikes = self.rng.gen_range(0..32);
            self.next_winner = self.rng.gen_bool(0.7).then(|| self.rng.gen_range(0..5));
        } else if self.busy_left > 0 {
            self.busy_left -= 1;
            if self.busy_left == 0 {
                inp.acc_spikes_valid = true;
                inp.acc_spikes = self.next_spikes;
                if let Some(w) = self.next_winner {
                    inp.acc_winner_valid = true;
                    inp.acc_winner = w;
                }
            }
        }
        inp.acc_idle = self.busy_left == 0;
        inp.acc_debug_data = self.debug_pipe[1];
        self.debug_pipe[1] = self.debug_pipe[0];
        self.debug_pipe[0] = (last.debug_sel as u32).wrapping_mul(0x9E37_79B9);
    }
}

/// The three back ends stepped together.
struct ThreeWay {
    vl: VerilatorUartBridge,
    hdl: RustHdlUartBridge,
    gold: GoldenUartBridge,
    cycle: u64,
}

impl ThreeWay {
    fn new() -> Self {
        Self {
            vl: VerilatorUartBridge::new(Trace::Off).unwrap(),
            hdl: RustHdlUartBridge::default(),
            gold: GoldenUartBridge::new(LINK_ROWS, LINK_COLS, CPB),
            cycle: 0,
        }
    }
}

/// All three in lockstep: the outputs must agree every cycle.
impl CycleModel for ThreeWay {
    type Inputs = LinkInputs;
    type Outputs = LinkOutputs;
    fn step(&mut self, inp: &LinkInputs) -> LinkOutputs {
        let g = self.gold.step(inp);
        let v = self.vl.step(inp);
        let h = self.hdl.step(inp);
        assert!(
            g == v && g == h,
            "cycle {}: inputs {inp:?}\n golden    {g:?}\n verilator {v:?}\n rust-hdl  {h:?}",
            self.cycle
        );
        self.cycle += 1;
        g
    }
}

/// What a run saw: register writes, strobes and the bytes the board sent.
#[derive(Debug, Default)]
struct Seen {
    writes: Vec<(u8, u32)>,
    ticks: u32,
    presents: u32,
    resets: u32,
    sink: Option<UartSink>,
}

/// Drive `levels` into the link (then idle for `tail` cycles), with the
/// stand-in accelerator, optional warps of waits, and record what happens.
fn run(
    dut: &mut dyn CycleModel<Inputs = LinkInputs, Outputs = LinkOutputs>,
    acc: &mut FakeAccel,
    levels: &[bool],
    tail: usize,
    warp: bool,
) -> Seen {
    let mut seen = Seen {
        sink: Some(UartSink::new(CPB)),
        ..Default::default()
    };
    run_into(&mut seen, dut, acc, levels, tail, warp);
    seen
}

/// [`run`], adding to what `seen` holds (one receiver across calls).
fn run_into(
    seen: &mut Seen,
    dut: &mut dyn CycleModel<Inputs = LinkInputs, Outputs = LinkOutputs>,
    acc: &mut FakeAccel,
    levels: &[bool],
    tail: usize,
    warp: bool,
) {
    let mut inp = LinkInputs::default();
    let mut last = LinkOutputs {
        uart_tx: true,
        ..Default::default()
    };
    for k in 0..levels.len() + tail {
        inp.uart_rx = levels.get(k).copied().unwrap_or(true);
        acc.drive(&mut inp, &last);
        inp.warp = if warp && last.wait_left > 1 {
            last.wait_left - 1
        } else {
            0
        };
        last = dut.step(&inp);
        seen.sink.as_mut().unwrap().push(last.uart_tx);
        if last.cfg_we {
            seen.writes.push((last.cfg_addr, last.cfg_data));
        }
        seen.ticks += last.acc_tick as u32;
        seen.presents += last.acc_present as u32;
        seen.resets += last.acc_reset as u32;
    }
}

/// A response decoded from the board's bytes: `(cmd, status, payload)`;
/// panics on a bad sync byte or CRC.
fn responses(bytes: &[u8]) -> Vec<(u8, u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        assert_eq!(bytes[i], SYNC_BOARD, "sync byte at {i} of {bytes:02x?}");
        let len = bytes[i + 3] as usize;
        let body = &bytes[i + 1..i + 4 + len];
        assert_eq!(crc8_all(body), bytes[i + 4 + len], "CRC of {bytes:02x?}");
        out.push((body[0], body[1], body[3..].to_vec()));
        i += 5 + len;
    }
    out
}

/// Cycles for the board to answer a frame with a payload of `len` bytes.
fn answer_cycles(len: usize) -> usize {
    (5 + len + 2) * 10 * CPB as usize + 200
}

fn write_frame(addr: u8, data: u32) -> Vec<u8> {
    let d = data.to_be_bytes();
    request_frame(CMD_WRITE, &[addr, d[0], d[1], d[2], d[3]])
}

#[test]
fn a_write_frame_writes_its_register_once_and_is_acknowledged() {
    let mut dut = ThreeWay::new();
    let mut acc = FakeAccel::new(1);
    let f = write_frame(0x21, 0xDEAD_BEEF);
    let seen = run(
        &mut dut,
        &mut acc,
        &uart_levels(&f, CPB, 3),
        answer_cycles(0),
        false,
    );
    assert_eq!(seen.writes, vec![(0x21, 0xDEAD_BEEF)]);
    let r = responses(&seen.sink.unwrap().bytes);
    assert_eq!(r, vec![(CMD_WRITE, STATUS_OK, vec![])]);
}

#[test]
fn every_single_bit_flip_of_a_write_frame_writes_nothing_and_is_answered_with_an_error() {
    // the frame's body bits (command, length, payload, CRC): CRC-8 detects
    // every single-bit error; a flipped sync byte is not a frame at all
    let good = write_frame(0x10, 0x0000_0123);
    let mut dut = VerilatorUartBridge::new(Trace::Off).unwrap();
    let mut acc = FakeAccel::new(2);
    for byte in 1..good.len() {
        for bit in 0..8 {
            let mut f = good.clone();
            f[byte] ^= 1 << bit;
            // a length made longer waits for bytes that never come: the
            // inter-byte timeout ends the frame
            let tail = 160 * CPB as usize + answer_cycles(0);
            let seen = run(&mut dut, &mut acc, &uart_levels(&f, CPB, 2), tail, false);
            assert!(
                seen.writes.is_empty(),
                "byte {byte} bit {bit}: {:?}",
                seen.writes
            );
            let r = responses(&seen.sink.unwrap().bytes);
            assert_eq!(r.len(), 1, "byte {byte} bit {bit}: {r:?}");
            assert_ne!(r[0].1, STATUS_OK, "byte {byte} bit {bit}: {r:?}");
        }
    }
    // and the link still works afterwards
    let seen = run(
        &mut dut,
        &mut acc,
        &uart_levels(&good, CPB, 0),
        answer_cycles(0),
        false,
    );
    assert_eq!(seen.writes, vec![(0x10, 0x123)]);
}

#[test]
fn bad_frames_get_their_status_and_no_strobe() {
    let mut dut = ThreeWay::new();
    let mut acc = FakeAccel::new(3);
    let mut unknown = request_frame(0x42, &[]);
    let bad_len = request_frame(CMD_WRITE, &[1, 2, 3]);
    let too_long = vec![SYNC_HOST, CMD_SPIKES, 40];
    let mut bad_crc = request_frame(CMD_PRESENT, &[]);
    *bad_crc.last_mut().unwrap() ^= 0x80;
    unknown.insert(0, 0x00); // noise before the sync byte is skipped
    for (frame, status) in [
        (unknown, STATUS_UNKNOWN_COMMAND),
        (bad_len, STATUS_BAD_LENGTH),
        (too_long, STATUS_BAD_LENGTH),
        (bad_crc, STATUS_BAD_CRC),
    ] {
        let seen = run(
            &mut dut,
            &mut acc,
            &uart_levels(&frame, CPB, 1),
            answer_cycles(0),
            false,
        );
        assert!(
            seen.writes.is_empty() && seen.ticks == 0 && seen.presents == 0 && seen.resets == 0
        );
        let r = responses(&seen.sink.unwrap().bytes);
        assert_eq!(r.len(), 1, "{frame:02x?}");
        assert_eq!(r[0].1, status, "{frame:02x?}: {}", status_name(r[0].1));
    }
    // a missing stop bit inside a frame
    let f = write_frame(1, 1);
    let mut levels = uart_levels(&f, CPB, 0);
    let stop_of_byte_3 = (3 * 10 + 9) * CPB as usize;
    for l in &mut levels[stop_of_byte_3..stop_of_byte_3 + CPB as usize] {
        *l = false;
    }
    let seen = run(&mut dut, &mut acc, &levels, 200 * CPB as usize, false);
    assert!(seen.writes.is_empty());
    let r = responses(&seen.sink.unwrap().bytes);
    assert_eq!(r[0].1, STATUS_FRAMING, "{r:?}");
}

#[test]
fn step_reports_winner_and_spikes_and_peek_reads_the_debug_port() {
    let mut dut = ThreeWay::new();
    let mut acc = FakeAccel::new(4);
    for _ in 0..6 {
        let mut probe = acc.clone();
        // what the stand-in will answer to the coming tick
        let mut inp = LinkInputs::default();
        probe.drive(
            &mut inp,
            &LinkOutputs {
                acc_tick: true,
                ..Default::default()
            },
        );
        let (spikes, winner) = (probe.next_spikes, probe.next_winner);
        let f = request_frame(CMD_STEP, &[]);
        let seen = run(
            &mut dut,
            &mut acc,
            &uart_levels(&f, CPB, 0),
            answer_cycles(3),
            false,
        );
        assert_eq!(seen.ticks, 1);
        let r = responses(&seen.sink.unwrap().bytes);
        let flags = winner.is_some() as u8;
        assert_eq!(
            r,
            vec![(
                CMD_STEP,
                STATUS_OK,
                vec![flags, winner.unwrap_or(0), spikes as u8]
            )]
        );
    }
    let f = request_frame(CMD_PEEK, &[0x03, 0x21]);
    let seen = run(
        &mut dut,
        &mut acc,
        &uart_levels(&f, CPB, 0),
        answer_cycles(4),
        false,
    );
    let r = responses(&seen.sink.unwrap().bytes);
    assert_eq!(
        r,
        vec![(
            CMD_PEEK,
            STATUS_OK,
            0x321u32.wrapping_mul(0x9E37_79B9).to_be_bytes().to_vec()
        )]
    );
}

#[test]
fn a_timed_step_ticks_two_cycles_after_its_due_cycle_with_or_without_warp() {
    for warp in [false, true] {
        let mut dut = ThreeWay::new();
        let mut acc = FakeAccel::new(6);
        let at: u64 = 30_000;
        let f = request_frame(CMD_STEP, &at.to_be_bytes()[2..]);
        let mut inp = LinkInputs::default();
        let mut last = LinkOutputs::default();
        let levels = uart_levels(&f, CPB, 0);
        let mut t = 0u64;
        let mut tick_at = None;
        let mut sink = UartSink::new(CPB);
        for k in 0..40_000usize {
            inp.uart_rx = levels.get(k).copied().unwrap_or(true);
            acc.drive(&mut inp, &last);
            inp.warp = if warp && last.wait_left > 1 {
                last.wait_left - 1
            } else {
                0
            };
            // the cycle these inputs are applied in
            let cycle = t;
            t += 1 + inp.warp as u64;
            last = dut.step(&inp);
            sink.push(last.uart_tx);
            if last.acc_tick {
                // the tick is an output after this edge: the accelerator
                // takes it in the next cycle
                tick_at.get_or_insert(cycle + 1);
            }
        }
        assert_eq!(tick_at, Some(at + 2), "warp {warp}");
        assert_eq!(responses(&sink.bytes)[0].1, STATUS_OK, "warp {warp}");
    }
}

#[test]
fn wait_until_ends_at_its_cycle_with_or_without_warp_and_reports_late_waits() {
    for warp in [false, true] {
        let mut dut = ThreeWay::new();
        let mut acc = FakeAccel::new(5);
        let target: u64 = 40_000;
        let t = target.to_be_bytes();
        let f = request_frame(CMD_WAIT_UNTIL, &t[2..]);
        let levels = uart_levels(&f, CPB, 0);
        let seen = run(&mut dut, &mut acc, &levels, 60_000, warp);
        let r = responses(&seen.sink.unwrap().bytes);
        let mut c = [0u8; 8];
        c[2..].copy_from_slice(&r[0].2);
        assert_eq!(
            (r[0].1, u64::from_be_bytes(c)),
            (STATUS_OK, target + 1),
            "warp {warp}"
        );
        // the same target again is in the past now
        let seen = run(&mut dut, &mut acc, &levels, answer_cycles(6), warp);
        let r = responses(&seen.sink.unwrap().bytes);
        assert_eq!(r[0].1, STATUS_LATE, "warp {warp}");
    }
}

/// Random traffic: every command (good and damaged), noise, resets.
fn random_traffic(rng: &mut ChaCha8Rng, frames: usize) -> Vec<bool> {
    let mut levels = Vec::new();
    for _ in 0..frames {
        let cmd = match rng.gen_range(0..12) {
            0..=7 => rng.gen_range(1..=8),
            8 => rng.gen(),
            _ => CMD_WRITE,
        };
        let timed = matches!(cmd, CMD_PRESENT | CMD_STEP) && rng.gen_bool(0.5);
        let len = if timed {
            TIMED_LEN
        } else {
            request_len(cmd, LINK_ROWS).unwrap_or(rng.gen_range(0..4))
        };
        let mut payload: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        if cmd == CMD_WAIT_UNTIL || timed {
            // a near future (or, sometimes, the past)
            let t = (levels.len() as u64 + rng.gen_range(0..3000)).to_be_bytes();
            payload.copy_from_slice(&t[2..]);
        }
        let mut f = request_frame(cmd, &payload);
        match rng.gen_range(0..10) {
            0 => {
                let i = rng.gen_range(1..f.len());
                f[i] ^= 1 << rng.gen_range(0..8);
            }
            1 => f.truncate(rng.gen_range(1..f.len())),
            2 => f.insert(0, rng.gen()),
            _ => {}
        }
        let mut l = uart_levels(&f, CPB, rng.gen_range(0..3));
        if rng.gen_ratio(1, 15) {
            // a glitch or a broken stop bit somewhere
            let i = rng.gen_range(0..l.len());
            let n = rng.gen_range(1..2 * CPB as usize).min(l.len() - i);
            for x in &mut l[i..i + n] {
                *x = !*x;
            }
        }
        levels.extend(l);
        // room for the answer (and the timeout of a truncated frame)
        levels.extend(std::iter::repeat_n(
            true,
            rng.gen_range(120..2200) * CPB as usize,
        ));
    }
    levels
}

#[test]
fn three_back_ends_agree_on_random_traffic() {
    for seed in 0..3u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let levels = random_traffic(&mut rng, 60);
        let mut dut = ThreeWay::new();
        let mut acc = FakeAccel::new(seed);
        let seen = run(&mut dut, &mut acc, &levels, 10_000, seed == 2);
        // the traffic exercised the link: answers came back intact
        let sink = seen.sink.unwrap();
        assert_eq!(sink.framing_errors, 0);
        let r = responses(&sink.bytes);
        assert!(r.len() > 30, "seed {seed}: {} answers", r.len());
        assert!(r.iter().any(|x| x.1 == STATUS_OK) && r.iter().any(|x| x.1 != STATUS_OK));
        assert!(seen.ticks > 0 && !seen.writes.is_empty());
    }
}

/// Around the cycle at which a timed STEP is accepted: either its tick
/// lands in `at + 2` and the answer is `OK`, or it lands later and the
/// answer is `LATE`; both happen in the range.
#[test]
fn a_timed_step_is_on_time_or_answered_late_never_both() {
    let mut seen = (false, false);
    for at in 780u64..820 {
        let mut dut = ThreeWay::new();
        let mut acc = FakeAccel::new(7);
        let f = request_frame(CMD_STEP, &at.to_be_bytes()[2..]);
        let levels = uart_levels(&f, CPB, 0);
        let mut inp = LinkInputs::default();
        let mut last = LinkOutputs::default();
        let mut sink = UartSink::new(CPB);
        let mut tick_at = None;
        for k in 0..2_500u64 {
            inp.uart_rx = levels.get(k as usize).copied().unwrap_or(true);
            acc.drive(&mut inp, &last);
            last = dut.step(&inp);
            sink.push(last.uart_tx);
            if last.acc_tick {
                tick_at.get_or_insert(k + 1);
            }
        }
        let status = responses(&sink.bytes)[0].1;
        let tick = tick_at.expect("a tick");
        match status {
            STATUS_OK => assert_eq!(tick, at + 2, "at {at}"),
            STATUS_LATE => assert!(tick > at + 2, "at {at}: tick {tick}"),
            s => panic!("at {at}: status {s}"),
        }
        seen.0 |= status == STATUS_OK;
        seen.1 |= status == STATUS_LATE;
    }
    assert_eq!(seen, (true, true));
}
