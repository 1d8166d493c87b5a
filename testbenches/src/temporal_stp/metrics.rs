//! E3's separability: inter-class against intra-class distance of the
//! membrane read-outs.

/// Mean inter-class and intra-class distance of 1-D read-outs `[class][presentation]`.
pub fn distances(points: &[Vec<f64>]) -> (f64, f64) {
    let (mut inter, mut ni, mut intra, mut na) = (0.0, 0u64, 0.0, 0u64);
    for (c, pc) in points.iter().enumerate() {
        for (i, &a) in pc.iter().enumerate() {
            for &b in &pc[i + 1..] {
                intra += (a - b).abs();
                na += 1;
            }
            for pd in &points[c + 1..] {
                for &b in pd {
                    inter += (a - b).abs();
                    ni += 1;
                }
            }
        }
    }
    (inter / ni.max(1) as f64, intra / na.max(1) as f64)
}
