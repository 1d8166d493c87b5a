//! Property tests of the VCD reader (proptest, fixed seed, modest case
//! counts): random valid files round-trip through the reader, in whole and
//! through the streaming window and summary readers; random mutations of
//! valid files give an error with a line number or a waveform that
//! summarizes and renders, and never a panic.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use neuroxbar_cosim::wave::{
    parse_vcd_bytes, try_render, Bits, RenderOptions, Time, Value, VcdReader,
};

/// A runner with a fixed seed, so that CI sees the same cases every time.
fn runner(cases: u32, seed: u8) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

#[derive(Clone, Debug)]
enum Kind {
    Bits(u32),
    Real,
    Event,
    Str,
}

#[derive(Clone, Debug)]
struct Var {
    scope: usize,
    name: String,
    id: String,
    kind: Kind,
}

/// One generated file: its variables and, per timestamp, the changes
/// (variable index, value text as written after the type letter).
#[derive(Clone, Debug)]
struct Dump {
    vars: Vec<Var>,
    steps: Vec<(Time, Vec<(usize, String)>)>,
}

const SCOPES: [&str; 3] = ["top", "top.core", "top.xbar"];

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        4 => prop_oneof![Just(1u32), 2u32..70].prop_map(Kind::Bits),
        1 => Just(Kind::Real),
        1 => Just(Kind::Event),
        1 => Just(Kind::Str),
    ]
}

fn value(kind: &Kind) -> BoxedStrategy<String> {
    match kind {
        Kind::Bits(w) => proptest::collection::vec(
            prop_oneof![4 => Just('0'), 4 => Just('1'), 1 => Just('x'), 1 => Just('z')],
            *w as usize,
        )
        .prop_map(|bits| bits.into_iter().collect())
        .boxed(),
        Kind::Real => prop_oneof![
            any::<f64>().prop_filter("finite", |r| r.is_finite()),
            Just(1e308),
            Just(-0.0),
            Just(f64::INFINITY),
        ]
        .prop_map(|r| format!("{r:e}"))
        .boxed(),
        Kind::Event => Just("1".to_string()).boxed(),
        Kind::Str => "[A-Za-z0-9_]{1,8}".boxed(),
    }
}

fn dump() -> impl Strategy<Value = Dump> {
    let var = (0..SCOPES.len(), kind());
    (
        proptest::collection::vec(var, 1..7),
        proptest::collection::hash_set("[!-~]{1,3}", 7),
    )
        .prop_flat_map(|(vars, ids)| {
            let ids: Vec<String> = ids.into_iter().collect();
            let vars: Vec<Var> = vars
                .into_iter()
                .enumerate()
                .map(|(i, (scope, kind))| Var {
                    scope,
                    name: format!("v{i}"),
                    id: ids[i].clone(),
                    kind,
                })
                .collect();
            let n = vars.len();
            let change = (0..n).prop_flat_map({
                let vars = vars.clone();
                move |i| value(&vars[i].kind).prop_map(move |v| (i, v))
            });
            let step = (1u64..1000, proptest::collection::vec(change, 0..5));
            (Just(vars), proptest::collection::vec(step, 1..25))
        })
        .prop_map(|(vars, raw)| {
            let mut t = 0;
            let steps = raw
                .into_iter()
                .map(|(dt, changes)| {
                    t += dt;
                    // One change per variable and time: the last one wins.
                    let mut seen = std::collections::BTreeMap::new();
                    for (i, v) in changes {
                        seen.insert(i, v);
                    }
                    (t, seen.into_iter().collect())
                })
                .collect();
            Dump { vars, steps }
        })
}

/// Drops leading zeros that the standard's extension puts back.
fn shorten_bits(b: &str) -> &str {
    let mut s = b;
    while s.len() > 1 && s.starts_with('0') && matches!(s.as_bytes()[1], b'0' | b'1') {
        s = &s[1..];
    }
    s
}

fn write(d: &Dump) -> String {
    let mut s = String::from("$date today $end\n$timescale 10ps $end\n");
    s.push_str("$scope module top $end\n");
    for (scope, inner) in [(0usize, None), (1, Some("core")), (2, Some("xbar"))] {
        if let Some(inner) = inner {
            s.push_str(&format!("$scope module {inner} $end\n"));
        }
        for v in d.vars.iter().filter(|v| v.scope == scope) {
            let (kind, width) = match v.kind {
                Kind::Bits(w) => ("wire", w),
                Kind::Real => ("real", 64),
                Kind::Event => ("event", 1),
                Kind::Str => ("string", 1),
            };
            s.push_str(&format!("$var {kind} {width} {} {} $end\n", v.id, v.name));
        }
        if inner.is_some() {
            s.push_str("$upscope $end\n");
        }
    }
    s.push_str("$upscope $end\n$enddefinitions $end\n");
    for (t, changes) in &d.steps {
        s.push_str(&format!("#{t}\n"));
        for (i, v) in changes {
            let var = &d.vars[*i];
            match var.kind {
                Kind::Bits(1) | Kind::Event => s.push_str(&format!("{v}{}\n", var.id)),
                Kind::Bits(_) => s.push_str(&format!("b{} {}\n", shorten_bits(v), var.id)),
                Kind::Real => s.push_str(&format!("r{v} {}\n", var.id)),
                Kind::Str => s.push_str(&format!("s{v} {}\n", var.id)),
            }
        }
    }
    s
}

/// The value the reader should give for a generated value text.
fn expected(kind: &Kind, text: &str) -> Value {
    match kind {
        Kind::Bits(w) => Value::Bits(Bits::parse_vcd(text.as_bytes(), *w).unwrap()),
        Kind::Event => Value::Bits(Bits::parse_vcd(b"1", 1).unwrap()),
        Kind::Real => Value::Real(text.parse().unwrap()),
        Kind::Str => Value::Str(text.to_string()),
    }
}

fn full_name(v: &Var) -> String {
    format!("{}.{}", SCOPES[v.scope], v.name)
}

#[test]
fn valid_files_round_trip() {
    runner(96, 1)
        .run(&(dump(), 0.0f64..1.0, 0.0f64..1.0), |(d, a, b)| {
            let text = write(&d);
            let w = parse_vcd_bytes(text.as_bytes(), "gen.vcd")
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(w.signals.len(), d.vars.len());
            let last = d.steps.last().map(|s| s.0);
            prop_assert_eq!(w.end_time, last);
            for (i, var) in d.vars.iter().enumerate() {
                let sig = w.signal(&full_name(var)).unwrap();
                let want: Vec<(Time, Value)> = d
                    .steps
                    .iter()
                    .flat_map(|(t, ch)| {
                        ch.iter()
                            .filter(|(j, _)| *j == i)
                            .map(|(_, v)| (*t, expected(&var.kind, v)))
                    })
                    .collect();
                prop_assert_eq!(sig.changes.len(), want.len(), "{}", sig.name);
                for ((t, v), (wt, wv)) in sig.changes.iter().zip(&want) {
                    prop_assert_eq!(t, wt);
                    prop_assert!(v.same_as(wv), "{} at {}: {:?} != {:?}", sig.name, t, v, wv);
                }
            }
            // The summary reader agrees with the whole-file reader.
            let s = VcdReader::new(text.as_bytes(), "gen.vcd")
                .unwrap()
                .read_summary()
                .unwrap();
            prop_assert_eq!(s.summary(), w.summary());
            // A random window (between two timestamps, so that changes fall on
            // its edges) of a random signal agrees at every timestamp in it.
            let times: Vec<Time> = d.steps.iter().map(|s| s.0).collect();
            let pick_time =
                |f: f64| times[((f * times.len() as f64) as usize).min(times.len() - 1)];
            let (from, to) = (pick_time(a.min(b)), pick_time(a.max(b)));
            let pick = full_name(&d.vars[(a * 1000.0) as usize % d.vars.len()]);
            let r = VcdReader::new(text.as_bytes(), "gen.vcd").unwrap();
            let keep = r.select(&[pick.clone()]).unwrap();
            let win = r.read_window(&keep, Some(from), Some(to)).unwrap();
            let full = w.signal(&pick).unwrap();
            let part = &win.signals[0];
            if !full.is_event() {
                for &t in times.iter().filter(|&&t| t >= from && t <= to) {
                    prop_assert_eq!(
                        part.value_at(t).map(Value::display_text),
                        full.value_at(t).map(Value::display_text),
                        "{} at {} in {}..={}",
                        pick,
                        t,
                        from,
                        to
                    );
                }
            }
            let opts = RenderOptions {
                signals: Some(vec![pick.clone()]),
                from: Some(from),
                to: Some(to),
                max_width: Some(100),
            };
            let windowed = RenderOptions {
                signals: None,
                ..opts.clone()
            };
            prop_assert_eq!(try_render(&win, &windowed), try_render(&w, &opts));
            Ok(())
        })
        .unwrap();
}

#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![
        4 => proptest::sample::select(b"01xzbBrs#$ \n!\"[]:-.eE9".to_vec()),
        1 => any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        if bytes.is_empty() {
            break;
        }
        let n = bytes.len();
        match *e {
            Edit::Replace(i, b) => bytes[i % n] = b,
            Edit::Insert(i, b) => bytes.insert(i % (n + 1), b),
            Edit::Delete(i) => {
                bytes.remove(i % n);
            }
            Edit::Truncate(i) => bytes.truncate(i % n),
        }
    }
    bytes
}

#[test]
fn mutated_files_give_a_line_numbered_error_or_a_consistent_waveform() {
    let edits = proptest::collection::vec(edit(), 1..4);
    runner(256, 2)
        .run(&(dump(), edits), |(d, edits)| {
            let good = write(&d);
            let bad = apply(good.into_bytes(), &edits);
            let lines = bad.iter().filter(|&&b| b == b'\n').count() + 1;
            match parse_vcd_bytes(&bad, "mut.vcd") {
                Err(e) => {
                    prop_assert!(
                        e.line >= 1 && e.line <= lines,
                        "line {} of {lines}: {e}",
                        e.line
                    );
                    let prefix = format!("mut.vcd:{}: ", e.line);
                    prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
                    prop_assert!(!e.message.chars().any(|c| c.is_control()), "{e:?}");
                    // Every reader rejects the file at the same place.
                    let s = VcdReader::new(&bad[..], "mut.vcd").and_then(|r| r.read_summary());
                    prop_assert_eq!(s.err(), Some(e));
                }
                Ok(w) => {
                    let s = VcdReader::new(&bad[..], "mut.vcd")
                        .and_then(|r| r.read_summary())
                        .map_err(|e| TestCaseError::fail(format!("summary reader: {e}")))?;
                    prop_assert_eq!(s.summary(), w.summary());
                    for width in [None, Some(80)] {
                        let opts = RenderOptions {
                            max_width: width,
                            ..Default::default()
                        };
                        prop_assert!(try_render(&w, &opts).is_ok());
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
