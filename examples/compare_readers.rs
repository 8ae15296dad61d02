use thidua::read::xlsx::XlsxBook;
use thidua::settings::Limits;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let limits = Limits::default();
    let (mut n, mut t_fast, mut t_slow) = (0, 0u128, 0u128);
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        let t0 = std::time::Instant::now();
        let mut fast = XlsxBook::open(bytes.clone(), &limits).unwrap();
        let names = fast.sheet_names();
        let a: Vec<_> = names.iter().map(|(n, _)| fast.sheet(n).unwrap().0).collect();
        let t1 = std::time::Instant::now();
        let mut slow = thidua::read::open(bytes, &limits).unwrap();
        let b: Vec<_> = names.iter().map(|(n, _)| slow.sheet(n).unwrap()).collect();
        let t2 = std::time::Instant::now();
        t_fast += (t1 - t0).as_micros();
        t_slow += (t2 - t1).as_micros();
        for (x, y) in a.iter().zip(&b) {
            let cx: Vec<_> = x.rows.iter().flat_map(|r| r.cells.iter().map(move |(c, v)| (r.index, *c, v.clone()))).collect();
            let cy: Vec<_> = y.rows.iter().flat_map(|r| r.cells.iter().map(move |(c, v)| (r.index, *c, v.clone()))).collect();
            assert_eq!(cx, cy, "{}", p.display());
        }
        n += 1;
    }
    println!("{n} files equal; fast {} µs/file, calamine {} µs/file", t_fast / n, t_slow / n);
}
