//! Text waveform rendering and summaries, pinned as insta snapshots.

use neuroxbar_cosim::wave::{
    read_vcd, render, summary, try_render, RenderOptions, SelectError, Waveform,
};

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn lif_cycles() -> Waveform {
    Waveform::from_cycles(&[
        ("tick", 1, vec![0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]),
        ("current", 8, vec![0, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0]),
        (
            "membrane",
            16,
            vec![0, 0, 3, 3, 6, 6, 9, 9, 0, 0, 0, 0xfffe],
        ),
        ("spike", 1, vec![0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
    ])
}

fn opts() -> RenderOptions {
    RenderOptions::default()
}

#[test]
fn cycles_as_columns() {
    insta::assert_snapshot!(render(&lif_cycles(), &opts()));
}

#[test]
fn selection_window_and_width() {
    let w = lif_cycles();
    let o = RenderOptions {
        signals: Some(vec!["spike".into(), "membrane".into()]),
        from: Some(4),
        to: Some(9),
        max_width: None,
    };
    insta::assert_snapshot!(render(&w, &o));
    let narrow = RenderOptions {
        max_width: Some(30),
        ..opts()
    };
    insta::assert_snapshot!("cut_to_30_chars", render(&w, &narrow));
    assert!(render(&w, &narrow)
        .lines()
        .all(|l| l.len() <= 30 || l.starts_with("... ")));
}

#[test]
fn long_values_and_scoped_names() {
    let w = Waveform::from_cycles(&[
        ("top.lif.membrane", 32, vec![0, 0xdead_beef, 0xdead_beef, 1]),
        ("top.lif.valid", 1, vec![0, 1, 1, 0]),
        ("top.wta.winner", 4, vec![0xf, 0xf, 2, 2]),
    ]);
    insta::assert_snapshot!(render(&w, &opts()));
}

#[test]
fn icarus_counter() {
    let w = read_vcd(data("icarus_counter.vcd")).unwrap();
    let o = RenderOptions {
        signals: Some(
            [
                "clk",
                "rst",
                "dut.count",
                "tb.membrane",
                "floating",
                "level",
                "mem[2]",
                "spike",
            ]
            .map(String::from)
            .to_vec(),
        ),
        max_width: Some(120),
        ..opts()
    };
    insta::assert_snapshot!(render(&w, &o));
}

#[test]
fn verilator_counter() {
    let w = read_vcd(data("verilator_counter.vcd")).unwrap();
    let o = RenderOptions {
        signals: Some(vec!["tb.clk".into(), "tb.count".into(), "wide".into()]),
        from: Some(40_000),
        to: Some(70_000),
        max_width: Some(100),
    };
    insta::assert_snapshot!(render(&w, &o));
}

#[test]
fn other_tool_everything() {
    let w = read_vcd(data("other_tool.vcd")).unwrap();
    insta::assert_snapshot!(render(&w, &opts()));
}

#[test]
fn summaries() {
    insta::assert_snapshot!(
        "summary_icarus",
        summary(&read_vcd(data("icarus_counter.vcd")).unwrap())
    );
    insta::assert_snapshot!(
        "summary_verilator",
        summary(&read_vcd(data("verilator_counter.vcd")).unwrap())
    );
    insta::assert_snapshot!(
        "summary_other_tool",
        summary(&read_vcd(data("other_tool.vcd")).unwrap())
    );
    insta::assert_snapshot!("summary_cycles", summary(&lif_cycles()));
}

#[test]
fn selection_errors() {
    let w = read_vcd(data("icarus_counter.vcd")).unwrap();
    let sel = |names: &[&str]| RenderOptions {
        signals: Some(names.iter().map(|s| s.to_string()).collect()),
        ..opts()
    };
    match try_render(&w, &sel(&["membrain"])) {
        Err(SelectError::Unknown { suggestions, .. }) => {
            assert_eq!(suggestions, vec!["tb.dut.membrane", "tb.membrane"])
        }
        r => panic!("{r:?}"),
    }
    // `count` names two different nets (tb.count is a wire, dut.count a reg
    // with its own id code in this dump).
    let e = try_render(&w, &sel(&["count"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "signal name `count` is ambiguous; it matches: tb.count, tb.dut.count"
    );
    let e = try_render(&w, &sel(&["nothing_like_it"])).unwrap_err();
    assert!(
        e.to_string().contains("no signal named `nothing_like_it`"),
        "{e}"
    );
    let e = try_render(
        &w,
        &RenderOptions {
            from: Some(10),
            to: Some(5),
            ..opts()
        },
    )
    .unwrap_err();
    assert_eq!(e, SelectError::EmptyWindow { from: 10, to: 5 });
}

#[test]
#[should_panic(expected = "did you mean: spike")]
fn render_panics_on_a_typo_in_a_testbench() {
    render(
        &lif_cycles(),
        &RenderOptions {
            signals: Some(vec!["spik".into()]),
            ..opts()
        },
    );
}

#[test]
fn rendering_is_deterministic_and_digest_is_stable() {
    let a = lif_cycles();
    let b = lif_cycles();
    assert_eq!(render(&a, &opts()), render(&b, &opts()));
    assert_eq!(a.digest(), b.digest());
    let c = Waveform::from_cycles(&[("tick", 1, vec![0, 1])]);
    assert_ne!(a.digest(), c.digest());
    insta::assert_snapshot!("lif_digest", a.digest());
}
