//! VCD reader: files written by Icarus Verilog, Verilator and a handwritten
//! "other tool" dump, malformed files, and a no-panic sweep over truncated and
//! corrupted inputs.

use neuroxbar_cosim::wave::{
    parse_vcd_bytes, read_vcd, Bits, Logic, TimeUnit, Timescale, Value, VcdError, Waveform,
};

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> Waveform {
    read_vcd(data(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn bits(w: &Waveform, name: &str, t: u64) -> String {
    match w.signal(name).unwrap().value_at(t) {
        Some(Value::Bits(b)) => b.to_bin(),
        other => panic!("{name}@{t}: {other:?}"),
    }
}

fn err(text: &str) -> VcdError {
    match parse_vcd_bytes(text.as_bytes(), "bad.vcd") {
        Ok(w) => panic!("expected an error, got {w:?}"),
        Err(e) => e,
    }
}

#[test]
fn icarus_dump() {
    let w = fixture("icarus_counter.vcd");
    assert_eq!(
        w.timescale,
        Some(Timescale {
            magnitude: 1,
            unit: TimeUnit::Ps
        })
    );
    assert_eq!(w.version.as_deref(), Some("Icarus Verilog"));
    assert_eq!(w.scopes, vec!["tb", "tb.dut"]);
    assert_eq!(w.time_range(), Some((0, 100_000)));
    // A vector value shorter than its width is zero-extended.
    assert_eq!(bits(&w, "tb.membrane", 15_000), "0000000100100011");
    assert_eq!(bits(&w, "tb.membrane", 0), "x".repeat(16));
    // x/z extension of short vectors: `bz0101` and `bx1010` on 8 bits.
    assert_eq!(bits(&w, "tb.floating", 0), "zzzz0101");
    assert_eq!(bits(&w, "tb.floating", 12_000), "xxxx1010");
    // Real variables, including NaN written during $dumpoff.
    let level = w.signal("tb.level").unwrap();
    assert_eq!(level.kind, "real");
    assert_eq!(level.value_at(0), Some(&Value::Real(1.5)));
    assert_eq!(level.value_at(12_000), Some(&Value::Real(2.25)));
    assert!(matches!(level.value_at(70_000), Some(Value::Real(r)) if r.is_nan()));
    // `tb.dut.clk` shares its id code with `tb.clk`.
    let clk = w.signal("tb.clk").unwrap();
    let dut_clk = w.signal("tb.dut.clk").unwrap();
    assert_eq!(clk.id_code, dut_clk.id_code);
    assert_eq!(clk.changes, dut_clk.changes);
    assert_eq!(clk.transitions(), 17);
    // An escaped array-word name in a re-entered scope.
    let mem = w.signal("tb.mem[2]").unwrap();
    assert_eq!(mem.local_name, "mem[2]");
    assert_eq!(mem.range.as_deref(), Some("[7:0]"));
    assert_eq!(mem.value_at(50_000).unwrap().as_u64(), Some(0x5a));
    // $dumpoff sets everything to x until $dumpon.
    assert_eq!(bits(&w, "tb.count", 65_000), "xxxx");
    assert_eq!(bits(&w, "tb.count", 80_000), "0111");
    assert_eq!(w.signal("dut.count").unwrap().name, "tb.dut.count");
}

#[test]
fn verilator_dump() {
    let w = fixture("verilator_counter.vcd");
    assert_eq!(w.timescale.unwrap().to_string(), "1ps");
    assert_eq!(w.scopes, vec!["TOP", "TOP.tb", "TOP.tb.dut"]);
    let m = w.signal("TOP.tb.dut.membrane").unwrap();
    assert_eq!(m.width, 16);
    assert_eq!(m.range.as_deref(), Some("[15:0]"));
    assert_eq!(m.id_code.as_deref(), Some("$"));
    assert_eq!(m.value_at(25_000).unwrap().as_u64(), Some(0x0246));
    // `#` is an identifier code here, not only a timestamp prefix.
    assert_eq!(
        w.signal("TOP.tb.count").unwrap().id_code.as_deref(),
        Some("#")
    );
    // A 72-bit vector.
    let wide = w.signal("wide").unwrap();
    assert_eq!(wide.width, 72);
    match wide.value_at(0).unwrap() {
        Value::Bits(b) => assert_eq!(b.to_u128(), Some((1u128 << 71) | 1)),
        v => panic!("{v:?}"),
    }
    match wide.value_at(60_000).unwrap() {
        Value::Bits(b) => {
            assert_eq!(b.to_u128(), Some(3));
            assert_eq!(b.to_hex(), "3");
        }
        v => panic!("{v:?}"),
    }
    // `membrane` alone is ambiguous by name but one net: it resolves.
    assert_eq!(w.signal("membrane").unwrap().name, "TOP.tb.membrane");
}

#[test]
fn other_tool_dump() {
    let w = fixture("other_tool.vcd");
    assert_eq!(w.timescale.unwrap().to_string(), "10ns");
    assert!(w.date.as_deref().unwrap().starts_with("Tue Mar"));
    assert_eq!(w.scopes, vec!["top", "top.core"]);
    let data = w.signal("top.data").unwrap();
    assert_eq!((data.width, data.range.as_deref()), (8, Some("[7:0]")));
    assert_eq!(bits(&w, "data", 0), "00000001");
    assert_eq!(bits(&w, "data", 3), "0000001x");
    assert_eq!(bits(&w, "data", 6), "zzzzzzzz");
    let mem = w.signal("mem[3]").unwrap();
    assert_eq!((mem.local_name.as_str(), mem.width), ("mem[3]", 4));
    assert_eq!(bits(&w, "top.mem[3]", 0), "xxxx");
    assert_eq!(bits(&w, "count", 2), format!("{:032b}", 5));
    // Shared id code across scopes.
    assert_eq!(
        w.signal("core.clk_in").unwrap().changes,
        w.signal("top.clk").unwrap().changes
    );
    assert_eq!(bits(&w, "clk_in", 7), "1");
    assert_eq!(
        w.signal("state").unwrap().value_at(3),
        Some(&Value::Str("RUN".into()))
    );
    assert_eq!(w.signal("fire").unwrap().kind, "event");
    // $dumpall repeats values: no extra transitions.
    assert_eq!(w.signal("count").unwrap().transitions(), 3);
    assert_eq!(w.time_range(), Some((0, 7)));
}

#[test]
fn minimal_files() {
    // No timescale, no timestamps, scalar value before the first `#`.
    let w = parse_vcd_bytes(b"$var wire 1 ! a $end $enddefinitions $end 1!", "m.vcd").unwrap();
    assert_eq!(w.timescale, None);
    assert_eq!(w.signals[0].name, "a");
    assert_eq!(w.signals[0].value_at(0).unwrap().as_u64(), Some(1));
    // Uppercase, CRLF line ends, `1 ps` with a space, VHDL std_logic bits.
    let text = "$timescale 1 ps $end\r\n$scope module t $end\r\n$var wire 4 a v $end\r\n\
                $upscope $end\r\n$enddefinitions $end\r\n#0\r\nBUX1H a\r\n#5\r\nX a\r\n";
    let w = parse_vcd_bytes(text.as_bytes(), "crlf.vcd").unwrap();
    assert_eq!(bits(&w, "t.v", 0), "xx11");
    assert_eq!(bits(&w, "t.v", 5), "xxxx");
    let mut b = Bits::zeros(3);
    b.set(2, Logic::Z);
    assert_eq!(b.to_bin(), "z00");
}

#[test]
fn malformed_files_name_file_and_line() {
    let head = "$timescale 1ns $end\n$scope module t $end\n$var wire 4 ! v $end\n$upscope $end\n$enddefinitions $end\n";
    let cases: Vec<(String, usize, &str)> = vec![
        (
            format!("{head}#0\nb0101 !\n$bogus\n"),
            8,
            "unknown or misplaced keyword `$bogus`",
        ),
        (
            format!("{head}#0\nb0101 ?\n"),
            7,
            "undeclared identifier code `?`",
        ),
        (format!("{head}#1x\n"), 6, "bad timestamp `#1x`"),
        (format!("{head}#-4\n"), 6, "bad timestamp"),
        (format!("{head}#10\n#5\n"), 7, "goes back in time"),
        (format!("{head}#0\nb0102 !\n"), 7, "invalid bit `2`"),
        (
            format!("{head}#0\nb11111 !\n"),
            7,
            "5 bits but the variable is 4 bits wide",
        ),
        (format!("{head}#0\nb0101"), 7, "without an identifier code"),
        (format!("{head}#0\nrabc !\n"), 7, "bad real value"),
        (format!("{head}#0\ngarbage\n"), 7, "found `garbage`"),
        (
            format!("{head}#0\n$comment never closed\n"),
            7,
            "file ended inside `$comment` started at line 7",
        ),
        (
            "$timescale 1ns $end\n$scope module t $end\n$var wire 4 ! v $end\n".into(),
            3,
            "truncated header",
        ),
        (
            "$timescale 1ns $end\n$var wire 4 ! v\n$var wire 1 \" w $end\n".into(),
            3,
            "before the `$end` of `$var` started at line 2",
        ),
        ("$timescale 7ns $end\n".into(), 1, "bad `$timescale`"),
        (
            "$scope module t $end\n$frobnicate $end\n".into(),
            2,
            "unknown keyword `$frobnicate`",
        ),
        ("$var wire x ! v $end\n".into(), 1, "bad variable width"),
        ("$var wire 1 ! $end\n".into(), 1, "`$var` needs"),
        ("$upscope $end\n".into(), 1, "without an open `$scope`"),
        (
            "$date\n today\n$end\nwire\n".into(),
            4,
            "expected a `$` declaration keyword",
        ),
    ];
    for (text, line, msg) in cases {
        let e = err(&text);
        assert_eq!(e.file, "bad.vcd");
        assert_eq!(
            (e.line, e.message.contains(msg)),
            (line, true),
            "{e}\n--- input:\n{text}"
        );
        assert!(
            e.to_string().starts_with(&format!("bad.vcd:{line}: ")),
            "{e}"
        );
    }
}

#[test]
fn binary_and_non_utf8_input_are_errors() {
    let e = parse_vcd_bytes(b"$date\n x \n$end\n\x7fELF\x02\x01\x01\0\0", "bin.vcd").unwrap_err();
    assert_eq!(e.line, 4);
    assert!(e.message.contains("binary data"), "{e}");
    let e = parse_vcd_bytes(b"$comment caf\xe9 $end\n", "latin1.vcd").unwrap_err();
    assert_eq!(e.line, 1);
    assert!(e.message.contains("invalid UTF-8"), "{e}");
    let e = parse_vcd_bytes(b"", "empty.vcd").unwrap_err();
    assert!(e.message.contains("truncated header"), "{e}");
    let e = read_vcd(data("does_not_exist.vcd")).unwrap_err();
    assert!(
        e.to_string().contains("does_not_exist.vcd: cannot open"),
        "{e}"
    );
}

/// Small deterministic xorshift generator (no dependency needed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn truncated_and_corrupted_files_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for name in [
        "icarus_counter.vcd",
        "verilator_counter.vcd",
        "other_tool.vcd",
    ] {
        let good = std::fs::read(data(name)).unwrap();
        for cut in 0..good.len() {
            let r = std::panic::catch_unwind(|| parse_vcd_bytes(&good[..cut], name).map(|_| ()));
            let r = r.unwrap_or_else(|_| panic!("panic on {name} cut at byte {cut}"));
            if let Err(e) = r {
                assert!(e.line >= 1 && e.to_string().starts_with(name), "{e}");
            }
        }
        for round in 0..3000 {
            let mut bad = good.clone();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() % bad.len() as u64) as usize;
                bad[at] = match rng.next() % 4 {
                    0 => rng.next() as u8,
                    1 => b"01xzb#$ \n!\"r"[(rng.next() % 12) as usize],
                    2 => bad[at] ^ (1 << (rng.next() % 8)),
                    _ => 0,
                };
            }
            let r = std::panic::catch_unwind(|| {
                if let Ok(w) = parse_vcd_bytes(&bad, name) {
                    // Whatever parses must also summarize and render.
                    let _ = w.summary();
                    let _ = neuroxbar_cosim::wave::try_render(
                        &w,
                        &neuroxbar_cosim::wave::RenderOptions {
                            max_width: Some(100),
                            ..Default::default()
                        },
                    );
                }
            });
            assert!(r.is_ok(), "panic on {name} corruption round {round}");
        }
    }
}
