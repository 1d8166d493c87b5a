//! The waveform reader cases of the reliability issue, each reproduced: a
//! file cut inside an identifier code, an identifier declared twice with
//! different widths, an unknown `$var` type, `from` past the end, `event`
//! transitions, reals in full precision; and the streaming reader keeping
//! only the requested signals and window.

use neuroxbar_cosim::wave::{
    parse_vcd_bytes, try_render, RenderOptions, SelectError, Value, VcdError, VcdReader,
};

fn err(text: &str) -> VcdError {
    match parse_vcd_bytes(text.as_bytes(), "bad.vcd") {
        Ok(w) => panic!("expected an error, got {w:?}"),
        Err(e) => e,
    }
}

const HEAD: &str = "$timescale 1ns $end\n$scope module t $end\n\
                    $var wire 1 a x $end\n$var wire 1 ab y $end\n\
                    $upscope $end\n$enddefinitions $end\n";

#[test]
fn a_file_cut_inside_an_identifier_code_is_an_error_with_its_line() {
    let whole = format!("{HEAD}#0\n0a\n0ab\n#10\n1ab\n");
    let w = parse_vcd_bytes(whole.as_bytes(), "ok.vcd").unwrap();
    assert_eq!(
        w.signal("y").unwrap().value_at(10).unwrap().as_u64(),
        Some(1)
    );
    assert_eq!(w.signal("x").unwrap().transitions(), 0);
    // `1ab` cut to `1a`: before, this read as a change of `x`.
    let cut = &whole[..whole.len() - 2];
    assert!(cut.ends_with("\n1a"));
    let e = err(cut);
    assert_eq!(e.line, 11, "{e}");
    assert!(e.message.contains("cut inside"), "{e}");
    assert!(e.message.contains("`ab`"), "{e}");
    // The same last line with its newline is a complete, valid change of `x`.
    let w = parse_vcd_bytes(format!("{cut}\n").as_bytes(), "ok.vcd").unwrap();
    assert_eq!(
        w.signal("x").unwrap().value_at(10).unwrap().as_u64(),
        Some(1)
    );
    // A last timestamp without its newline may be cut too (`#100` -> `#10`).
    let e = err(&format!("{HEAD}#0\n0a\n#10"));
    assert_eq!((e.line, e.message.contains("timestamp")), (9, true), "{e}");
    // An id code that is no other code's prefix is complete without a newline.
    let w = parse_vcd_bytes(format!("{HEAD}#0\n0a\n1ab").as_bytes(), "ok.vcd").unwrap();
    assert_eq!(
        w.signal("y").unwrap().value_at(0).unwrap().as_u64(),
        Some(1)
    );
}

#[test]
fn an_identifier_declared_twice_with_different_widths_is_an_error() {
    let e = err("$var wire 4 ! a $end\n$var wire 8 ! b $end\n$enddefinitions $end\n");
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("declared again as a 8-bit"), "{e}");
    assert!(e.message.contains("line 1 declared it as a 4-bit"), "{e}");
    let e = err("$var wire 1 ! a $end\n$var real 1 ! b $end\n$enddefinitions $end\n");
    assert_eq!(e.line, 2, "{e}");
    // The same width and type is one net seen under two names.
    let w = parse_vcd_bytes(
        b"$var wire 4 ! a $end\n$var wire 4 ! b $end\n$enddefinitions $end\n#0\nb1 !\n",
        "ok.vcd",
    )
    .unwrap();
    assert_eq!(w.signals[0].changes, w.signals[1].changes);
}

#[test]
fn an_unknown_var_type_is_an_error() {
    let e = err("$scope module t $end\n$var wyre 1 ! a $end\n");
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("unknown variable type `wyre`"), "{e}");
    assert!(e.message.contains("wire"), "lists the known types: {e}");
    for kind in [
        "wire",
        "reg",
        "integer",
        "logic",
        "bit",
        "parameter",
        "time",
    ] {
        let text = format!("$var {kind} 8 ! a $end\n$enddefinitions $end\n");
        parse_vcd_bytes(text.as_bytes(), "ok.vcd").unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}

#[test]
fn values_of_the_wrong_kind_and_unclosed_blocks_are_errors() {
    let e = err("$var wire 4 ! a $end\n$enddefinitions $end\n#0\nr1.5 !\n");
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("real value"), "{e}");
    let e = err("$var real 64 ! a $end\n$enddefinitions $end\n#0\nb1 !\n");
    assert_eq!(e.line, 4, "{e}");
    let e = err("$var wire 1 ! a $end\n$enddefinitions $end\n#0\n$dumpvars\n1!\n");
    assert_eq!(e.line, 5, "{e}");
    assert!(
        e.message.contains("inside `$dumpvars` started at line 4"),
        "{e}"
    );
    let e = err("$var wire 1 ! a $end\n$enddefinitions $end\n#0\n1!\n$end\n");
    assert!(e.message.contains("`$end` without"), "{e}");
}

#[test]
fn from_past_the_end_is_an_error() {
    let w = parse_vcd_bytes(format!("{HEAD}#0\n0a\n#10\n1a\n#20\n").as_bytes(), "w.vcd").unwrap();
    let opts = |from| RenderOptions {
        from: Some(from),
        ..Default::default()
    };
    assert_eq!(
        try_render(&w, &opts(21)),
        Err(SelectError::PastEnd { from: 21, end: 20 })
    );
    assert!(try_render(&w, &opts(20)).is_ok());
    assert!(SelectError::PastEnd { from: 21, end: 20 }
        .to_string()
        .contains("after the end of the waveform"));
}

#[test]
fn event_variables_show_their_triggers() {
    let text = "$timescale 1ns $end\n$var event 1 e fire $end\n$var wire 1 c clk $end\n\
                $enddefinitions $end\n#0\n0c\n#1\n1c\n1e\n#2\n0c\n#3\n1c\n1e\n#4\n0c\n1e\n";
    let w = parse_vcd_bytes(text.as_bytes(), "ev.vcd").unwrap();
    let fire = w.signal("fire").unwrap();
    assert_eq!(fire.transitions(), 3);
    let out = try_render(&w, &RenderOptions::default()).unwrap();
    let row = out.lines().find(|l| l.starts_with("fire")).unwrap();
    assert_eq!(row, "fire        __^___^_^_", "{out}");
    // The summary reader counts the same.
    let r = VcdReader::new(text.as_bytes(), "ev.vcd").unwrap();
    let s = r.read_summary().unwrap();
    assert_eq!(s.signal("fire").unwrap().transitions(), 3);
    assert_eq!(s.signal("clk").unwrap().transitions(), 4);
}

#[test]
fn reals_print_in_full_precision() {
    let text = "$var real 64 ! r $end\n$enddefinitions $end\n#0\nr1e308 !\n#5\nr0.30000000000000004 !\n#10\nr-2.5e-7 !\n";
    let w = parse_vcd_bytes(text.as_bytes(), "r.vcd").unwrap();
    assert_eq!(w.signals[0].value_at(0), Some(&Value::Real(1e308)));
    let out = try_render(&w, &RenderOptions::default()).unwrap();
    assert!(out.contains("1e308"), "{out}");
    assert!(!out.contains("100000"), "{out}");
    // A value too long for its box is listed in full below the waveform.
    assert!(out.contains("r at 5: 0.30000000000000004"), "{out}");
    assert!(out.contains("-2.5e-7"), "{out}");
}

/// A dump where only a few signals and a short window are wanted.
fn long_dump(steps: u64) -> String {
    let mut s = String::from("$timescale 1ps $end\n$scope module top $end\n");
    for i in 0..20 {
        s.push_str(&format!("$var wire 8 s{i} v{i} [7:0] $end\n"));
    }
    s.push_str("$var wire 1 c clk $end\n$upscope $end\n$enddefinitions $end\n");
    for t in 0..steps {
        s.push_str(&format!("#{}\n{}c\n", t * 10, t % 2));
        for i in 0..20 {
            s.push_str(&format!("b{:b} s{i}\n", (t * (i + 1)) % 256));
        }
    }
    s
}

#[test]
fn streaming_keeps_only_the_requested_signals_and_window() {
    let text = long_dump(1000);
    let full = parse_vcd_bytes(text.as_bytes(), "long.vcd").unwrap();
    let reader = VcdReader::new(text.as_bytes(), "long.vcd").unwrap();
    assert_eq!(reader.header().signals.len(), 21);
    assert!(reader.header().signals.iter().all(|s| s.changes.is_empty()));
    let keep = reader.select(&["clk".into(), "v3".into()]).unwrap();
    let w = reader.read_window(&keep, Some(5000), Some(5100)).unwrap();
    let names: Vec<&str> = w.signals.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["top.clk", "top.v3"]);
    // The value in force at 5000 and the 10 changes after it up to 5100.
    for s in &w.signals {
        assert_eq!(s.changes.len(), 11, "{}", s.name);
        let f = full.signal(&s.name).unwrap();
        for t in 5000..=5100 {
            assert_eq!(s.value_at(t), f.value_at(t), "{} at {t}", s.name);
        }
    }
    assert_eq!(w.end_time, full.end_time);
    // The window renders as the whole file does.
    let opts = RenderOptions {
        signals: Some(vec!["clk".into(), "v3".into()]),
        from: Some(5000),
        to: Some(5100),
        max_width: Some(120),
    };
    let windowed = RenderOptions {
        signals: None,
        ..opts.clone()
    };
    assert_eq!(try_render(&w, &windowed), try_render(&full, &opts));
    // An invalid value in a signal that is not kept is still an error.
    let bad = text.replacen("b11 s2\n", "b1q s2\n", 1);
    let reader = VcdReader::new(bad.as_bytes(), "bad.vcd").unwrap();
    let keep = reader.select(&["clk".into()]).unwrap();
    let e = reader.read_window(&keep, None, None).unwrap_err();
    assert!(e.message.contains("invalid bit `q`"), "{e}");
}

#[test]
fn summary_reader_counts_like_the_full_reader() {
    let text = long_dump(300);
    let full = parse_vcd_bytes(text.as_bytes(), "long.vcd").unwrap();
    let s = VcdReader::new(text.as_bytes(), "long.vcd")
        .unwrap()
        .read_summary()
        .unwrap();
    assert_eq!(s.time_range(), full.time_range());
    for (a, b) in s.signals.iter().zip(&full.signals) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.transitions(), b.transitions(), "{}", a.name);
        assert!(a.changes.len() <= 1);
    }
    assert_eq!(s.summary(), full.summary());
}
