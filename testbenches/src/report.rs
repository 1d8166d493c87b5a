//! Report writing shared by `neuroxbar device` and the experiments: atomic
//! file writes, CSV, and SVG plots (line / scatter with optional log axes,
//! heatmap, histogram) drawn with `plotters`' SVG backend. Text is emitted as
//! SVG `<text>` elements, so no system fonts are needed to render the plots.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

/// Files complete or absent: the tool flow's atomic write.
pub use neuroxbar_flow::write_atomic;

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV text from a header and rows of already formatted fields (RFC 4180 quoting).
pub fn csv_string(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Write a CSV file atomically.
pub fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    write_atomic(path, csv_string(header, rows).as_bytes())
}

/// Write a flat JSON object atomically (keys sorted).
pub fn write_json(path: &Path, map: &BTreeMap<String, serde_json::Value>) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(map).map_err(std::io::Error::other)?;
    write_atomic(path, format!("{text}\n").as_bytes())
}

/// One curve of a line / scatter plot.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotSeries {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Line (true) or markers (false).
    pub line: bool,
}

/// A line / scatter plot; axis labels should carry their units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinePlot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub log_x: bool,
    pub log_y: bool,
    pub series: Vec<PlotSeries>,
}

const SIZE: (u32, u32) = (900, 560);

fn palette(i: usize) -> RGBColor {
    const C: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(214, 39, 40),
        RGBColor(44, 160, 44),
        RGBColor(255, 127, 14),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(23, 190, 207),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
    ];
    C[i % C.len()]
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("plot: {e}")
}

fn bounds(v: impl Iterator<Item = f64>, log: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in v.filter(|x| x.is_finite() && (!log || *x > 0.0)) {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if !lo.is_finite() {
        return if log { (0.1, 1.0) } else { (0.0, 1.0) };
    }
    if log {
        if hi <= lo {
            return (lo / 2.0, hi * 2.0);
        }
        let f = (hi / lo).powf(0.04);
        (lo / f, hi * f)
    } else {
        if hi <= lo {
            let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            return (lo - d, hi + d);
        }
        let pad = 0.04 * (hi - lo);
        (lo - pad, hi + pad)
    }
}

/// Tick label with enough significant digits to tell ticks `span / 10`
/// apart (at least 3); values within `1e-9 * span` of zero print as `0`.
fn fmt_tick_span(v: f64, span: f64) -> String {
    let a = v.abs();
    if a == 0.0 || (span > 0.0 && a < 1e-9 * span) {
        return "0".into();
    }
    let sig = if span > 0.0 {
        ((a / (span / 10.0)).log10().ceil() as i32 + 1).clamp(3, 9)
    } else {
        3
    } as usize;
    if !(1e-2..1e4).contains(&a) {
        let s = format!("{v:.prec$e}", prec = sig - 1);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let m = if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        format!("{m}e{e}")
    } else {
        let decimals = (sig as i32 - 1 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

/// Labelled and unlabelled ticks of a log axis over `[lo, hi]` (`0 < lo < hi`):
/// every decade, plus 2x and 5x (or every mantissa 1..9) when the range
/// holds too few decades to label; unlabelled ticks at every mantissa 1..9.
fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let at = |mantissas: &[f64]| -> Vec<f64> {
        (k0..=k1)
            .flat_map(|k| mantissas.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|v| *v >= lo * (1.0 - 1e-12) && *v <= hi * (1.0 + 1e-12))
            .collect()
    };
    let all: Vec<f64> = (1..=9).map(f64::from).collect();
    let mut bold = at(&[1.0]);
    if bold.len() < 3 {
        bold = at(&[1.0, 2.0, 5.0]);
    }
    if bold.len() < 3 {
        bold = at(&all);
    }
    (bold, at(&all))
}

fn fmt_tick(v: &f64) -> String {
    fmt_tick_span(*v, 0.0)
}

fn draw_lines<X, Y>(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    p: &LinePlot,
    spans: (f64, f64),
    xr: X,
    yr: Y,
) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let legend_at = legend_corner(p);
    let (xs, ys) = spans;
    let xf = move |v: &f64| fmt_tick_span(*v, xs);
    let yf = move |v: &f64| fmt_tick_span(*v, ys);
    let mut chart = ChartBuilder::on(root)
        .caption(&p.title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(55)
        .y_label_area_size(95)
        .build_cartesian_2d(xr, yr)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(&p.x_label)
        .y_desc(&p.y_label)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    for (i, s) in p.series.iter().enumerate() {
        let c = palette(i);
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .cloned()
            .filter(|(x, y)| {
                x.is_finite() && y.is_finite() && (!p.log_x || *x > 0.0) && (!p.log_y || *y > 0.0)
            })
            .collect();
        if s.line {
            chart
                .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        } else {
            chart
                .draw_series(pts.into_iter().map(|pt| Circle::new(pt, 3, c.filled())))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| Circle::new((x + 10, y), 3, c.filled()));
        }
    }
    if p.series.iter().any(|s| !s.name.is_empty()) {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .position(legend_at)
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// The plot corner whose legend-sized box (40 % of the width, 8 % of the
/// height per series) covers the fewest data points, upper right first.
fn legend_corner(p: &LinePlot) -> SeriesLabelPosition {
    let norm = |v: f64, log: bool| {
        if log {
            v.max(f64::MIN_POSITIVE).log10()
        } else {
            v
        }
    };
    let pts: Vec<(f64, f64)> = p
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|&(x, y)| (norm(x, p.log_x), norm(y, p.log_y)))
        .collect();
    let (bx, by) = (
        bounds(pts.iter().map(|q| q.0), false),
        bounds(pts.iter().map(|q| q.1), false),
    );
    let h = (0.08 * p.series.len() as f64 + 0.04).min(0.9);
    let corners = [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let covered = |right: bool, upper: bool| {
        pts.iter()
            .filter(|(x, y)| {
                let u = (x - bx.0) / (bx.1 - bx.0);
                let v = (y - by.0) / (by.1 - by.0);
                (if right { u > 0.6 } else { u < 0.4 }) && (if upper { v > 1.0 - h } else { v < h })
            })
            .count()
    };
    let mut best = (usize::MAX, SeriesLabelPosition::UpperRight);
    for (pos, right, upper) in corners {
        let n = covered(right, upper);
        if n < best.0 {
            best = (n, pos);
        }
    }
    best.1
}

/// Render a line / scatter plot as SVG text.
pub fn line_plot_svg(p: &LinePlot) -> Result<String, String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (x0, x1) = bounds(
            p.series.iter().flat_map(|s| s.points.iter().map(|q| q.0)),
            p.log_x,
        );
        let (y0, y1) = bounds(
            p.series.iter().flat_map(|s| s.points.iter().map(|q| q.1)),
            p.log_y,
        );
        let spans = (
            if p.log_x { 0.0 } else { x1 - x0 },
            if p.log_y { 0.0 } else { y1 - y0 },
        );
        let log_axis = |a: f64, b: f64| {
            let (bold, light) = log_ticks(a, b);
            (a..b)
                .log_scale()
                .with_key_points(bold)
                .with_light_points(light)
        };
        match (p.log_x, p.log_y) {
            (false, false) => draw_lines(&root, p, spans, x0..x1, y0..y1)?,
            (true, false) => draw_lines(&root, p, spans, log_axis(x0, x1), y0..y1)?,
            (false, true) => draw_lines(&root, p, spans, x0..x1, log_axis(y0, y1))?,
            (true, true) => draw_lines(&root, p, spans, log_axis(x0, x1), log_axis(y0, y1))?,
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Blue-white-red colour for `t` in [0, 1].
fn heat(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let lerp = |a: f64, b: f64, u: f64| (a + (b - a) * u).round() as u8;
    if t < 0.5 {
        let u = t / 0.5;
        RGBColor(
            lerp(49.0, 247.0, u),
            lerp(54.0, 247.0, u),
            lerp(149.0, 247.0, u),
        )
    } else {
        let u = (t - 0.5) / 0.5;
        RGBColor(
            lerp(247.0, 165.0, u),
            lerp(247.0, 0.0, u),
            lerp(247.0, 38.0, u),
        )
    }
}

/// Render a matrix (`values[row][col]`) as a heatmap; rows run top to bottom.
pub fn heatmap_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    values: &[Vec<f64>],
    value_label: &str,
) -> Result<String, String> {
    let rows = values.len();
    let cols = values.iter().map(|r| r.len()).max().unwrap_or(0);
    let (lo, hi) = bounds(values.iter().flatten().cloned(), false);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "{title} (colour: {value_label}, {} .. {})",
                    fmt_tick(&lo),
                    fmt_tick(&hi)
                ),
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(60)
            // cells centred on their integer indices
            .build_cartesian_2d(
                -0.5..cols.max(1) as f64 - 0.5,
                rows.max(1) as f64 - 0.5..-0.5,
            )
            .map_err(err)?;
        // label only whole indices
        let index = |v: &f64| {
            if (v - v.round()).abs() < 1e-9 {
                format!("{}", v.round() as i64)
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .x_labels(cols.clamp(2, 26) + 1)
            .y_labels(rows.clamp(2, 26) + 1)
            .x_label_formatter(&index)
            .y_label_formatter(&index)
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        let span = (hi - lo).max(1e-300);
        chart
            .draw_series(values.iter().enumerate().flat_map(|(r, row)| {
                row.iter().enumerate().map(move |(c, v)| {
                    Rectangle::new(
                        [
                            (c as f64 - 0.5, r as f64 - 0.5),
                            (c as f64 + 0.5, r as f64 + 0.5),
                        ],
                        heat((v - lo) / span).filled(),
                    )
                })
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Render a histogram of `values` with `bins` equal bins.
pub fn histogram_svg(
    title: &str,
    x_label: &str,
    values: &[f64],
    bins: usize,
) -> Result<String, String> {
    let bins = bins.max(1);
    let (lo, hi) = bounds(values.iter().cloned(), false);
    let w = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for v in values.iter().filter(|v| v.is_finite()) {
        let k = (((v - lo) / w) as usize).min(bins - 1);
        counts[k] += 1;
    }
    let top = counts.iter().cloned().max().unwrap_or(0).max(1) as f64 * 1.08;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(55)
            .y_label_area_size(70)
            .build_cartesian_2d(lo..hi, 0.0..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc("count (1)")
            .x_label_formatter(&fmt_tick)
            .y_label_formatter(&fmt_tick)
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(counts.iter().enumerate().map(|(k, &c)| {
                let x0 = lo + w * k as f64;
                Rectangle::new(
                    [(x0, 0.0), (x0 + w, c as f64)],
                    palette(0).mix(0.7).filled(),
                )
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_and_csv_quoting() {
        let dir = std::env::temp_dir().join(format!("nx-report-{}", std::process::id()));
        let p = dir.join("a.csv");
        write_csv(&p, &["series", "x_s"], &[vec!["a,b".into(), "1".into()]]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "series,x_s\n\"a,b\",1\n"
        );
        let leftovers = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn log_axes_label_at_least_three_ticks() {
        let close = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x / y - 1.0).abs() < 1e-9)
        };
        // three decades: decades only
        let (bold, light) = log_ticks(7e-19, 5e-16);
        assert!(close(&bold, &[1e-18, 1e-17, 1e-16]), "{bold:?}");
        assert_eq!(light.len(), 3 + 9 + 9 + 5);
        // one decade: 1-2-5
        let (bold, _) = log_ticks(3.0, 40.0);
        assert!(close(&bold, &[5.0, 10.0, 20.0]), "{bold:?}");
        // less than a factor 2.5: every mantissa
        let (bold, _) = log_ticks(1.5e-7, 3.5e-7);
        assert!(close(&bold, &[2e-7, 3e-7]), "{bold:?}");
    }

    #[test]
    fn legend_avoids_the_data() {
        let plot = |pts: Vec<(f64, f64)>| LinePlot {
            title: "t".into(),
            x_label: "x (1)".into(),
            y_label: "y (1)".into(),
            log_x: false,
            log_y: false,
            series: vec![PlotSeries {
                name: "data".into(),
                points: pts,
                line: true,
            }],
        };
        // rising data fills the upper right: the legend goes upper left
        let rising: Vec<(f64, f64)> = (0..50).map(|k| (k as f64, k as f64)).collect();
        assert!(matches!(
            legend_corner(&plot(rising)),
            SeriesLabelPosition::UpperLeft
        ));
        let falling: Vec<(f64, f64)> = (0..50).map(|k| (k as f64, -(k as f64))).collect();
        assert!(matches!(
            legend_corner(&plot(falling)),
            SeriesLabelPosition::UpperRight
        ));
    }

    #[test]
    fn plots_render_text_and_log_axes() {
        let p = LinePlot {
            title: "t".into(),
            x_label: "interval (s)".into(),
            y_label: "index (1)".into(),
            log_x: true,
            log_y: false,
            series: vec![PlotSeries {
                name: "data".into(),
                points: vec![(0.01, 1.0), (0.1, 0.5), (1.0, 0.1)],
                line: false,
            }],
        };
        let svg = line_plot_svg(&p).unwrap();
        assert!(svg.contains("<svg") && svg.contains("interval (s)") && svg.contains("<circle"));
        let h = histogram_svg("h", "conductance (S)", &[1.0, 2.0, 2.0, 3.0], 3).unwrap();
        assert!(h.contains("conductance (S)") && h.contains("<rect"));
        let m = heatmap_svg(
            "w",
            "column (1)",
            "row (1)",
            &[vec![0.0, 1.0], vec![2.0, 3.0]],
            "G (S)",
        )
        .unwrap();
        assert!(m.contains("row (1)"));
    }
}
